"""Carrier hijack (issue 14): only a verified carrier chosen by a side of the pledge carries
it, and each shipment step belongs to the party whose step it is."""

from __future__ import annotations

from typing import Any

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import table_counts, verify_all
from tests.pledges.steps import Posted, set_status
from tests.pledges.test_shipments import ASSIGN, UPDATE, accepted_pledge, assignment, post_carrier


async def _move(gql: GraphQLClient, shipment_id: str, status: str, token: str | None) -> Any:
    return await gql.post(
        UPDATE, {"input": {"id": shipment_id, "status": status, "editToken": token}}
    )


def _code(body: dict[str, Any]) -> str | None:
    if "errors" in body:
        code: str = body["errors"][0]["extensions"]["code"]
        return code
    errors = body["data"]["updateShipment"]["userErrors"]
    return errors[0]["code"] if errors else None


async def test_a_stranger_cannot_put_their_own_carrier_on_a_pledge(
    gql: GraphQLClient, db: Database
) -> None:
    _need, made = await accepted_pledge(gql)
    pledge_id = made["pledge"]["id"]
    # The attack: post a (PENDING) logistics offer and assign it to someone's accepted pledge
    # with its own edit token.
    rogue = await post_carrier(gql, capacity_kg=None)
    before = await table_counts(db)
    hijack = await gql.post(ASSIGN, assignment(pledge_id, rogue, None, rogue.edit_token))
    assert hijack["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Verified, it still cannot put itself on the pledge.
    await verify_all(db)
    again = await gql.post(ASSIGN, assignment(pledge_id, rogue, None, rogue.edit_token))
    assert again["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await table_counts(db) == before
    # Nor can it move the pledge in transit: it carries no shipment of it.
    moved = await set_status(gql, pledge_id, "IN_TRANSIT", rogue.edit_token)
    assert moved["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_side_of_the_pledge_cannot_choose_an_unverified_carrier(
    gql: GraphQLClient, db: Database
) -> None:
    need, made = await accepted_pledge(gql)
    unverified = await post_carrier(gql, capacity_kg=None)
    before = await table_counts(db)
    refused = await gql.data(
        ASSIGN, assignment(made["pledge"]["id"], unverified, None, need.edit_token)
    )
    [error] = refused["assignCarrier"]["userErrors"]
    assert (error["field"], error["code"]) == ("logisticsOfferId", "INVALID_STATE")
    assert await table_counts(db) == before


async def _assigned(gql: GraphQLClient, db: Database) -> tuple[Posted, dict[str, Any], Posted, str]:
    need, made = await accepted_pledge(gql)
    carrier = await post_carrier(gql, capacity_kg=None, db=db)
    body = await gql.data(ASSIGN, assignment(made["pledge"]["id"], carrier, None, need.edit_token))
    return need, made, carrier, body["assignCarrier"]["shipment"]["id"]


async def test_each_shipment_step_is_its_partys(gql: GraphQLClient, db: Database) -> None:
    need, made, carrier, shipment = await _assigned(gql, db)
    donor = made["editToken"]
    # Pickup is the carrier's step (or the donor's, who hands the goods over), never the
    # receiver's.
    assert _code(await _move(gql, shipment, "PICKED_UP", need.edit_token)) == "FORBIDDEN"
    # Nor may they write the carrier's tracking notes.
    assert _code(await _move(gql, shipment, "ASSIGNED", donor)) == "FORBIDDEN"
    # A second carrier on the same pledge may not move this leg.
    other = await post_carrier(gql, capacity_kg=None, db=db)
    second = await gql.data(ASSIGN, assignment(made["pledge"]["id"], other, None, need.edit_token))
    assert second["assignCarrier"]["userErrors"] == []
    assert _code(await _move(gql, shipment, "PICKED_UP", other.edit_token)) == "FORBIDDEN"
    # The carrier picks up and carries.
    assert _code(await _move(gql, shipment, "PICKED_UP", carrier.edit_token)) is None
    # Goods on the road: the donor can no longer call the leg off, nor the receiver.
    assert _code(await _move(gql, shipment, "CANCELLED", donor)) == "FORBIDDEN"
    assert _code(await _move(gql, shipment, "CANCELLED", need.edit_token)) == "FORBIDDEN"
    assert _code(await _move(gql, shipment, "IN_TRANSIT", need.edit_token)) == "FORBIDDEN"
    assert _code(await _move(gql, shipment, "IN_TRANSIT", carrier.edit_token)) is None
    # Arrival: the receiver's word counts (so does the carrier's).
    assert _code(await _move(gql, shipment, "DELIVERED", donor)) == "FORBIDDEN"
    arrived = await _move(gql, shipment, "DELIVERED", need.edit_token)
    assert arrived["data"]["updateShipment"]["shipment"]["status"] == "DELIVERED"


async def test_before_pickup_either_side_may_turn_a_carrier_down(
    gql: GraphQLClient, db: Database
) -> None:
    _need, made, carrier, shipment = await _assigned(gql, db)
    # The donor did not choose this carrier and turns it down.
    cancelled = await _move(gql, shipment, "CANCELLED", made["editToken"])
    assert cancelled["data"]["updateShipment"]["shipment"]["status"] == "CANCELLED"
    # A turned-down carrier no longer acts on the pledge.
    moved = await set_status(gql, made["pledge"]["id"], "IN_TRANSIT", carrier.edit_token)
    assert moved["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The carrier may decline a job too.
    again = await gql.data(
        ASSIGN, assignment(made["pledge"]["id"], carrier, None, made["editToken"])
    )
    declined = await _move(
        gql, again["assignCarrier"]["shipment"]["id"], "CANCELLED", carrier.edit_token
    )
    assert declined["data"]["updateShipment"]["shipment"]["status"] == "CANCELLED"
