"""What a live subscriber holds: nothing once its socket is closed, and no more per event.

Counted with the garbage collector inside the test's own hub (served in this process), by the
types of the objects every WebSocket connection makes. bench/live_memory.py measures the bytes.
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import replace

import httpx
import pytest
from graphql.execution.collect_fields import FieldDetails
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.server import ServerProtocol

from hub.graphql.context import Context
from hub.live.fanout import Subscriber
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer, serving
from tests.live.test_protocols import latest_event_id
from tests.live.wsclient import GraphQLSocket, subscribed

# What each connection makes, from the server's socket up to the subscriber's queue.
PER_CONNECTION = (
    WebSocketsSansIOProtocol,
    ServerProtocol,
    WebSocket,
    BaseGraphQLTransportWSHandler,
    Context,
    Subscriber,
)
SOCKETS = 25
# How long the hub may take to notice that every socket closed (a bound, not a speed).
FORGET_WITHIN = 15.0


def census() -> Counter[str]:
    """Live objects of the PER_CONNECTION types (subclasses counted as their base)."""
    gc.collect()
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        for kind in PER_CONNECTION:
            if isinstance(obj, kind):
                counts[kind.__name__] += 1
    return counts


def field_details() -> int:
    """How many collected-field records graphql-core holds (its executors' memos keep them)."""
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, FieldDetails))


async def post_need(client: GraphQLClient) -> str:
    need_id: str = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"][
        "id"
    ]
    return need_id


async def forgotten(live: LiveServer) -> None:
    """Wait until uvicorn, the live hub and the fanout hold no connection any more."""
    state = live.app.state
    async with asyncio.timeout(FORGET_WITHIN):
        # Nothing signals "the last transport is gone": ask until everyone says so.
        while (  # noqa: ASYNC110
            live.server.server_state.connections
            or state.live.connections
            or state.live.fanout.subscriber_count
        ):
            await asyncio.sleep(0.01)


async def subscribe_many(
    stack: AsyncExitStack, live: LiveServer, after: str, count: int
) -> list[GraphQLSocket]:
    return [
        await stack.enter_async_context(subscribed(live.ws_url, variables={"after": after}))
        for _ in range(count)
    ]


@pytest.mark.soak
async def test_closed_sockets_leave_no_connection_objects_behind(
    settings: Settings, request: pytest.FixtureRequest
) -> None:
    if "soak" not in request.config.option.markexpr:
        pytest.skip("long (about a minute): run with -m soak (CI does, after the default suite)")
    # More sockets than one client may hold by default, opened in a burst.
    roomy = replace(settings, live_max_sockets_per_client=SOCKETS + 1, rate_limit_scale=0.0)
    async with serving(roomy) as live, httpx.AsyncClient(base_url=live.http_url) as http:
        await _open_and_close_rounds(live, GraphQLClient(http))


async def _open_and_close_rounds(live_server: LiveServer, client: GraphQLClient) -> None:
    # One connection first, so that what the first one fills once (imports, caches) is in the
    # baseline.
    async with AsyncExitStack() as stack:
        [warm] = await subscribe_many(stack, live_server, await latest_event_id(client), 1)
        await post_need(client)
        await warm.event()
    await forgotten(live_server)
    before = census()

    for _ in range(2):
        async with AsyncExitStack() as stack:
            sockets = await subscribe_many(
                stack, live_server, await latest_event_id(client), SOCKETS
            )
            posted = [await post_need(client) for _ in range(3)]
            for ws in sockets:
                assert [(await ws.event())["entryId"] for _ in posted] == posted
            held = census()
            # The census sees every connection's objects while they are open...
            for kind in PER_CONNECTION:
                assert held[kind.__name__] >= before[kind.__name__] + SOCKETS, kind
        await forgotten(live_server)
        # ...and none of them once every socket has closed, round after round.
        assert census() == before


async def test_a_subscription_holds_no_more_after_more_events(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    async with subscribed(
        live_server.ws_url, variables={"after": await latest_event_id(client)}
    ) as ws:
        for _ in range(2):
            await post_need(client)
            await ws.event()
        before = field_details()
        events = 10
        for _ in range(events):
            await post_need(client)
            await ws.event()
        grown = field_details() - before
    # graphql-core's memo kept about 19 records per event for the subscription's lifetime.
    assert grown < events, grown
