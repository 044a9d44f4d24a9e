"""Subscriptions and queries over a WebSocket are held to the cost budget like HTTP requests."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer
from tests.live.wsclient import PROTOCOLS, TRANSPORT_WS, socket, subscribed

COSTLY = """
subscription { entryEvents { id entry { ... on Need {
  pledges(first: 100) { id items { quantity } } } } } }"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A budget the usual subscription fits in, and COSTLY (about 5,000) does not."""
    return replace(settings, query_cost_anonymous=1_000)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_costly_subscription_is_refused_and_a_cheap_one_runs(
    live_server: LiveServer, client: GraphQLClient, protocol: str
) -> None:
    async with socket(live_server.ws_url, protocol) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start(COSTLY)
        refused = await ws.receive()
        assert "QUERY_TOO_COSTLY" in json.dumps(refused), refused
        assert (await ws.receive())["type"] == "complete"
        if protocol == TRANSPORT_WS:
            # A query over the socket too (the legacy protocol carries subscriptions only).
            await ws.start("{ needs(first: 100) { edges { node { items { name } } } } }")
            assert "QUERY_TOO_COSTLY" in json.dumps(await ws.receive())
    assert live_server.app.state.live.fanout.subscriber_count == 0
    async with subscribed(live_server.ws_url, protocol) as ws:
        await live_server.app.state.live.fanout.until_subscribers(1)
        posted = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
        assert (await ws.event())["entryId"] == posted["id"]
