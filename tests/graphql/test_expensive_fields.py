"""Fields that used to cost a query or a lock per occurrence, and lists without a bound
(issue 14): Pledge.history, latestEventId, Verification.flags and pledges."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from hub.graphql.entries.types import DEFAULT_PLEDGES, MAX_PLEDGES
from hub.graphql.ids import parse_global_id
from hub.graphql.loaders import MAX_FLAGS
from hub.graphql.trust.verification import DEFAULT_FLAGS
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_n_plus_one import data_statements
from tests.pledges.steps import Posted, pledge, post_need

PLEDGES = """
query($id: ID!, $first: Int) {
  node(id: $id) { ... on Need { pledges(first: $first) { id history { status } } } }
}"""
FLAGS = """
query($id: ID!, $first: Int) {
  node(id: $id) { ... on Need { verification { flags(first: $first) { reason } } } } }
"""


async def _pledged(gql: GraphQLClient, count: int) -> Posted:
    need = await post_need(gql, quantity=1000)
    for _ in range(count):
        made = await pledge(gql, need, 10)
        assert made["userErrors"] == []
    return need


async def test_pledge_histories_are_read_in_one_statement(
    app: Starlette, gql: GraphQLClient
) -> None:
    need = await _pledged(gql, 3)
    statements: list[str] = []
    stop = app.state.db.observe_queries(statements.append)
    try:
        data = await gql.data(PLEDGES, {"id": need.id})
    finally:
        stop()
    pledges = data["node"]["pledges"]
    assert len(pledges) == 3
    assert all(p["history"] == [{"status": "PROPOSED"}] for p in pledges)
    trails = [s for s in data_statements(statements) if "audit_log" in s]
    assert len(trails) == 1, trails


async def test_latest_event_id_takes_the_stamping_lock_once_per_request(
    app: Starlette, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post_need(gql)
    relay = app.state.live.relay
    original = relay.stamp_and_publish
    calls = 0

    async def counted() -> int:
        nonlocal calls
        calls += 1
        result: int = await original()
        return result

    monkeypatch.setattr(relay, "stamp_and_publish", counted)
    aliases = " ".join(f"a{n}: latestEventId" for n in range(30))
    data = await gql.data(f"{{ {aliases} }}")
    assert calls == 1
    assert len(set(data.values())) == 1 and int(data["a0"]) >= 1
    # The next request stamps again (nothing is kept between requests).
    await gql.data("{ latestEventId }")
    assert calls == 2


async def _flag(db: Database, need: Posted, count: int) -> None:
    _, entry_id = parse_global_id(need.id)
    async with db.connection() as conn:
        await conn.execute(
            """INSERT INTO entry_flag (id, entry_id, reason, created_at)
               SELECT gen_random_uuid(), $1, 'OUTDATED', now() - n * interval '1 minute'
               FROM generate_series(1, $2) AS n""",
            entry_id,
            count,
        )


async def _flags(gql: GraphQLClient, need: Posted, first: int | None = None) -> Any:
    body = await gql.post(FLAGS, {"id": need.id, "first": first})
    if "errors" in body:
        return body["errors"][0]["extensions"]["code"]
    return len(body["data"]["node"]["verification"]["flags"])


async def test_flags_are_bounded(gql: GraphQLClient, db: Database) -> None:
    need = await post_need(gql)
    await _flag(db, need, MAX_FLAGS + 5)
    assert await _flags(gql, need) == DEFAULT_FLAGS
    assert await _flags(gql, need, 3) == 3
    assert await _flags(gql, need, MAX_FLAGS) == MAX_FLAGS
    assert await _flags(gql, need, MAX_FLAGS + 1) == "PAGE_SIZE_EXCEEDED"
    assert await _flags(gql, need, -1) == "PAGE_SIZE_EXCEEDED"


async def test_pledges_are_bounded_oldest_first(gql: GraphQLClient) -> None:
    need = await _pledged(gql, 3)
    everything = (await gql.data(PLEDGES, {"id": need.id}))["node"]["pledges"]
    assert len(everything) == 3 <= DEFAULT_PLEDGES
    two = (await gql.data(PLEDGES, {"id": need.id, "first": 2}))["node"]["pledges"]
    assert [p["id"] for p in two] == [p["id"] for p in everything[:2]]
    refused = await gql.post(PLEDGES, {"id": need.id, "first": MAX_PLEDGES + 1})
    assert refused["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
