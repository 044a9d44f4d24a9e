"""A small GraphQL-over-WebSocket client for the tests, speaking both protocols."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
PROTOCOLS = (TRANSPORT_WS, LEGACY_WS)
# How long a test waits for a message before failing (a bound, not a speed target).
WAIT = 15.0

ENTRY_EVENTS = """
subscription($filter: EntryEventFilter, $after: String) {
  entryEvents(filter: $filter, after: $after) {
    id type kind entryId replayed occurredAt
    entry { id kind verificationStatus region { province city }
            contacts { name phone redacted }
            ... on Need { urgency items { categoryCode } }
            organization { name } }
  }
}"""


class GraphQLSocket:
    """One WebSocket connection speaking `protocol`."""

    def __init__(self, ws: ClientConnection, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self._ids = itertools.count(1)

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send connection_init; returns the server's answer (ack or error)."""
        message: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = payload
        await self.send(message)
        return await self.receive()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        await self.ws.send(json.dumps(message))

    async def receive(self, within: float = WAIT) -> dict[str, Any]:
        """The next message that is not a keep-alive."""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), within)
            assert isinstance(raw, str), "GraphQL over WebSocket uses text frames"
            message: dict[str, Any] = json.loads(raw)
            if message["type"] in ("ka", "ping", "pong"):
                if message["type"] == "ping":
                    await self.send({"type": "pong"})
                continue
            return message

    async def start(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Start an operation; returns its id."""
        op_id = str(next(self._ids))
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self.send(
            {"id": op_id, "type": kind, "payload": {"query": query, "variables": variables or {}}}
        )
        return op_id

    async def stop(self, op_id: str) -> None:
        """Stop an operation."""
        kind = "complete" if self.protocol == TRANSPORT_WS else "stop"
        await self.send({"id": op_id, "type": kind})

    async def result(self, within: float = WAIT) -> dict[str, Any]:
        """The payload of the next data message (skipping ends of operations); fails on others."""
        message = await self.receive(within)
        while message["type"] == "complete":
            message = await self.receive(within)
        assert message["type"] in ("next", "data"), message
        payload: dict[str, Any] = message["payload"]
        return payload

    async def event(self, within: float = WAIT) -> dict[str, Any]:
        """The next entry event (asserting it carries no errors)."""
        payload = await self.result(within)
        assert "errors" not in payload, payload["errors"]
        event: dict[str, Any] = payload["data"]["entryEvents"]
        return event

    async def close_code(self, within: float = WAIT) -> int | None:
        """Read until the server closes the connection; returns its close code."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), within)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@asynccontextmanager
async def socket(
    url: str, protocol: str = TRANSPORT_WS, **options: Any
) -> AsyncIterator[GraphQLSocket]:
    """A connection to the hub's /graphql WebSocket."""
    async with connect(
        url, subprotocols=[Subprotocol(protocol)], open_timeout=WAIT, **options
    ) as ws:
        yield GraphQLSocket(ws, protocol)


@asynccontextmanager
async def subscribed(
    url: str,
    protocol: str = TRANSPORT_WS,
    variables: dict[str, Any] | None = None,
    init: dict[str, Any] | None = None,
    **options: Any,
) -> AsyncIterator[GraphQLSocket]:
    """A connection with entryEvents subscribed (and the subscription known to be live)."""
    async with socket(url, protocol, **options) as ws:
        ack = await ws.init(init)
        assert ack["type"] == "connection_ack", ack
        await ws.start(ENTRY_EVENTS, variables)
        yield ws
