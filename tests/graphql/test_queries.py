"""Lists, filters, pagination, node lookups and the taxonomy over GraphQL."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    HOSPITAL,
    LODGING,
    LOGISTICS,
    OFFER,
    REGISTER_ORGANIZATION,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    need_input,
    verify_all,
)

NEEDS = """
query($filter: NeedFilter, $orderBy: NeedOrder, $first: Int, $after: String) {
  needs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id urgency notes region { province city }
                          organization { name kind } items { categoryCode } } }
  }
}"""

SPREAD = [
    # (urgency, province, city, category, organization kind, notes)
    ("LOW", "湖北省", "武汉市", "face.surgical_mask", "HOSPITAL", "n1"),
    ("CRITICAL", "湖北省", "黄冈市", "devices.ventilator", "HOSPITAL", "n2"),
    ("HIGH", "湖北省", "武汉市", "body.protective_coverall", "CLINIC", "n3"),
    ("CRITICAL", "湖北省", "孝感市", "face.medical_respirator", "CLINIC", "n4"),
    ("MEDIUM", "湖南省", "长沙市", "disinfection.alcohol_75", "HOSPITAL", "n5"),
]


async def seed_needs(gql: GraphQLClient, db: Database) -> list[dict[str, Any]]:
    needs = []
    for urgency, province, city, category, kind, notes in SPREAD:
        org = copy.deepcopy(HOSPITAL)
        org.update(kind=kind, region={"province": province, "city": city})
        value = need_input(
            urgency=urgency,
            notes=notes,
            organization=org,
            region={"province": province, "city": city},
            items=[{"categoryCode": category, "name": "x", "quantity": 10, "unit": "PIECE"}],
        )
        payload = (await gql.data(SUBMIT_NEED, {"input": value}))["submitNeed"]
        assert payload["userErrors"] == []
        needs.append(payload["need"])
    await verify_all(db)
    return needs


def notes_of(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["notes"] for edge in data["needs"]["edges"]]


async def test_needs_by_urgency_then_recency(gql: GraphQLClient, db: Database) -> None:
    await seed_needs(gql, db)
    data = await gql.data(NEEDS, {"orderBy": "URGENCY"})
    # n4 and n2 are both CRITICAL; n4 is the more recent.
    assert notes_of(data) == ["n4", "n2", "n3", "n5", "n1"]
    assert data["needs"]["totalCount"] == 5
    oldest = await gql.data(NEEDS, {"orderBy": "OLDEST"})
    assert notes_of(oldest) == ["n1", "n2", "n3", "n4", "n5"]
    newest = await gql.data(NEEDS, {"orderBy": "NEWEST"})
    assert notes_of(newest) == ["n5", "n4", "n3", "n2", "n1"]


@pytest.mark.parametrize("order", ["PRIORITY", "URGENCY", "RECENTLY_UPDATED", "NEWEST", "OLDEST"])
async def test_paging_through_every_order_visits_each_need_once(
    gql: GraphQLClient, db: Database, order: str
) -> None:
    await seed_needs(gql, db)
    whole = notes_of(await gql.data(NEEDS, {"orderBy": order}))
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = await gql.data(NEEDS, {"orderBy": order, "first": 2, "after": after})
        page = data["needs"]
        seen += notes_of(data)
        pages += 1
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == whole
    assert pages == 3


async def test_page_edges(gql: GraphQLClient, db: Database) -> None:
    await seed_needs(gql, db)
    empty = (await gql.data(NEEDS, {"first": 0}))["needs"]
    assert empty["edges"] == []
    assert empty["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    assert empty["totalCount"] == 5
    exact = (await gql.data(NEEDS, {"first": 5}))["needs"]
    assert len(exact["edges"]) == 5
    assert exact["pageInfo"]["hasNextPage"] is False
    last = exact["pageInfo"]["endCursor"]
    beyond = (await gql.data(NEEDS, {"first": 5, "after": last}))["needs"]
    assert beyond["edges"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": 101}, "PAGE_SIZE_EXCEEDED"),
        ({"first": -1}, "PAGE_SIZE_EXCEEDED"),
        ({"after": "garbage"}, "INVALID_CURSOR"),
    ],
)
async def test_bad_paging_arguments(
    gql: GraphQLClient, db: Database, variables: dict[str, Any], code: str
) -> None:
    body = await gql.post(NEEDS, variables)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


async def test_cursor_of_another_order_is_refused(gql: GraphQLClient, db: Database) -> None:
    await seed_needs(gql, db)
    page = (await gql.data(NEEDS, {"first": 1, "orderBy": "NEWEST"}))["needs"]
    body = await gql.post(NEEDS, {"after": page["pageInfo"]["endCursor"], "orderBy": "URGENCY"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"province": "湖南省"}, ["n5"]),
        ({"city": "武汉市"}, ["n3", "n1"]),
        ({"categoryCodes": ["devices.ventilator", "face.surgical_mask"]}, ["n2", "n1"]),
        ({"urgencies": ["CRITICAL"]}, ["n4", "n2"]),
        ({"organizationKinds": ["CLINIC"]}, ["n4", "n3"]),
        (
            {"statuses": ["OPEN"], "verificationStatuses": ["VERIFIED"]},
            ["n4", "n2", "n3", "n5", "n1"],
        ),
        ({"verificationStatuses": ["PENDING", "EXPIRED"]}, []),
        ({"statuses": ["FULFILLED"]}, []),
        ({"province": "湖北省", "urgencies": ["CRITICAL", "HIGH"]}, ["n4", "n2", "n3"]),
    ],
)
async def test_need_filters(
    gql: GraphQLClient, db: Database, flt: dict[str, Any], expected: list[str]
) -> None:
    await seed_needs(gql, db)
    data = await gql.data(NEEDS, {"filter": flt, "orderBy": "URGENCY"})
    assert notes_of(data) == expected
    assert data["needs"]["totalCount"] == len(expected)


async def test_filter_by_organization_and_updated_since(gql: GraphQLClient, db: Database) -> None:
    needs = await seed_needs(gql, db)
    by_org = await gql.data(NEEDS, {"filter": {"organizationId": needs[2]["organization"]["id"]}})
    assert notes_of(by_org) == ["n3"]
    since = await gql.data(NEEDS, {"filter": {"updatedSince": needs[3]["updatedAt"]}})
    assert sorted(notes_of(since)) == ["n4", "n5"]
    bad = await gql.post(NEEDS, {"filter": {"organizationId": needs[0]["id"]}})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_offers_logistics_and_lodgings_lists(gql: GraphQLClient, db: Database) -> None:
    await gql.data(SUBMIT_OFFER, {"input": OFFER})
    await gql.data(SUBMIT_LOGISTICS, {"input": LOGISTICS})
    await gql.data(SUBMIT_LODGING, {"input": LODGING})
    await verify_all(db)
    query = """
    query($dest: String) {
      offers(filter: {province: "广东省"}) { totalCount edges { node { providerName } } }
      logisticsOffers(filter: {destinationProvince: $dest}) {
        totalCount edges { node { vehicleType origin { city } } } }
      lodgings(orderBy: NEWEST) { totalCount edges { node { roomsAvailable } } }
    }"""
    data = await gql.data(query, {"dest": "湖北省"})
    assert data["offers"]["edges"][0]["node"]["providerName"] == OFFER["providerName"]
    assert data["logisticsOffers"]["edges"][0]["node"] == {
        "vehicleType": "VAN",
        "origin": {"city": "郑州市"},
    }
    assert data["lodgings"]["edges"][0]["node"]["roomsAvailable"] == 40
    nowhere = await gql.data(query, {"dest": "西藏自治区"})
    assert nowhere["logisticsOffers"]["totalCount"] == 0


async def test_node_and_nodes(gql: GraphQLClient, db: Database) -> None:
    needs = await seed_needs(gql, db)
    offer = (await gql.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]["offer"]
    query = """
    query($id: ID!, $ids: [ID!]!) {
      node(id: $id) { __typename id ... on Need { urgency } }
      nodes(ids: $ids) { __typename id ... on Entry { kind } ... on Organization { name } }
    }"""
    org_id = needs[0]["organization"]["id"]
    data = await gql.data(query, {"id": needs[1]["id"], "ids": [offer["id"], org_id]})
    assert data["node"] == {"__typename": "Need", "id": needs[1]["id"], "urgency": "CRITICAL"}
    assert data["nodes"][0] == {"__typename": "Offer", "id": offer["id"], "kind": "OFFER"}
    assert data["nodes"][1]["__typename"] == "Organization"
    missing = await gql.data(
        query,
        {"id": "T3JnYW5pemF0aW9uOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA", "ids": []},
    )
    assert missing["node"] is None
    bad = await gql.post(query, {"id": "nonsense", "ids": []})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ID"
    too_many = await gql.post(query, {"id": needs[0]["id"], "ids": [needs[0]["id"]] * 101})
    assert too_many["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"


async def test_organizations_list_and_filters(gql: GraphQLClient, db: Database) -> None:
    for name, kind in (
        ("协和医院", "HOSPITAL"),
        ("汉口大酒店", "HOTEL"),
        ("顺丰速运", "LOGISTICS"),
    ):
        org = {**HOSPITAL, "name": name, "kind": kind}
        result = await gql.data(REGISTER_ORGANIZATION, {"input": org})
        assert result["registerOrganization"]["userErrors"] == []
    query = """
    query($filter: OrganizationFilter, $first: Int, $after: String) {
      organizations(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name kind } }
      }
    }"""
    first = (await gql.data(query, {"first": 2}))["organizations"]
    second = (await gql.data(query, {"first": 2, "after": first["pageInfo"]["endCursor"]}))[
        "organizations"
    ]
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert sorted(names) == names and len(names) == 3
    assert first["totalCount"] == 3
    hotels = (await gql.data(query, {"filter": {"kinds": ["HOTEL"]}}))["organizations"]
    assert [e["node"]["name"] for e in hotels["edges"]] == ["汉口大酒店"]
    found = (await gql.data(query, {"filter": {"nameContains": "协和"}}))["organizations"]
    assert found["totalCount"] == 1
    literal = (await gql.data(query, {"filter": {"nameContains": "%"}}))["organizations"]
    assert literal["totalCount"] == 0


async def test_taxonomy_and_units_in_both_languages(gql: GraphQLClient, db: Database) -> None:
    query = """{ supplyCategories(groupCode: "face") { code name nameZh standards defaultUnit }
                 supplyCategoryGroups { code name }
                 units { unit name baseUnit isPackage } }"""
    zh = await gql.data(query, **{"Accept-Language": "zh-CN"})
    en = await gql.data(query, **{"Accept-Language": "en"})
    respirator = next(c for c in zh["supplyCategories"] if c["code"] == "face.medical_respirator")
    assert respirator["name"] == respirator["nameZh"] == "医用防护口罩（N95）"
    assert respirator["standards"] == ["GB 19083-2010"]
    kn95 = next(c for c in en["supplyCategories"] if c["code"] == "face.kn95_respirator")
    assert kn95["name"] == "KN95 respirator"
    assert {g["code"] for g in en["supplyCategoryGroups"]} >= {"face", "body", "devices"}
    carton = next(u for u in zh["units"] if u["unit"] == "CARTON")
    assert carton == {"unit": "CARTON", "name": "箱", "baseUnit": "PIECE", "isPackage": True}


async def test_filter_lists_are_capped(gql: GraphQLClient, db: Database) -> None:
    body = await gql.post(NEEDS, {"filter": {"categoryCodes": ["x"] * 51}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_public_lists_show_verified_entries_unless_asked(
    gql: GraphQLClient, db: Database
) -> None:
    await gql.data(SUBMIT_NEED, {"input": need_input()})
    assert (await gql.data(NEEDS))["needs"]["totalCount"] == 0
    pending = await gql.data(NEEDS, {"filter": {"verificationStatuses": ["PENDING"]}})
    assert pending["needs"]["totalCount"] == 1
