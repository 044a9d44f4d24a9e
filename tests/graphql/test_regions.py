"""Regions through the API: stored in canonical form, filters read the same way, unknown places
refused with suggestions, nationwide carriers and donors (issue 17)."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    LOGISTICS,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    need_input,
    table_counts,
    verify_all,
)
from tests.pledges.steps import post_need, post_offer

OFFERS = """
query($filter: EntryFilter) {
  offers(filter: $filter) { edges { node { id region { province city adminCode } } } }
}"""
CARRIERS = """
query($filter: LogisticsOfferFilter) {
  logisticsOffers(filter: $filter) { edges { node { id } } }
}"""
MATCHING_OFFERS = """
query($id: ID!) {
  matchingOffers(needId: $id) { offer { id } factors { factor explanation } }
}"""


async def _ids(gql: GraphQLClient, query: str, flt: dict[str, Any]) -> set[str]:
    data = await gql.data(query, {"filter": flt})
    (connection,) = data.values()
    return {edge["node"]["id"] for edge in connection["edges"]}


async def _carrier(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    carrier = copy.deepcopy(LOGISTICS)
    carrier.update(overrides)
    payload = (await gql.data(SUBMIT_LOGISTICS, {"input": carrier}))["submitLogisticsOffer"]
    return payload  # type: ignore[no-any-return]


async def test_a_short_province_is_stored_canonical_and_found_by_either_name(
    gql: GraphQLClient, db: Database, app_client: httpx.AsyncClient
) -> None:
    sichuan = await post_offer(gql, region={"province": "四川"})
    await post_offer(gql, region={"province": "广东省", "city": "深圳市"})
    await verify_all(db)
    for asked in ("四川省", "四川", "Sichuan"):
        assert await _ids(gql, OFFERS, {"province": asked}) == {sichuan.id}, asked
    data = await gql.data(OFFERS, {"filter": {"province": "四川"}})
    region = data["offers"]["edges"][0]["node"]["region"]
    assert region == {"province": "四川省", "city": None, "adminCode": "510000"}
    # Exports take the same filters, read the same way.
    exported = await app_client.get("/export/offers.json", params={"province": "四川"})
    assert exported.status_code == 200
    assert [e["province"] for e in exported.json()["data"]] == ["四川省"]


async def test_a_city_in_the_province_field_brings_its_province_and_code(
    gql: GraphQLClient, db: Database
) -> None:
    wuhan = await post_offer(gql, region={"province": "武汉"})
    await verify_all(db)
    data = await gql.data(OFFERS, {"filter": {"city": "武汉"}})
    (edge,) = data["offers"]["edges"]
    assert edge["node"]["id"] == wuhan.id
    assert edge["node"]["region"] == {"province": "湖北省", "city": "武汉市", "adminCode": "420100"}


async def test_logistics_to_wuhan_city_finds_a_destination_written_wuhan(
    gql: GraphQLClient, db: Database
) -> None:
    to_wuhan = await _carrier(gql, destination={"province": "湖北", "city": "武汉"})
    assert to_wuhan["userErrors"] == []
    assert to_wuhan["logisticsOffer"]["destination"] == {"province": "湖北省", "city": "武汉市"}
    elsewhere = await _carrier(gql, destination={"province": "浙江", "city": "杭州"})
    assert elsewhere["userErrors"] == []
    await verify_all(db)
    found = await _ids(gql, CARRIERS, {"destinationCity": "武汉市"})
    assert found == {to_wuhan["logisticsOffer"]["id"]}
    assert await _ids(gql, CARRIERS, {"destinationProvince": "湖北"}) == found


async def test_an_unknown_province_is_refused_with_suggestions_and_writes_nothing(
    gql: GraphQLClient, db: Database
) -> None:
    before = await table_counts(db)
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input(region={"province": "火星省"})}))[
        "submitNeed"
    ]
    assert payload["need"] is None
    (error,) = [e for e in payload["userErrors"] if e["field"] == "region.province"]
    assert error["code"] == "UNKNOWN_REGION"
    assert "火星省" in error["message"] and "Did you mean" in error["message"]
    assert "省" in error["message"].split("Did you mean:")[1]
    assert await table_counts(db) == before


async def test_a_code_that_contradicts_the_names_is_refused(gql: GraphQLClient) -> None:
    region = {"province": "湖北省", "city": "武汉市", "adminCode": "110105"}
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input(region=region)}))["submitNeed"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("region.adminCode", "REGION_CODE_MISMATCH")
    ]
    assert "朝阳区" in payload["userErrors"][0]["message"]


async def test_a_need_cannot_be_nationwide(gql: GraphQLClient) -> None:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input(region={"province": "全国"})}))[
        "submitNeed"
    ]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("region.province", "NATIONWIDE_NOT_ALLOWED")
    ]


async def test_a_nationwide_carrier_shows_for_any_place(gql: GraphQLClient, db: Database) -> None:
    everywhere = await _carrier(
        gql, origin={"province": "全国各地"}, destination={"province": "全国"}
    )
    assert everywhere["userErrors"] == []
    node = everywhere["logisticsOffer"]
    assert node["origin"] == {"province": "全国", "city": None}
    assert node["region"]["adminCode"] == "100000"
    henan = await _carrier(gql)  # 河南省郑州市 to 湖北省武汉市
    await verify_all(db)
    nationwide, local = node["id"], henan["logisticsOffer"]["id"]
    assert await _ids(gql, CARRIERS, {"province": "四川省"}) == {nationwide}
    assert await _ids(gql, CARRIERS, {"province": "河南", "city": "郑州"}) == {nationwide, local}
    assert await _ids(gql, CARRIERS, {"destinationCity": "武汉"}) == {nationwide, local}
    assert await _ids(gql, CARRIERS, {"province": "全国"}) == {nationwide}


async def test_matching_ranks_an_offer_written_hubei_as_the_same_province(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql)  # 湖北省武汉市
    same_city = await post_offer(gql, region={"province": "Hubei", "city": "Wuhan"})
    same_province = await post_offer(gql, region={"province": "湖北", "city": "孝感"})
    nationwide = await post_offer(gql, region={"province": "全国"})
    await verify_all(db)
    found = (await gql.data(MATCHING_OFFERS, {"id": need.id}))["matchingOffers"]
    distance = {
        m["offer"]["id"]: next(f["explanation"] for f in m["factors"] if f["factor"] == "DISTANCE")
        for m in found
    }
    assert distance[same_city.id] == "Same city."
    assert distance[same_province.id] == "Same province."
    assert distance[nationwide.id] == "Serves the whole country."
