"""Commit order, resuming with `after`, and the replay window."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import pytest

from hub.domain.enums import EventType
from hub.graphql.ids import parse_global_id
from hub.store import live as store
from hub.store.db import Database
from hub.store.outbox import record_event
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer
from tests.live.test_protocols import latest_event_id
from tests.live.wsclient import ENTRY_EVENTS, PROTOCOLS, socket, subscribed


async def _post_need(client: GraphQLClient, **overrides: Any) -> str:
    need_id: str = (await client.data(SUBMIT_NEED, {"input": need_input(**overrides)}))[
        "submitNeed"
    ]["need"]["id"]
    return need_id


def _uuid(global_id: str) -> UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def test_the_relay_numbers_events_in_commit_order_not_insert_order(db: Database) -> None:
    entry = UUID(int=1)
    async with db.connection() as slow, db.connection() as fast:
        slow_tx = slow.transaction()
        await slow_tx.start()
        slow_id = await record_event(slow, entry, "NEED", EventType.UPDATED, {})
        fast_tx = fast.transaction()
        await fast_tx.start()
        fast_id = await record_event(fast, entry, "NEED", EventType.UPDATED, {})
        assert slow_id < fast_id
        await fast_tx.commit()
        async with db.transaction() as conn:
            first = await store.stamp_committed(conn)
        # The slow transaction's row is invisible, so it is not numbered yet ...
        assert [e.outbox_id for e in first] == [fast_id]
        await slow_tx.commit()
        async with db.transaction() as conn:
            second = await store.stamp_committed(conn)
    # ... and gets the next position once it commits, although its id is smaller.
    assert [e.outbox_id for e in second] == [slow_id]
    assert second[0].position == first[0].position + 1


async def test_a_late_commit_with_a_smaller_id_is_neither_skipped_nor_reordered(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    slow_need, fast_need = await _post_need(client), await _post_need(client)
    after = await latest_event_id(client)
    db: Database = live_server.app.state.db
    variables = {"after": after, "filter": {"types": ["UPDATED"]}}
    async with (
        subscribed(live_server.ws_url, variables=variables) as ws,
        db.connection() as slow,
        db.connection() as fast,
    ):
        slow_tx = slow.transaction()
        await slow_tx.start()
        await record_event(slow, _uuid(slow_need), "NEED", EventType.UPDATED, {})
        async with fast.transaction():
            await record_event(fast, _uuid(fast_need), "NEED", EventType.UPDATED, {})
        first = await ws.event()
        await slow_tx.commit()
        second = await ws.event()
    assert (first["entryId"], second["entryId"]) == (fast_need, slow_need)
    assert int(second["id"]) == int(first["id"]) + 1
    # A client that saw only the first one and resumes after it still gets the late commit.
    resume = {"after": first["id"], "filter": {"types": ["UPDATED"]}}
    async with subscribed(live_server.ws_url, variables=resume) as ws:
        replayed = await ws.event()
    assert replayed["entryId"] == slow_need
    assert replayed["replayed"] is True


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_resume_after_a_disconnect_during_a_burst_gets_every_event_once_in_order(
    live_server: LiveServer, client: GraphQLClient, protocol: str
) -> None:
    total = 40
    after = await latest_event_id(client)
    gate = asyncio.Semaphore(4)  # several writers at once, so that commits interleave

    async def write() -> str:
        async with gate:
            return await _post_need(client)

    writers = asyncio.gather(*(write() for _ in range(total)))
    variables = {"after": after, "filter": {"kinds": ["NEED"]}}
    seen: list[dict[str, Any]] = []
    async with subscribed(live_server.ws_url, protocol, variables=variables) as ws:
        seen += [await ws.event() for _ in range(10)]
    # Disconnected mid-burst; resume from the last event received.
    resume = {"after": seen[-1]["id"], "filter": {"kinds": ["NEED"]}}
    async with subscribed(live_server.ws_url, protocol, variables=resume) as ws:
        while len(seen) < total:
            seen.append(await ws.event())
    posted = await writers
    positions = [int(e["id"]) for e in seen]
    assert positions == sorted(set(positions)), "in order, none twice"
    assert sorted(e["entryId"] for e in seen) == sorted(posted)


async def _first_message(url: str, variables: dict[str, Any], protocol: str) -> dict[str, Any]:
    async with socket(url, protocol) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start(ENTRY_EVENTS, variables)
        return await ws.receive()


def _error_code(message: dict[str, Any]) -> str:
    """The extensions.code of an operation refused at its start, on either protocol."""
    payload = message["payload"]
    if message["type"] in ("next", "data"):
        payload = payload["errors"]
    else:
        assert message["type"] == "error", message
    errors = payload if isinstance(payload, list) else [payload]
    code: str = errors[0]["extensions"]["code"]
    return code


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_resume_points_that_cannot_be_honoured_are_refused_with_a_code(
    live_server: LiveServer, client: GraphQLClient, protocol: str
) -> None:
    url = live_server.ws_url
    after = await latest_event_id(client)
    await _post_need(client)
    ahead = str(int(await latest_event_id(client)) + 1000)
    assert _error_code(await _first_message(url, {"after": ahead}, protocol)) == "INVALID_CURSOR"
    assert _error_code(await _first_message(url, {"after": "abc"}, protocol)) == "INVALID_CURSOR"
    # Age the missed events beyond the 24-hour window: the client must refetch instead.
    db: Database = live_server.app.state.db
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE entry_event SET created_at = now() - interval '25 hours' WHERE position > $1",
            int(after),
        )
    message = await _first_message(url, {"after": after}, protocol)
    assert _error_code(message) == "REPLAY_WINDOW_EXCEEDED"
    assert "refetch" in str(message)
