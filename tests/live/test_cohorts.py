"""Execute once per shape: subscribers that would be sent the same bytes share one execution."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from websockets.http11 import Request

from hub.domain.accounts import Role
from hub.graphql.live import shapes
from hub.graphql.live.shapes import LiveShape, ShapeKey
from hub.http.websocket_protocol import FRAMES_EXTENSION, WINDOW_BITS, HubWebSocketProtocol
from hub.live.cohorts import Rendered
from hub.live.fanout import Delivery
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer
from tests.live.test_protocols import latest_event_id
from tests.live.wsclient import ENTRY_EVENTS, GraphQLSocket, socket

SMALL = "subscription($filter: EntryEventFilter) { entryEvents(filter: $filter) { id entryId } }"
INCLUDED = """
subscription($withEntry: Boolean!) {
  entryEvents { id entryId entry @include(if: $withEntry) { id } }
}"""
FOR_REVIEWERS = """
subscription { entryEvents { id entry { id ... on Need { possibleDuplicates { score } } } } }"""


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[ShapeKey]:
    """The key of every shape rendering (the real rendering still runs)."""
    seen: list[ShapeKey] = []
    original = LiveShape.render

    async def counted(self: LiveShape, delivery: Delivery) -> Rendered:
        seen.append(self.key)
        return await original(self, delivery)

    monkeypatch.setattr(LiveShape, "render", counted)
    return seen


@asynccontextmanager
async def subscribers(
    live: LiveServer,
    plans: list[tuple[str, dict[str, Any], dict[str, Any]]],
) -> AsyncIterator[list[GraphQLSocket]]:
    """One connection per (document, variables, connect options), each subscribed, and the
    fanout (of the test's own hub) known to hold them all."""
    async with AsyncExitStack() as stack:
        sockets = []
        for document, variables, given in plans:
            options = dict(given)
            init = options.pop("init", None)
            ws = await stack.enter_async_context(socket(live.ws_url, **options))
            assert (await ws.init(init))["type"] == "connection_ack"
            await ws.start(document, variables)
            sockets.append(ws)
        await live.app.state.live.fanout.until_subscribers(len(plans))
        yield sockets


async def post_need(client: GraphQLClient) -> str:
    """Submit a need; its global id."""
    answer = await client.data(SUBMIT_NEED, {"input": need_input()})
    need_id: str = answer["submitNeed"]["need"]["id"]
    return need_id


async def test_one_execution_serves_every_subscriber_of_a_shape(
    live_server: LiveServer, client: GraphQLClient, renders: list[ShapeKey]
) -> None:
    # Filters differ (they do not change what an event looks like); so does compression.
    plans = [
        (SMALL, {"filter": {"kinds": ["NEED"]} if i % 2 else None}, {"compression": None})
        for i in range(6)
    ] + [(SMALL, {}, {}) for _ in range(6)]
    async with subscribers(live_server, plans) as sockets:
        need_id = await post_need(client)
        events = await asyncio.gather(*(ws.event() for ws in sockets))
    assert {event["entryId"] for event in events} == {need_id}
    assert len({json.dumps(event, sort_keys=True) for event in events}) == 1
    assert len(renders) == 1


async def test_variables_the_selection_uses_make_separate_shapes(
    live_server: LiveServer, client: GraphQLClient, renders: list[ShapeKey]
) -> None:
    plans = [(INCLUDED, {"withEntry": i % 2 == 0}, {}) for i in range(4)]
    async with subscribers(live_server, plans) as sockets:
        need_id = await post_need(client)
        events = await asyncio.gather(*(ws.event() for ws in sockets))
    assert [event.get("entry") for event in events] == [
        {"id": need_id},
        None,
        {"id": need_id},
        None,
    ]
    assert [("entry" in event) for event in events] == [True, False, True, False]
    assert len(renders) == 2


async def test_fields_that_depend_on_the_viewer_are_rendered_per_viewer(
    live_server: LiveServer, client: GraphQLClient, db: Database, renders: list[ShapeKey]
) -> None:
    token, _ = await token_for(db, Role.REVIEWER, "reviewer_shape")
    reviewer = {"init": {"authorization": f"Bearer {token}"}}
    plans = [(FOR_REVIEWERS, {}, {}), (FOR_REVIEWERS, {}, {}), (FOR_REVIEWERS, {}, reviewer)]
    async with subscribers(live_server, plans) as sockets:
        await post_need(client)
        payloads = await asyncio.gather(*(ws.result() for ws in sockets))
    # Two anonymous subscribers share one rendering; the reviewer gets one of their own.
    assert len(renders) == 2
    assert len({key.audience for key in renders}) == 2
    assert payloads[0] == payloads[1]
    for payload in payloads:
        for error in payload.get("errors", []):
            assert error["extensions"]["code"]


async def test_an_operation_completed_is_sent_nothing_more(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    async with subscribers(live_server, [(SMALL, {}, {})]) as (ws,):
        await ws.stop("1")
        # The completion reached the hub once the fanout has let the subscriber go.
        fanout = live_server.app.state.live.fanout
        await fanout.until_at_most(0)
        second = await ws.start(SMALL)
        await fanout.until_subscribers(1)
        need_id = await post_need(client)
        message = await ws.receive()
    assert message["id"] == second
    assert message["payload"]["data"]["entryEvents"]["entryId"] == need_id


async def test_a_resumed_subscriber_gets_the_replay_then_the_cohort_in_order(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    after = await latest_event_id(client)
    missed = [await post_need(client) for _ in range(3)]
    # Reading the newest id stamps and announces what committed: the three are history now.
    await latest_event_id(client)
    plans = [(ENTRY_EVENTS, {"after": after}, {}), (ENTRY_EVENTS, {}, {})]
    async with subscribers(live_server, plans) as (resumed, live):
        posted = await post_need(client)
        replayed = [await resumed.event() for _ in range(4)]
        fresh = await live.event()
    assert [event["entryId"] for event in replayed] == [*missed, posted]
    assert [event["replayed"] for event in replayed] == [True, True, True, False]
    ids = [int(event["id"]) for event in replayed]
    assert ids == sorted(ids)
    assert fresh == replayed[-1]


async def test_an_idle_subscriber_keeps_no_execution_and_no_handshake(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    plans = [
        (ENTRY_EVENTS, {}, {}),
        (ENTRY_EVENTS, {}, {}),
        (ENTRY_EVENTS, {}, {"compression": None}),
    ]
    async with subscribers(live_server, plans) as sockets:
        # Once subscribed, nothing of strawberry's execution waits for an event...
        running = [
            task
            for task in asyncio.all_tasks()
            if "run_operation" in repr(task.get_coro()) and not task.done()
        ]
        assert running == []
        # ...nor does websockets' parser keep the handshake's request and its headers.
        protocols = [
            connection
            for connection in live_server.server.server_state.connections
            if isinstance(connection, HubWebSocketProtocol)
        ]
        assert len(protocols) == 3
        # Compression as negotiated: the client's offer, accepted with the hub's window.
        windows = sorted(
            (p.scope["extensions"][FRAMES_EXTENSION].deflate_window_bits or 0) for p in protocols
        )
        assert windows == [0, WINDOW_BITS, WINDOW_BITS]
        for protocol in protocols:
            held = protocol.conn.parser.gi_frame.f_locals.values()
            assert not [value for value in held if isinstance(value, Request)]
        # And they are live all the same.
        need_id = await post_need(client)
        events = await asyncio.gather(*(ws.event() for ws in sockets))
    assert {event["entryId"] for event in events} == {need_id}


async def test_a_shape_does_not_grow_with_the_events_it_renders(
    live_server: LiveServer, client: GraphQLClient, renders: list[ShapeKey]
) -> None:
    async with subscribers(live_server, [(ENTRY_EVENTS, {}, {})]) as (ws,):
        sizes = []
        for _ in range(3):
            await post_need(client)
            await ws.event()
            shape = shapes._SHAPES[renders[-1]]
            # graphql-core's per-event copies would share (and grow) the shape's own memo.
            sizes.append(len(shape._executor._relevant_sub_fields))
    assert sizes == [0, 0, 0]
