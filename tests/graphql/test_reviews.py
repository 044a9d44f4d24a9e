"""The reviewer workflow end to end: queue, claim with a lease, decide, expire, change."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.domain.accounts import Role
from hub.services.reviews import expire_overdue
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import NEED, SUBMIT_NEED, UPDATE_NEED, need_input

QUEUE = """query($filter: ReviewQueueFilter) { reviewQueue(filter: $filter) {
    totalCount edges { node { id ... on Need { urgency } } } } }"""
CLAIM = """mutation($e: ID!) { claimReview(entryId: $e) {
    entry { verificationStatus verification { inReviewUntil } } userErrors { field code } } }"""
RELEASE = """mutation($e: ID!) { releaseReview(entryId: $e) {
    entry { verificationStatus } userErrors { field code } } }"""
REVIEW = """mutation($input: ReviewEntryInput!) { reviewEntry(input: $input) {
    entry { id verificationStatus verifiedAt
            verification { status method ageHours verifiedAt
                           reviews { reviewer decision method rejectionReason note } } }
    userErrors { field code } } }"""


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def submit(gql: GraphQLClient, **headers: str) -> dict[str, Any]:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}, **headers))["submitNeed"]
    assert payload["userErrors"] == []
    need: dict[str, Any] = payload["need"]
    need["editToken"] = payload["editToken"]
    return need


def codes(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in result["userErrors"]]


async def verify(gql: GraphQLClient, token: str, entry_id: str, **extra: Any) -> dict[str, Any]:
    input_ = {"entryId": entry_id, "decision": "VERIFY", "method": "PHONE_CALL", **extra}
    result: dict[str, Any] = (await gql.data(REVIEW, {"input": input_}, **auth(token)))[
        "reviewEntry"
    ]
    return result


async def test_from_queue_to_verified(gql: GraphQLClient, db: Database) -> None:
    alice, _ = await token_for(db, Role.REVIEWER, "alice")
    bob, _ = await token_for(db, Role.REVIEWER, "bob")
    need = await submit(gql)
    queue = (await gql.data(QUEUE, **auth(alice)))["reviewQueue"]
    assert [e["node"]["id"] for e in queue["edges"]] == [need["id"]]

    claimed = (await gql.data(CLAIM, {"e": need["id"]}, **auth(alice)))["claimReview"]
    assert claimed["entry"]["verificationStatus"] == "IN_REVIEW"
    assert claimed["entry"]["verification"]["inReviewUntil"]
    assert (await gql.data(QUEUE, **auth(bob)))["reviewQueue"]["totalCount"] == 0
    taken = (await gql.data(CLAIM, {"e": need["id"]}, **auth(bob)))["claimReview"]
    assert codes(taken) == [("entryId", "ALREADY_CLAIMED")]
    not_mine = await verify(gql, bob, need["id"])
    assert codes(not_mine) == [("entryId", "NOT_CLAIMED")]

    done = await verify(
        gql,
        alice,
        need["id"],
        note="电话确认：仍缺 N95 5000 只",
        evidenceUrl="https://weibo.example.cn/post/2",
    )
    assert done["userErrors"] == []
    entry = done["entry"]
    assert entry["verificationStatus"] == "VERIFIED"
    assert entry["verification"]["method"] == "PHONE_CALL"
    assert entry["verification"]["ageHours"] == 0.0
    assert entry["verification"]["reviews"][0]["reviewer"] == "alice"
    assert entry["verification"]["reviews"][0]["note"] == "电话确认：仍缺 N95 5000 只"
    assert (await gql.data(QUEUE, **auth(alice)))["reviewQueue"]["totalCount"] == 0

    public = await gql.data(
        f'{{ node(id: "{need["id"]}") {{ ... on Need {{ verification {{'
        " status reviews { reviewer note } } } } }"
    )
    assert public["node"]["verification"]["status"] == "VERIFIED"
    assert public["node"]["verification"]["reviews"] == [{"reviewer": "alice", "note": None}]
    async with db.connection() as conn:
        events = await conn.fetch(
            "SELECT event_type FROM entry_event WHERE entry_kind = 'NEED' ORDER BY id"
        )
    assert [e["event_type"] for e in events] == ["CREATED", "STATUS_CHANGED", "VERIFIED"]


async def test_racing_claims_have_one_winner(gql: GraphQLClient, db: Database) -> None:
    need = await submit(gql)
    tokens = [(await token_for(db, Role.REVIEWER, f"racer{n}"))[0] for n in range(4)]
    results = await asyncio.gather(*(gql.data(CLAIM, {"e": need["id"]}, **auth(t)) for t in tokens))
    winners = [r for r in results if not r["claimReview"]["userErrors"]]
    losers = [codes(r["claimReview"]) for r in results if r["claimReview"]["userErrors"]]
    assert len(winners) == 1
    assert losers == [[("entryId", "ALREADY_CLAIMED")]] * 3


async def test_no_one_verifies_their_own_entry(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "self_reviewer")
    need = await submit(gql, **auth(reviewer))
    refused = (await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer)))["claimReview"]
    assert codes(refused) == [("entryId", "NOT_ALLOWED")]


async def test_two_independent_reviewers_when_required(settings: Settings, db: Database) -> None:
    app = create_app(replace(settings, reviews_required=2))
    async with app.router.lifespan_context(app):
        gql = _client(app)
        async with gql.http:
            first, _ = await token_for(db, Role.REVIEWER, "first")
            second, _ = await token_for(db, Role.REVIEWER, "second")
            need = await submit(gql)
            await gql.data(CLAIM, {"e": need["id"]}, **auth(first))
            half = await verify(gql, first, need["id"])
            assert half["entry"]["verificationStatus"] == "PENDING"
            again = (await gql.data(CLAIM, {"e": need["id"]}, **auth(first)))["claimReview"]
            assert codes(again) == [("entryId", "NOT_ALLOWED")]
            await gql.data(CLAIM, {"e": need["id"]}, **auth(second))
            whole = await verify(gql, second, need["id"], method="OFFICIAL_NOTICE")
            assert whole["entry"]["verificationStatus"] == "VERIFIED"
            assert [r["reviewer"] for r in whole["entry"]["verification"]["reviews"]] == [
                "first",
                "second",
            ]


def _client(app: Starlette) -> GraphQLClient:
    transport = httpx.ASGITransport(app=app)
    return GraphQLClient(httpx.AsyncClient(transport=transport, base_url="http://hub.test"))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"decision": "REJECT"}, [("rejectionReason", "REQUIRED")]),
        ({"rejectionReason": "SPAM"}, [("rejectionReason", "INVALID_COMBINATION")]),
        ({"evidenceUrl": "not a url"}, [("evidenceUrl", "INVALID_URL")]),
    ],
)
async def test_decision_user_errors(
    gql: GraphQLClient, db: Database, extra: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "carol")
    need = await submit(gql)
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    result = await verify(gql, reviewer, need["id"], **extra)
    assert codes(result) == expected
    assert result["entry"] is None


async def test_reject_and_request_changes(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "dave")
    spam, unclear = await submit(gql), await submit(gql)
    await gql.data(CLAIM, {"e": spam["id"]}, **auth(reviewer))
    rejected = await verify(gql, reviewer, spam["id"], decision="REJECT", rejectionReason="SPAM")
    assert rejected["entry"]["verificationStatus"] == "REJECTED"
    assert rejected["entry"]["verification"]["reviews"][0]["rejectionReason"] == "SPAM"
    await gql.data(CLAIM, {"e": unclear["id"]}, **auth(reviewer))
    changes = await verify(gql, reviewer, unclear["id"], decision="REQUEST_CHANGES")
    assert changes["entry"]["verificationStatus"] == "NEEDS_CHANGES"
    # The submitter fixes it: back in the queue.
    fixed = await gql.data(
        UPDATE_NEED,
        {
            "input": {
                "id": unclear["id"],
                "version": 1,
                "editToken": unclear["editToken"],
                "contacts": [{"name": "医务科", "phone": "027-85726114", "visibility": "PUBLIC"}],
            }
        },
    )
    assert fixed["updateNeed"]["need"]["verificationStatus"] == "PENDING"
    assert (await gql.data(QUEUE, **auth(reviewer)))["reviewQueue"]["totalCount"] == 1


async def test_release_and_lapsed_leases(gql: GraphQLClient, db: Database) -> None:
    erin, _ = await token_for(db, Role.REVIEWER, "erin")
    frank, _ = await token_for(db, Role.REVIEWER, "frank")
    need = await submit(gql)
    await gql.data(CLAIM, {"e": need["id"]}, **auth(erin))
    released = (await gql.data(RELEASE, {"e": need["id"]}, **auth(erin)))["releaseReview"]
    assert released["entry"]["verificationStatus"] == "PENDING"
    assert codes((await gql.data(RELEASE, {"e": need["id"]}, **auth(erin)))["releaseReview"]) == [
        ("entryId", "NOT_CLAIMED")
    ]
    await gql.data(CLAIM, {"e": need["id"]}, **auth(erin))
    # Fifteen minutes pass: the lease runs out on its own, no job involved.
    async with db.connection() as conn:
        await conn.execute("UPDATE entry SET lease_until = now() - interval '1 second'")
    assert (await gql.data(QUEUE, **auth(frank)))["reviewQueue"]["totalCount"] == 1
    taken = (await gql.data(CLAIM, {"e": need["id"]}, **auth(frank)))["claimReview"]
    assert taken["userErrors"] == []
    assert codes(await verify(gql, erin, need["id"])) == [("entryId", "NOT_CLAIMED")]


async def test_substance_changes_requeue_progress_does_not(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "grace")
    need = await submit(gql)
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    await verify(gql, reviewer, need["id"])
    items = [dict(i) for i in NEED["items"]]
    items[0]["fulfilledQuantity"] = 1000
    progress = (
        await gql.data(
            UPDATE_NEED,
            {
                "input": {
                    "id": need["id"],
                    "version": 1,
                    "editToken": need["editToken"],
                    "items": items,
                    "status": "PARTIALLY_FULFILLED",
                }
            },
        )
    )["updateNeed"]["need"]
    assert progress["verificationStatus"] == "VERIFIED"
    items[0]["quantity"] = 9000
    changed = (
        await gql.data(
            UPDATE_NEED,
            {
                "input": {
                    "id": need["id"],
                    "version": 2,
                    "editToken": need["editToken"],
                    "items": items,
                }
            },
        )
    )["updateNeed"]["need"]
    assert changed["verificationStatus"] == "PENDING"
    # The old round's review no longer counts; the same reviewer may check again.
    again = (await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer)))["claimReview"]
    assert again["userErrors"] == []


async def test_stale_verifications_expire_back_into_the_queue(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "heidi")
    need = await submit(gql)
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    await verify(gql, reviewer, need["id"])
    assert await expire_overdue(db) == 0
    async with db.connection() as conn:
        await conn.execute("UPDATE entry SET expires_at = now() - interval '1 minute'")
    assert await expire_overdue(db) == 1
    queue = (await gql.data(QUEUE, **auth(reviewer)))["reviewQueue"]
    assert queue["totalCount"] == 1
    async with db.connection() as conn:
        last = await conn.fetchval("SELECT event_type FROM entry_event ORDER BY id DESC LIMIT 1")
    assert last == "EXPIRED"


FLAG = """mutation($input: FlagEntryInput!) { flagEntry(input: $input) {
    entry { verificationStatus verification { flags { reason note } } } userErrors { code } } }"""


# Flags (distinct reporters, weights, rechecks that keep the entry public) are tested as the
# attacks they stop in tests/graphql/test_trust_abuse.py.


RECONFIRM = """mutation($input: ReconfirmEntryInput!) { reconfirmEntry(input: $input) {
    entry { status verificationStatus expiresAt closeReason } userErrors { field code } } }"""


async def test_the_poster_reconfirms_without_an_account(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "leo")
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need, link = payload["need"], payload["reconfirmationToken"]
    assert len(link) >= 32  # 24 random bytes: at least 128 bits
    await gql.data(CLAIM, {"e": need["id"]}, **auth(reviewer))
    await verify(gql, reviewer, need["id"])
    async with db.connection() as conn:
        await conn.execute("UPDATE entry SET expires_at = now() - interval '1 hour'")
    await expire_overdue(db)

    current = await gql.data(RECONFIRM, {"input": {"token": link, "answer": "STILL_CURRENT"}})
    entry = current["reconfirmEntry"]["entry"]
    assert entry["verificationStatus"] == "VERIFIED"
    history = await gql.data(
        "query($e: ID!) { entryHistory(entryId: $e) { action actor } }", {"e": need["id"]}
    )
    assert history["entryHistory"][-1] == {"action": "entry.reconfirmed", "actor": "poster-link"}
    fulfilled = await gql.data(RECONFIRM, {"input": {"token": link, "answer": "FULFILLED"}})
    assert fulfilled["reconfirmEntry"]["entry"]["status"] == "FULFILLED"
    withdrawn = await gql.data(RECONFIRM, {"input": {"token": link, "answer": "WITHDRAWN"}})
    assert withdrawn["reconfirmEntry"]["entry"]["status"] == "CLOSED"
    closed = await gql.data(RECONFIRM, {"input": {"token": link, "answer": "STILL_CURRENT"}})
    assert codes(closed["reconfirmEntry"]) == [("token", "INVALID_STATE")]

    wrong = await gql.data(RECONFIRM, {"input": {"token": "x" * 32, "answer": "FULFILLED"}})
    assert codes(wrong["reconfirmEntry"]) == [("token", "NOT_FOUND")]
    other = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    async with db.connection() as conn:
        await conn.execute("UPDATE reconfirmation_token SET expires_at = now()")
    stale = await gql.data(
        RECONFIRM, {"input": {"token": other["reconfirmationToken"], "answer": "FULFILLED"}}
    )
    assert codes(stale["reconfirmEntry"]) == [("token", "NOT_FOUND")]


async def test_queue_filters(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "pat")
    masks = await submit(gql)
    vent = (
        await gql.data(
            SUBMIT_NEED,
            {
                "input": need_input(
                    region={"province": "湖北省", "city": "黄冈市"},
                    items=[
                        {
                            "categoryCode": "devices.ventilator",
                            "name": "呼吸机",
                            "quantity": 2,
                            "unit": "DEVICE",
                        }
                    ],
                )
            },
        )
    )["submitNeed"]["need"]

    async def ids(flt: dict[str, Any]) -> list[str]:
        queue = (await gql.data(QUEUE, {"filter": flt}, **auth(reviewer)))["reviewQueue"]
        return [e["node"]["id"] for e in queue["edges"]]

    assert await ids({"categoryCodes": ["devices.ventilator"]}) == [vent["id"]]
    assert await ids({"city": "武汉市"}) == [masks["id"]]
    assert await ids({"kinds": ["OFFER"]}) == []
    assert sorted(await ids({"province": "湖北省", "kinds": ["NEED"]})) == sorted(
        [masks["id"], vent["id"]]
    )


async def test_queue_pages_most_urgent_then_longest_waiting(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "quinn")
    low = (await gql.data(SUBMIT_NEED, {"input": need_input(urgency="LOW")}))["submitNeed"]
    first_critical = await submit(gql)
    second_critical = await submit(gql)
    page = """query($after: String) { reviewQueue(first: 2, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    one = (await gql.data(page, {"after": None}, **auth(reviewer)))["reviewQueue"]
    two = (await gql.data(page, {"after": one["pageInfo"]["endCursor"]}, **auth(reviewer)))[
        "reviewQueue"
    ]
    order = [e["node"]["id"] for e in one["edges"] + two["edges"]]
    assert order == [first_critical["id"], second_critical["id"], low["need"]["id"]]
    assert (one["pageInfo"]["hasNextPage"], two["pageInfo"]["hasNextPage"]) == (True, False)
