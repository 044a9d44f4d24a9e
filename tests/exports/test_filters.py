"""Exports take the list queries' filters; a bad one is a 400 with a typed error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from hub.graphql.ids import to_global_id
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.exports.conftest import Published, local_id
from tests.helpers import HOSPITAL, SUBMIT_NEED, need_input, verify_all


async def ids(client: httpx.AsyncClient, dataset: str, **params: Any) -> set[str]:
    response = await client.get(f"/export/{dataset}.json", params=params)
    assert response.status_code == 200, response.text
    return {entry["id"] for entry in response.json()["data"]}


async def test_entry_filters(
    app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database, published: Published
) -> None:
    other = need_input(
        urgency="LOW",
        # Another hospital (the same one submitted again would be reused, issue 17).
        organization={
            **HOSPITAL,
            "name": "杭州市第一人民医院",
            "region": {"province": "浙江省", "city": "杭州市"},
        },
        region={"province": "浙江省", "city": "杭州市"},
        items=[
            {
                "categoryCode": "body.isolation_gown",
                "name": "隔离衣",
                "quantity": 50,
                "unit": "GARMENT",
            }
        ],
    )
    payload = (await gql.data(SUBMIT_NEED, {"input": other}))["submitNeed"]
    assert payload["userErrors"] == []
    other_id = local_id(payload["need"]["id"])
    await verify_all(db)
    # A third need, left PENDING.
    pending = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    pending_id = str(local_id(pending["need"]["id"]))
    need, low = str(published.need), str(other_id)

    assert await ids(app_client, "needs") == {need, low}
    assert await ids(app_client, "needs", province="浙江省") == {low}
    assert await ids(app_client, "needs", city="武汉市") == {need}
    assert await ids(app_client, "needs", urgency="critical") == {need}
    assert await ids(app_client, "needs", urgency="LOW,HIGH") == {low}
    assert await ids(app_client, "needs", category="body.isolation_gown") == {low}
    both = [("category", "body.isolation_gown"), ("category", "face.medical_respirator")]
    response = await app_client.get("/export/needs.json", params=both)
    assert {e["id"] for e in response.json()["data"]} == {need, low}
    assert await ids(app_client, "needs", verification="PENDING") == {pending_id}
    assert await ids(app_client, "needs", verification="PENDING,VERIFIED") == {
        need,
        low,
        pending_id,
    }
    assert await ids(app_client, "needs", organization=str(published.hospital)) == {need}
    global_id = to_global_id("Organization", published.hospital)
    assert await ids(app_client, "needs", organization=global_id) == {need}
    assert await ids(app_client, "needs", organizationKind="HOTEL") == set()
    assert await ids(app_client, "lodging", organizationKind="HOTEL") == {str(published.lodging)}
    assert await ids(app_client, "needs", status="FULFILLED") == set()
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert await ids(app_client, "needs", updatedSince=later) == set()
    assert await ids(app_client, "needs", updatedSince=earlier) == {need, low}
    assert await ids(app_client, "logistics", destinationProvince="湖北省") == {
        str(published.logistics)
    }
    assert await ids(app_client, "logistics", destinationCity="北京市") == set()
    # CSV rows follow the same filter.
    csv = await app_client.get("/export/needs.csv", params={"province": "浙江省"})
    assert low.encode() in csv.content
    assert need.encode() not in csv.content


async def test_organization_filters(app_client: httpx.AsyncClient, published: Published) -> None:
    everyone = {str(published.hospital), str(published.hotel), str(published.charity)}
    assert await ids(app_client, "organizations") == everyone
    assert await ids(app_client, "organizations", kind="HOTEL,CHARITY") == {
        str(published.hotel),
        str(published.charity),
    }
    assert await ids(app_client, "organizations", province="广东省") == set()
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert await ids(app_client, "organizations", updatedSince=later) == set()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/export/needs.csv", {"urgency": "SOON"}, "urgency"),
        ("/export/needs.csv", {"verification": "REJECTED"}, "verification"),
        ("/export/needs.json", {"verification": "VERIFIED,REJECTED"}, "verification"),
        ("/export/needs.csv", {"status": "GONE"}, "status"),
        ("/export/needs.csv", {"updatedSince": "yesterday"}, "updatedSince"),
        # A time without an offset would be read in some unknown zone.
        ("/export/needs.csv", {"updatedSince": "2020-01-28T08:00:00"}, "updatedSince"),
        ("/export/needs.csv", {"organization": "not-an-id"}, "organization"),
        ("/export/needs.csv", {"organization": to_global_id("Need", UUID(int=0))}, "organization"),
        ("/export/needs.csv", {"province": "湖北省", "provnce": "x"}, "provnce"),
        ("/export/offers.csv", {"urgency": "HIGH"}, "urgency"),
        ("/export/organizations.csv", {"verification": "VERIFIED"}, "verification"),
        ("/export/organizations.csv", {"kind": "CASTLE"}, "kind"),
        ("/export/needs.csv", {"lang": "fr"}, "lang"),
        ("/export/needs.csv", {"category": ",".join(f"c{i}" for i in range(51))}, "category"),
        ("/export/needs.csv", {"city": "x" * 201}, "city"),
        ("/export/needs.hxl.csv", [("city", "武汉市"), ("city", "孝感市")], "city"),
    ],
)
async def test_bad_parameters_are_400_with_the_field(
    app_client: httpx.AsyncClient, path: str, params: Any, field: str
) -> None:
    response = await app_client.get(path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == field
    assert error["message"]


async def test_unknown_files_are_404(app_client: httpx.AsyncClient) -> None:
    for path in ("/export/people.csv", "/export/needs.xls", "/export/needs", "/export/.csv"):
        response = await app_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"
