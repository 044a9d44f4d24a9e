"""Pledge squatting (issue 14): proposals reserve nothing, carry no weight in a need's priority,
are capped per pledger and need, and expire."""

from __future__ import annotations

from typing import Any

import pytest

from hub.domain.accounts import Role
from hub.graphql.ids import require_global_id
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import UPDATE_NEED, table_counts, verify_all
from tests.pledges.steps import pledge, post_need, post_offer, set_status
from tests.pledges.test_matching import MATCHING_NEEDS
from workers.pledge_expiry import expire_pledge_proposals

PRIORITY = """query($id: ID!) { node(id: $id) { ... on Need {
    priority { score pledges } pledges { status } } } }"""


async def _priority(gql: GraphQLClient, need_id: str) -> dict[str, Any]:
    node: dict[str, Any] = (await gql.data(PRIORITY, {"id": need_id}))["node"]
    return node


async def _stored_base(db: Database) -> float:
    async with db.connection() as conn:
        base: float = await conn.fetchval("SELECT priority_base FROM entry WHERE kind = 'NEED'")
    return base


async def test_an_anonymous_proposal_of_everything_blocks_no_real_donor(
    gql: GraphQLClient,
) -> None:
    need = await post_need(gql, quantity=1000)
    # The attack: an anonymous proposal of the whole remaining quantity.
    squat = await pledge(gql, need, 1000, donorName="路人")
    assert squat["userErrors"] == []
    # Before the fix every real pledge failed with OVER_PLEDGED; now it goes through.
    real = await pledge(gql, need, 600, donorName="红十字会")
    assert real["userErrors"] == []
    accepted = (await set_status(gql, real["pledge"]["id"], "ACCEPTED", need.edit_token))["data"]
    assert accepted["setPledgeStatus"]["pledge"]["status"] == "ACCEPTED"
    # Accepting is what reserves units: the squatter's proposal cannot be accepted beyond what
    # is left, and a new proposal may take at most that.
    junk = (await set_status(gql, squat["pledge"]["id"], "ACCEPTED", need.edit_token))["data"]
    [error] = junk["setPledgeStatus"]["userErrors"]
    assert (error["field"], error["code"]) == ("items.0.quantity", "OVER_PLEDGED")
    assert "400" in error["message"]
    over = await pledge(gql, need, 401, donorName="另一位")
    assert [(e["field"], e["code"]) for e in over["userErrors"]] == [
        ("items.0.quantity", "OVER_PLEDGED")
    ]


