"""Publishing, changing and closing entries and organizations over GraphQL."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import (
    CLOSE_NEED,
    HOSPITAL,
    LODGING,
    LOGISTICS,
    NEED,
    OFFER,
    REGISTER_ORGANIZATION,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    UPDATE_NEED,
    need_input,
    table_counts,
)


async def submit_need(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql.data(SUBMIT_NEED, {"input": need_input(**overrides)}))[
        "submitNeed"
    ]
    assert payload["userErrors"] == []
    return payload


async def test_submit_need_with_new_hospital(gql: GraphQLClient, db: Database) -> None:
    payload = await submit_need(gql)
    need = payload["need"]
    assert need["kind"] == "NEED"
    assert need["status"] == "OPEN"
    assert need["verificationStatus"] == "PENDING"
    assert need["version"] == 1
    assert need["organization"]["name"] == "武汉市第七医院"
    assert need["items"][0]["quantity"] == 5000
    assert need["items"][1]["quantity"] is None
    assert need["items"][1]["quantityUnknown"] is True
    assert need["items"][0]["category"]["code"] == "face.medical_respirator"
    assert payload["editToken"]
    counts = await table_counts(db)
    assert (counts["organization"], counts["entry"], counts["entry_item"]) == (1, 1, 2)
    # One CREATED event for the organization, one for the need.
    assert counts["entry_event"] == 2


async def test_submit_need_for_registered_organization(gql: GraphQLClient) -> None:
    registered = (await gql.data(REGISTER_ORGANIZATION, {"input": HOSPITAL}))[
        "registerOrganization"
    ]
    assert registered["userErrors"] == []
    org_id = registered["organization"]["id"]
    assert registered["organization"]["contacts"][0]["phone"] == "027-8765 4321"
    payload = await submit_need(gql, organization=None, organizationId=org_id)
    assert payload["need"]["organization"]["id"] == org_id


async def test_submit_offer_logistics_and_lodging(gql: GraphQLClient) -> None:
    offer = (await gql.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]
    assert offer["userErrors"] == []
    item = offer["offer"]["items"][0]
    assert (item["unit"], item["packageSize"], item["baseQuantity"], item["baseUnit"]) == (
        "CARTON",
        400,
        8000,
        "PIECE",
    )
    assert offer["offer"]["providerName"] == "李先生（个人捐赠）"
    assert offer["offer"]["organization"] is None

    logistics = (await gql.data(SUBMIT_LOGISTICS, {"input": LOGISTICS}))["submitLogisticsOffer"]
    assert logistics["userErrors"] == []
    carrier = logistics["logisticsOffer"]
    assert carrier["origin"] == {"province": "河南省", "city": "郑州市"}
    assert carrier["destination"] == {"province": "湖北省", "city": "武汉市"}
    assert carrier["capacityKg"] == 1500.5

    lodging = (await gql.data(SUBMIT_LODGING, {"input": LODGING}))["submitLodging"]
    assert lodging["userErrors"] == []
    assert lodging["lodging"]["roomsAvailable"] == 40
    assert lodging["lodging"]["organization"]["kind"] == "HOTEL"


async def test_update_need_bumps_version_and_keeps_unsent_fields(gql: GraphQLClient) -> None:
    submitted = await submit_need(gql)
    need = submitted["need"]
    result = (
        await gql.data(
            UPDATE_NEED,
            {
                "input": {
                    "id": need["id"],
                    "version": 1,
                    "editToken": submitted["editToken"],
                    "urgency": "HIGH",
                    "notes": None,
                }
            },
        )
    )["updateNeed"]
    assert result["userErrors"] == []
    updated = result["need"]
    assert updated["version"] == 2
    assert updated["urgency"] == "HIGH"
    assert updated["notes"] is None
    assert updated["items"] == need["items"]
    assert updated["address"] == need["address"]


async def test_stale_version_is_a_conflict_not_an_overwrite(
    gql: GraphQLClient, db: Database
) -> None:
    submitted = await submit_need(gql)
    need, token = submitted["need"], submitted["editToken"]
    first = await gql.data(
        UPDATE_NEED,
        {"input": {"id": need["id"], "version": 1, "editToken": token, "urgency": "LOW"}},
    )
    assert first["updateNeed"]["userErrors"] == []
    before = await table_counts(db)
    second = (
        await gql.data(
            UPDATE_NEED,
            {"input": {"id": need["id"], "version": 1, "editToken": token, "urgency": "MEDIUM"}},
        )
    )["updateNeed"]
    assert second["need"] is None
    assert [(e["field"], e["code"]) for e in second["userErrors"]] == [("version", "CONFLICT")]
    assert "version 2" in second["userErrors"][0]["message"]
    assert await table_counts(db) == before


async def test_update_without_the_edit_token_is_forbidden(gql: GraphQLClient) -> None:
    need = (await submit_need(gql))["need"]
    for token in (None, "wrong"):
        body = await gql.post(
            UPDATE_NEED,
            {"input": {"id": need["id"], "version": 1, "editToken": token, "urgency": "LOW"}},
        )
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_partial_fulfilment_and_close(gql: GraphQLClient, db: Database) -> None:
    submitted = await submit_need(gql)
    need, token = submitted["need"], submitted["editToken"]
    # The same items as submitted, with 2000 respirators delivered: progress, not substance.
    items = copy.deepcopy(NEED["items"])
    items[0]["fulfilledQuantity"] = 2000
    progressed = (
        await gql.data(
            UPDATE_NEED,
            {
                "input": {
                    "id": need["id"],
                    "version": 1,
                    "editToken": token,
                    "items": items,
                    "status": "PARTIALLY_FULFILLED",
                }
            },
        )
    )["updateNeed"]
    assert progressed["userErrors"] == []
    assert progressed["need"]["status"] == "PARTIALLY_FULFILLED"
    assert progressed["need"]["items"][0]["remainingQuantity"] == 3000

    refused = (
        await gql.data(
            UPDATE_NEED,
            {"input": {"id": need["id"], "version": 2, "editToken": token, "status": "CLOSED"}},
        )
    )["updateNeed"]
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_STATE"]

    closed = (
        await gql.data(
            CLOSE_NEED,
            {
                "input": {
                    "id": need["id"],
                    "version": 2,
                    "editToken": token,
                    "reason": "已由其他渠道解决",
                }
            },
        )
    )["closeNeed"]
    assert closed["userErrors"] == []
    assert closed["need"]["status"] == "CLOSED"
    assert closed["need"]["closeReason"] == "已由其他渠道解决"

    again = (
        await gql.data(CLOSE_NEED, {"input": {"id": need["id"], "version": 3, "editToken": token}})
    )["closeNeed"]
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]

    async with db.connection() as conn:
        events = await conn.fetch(
            "SELECT event_type, payload FROM entry_event WHERE entry_kind = 'NEED' ORDER BY id"
        )
    assert [e["event_type"] for e in events] == ["CREATED", "STATUS_CHANGED", "STATUS_CHANGED"]
    assert events[-1]["payload"]["status"] == "CLOSED"


async def test_update_organization(gql: GraphQLClient) -> None:
    registered = (await gql.data(REGISTER_ORGANIZATION, {"input": HOSPITAL}))[
        "registerOrganization"
    ]
    org = registered["organization"]
    mutation = """
    mutation($input: UpdateOrganizationInput!) {
      updateOrganization(input: $input) {
        organization { name version address website } userErrors { field code }
      }
    }"""
    result = (
        await gql.data(
            mutation,
            {
                "input": {
                    "id": org["id"],
                    "version": 1,
                    "editToken": registered["editToken"],
                    "website": "https://hospital.example.cn",
                }
            },
        )
    )["updateOrganization"]
    assert result["userErrors"] == []
    assert result["organization"]["version"] == 2
    assert result["organization"]["website"] == "https://hospital.example.cn"
    assert result["organization"]["name"] == HOSPITAL["name"]
    forbidden = await gql.post(
        mutation, {"input": {"id": org["id"], "version": 2, "name": "冒名顶替"}}
    )
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_update_of_another_kind_is_not_found(gql: GraphQLClient) -> None:
    offer = (await gql.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]
    # An Offer's id given to updateNeed: refused as an invalid id for that mutation.
    result = (
        await gql.data(
            UPDATE_NEED,
            {"input": {"id": offer["offer"]["id"], "version": 1, "editToken": offer["editToken"]}},
        )
    )["updateNeed"]
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [("id", "INVALID_ID")]


KINDS = {
    # payload field: (submit document, submit field, input, update field, changed field, value)
    "offer": (SUBMIT_OFFER, "submitOffer", OFFER, "updateOffer", "leadTimeDays", 5),
    "logisticsOffer": (
        SUBMIT_LOGISTICS,
        "submitLogisticsOffer",
        LOGISTICS,
        "updateLogisticsOffer",
        "coldChain",
        True,
    ),
    "lodging": (SUBMIT_LODGING, "submitLodging", LODGING, "updateLodging", "roomsAvailable", 12),
}


@pytest.mark.parametrize("payload_field", list(KINDS))
async def test_update_and_close_every_kind(gql: GraphQLClient, payload_field: str) -> None:
    submit, submit_field, value, update, changed, new = KINDS[payload_field]
    submitted = (await gql.data(submit, {"input": value}))[submit_field]
    entry, token = submitted[payload_field], submitted["editToken"]
    input_type = update[0].upper() + update[1:] + "Input"
    document = (
        f"mutation($input: {input_type}!) {{ {update}(input: $input) {{ "
        f"{payload_field} {{ version {changed} }} userErrors {{ code }} }} }}"
    )
    result = (
        await gql.data(
            document, {"input": {"id": entry["id"], "version": 1, "editToken": token, changed: new}}
        )
    )[update]
    assert result["userErrors"] == []
    assert result[payload_field] == {"version": 2, changed: new}
    close = "close" + update[len("update") :]
    closed = await gql.data(
        f"mutation($input: CloseEntryInput!) {{ {close}(input: $input) {{ "
        f"{payload_field} {{ status }} userErrors {{ code }} }} }}",
        {"input": {"id": entry["id"], "version": 2, "editToken": token}},
    )
    assert closed[close][payload_field]["status"] == "CLOSED"
