"""Pledges through the API: the state machine, fulfilment arithmetic, over-pledging (also
under a race), permissions, outbox events and audit records."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import UPDATE_NEED, table_counts, verify_all
from tests.pledges.steps import PLEDGE, pledge, post_need, post_offer, set_status


async def _events(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT entry_kind, payload FROM entry_event WHERE event_type = $1 ORDER BY id",
            event_type,
        )
    return [dict(r) for r in rows]


async def _audit(db: Database, action: str) -> list[dict[str, Any]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT actor_label, changes FROM audit_log WHERE action = $1 ORDER BY seq", action
        )
    return [dict(r) for r in rows]


async def test_a_pledge_goes_from_proposed_to_delivered_and_fills_the_need(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    await verify_all(db)
    made = await pledge(gql, need, 600, note="明早发货")
    assert made["userErrors"] == []
    assert made["editToken"]
    p = made["pledge"]
    assert (p["status"], p["donorName"], p["items"][0]["quantity"]) == ("PROPOSED", "爱心人士", 600)
    assert p["items"][0]["item"]["name"] == "医用防护口罩"
    # The donor cannot accept their own pledge, nor say it was delivered.
    refused = await set_status(gql, p["id"], "ACCEPTED", made["editToken"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    accepted = (await set_status(gql, p["id"], "ACCEPTED", need.edit_token))["data"]
    assert accepted["setPledgeStatus"]["pledge"]["status"] == "ACCEPTED"
    claimed = await set_status(gql, p["id"], "DELIVERED", made["editToken"])
    assert claimed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    shipped = (await set_status(gql, p["id"], "IN_TRANSIT", made["editToken"]))["data"]
    assert shipped["setPledgeStatus"]["pledge"]["status"] == "IN_TRANSIT"
    # The receiver confirms: the need's fulfilled quantity and status follow.
    done = (await set_status(gql, p["id"], "DELIVERED", need.edit_token))["data"]
    after = done["setPledgeStatus"]["pledge"]
    assert after["status"] == "DELIVERED"
    assert after["need"]["status"] == "PARTIALLY_FULFILLED"
    assert after["need"]["items"][0]["fulfilledQuantity"] == 600
    assert after["need"]["items"][0]["remainingQuantity"] == 400
    # A delivered pledge is final.
    final = (await set_status(gql, p["id"], "CANCELLED", need.edit_token))["data"]
    assert final["setPledgeStatus"]["userErrors"][0]["code"] == "INVALID_STATE"
    # The rest arrives: FULFILLED.
    rest = await pledge(gql, need, 400)
    rest_id = rest["pledge"]["id"]
    await set_status(gql, rest_id, "ACCEPTED", need.edit_token)
    last = (await set_status(gql, rest_id, "DELIVERED", need.edit_token))["data"]
    assert last["setPledgeStatus"]["pledge"]["need"]["status"] == "FULFILLED"
    changes = await _events(db, "PLEDGE_CHANGED")
    assert [e["payload"]["pledgeStatus"] for e in changes] == [
        "PROPOSED",
        "ACCEPTED",
        "IN_TRANSIT",
        "DELIVERED",
        "PROPOSED",
        "ACCEPTED",
        "DELIVERED",
    ]
    assert all(e["entry_kind"] == "NEED" for e in changes)
    assert len(await _events(db, "FULFILLED")) == 1
    trail = await _audit(db, "pledge.status")
    assert [(a["changes"]["status"]["before"], a["changes"]["status"]["after"]) for a in trail][
        :3
    ] == [("PROPOSED", "ACCEPTED"), ("ACCEPTED", "IN_TRANSIT"), ("IN_TRANSIT", "DELIVERED")]
    assert len(await _audit(db, "entry.fulfilment")) == 2
    steps = await gql.data(
        "query($id: ID!) { pledge(id: $id) { history { status actor reason } } }", {"id": p["id"]}
    )
    assert [(s["status"], s["actor"]) for s in steps["pledge"]["history"]] == [
        ("PROPOSED", "anonymous"),
        ("ACCEPTED", "edit-token"),
        ("IN_TRANSIT", "edit-token"),
        ("DELIVERED", "edit-token"),
    ]


async def test_over_pledging_is_refused_and_writes_nothing(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=100)
    first = await pledge(gql, need, 60)
    assert first["userErrors"] == []
    # Accepted pledges hold the need's units back (proposals do not: test_pledge_squatting).
    await set_status(gql, first["pledge"]["id"], "ACCEPTED", need.edit_token)
    before = await table_counts(db)
    async with db.connection() as conn:
        pledges_before = await conn.fetchval("SELECT count(*) FROM pledge")
    over = await pledge(gql, need, 41)
    assert over["pledge"] is None
    assert [(e["field"], e["code"]) for e in over["userErrors"]] == [
        ("items.0.quantity", "OVER_PLEDGED")
    ]
    assert "40" in over["userErrors"][0]["message"]
    assert await table_counts(db) == before
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM pledge") == pledges_before
    # A cancelled pledge gives its units back.
    await set_status(gql, first["pledge"]["id"], "CANCELLED", need.edit_token, reason="没货了")
    assert (await pledge(gql, need, 100))["userErrors"] == []


async def test_two_racing_acceptances_for_the_last_100_units_one_wins(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    first = await pledge(gql, need, 900)
    await set_status(gql, first["pledge"]["id"], "ACCEPTED", need.edit_token)
    for _ in range(3):
        ids = [(await pledge(gql, need, 100))["pledge"]["id"] for _ in range(2)]
        results = await asyncio.gather(
            *(set_status(gql, pledge_id, "ACCEPTED", need.edit_token) for pledge_id in ids)
        )
        answers = [r["data"]["setPledgeStatus"] for r in results]
        winners = [a for a in answers if a["pledge"] is not None]
        losers = [a for a in answers if a["pledge"] is None]
        if len(winners) == 1:
            assert losers[0]["userErrors"][0]["code"] == "OVER_PLEDGED"
            # Undo, so that the next round races again for the same 100 units.
            for pledge_id in ids:
                await set_status(gql, pledge_id, "CANCELLED", need.edit_token)
        else:
            raise AssertionError(f"both or neither won: {results}")
    async with db.connection() as conn:
        live = await conn.fetchval(
            "SELECT sum(i.quantity) FROM pledge p JOIN pledge_item i ON i.pledge_id = p.id "
            "WHERE p.status <> 'CANCELLED'"
        )
    assert live == 900


async def test_a_pledge_from_an_offer_draws_on_its_stock(gql: GraphQLClient, db: Database) -> None:
    need = await post_need(gql, quantity=1000)
    offer = await post_offer(gql, quantity=300)
    base = {"needId": need.id, "offerId": offer.id}
    # Only the offer's side may pledge its stock.
    stranger = await gql.post(
        PLEDGE, {"input": {**base, "items": [{"needItem": 0, "offerItem": 0, "quantity": 10}]}}
    )
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_much = (
        await gql.data(
            PLEDGE,
            {
                "input": {
                    **base,
                    "editToken": offer.edit_token,
                    "items": [{"needItem": 0, "offerItem": 0, "quantity": 301}],
                }
            },
        )
    )["pledge"]
    assert [(e["field"], e["code"]) for e in too_much["userErrors"]] == [
        ("items.0.quantity", "OVER_PLEDGED")
    ]
    made = (
        await gql.data(
            PLEDGE,
            {
                "input": {
                    **base,
                    "editToken": offer.edit_token,
                    "items": [{"needItem": 0, "offerItem": 0, "quantity": 300}],
                }
            },
        )
    )["pledge"]
    assert made["userErrors"] == []
    assert made["editToken"] is None or made["editToken"]
    pledge_id = made["pledge"]["id"]
    await set_status(gql, pledge_id, "ACCEPTED", need.edit_token)
    done = (await set_status(gql, pledge_id, "DELIVERED", need.edit_token))["data"]
    p = done["setPledgeStatus"]["pledge"]
    assert p["offer"]["items"][0]["fulfilledQuantity"] == 300
    assert p["offer"]["status"] == "FULFILLED"
    assert p["need"]["items"][0]["fulfilledQuantity"] == 300
    # An exhausted offer takes no more pledges.
    again = (
        await gql.data(
            PLEDGE,
            {
                "input": {
                    **base,
                    "editToken": offer.edit_token,
                    "items": [{"needItem": 0, "offerItem": 0, "quantity": 1}],
                }
            },
        )
    )["pledge"]
    assert again["userErrors"][0]["code"] == "INVALID_STATE"
    changes = await _events(db, "PLEDGE_CHANGED")
    assert {e["entry_kind"] for e in changes} == {"NEED", "OFFER"}


async def test_a_kn95_offer_cannot_be_pledged_to_a_gb_19083_need(gql: GraphQLClient) -> None:
    need = await post_need(gql, spec="GB 19083-2010")
    for category, spec, says in (
        # Filed as a medical respirator, but certified to GB 2626 only.
        ("face.medical_respirator", "KN95 GB 2626-2019", "GB 19083"),
        ("face.kn95_respirator", "GB 2626-2019", "category"),
    ):
        offer = await post_offer(gql, category=category, spec=spec)
        result = (
            await gql.data(
                PLEDGE,
                {
                    "input": {
                        "needId": need.id,
                        "offerId": offer.id,
                        "editToken": offer.edit_token,
                        "items": [{"needItem": 0, "offerItem": 0, "quantity": 10}],
                    }
                },
            )
        )["pledge"]
        [error] = result["userErrors"]
        assert (error["field"], error["code"]) == ("items.0.offerItem", "INCOMPATIBLE")
        assert says in error["message"]


async def test_a_coordinator_may_accept_and_deliver_and_bad_input_is_typed(
    gql: GraphQLClient, db: Database
) -> None:
    token, _ = await token_for(db, Role.COORDINATOR, "coord")
    auth = {"authorization": f"Bearer {token}"}
    need = await post_need(gql, quantity=10)
    made = await pledge(gql, need, 10)
    pledge_id = made["pledge"]["id"]
    for status in ("ACCEPTED", "DELIVERED"):
        body = await gql.post(
            "mutation($i: SetPledgeStatusInput!) { setPledgeStatus(input: $i) "
            "{ pledge { status } userErrors { code } } }",
            {"i": {"id": pledge_id, "status": status}},
            **auth,
        )
        assert body["data"]["setPledgeStatus"]["pledge"]["status"] == status
    bad = await gql.data(
        PLEDGE, {"input": {"needId": "nope", "items": [{"needItem": 0, "quantity": 1}]}}
    )
    assert bad["pledge"]["userErrors"][0] == {
        "field": "needId",
        "code": "INVALID_ID",
        "message": bad["pledge"]["userErrors"][0]["message"],
    }
    nameless = await gql.data(
        PLEDGE, {"input": {"needId": need.id, "items": [{"needItem": 0, "quantity": 1}]}}
    )
    codes = {(e["field"], e["code"]) for e in nameless["pledge"]["userErrors"]}
    assert ("donorName", "REQUIRED") in codes


async def test_pledged_items_cannot_be_pulled_from_under_the_pledge(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    made = await pledge(gql, need, 700)
    assert made["userErrors"] == []
    # Accepted, the pledge holds its units (a mere proposal sets no floor: test_squatting).
    await set_status(gql, made["pledge"]["id"], "ACCEPTED", need.edit_token)
    async with db.connection() as conn:
        version = await conn.fetchval("SELECT version FROM entry WHERE kind = 'NEED'")
    body = await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": need.id,
                "version": version,
                "editToken": need.edit_token,
                "items": [
                    {
                        "categoryCode": "face.medical_respirator",
                        "name": "医用防护口罩",
                        "quantity": 500,
                        "unit": "ITEM",
                    }
                ],
            }
        },
    )
    [error] = body["updateNeed"]["userErrors"]
    assert (error["field"], error["code"]) == ("items.0.quantity", "OUT_OF_RANGE")


async def test_pledges_show_on_needs_and_priority_parts(gql: GraphQLClient, db: Database) -> None:
    need = await post_need(gql, quantity=100)
    await verify_all(db)
    await pledge(gql, need, 50)
    data = await gql.data(
        "query { needs(first: 5) { edges { node { pledges { status items { quantity } } "
        "priority { score urgency unmetShare waitingHours pledges } } } } }"
    )
    node = data["needs"]["edges"][0]["node"]
    assert node["pledges"] == [{"status": "PROPOSED", "items": [{"quantity": 50}]}]
    # A proposal does not lower the need's priority; an accepted pledge does.
    assert node["priority"]["pledges"] == 0
    assert node["priority"]["unmetShare"] == 1.0
    assert node["priority"]["urgency"] == "CRITICAL"
    assert node["priority"]["score"] > 0
