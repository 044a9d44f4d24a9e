"""Carrying pledges: assignCarrier within capacity, tracking updates, who may report."""

from __future__ import annotations

import copy
from typing import Any

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import LOGISTICS, SUBMIT_LOGISTICS, table_counts, verify_all
from tests.pledges.steps import Posted, pledge, post_need, set_status

ASSIGN = """
mutation($input: AssignCarrierInput!) {
  assignCarrier(input: $input) {
    shipment { id status weightKg pickup { province city } dropoff { province city }
               carrier { id } pledge { status } updates { status note } }
    userErrors { field code message }
  }
}"""
UPDATE = """
mutation($input: UpdateShipmentInput!) {
  updateShipment(input: $input) {
    shipment { status trackingNote updates { status note } pledge { status } }
    userErrors { field code message }
  }
}"""


async def post_carrier(
    gql: GraphQLClient, capacity_kg: float | None = 500, db: Database | None = None
) -> Posted:
    """A logistics offer; verified (with every other entry so far) when `db` is given."""
    carrier = copy.deepcopy(LOGISTICS)
    carrier["capacityKg"] = capacity_kg
    data = (await gql.data(SUBMIT_LOGISTICS, {"input": carrier}))["submitLogisticsOffer"]
    assert data["userErrors"] == []
    if db is not None:
        await verify_all(db)
    return Posted(data["logisticsOffer"]["id"], data["editToken"])


async def accepted_pledge(gql: GraphQLClient) -> tuple[Posted, dict[str, Any]]:
    need = await post_need(gql, quantity=1000)
    made = await pledge(gql, need, 500)
    await set_status(gql, made["pledge"]["id"], "ACCEPTED", need.edit_token)
    return need, made


def assignment(pledge_id: str, carrier: Posted, weight: float | None, token: str) -> dict[str, Any]:
    return {
        "input": {
            "pledgeId": pledge_id,
            "logisticsOfferId": carrier.id,
            "pickup": {"province": "河南省", "city": "郑州市"},
            "dropoff": {"province": "湖北省", "city": "武汉市"},
            "weightKg": weight,
            "trackingNote": "已联系司机",
            "editToken": token,
        }
    }


async def test_a_carrier_takes_shipments_up_to_its_capacity(
    gql: GraphQLClient, db: Database
) -> None:
    carrier = await post_carrier(gql, capacity_kg=500, db=db)
    _, first = await accepted_pledge(gql)
    _, second = await accepted_pledge(gql)
    ok = await gql.data(ASSIGN, assignment(first["pledge"]["id"], carrier, 300, first["editToken"]))
    shipment = ok["assignCarrier"]["shipment"]
    assert ok["assignCarrier"]["userErrors"] == []
    assert (shipment["status"], shipment["weightKg"], shipment["dropoff"]["city"]) == (
        "ASSIGNED",
        300,
        "武汉市",
    )
    assert shipment["carrier"]["id"] == carrier.id
    before = await table_counts(db)
    over = await gql.data(
        ASSIGN, assignment(second["pledge"]["id"], carrier, 201, second["editToken"])
    )
    [error] = over["assignCarrier"]["userErrors"]
    assert (error["field"], error["code"]) == ("weightKg", "OVER_CAPACITY")
    assert "200" in error["message"]
    missing = await gql.data(
        ASSIGN, assignment(second["pledge"]["id"], carrier, None, second["editToken"])
    )
    assert missing["assignCarrier"]["userErrors"][0]["code"] == "REQUIRED"
    assert await table_counts(db) == before
    fits = await gql.data(
        ASSIGN, assignment(second["pledge"]["id"], carrier, 200, second["editToken"])
    )
    assert fits["assignCarrier"]["userErrors"] == []
    # A cancelled shipment gives its capacity back.
    cancel = await gql.data(
        UPDATE,
        {"input": {"id": shipment["id"], "status": "CANCELLED", "editToken": carrier.edit_token}},
    )
    assert cancel["updateShipment"]["shipment"]["status"] == "CANCELLED"
    again = await gql.data(
        ASSIGN, assignment(first["pledge"]["id"], carrier, 300, first["editToken"])
    )
    assert again["assignCarrier"]["userErrors"] == []


async def test_tracking_moves_the_pledge_in_transit_and_only_parties_report(
    gql: GraphQLClient, db: Database
) -> None:
    carrier = await post_carrier(gql, capacity_kg=None, db=db)
    need, made = await accepted_pledge(gql)
    proposed = await pledge(gql, need, 10)
    early = await gql.data(
        ASSIGN, assignment(proposed["pledge"]["id"], carrier, None, proposed["editToken"])
    )
    assert early["assignCarrier"]["userErrors"][0]["code"] == "INVALID_STATE"
    stranger = await gql.post(ASSIGN, assignment(made["pledge"]["id"], carrier, None, "wrong"))
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The receiving side chooses the carrier (the carrier cannot put itself on the pledge).
    shipment = (
        await gql.data(ASSIGN, assignment(made["pledge"]["id"], carrier, None, need.edit_token))
    )["assignCarrier"]["shipment"]
    nobody = await gql.post(UPDATE, {"input": {"id": shipment["id"], "status": "PICKED_UP"}})
    assert nobody["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    picked = await gql.data(
        UPDATE,
        {
            "input": {
                "id": shipment["id"],
                "status": "PICKED_UP",
                "trackingNote": "郑州仓库已装车",
                "editToken": carrier.edit_token,
            }
        },
    )
    moved = picked["updateShipment"]["shipment"]
    assert moved["pledge"]["status"] == "IN_TRANSIT"
    assert [u["status"] for u in moved["updates"]] == ["ASSIGNED", "PICKED_UP"]
    assert moved["trackingNote"] == "郑州仓库已装车"
    backwards = await gql.data(
        UPDATE,
        {"input": {"id": shipment["id"], "status": "ASSIGNED", "editToken": carrier.edit_token}},
    )
    assert backwards["updateShipment"]["userErrors"][0]["code"] == "INVALID_STATE"
    arrived = await gql.data(
        UPDATE,
        {"input": {"id": shipment["id"], "status": "DELIVERED", "editToken": carrier.edit_token}},
    )
    assert arrived["updateShipment"]["shipment"]["status"] == "DELIVERED"
    # Arrival is the carrier's word; delivery of the pledge is still the receiver's.
    assert arrived["updateShipment"]["shipment"]["pledge"]["status"] == "IN_TRANSIT"
    async with db.connection() as conn:
        actions = await conn.fetch(
            "SELECT action FROM audit_log WHERE action LIKE 'shipment.%' ORDER BY seq"
        )
        carrier_events = await conn.fetchval(
            "SELECT count(*) FROM entry_event WHERE entry_kind = 'LOGISTICS_OFFER' "
            "AND event_type = 'PLEDGE_CHANGED'"
        )
    assert [a["action"] for a in actions] == [
        "shipment.assigned",
        "shipment.status",
        "shipment.status",
    ]
    assert carrier_events == 3
