"""Issue 14: nobody can hide a verified entry with reports.

Before, three anonymous reports (even from one client) or one from a fresh account sent a
verified entry back to PENDING, and the public lists dropped it. Now each reporter counts once,
weighted by trust, and past the threshold the entry only goes to a reviewer, still VERIFIED
and listed, until the reviewer decides.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from hub.domain.accounts import Role, Viewer
from hub.graphql.ids import expect_global_id
from hub.services.accounts import approve_user
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, QUEUE, auth, codes, submit, verify
from tests.graphql.trust_clients import client_at
from tests.helpers import need_input

FLAG = """mutation($input: FlagEntryInput!) { flagEntry(input: $input) {
    entry { verificationStatus } userErrors { code } } }"""
LISTED = "{ needs(first: 100) { edges { node { id verificationStatus } } } }"
STATE = """query($id: ID!) { node(id: $id) { ... on Need { verificationStatus
    verification { recheckRequestedAt flags { reason note } } } } }"""


async def _verified_need(gql: GraphQLClient, reviewer: str) -> str:
    need = await submit(gql)
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    assert (await verify(gql, reviewer, need["id"]))["entry"]["verificationStatus"] == "VERIFIED"
    return str(need["id"])


async def _flag(client: GraphQLClient, entry_id: str, **headers: str) -> dict[str, Any]:
    report = {"entryId": entry_id, "reason": "FAKE", "note": "假的"}
    result: dict[str, Any] = (await client.data(FLAG, {"input": report}, **headers))["flagEntry"]
    assert result["userErrors"] == []
    return result


async def _listed(gql: GraphQLClient) -> set[str]:
    edges = (await gql.data(LISTED))["needs"]["edges"]
    return {e["node"]["id"] for e in edges if e["node"]["verificationStatus"] == "VERIFIED"}


async def _queued(gql: GraphQLClient, reviewer: str) -> set[str]:
    edges = (await gql.data(QUEUE, **auth(reviewer)))["reviewQueue"]["edges"]
    return {e["node"]["id"] for e in edges}


async def test_reports_never_hide_a_verified_entry(
    app: Starlette, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "flag_judge")
    second_reviewer, _ = await token_for(db, Role.REVIEWER, "flag_judge2")
    fresh, _ = await token_for(db, Role.VOLUNTEER, "fresh_account")
    one_client, three_clients, fresh_account, reviewed = [
        await _verified_need(gql, reviewer) for _ in range(4)
    ]

    # Five reports from one anonymous client: one reporter, weight 1.
    prankster = client_at(app, "203.0.113.7")
    async with prankster.http:
        for _ in range(5):
            assert (await _flag(prankster, one_client))["entry"]["verificationStatus"] == (
                "VERIFIED"
            )
    # Three anonymous clients: weight 3, under the threshold of 4.
    for n in range(3):
        other = client_at(app, f"198.51.100.{n + 1}")
        async with other.http:
            await _flag(other, three_clients)
    # One freshly signed-up, unapproved account: weight 1.
    await _flag(gql, fresh_account, **auth(fresh))

    async with db.connection() as conn:
        rows = await conn.fetchval(
            "SELECT count(*) FROM entry_flag WHERE entry_id = $1",
            expect_global_id(one_client, "Need"),
        )
    assert rows == 1  # the repeats were accepted and added nothing
    attacked = {one_client, three_clients, fresh_account}
    assert attacked <= await _listed(gql)
    assert not attacked & await _queued(gql, reviewer)

    # A fourth distinct client passes the threshold: a reviewer is asked, nothing is hidden.
    fourth = client_at(app, "198.51.100.4")
    async with fourth.http:
        assert (await _flag(fourth, three_clients))["entry"]["verificationStatus"] == "VERIFIED"
    # One reviewer's report weighs as much on its own.
    await _flag(gql, reviewed, **auth(second_reviewer))
    assert attacked | {reviewed} <= await _listed(gql)
    assert await _queued(gql, reviewer) == {three_clients, reviewed}

    seen = (await gql.data(STATE, {"id": three_clients}, **auth(reviewer)))["node"]
    assert seen["verificationStatus"] == "VERIFIED"
    assert seen["verification"]["recheckRequestedAt"] is not None
    assert [f["note"] for f in seen["verification"]["flags"]] == ["假的"] * 4
    public = (await gql.data(STATE, {"id": three_clients}))["node"]
    assert public["verification"]["recheckRequestedAt"] is None
    assert [f["note"] for f in public["verification"]["flags"]] == [None] * 4

    # Claimed for the recheck, the entry stays VERIFIED and listed until the decision.
    claimed = (await gql.data(CLAIM, {"e": three_clients}, **auth(reviewer)))["claimReview"]
    assert claimed["userErrors"] == []
    assert claimed["entry"]["verificationStatus"] == "VERIFIED"
    assert three_clients in await _listed(gql)
    rejected = await verify(
        gql, reviewer, three_clients, decision="REJECT", rejectionReason="FALSE_INFORMATION"
    )
    assert rejected["entry"]["verificationStatus"] == "REJECTED"
    assert three_clients not in await _listed(gql)

    # A reviewer's decision ends the recheck: confirmed, it leaves the queue.
    await gql.data(CLAIM, {"e": reviewed}, **auth(reviewer))
    confirmed = await verify(gql, reviewer, reviewed)
    assert confirmed["entry"]["verificationStatus"] == "VERIFIED"
    assert await _queued(gql, reviewer) == set()
    after = (await gql.data(STATE, {"id": reviewed}, **auth(reviewer)))["node"]
    assert after["verification"]["recheckRequestedAt"] is None


async def test_approved_volunteers_weigh_more_than_anonymous_clients(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "weigh_judge")
    volunteers = []
    for name in ("vol_a", "vol_b"):
        token, user_id = await token_for(db, Role.VOLUNTEER, name)
        local = expect_global_id(user_id, "User")
        assert local is not None
        await approve_user(db, Viewer(handle="coordinator", role=Role.COORDINATOR), local)
        volunteers.append(token)
    need = await _verified_need(gql, reviewer)
    await _flag(gql, need, **auth(volunteers[0]))
    await _flag(gql, need, **auth(volunteers[0]))  # a repeat: no new weight
    assert need not in await _queued(gql, reviewer)
    await _flag(gql, need, **auth(volunteers[1]))
    assert need in await _queued(gql, reviewer)
    assert need in await _listed(gql)


async def test_a_poster_cannot_dismiss_a_recheck_by_reconfirming(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "recheck_judge")
    reporter, _ = await token_for(db, Role.REVIEWER, "recheck_reporter")
    payload = (
        await gql.data(
            """mutation($input: SubmitNeedInput!) { submitNeed(input: $input) {
                need { id } reconfirmationToken } }""",
            {"input": need_input()},
        )
    )["submitNeed"]
    need, link = payload["need"]["id"], payload["reconfirmationToken"]
    await gql.data(CLAIM, {"e": need}, **auth(reviewer))
    await verify(gql, reviewer, need)
    await _flag(gql, need, **auth(reporter))
    await gql.data(
        """mutation($input: ReconfirmEntryInput!) { reconfirmEntry(input: $input) {
            userErrors { code } } }""",
        {"input": {"token": link, "answer": "STILL_CURRENT"}},
    )
    assert need in await _queued(gql, reviewer)
    claimed = (await gql.data(CLAIM, {"e": need}, **auth(reviewer)))["claimReview"]
    assert codes(claimed) == []
    assert claimed["entry"]["verificationStatus"] == "VERIFIED"


async def test_a_recheck_under_way_does_not_expire_under_the_reviewer(
    gql: GraphQLClient, db: Database
) -> None:
    from hub.services.reviews import expire_overdue

    reviewer, _ = await token_for(db, Role.REVIEWER, "expiry_judge")
    reporter, _ = await token_for(db, Role.REVIEWER, "expiry_reporter")
    need = await _verified_need(gql, reviewer)
    await _flag(gql, need, **auth(reporter))
    await gql.data(CLAIM, {"e": need}, **auth(reviewer))
    async with db.connection() as conn:
        await conn.execute("UPDATE entry SET expires_at = now() - interval '1 hour'")
    assert await expire_overdue(db) == 0
    decided = await verify(gql, reviewer, need)
    assert decided["userErrors"] == []
    assert decided["entry"]["verificationStatus"] == "VERIFIED"