async def test_junk_proposals_do_not_lower_a_needs_priority(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    await verify_all(db)
    before = await _stored_base(db)
    # The attack: n junk pledges divided the priority by (1 + 0.5 n).
    junk = [await pledge(gql, need, 1) for _ in range(3)]
    assert all(j["userErrors"] == [] for j in junk)
    after = await _priority(gql, need.id)
    assert after["priority"]["pledges"] == 0
    assert [p["status"] for p in after["pledges"]] == ["PROPOSED"] * 3
    assert await _stored_base(db) == pytest.approx(before)
    # A pledge the receiving side accepted does count.
    await set_status(gql, junk[0]["pledge"]["id"], "ACCEPTED", need.edit_token)
    accepted = await _priority(gql, need.id)
    assert accepted["priority"]["pledges"] == 1
    assert await _stored_base(db) == pytest.approx(before / 1.5)
    assert accepted["priority"]["score"] < after["priority"]["score"]


async def test_one_pledger_holds_at_most_three_open_proposals_per_need(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    other_need = await post_need(gql, quantity=1000)
    made = [await pledge(gql, need, 1) for _ in range(3)]
    assert all(m["userErrors"] == [] for m in made)
    before = await table_counts(db)
    fourth = await pledge(gql, need, 1)
    assert fourth["pledge"] is None
    [error] = fourth["userErrors"]
    assert (error["field"], error["code"]) == ("needId", "TOO_MANY")
    assert "3" in error["message"]
    assert await table_counts(db) == before
    # The cap is per need and per pledger: another need, or a signed-in donor, is not held up.
    assert (await pledge(gql, other_need, 1))["userErrors"] == []
    token, _ = await token_for(db, Role.VOLUNTEER, "donor_wang")
    signed = await gql.data(
        "mutation($i: PledgeInput!) { pledge(input: $i) { userErrors { code } } }",
        {"i": {"needId": need.id, "donorName": "王", "items": [{"needItem": 0, "quantity": 1}]}},
        authorization=f"Bearer {token}",
    )
    assert signed["pledge"]["userErrors"] == []
    # An answered proposal no longer counts: accepted or cancelled, it frees a place.
    await set_status(gql, made[0]["pledge"]["id"], "ACCEPTED", need.edit_token)
    await set_status(gql, made[1]["pledge"]["id"], "CANCELLED", made[1]["editToken"])
    assert [(await pledge(gql, need, 1))["userErrors"] for _ in range(2)] == [[], []]
    assert (await pledge(gql, need, 1))["userErrors"][0]["code"] == "TOO_MANY"


async def test_proposals_nobody_accepts_expire(
    gql: GraphQLClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_PLEDGE_PROPOSAL_HOURS", "2")
    need = await post_need(gql, quantity=1000)
    stale = await pledge(gql, need, 100)
    answered = await pledge(gql, need, 100)
    fresh = await pledge(gql, need, 100)
    await set_status(gql, answered["pledge"]["id"], "ACCEPTED", need.edit_token)
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE pledge SET created_at = now() - interval '3 hours' WHERE id = ANY($1::uuid[])",
            [require_global_id(m["pledge"]["id"])[1] for m in (stale, answered)],
        )
    await expire_pledge_proposals(db)
    statuses = {}
    for made in (stale, answered, fresh):
        data = await gql.data(
            "query($id: ID!) { pledge(id: $id) { status cancelReason } }",
            {"id": made["pledge"]["id"]},
        )
        statuses[made["pledge"]["id"]] = data["pledge"]
    assert statuses[stale["pledge"]["id"]]["status"] == "CANCELLED"
    assert "expired" in statuses[stale["pledge"]["id"]]["cancelReason"]
    assert statuses[answered["pledge"]["id"]]["status"] == "ACCEPTED"
    assert statuses[fresh["pledge"]["id"]]["status"] == "PROPOSED"
    async with db.connection() as conn:
        trail = await conn.fetch(
            "SELECT actor_label, reason FROM audit_log WHERE action = 'pledge.status' "
            "AND changes->'status'->>'after' = 'CANCELLED'"
        )
        events = await conn.fetchval(
            "SELECT count(*) FROM entry_event WHERE event_type = 'PLEDGE_CHANGED' "
            "AND payload->>'pledgeStatus' = 'CANCELLED'"
        )
    assert [(r["actor_label"], r["reason"]) for r in trail] == [
        ("system", "expired: not accepted in time")
    ]
    assert events == 1
    # A second round finds nothing more to do.
    await expire_pledge_proposals(db)
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM pledge WHERE status = 'CANCELLED'") == 1


async def test_proposals_beyond_the_need_neither_freeze_its_items_nor_hide_it_from_donors(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    offer = await post_offer(gql, quantity=5000)
    await verify_all(db)
    # Three proposals of everything: together three times what the need lacks.
    for _ in range(3):
        assert (await pledge(gql, need, 1000))["userErrors"] == []
    # Matching still offers the need's whole quantity to donors.
    found = (await gql.data(MATCHING_NEEDS, {"id": offer.id}))["matchingNeeds"]
    assert [(m["need"]["id"], m["lines"][0]["quantity"]) for m in found] == [(need.id, 1000)]
    # The poster may still lower the quantity (the proposals only keep the item in place).
    async with db.connection() as conn:
        version = await conn.fetchval("SELECT version FROM entry WHERE kind = 'NEED'")
    item = {"categoryCode": "face.medical_respirator", "name": "医用防护口罩", "unit": "ITEM"}
    lowered = await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": need.id,
                "version": version,
                "editToken": need.edit_token,
                "items": [{**item, "quantity": 800}],
            }
        },
    )
    assert lowered["updateNeed"]["userErrors"] == []
    # ...but not pull it from under them (another category at its position).
    moved = await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": need.id,
                "version": version + 1,
                "editToken": need.edit_token,
                "items": [{**item, "categoryCode": "body.isolation_gown", "quantity": 800}],
            }
        },
    )
    assert moved["updateNeed"]["userErrors"][0]["code"] == "INVALID_STATE"
