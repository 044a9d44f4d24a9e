"""Several hub processes sharing one PostgreSQL and one Redis; restarts of Redis and of a hub."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from hub.live.broker import REDIS_CHANNEL
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import HubProcess, RedisServer
from tests.live.test_protocols import latest_event_id
from tests.live.wsclient import socket, subscribed


def _env(dsn: str, redis_url: str | None) -> dict[str, str]:
    env = {
        "HUB_DATABASE_URL": dsn,
        "HUB_IN_PROCESS_JOBS": "false",
        # Ten minutes: within a test, events can only cross processes through the broker.
        "HUB_LIVE_POLL_MS": "600000",
    }
    if redis_url:
        env["HUB_REDIS_URL"] = redis_url
    return env


@pytest.fixture
def two_hubs(fresh_dsn: str, redis_server: RedisServer) -> Iterator[tuple[HubProcess, HubProcess]]:
    """Hubs A and B on different loopback ports."""
    hubs = (
        HubProcess(_env(fresh_dsn, redis_server.url)),
        HubProcess(_env(fresh_dsn, redis_server.url)),
    )
    try:
        for hub in hubs:
            hub.start()
        yield hubs
    finally:
        for hub in hubs:
            hub.stop()


@asynccontextmanager
async def graphql_client(hub: HubProcess) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client posting to `hub` over HTTP."""
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=30) as http:
        yield GraphQLClient(http)


async def _post_need(client: GraphQLClient) -> str:
    answer = await client.data(SUBMIT_NEED, {"input": need_input()})
    need_id: str = answer["submitNeed"]["need"]["id"]
    return need_id


async def test_a_subscriber_on_one_process_receives_a_write_made_on_another(
    two_hubs: tuple[HubProcess, HubProcess], redis_server: RedisServer
) -> None:
    a, b = two_hubs
    redis = Redis.from_url(redis_server.url)
    channel = redis.pubsub()
    await channel.subscribe(REDIS_CHANNEL)
    try:
        async with graphql_client(a) as on_a:
            after = await latest_event_id(on_a)
            async with subscribed(b.ws_url, variables={"after": after}) as on_b:
                first = await _post_need(on_a)
                assert (await on_b.event())["entryId"] == first
                # Joined for certain now (it received an event): the next one arrives live.
                second = await _post_need(on_a)
                event = await on_b.event()
        assert event["entryId"] == second
        assert event["replayed"] is False
        # The news crossed Redis: positions and ids only, no entry data.
        published: list[dict[str, Any]] = []
        async with asyncio.timeout(15):
            while not any(m["last"] >= int(event["id"]) for m in published):
                message = await channel.get_message(ignore_subscribe_messages=True, timeout=15)
                if message is not None:  # None: the subscription's own confirmation
                    published.append(json.loads(message["data"]))
        assert "13800001234" not in json.dumps(published)
    finally:
        await channel.aclose()
        await redis.aclose()


async def test_when_redis_restarts_http_goes_on_and_subscriptions_recover_without_a_gap(
    two_hubs: tuple[HubProcess, HubProcess], redis_server: RedisServer
) -> None:
    a, b = two_hubs
    async with graphql_client(a) as on_a:
        after = await latest_event_id(on_a)
        variables = {"after": after, "filter": {"kinds": ["NEED"]}}
        async with subscribed(b.ws_url, variables=variables) as on_b:
            posted = [await _post_need(on_a)]
            received = [await on_b.event()]
            redis_server.stop()
            # Without Redis the hub still takes writes and answers reads.
            posted += [await _post_need(on_a), await _post_need(on_a)]
            async with httpx.AsyncClient(timeout=30) as http:
                ready = await http.get(f"{b.http_url}/readyz")
            assert ready.status_code == 200
            redis_server.start()
            posted.append(await _post_need(on_a))
            try:
                while len(received) < len(posted):
                    received.append(await on_b.event())
            except TimeoutError:
                pytest.fail("B's subscriber stalled; B said:\n" + "".join(b.output[-40:]))
    assert [e["entryId"] for e in received] == posted
    positions = [int(e["id"]) for e in received]
    assert positions == sorted(set(positions))


async def test_sigterm_closes_websockets_with_going_away_and_exits(fresh_dsn: str) -> None:
    hub = HubProcess(_env(fresh_dsn, None))
    hub.start()
    try:
        async with socket(hub.ws_url) as ws:
            assert (await ws.init())["type"] == "connection_ack"
            assert hub.process is not None
            hub.process.send_signal(signal.SIGTERM)
            assert await ws.close_code() == 1001
        assert await asyncio.to_thread(hub.process.wait, 30) == 0
    finally:
        hub.stop()
