"""A client that stops reading never delays the others, and is told to resume with `after`."""

from __future__ import annotations

import asyncio
import json
import socket as sockets
from dataclasses import replace
from typing import Any

import httpx
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from hub.graphql.live.subscriptions import CLOSE_TOO_FAR_BEHIND
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import serving
from tests.live.test_protocols import latest_event_id
from tests.live.wsclient import TRANSPORT_WS, WAIT, subscribed

# Each event is made large (20 copies of 5,000-character notes, about 300 kB), so that a client
# that does not read fills the TCP buffers, and then its queue, after a few dozen events.
NOTES = " ".join(f"n{i}: notes" for i in range(20))
BIG = "subscription($after: String) { entryEvents(after: $after) { id entry { " + NOTES + " } } }"
EVENTS = 30


class StalledClient:
    """A WebSocket client on a bare socket with a tiny receive buffer, which reads only when
    told to (client libraries keep reading into buffers of their own)."""

    def __init__(self, url: str, port: int) -> None:
        self.url = url
        self.port = port
        self.protocol = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol(TRANSPORT_WS)])
        self.sock = sockets.socket()
        # Before connecting: the window is agreed on in the handshake.
        self.sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
        self.sock.setblocking(False)

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        for data in self.protocol.data_to_send():
            if data:
                await loop.sock_sendall(self.sock, data)

    async def _events(self) -> list[Any]:
        loop = asyncio.get_running_loop()
        data = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), WAIT)
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()
        events: list[Any] = self.protocol.events_received()
        await self._flush()
        return events

    async def subscribe(self, query: str, variables: dict[str, Any]) -> None:
        """Connect, initialise, subscribe; then stop reading."""
        await asyncio.get_running_loop().sock_connect(self.sock, ("127.0.0.1", self.port))
        self.protocol.send_request(self.protocol.connect())
        await self._flush()
        acknowledged = False
        while not acknowledged:
            for event in await self._events():
                if isinstance(event, Response):
                    self.protocol.send_text(json.dumps({"type": "connection_init"}).encode())
                elif isinstance(event, Frame) and b"connection_ack" in event.data:
                    acknowledged = True
            await self._flush()
        message = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        self.protocol.send_text(json.dumps(message).encode())
        await self._flush()

    async def next_frame_of(self, opcode: Opcode) -> Frame:
        """Read up to the next frame of kind `opcode` (pings are answered by the protocol)."""
        while True:
            for event in await self._events():
                if isinstance(event, Frame) and event.opcode is opcode:
                    return event

    async def close_code(self) -> int | None:
        """Read everything the server sent, up to its close frame; returns the close code."""
        await self.next_frame_of(Opcode.CLOSE)
        return self.protocol.close_rcvd.code if self.protocol.close_rcvd else None

    def close(self) -> None:
        """Drop the connection."""
        self.sock.close()


async def test_a_slow_consumer_is_cut_off_without_delaying_a_fast_one(settings: Settings) -> None:
    async with (
        serving(replace(settings, live_queue_size=4)) as live,
        httpx.AsyncClient(base_url=live.http_url, timeout=30) as http,
    ):
        client = GraphQLClient(http)
        after = await latest_event_id(client)
        slow = StalledClient(live.ws_url, live.port)
        try:
            await slow.subscribe(BIG, {"after": after})
            async with subscribed(live.ws_url, variables={"after": after}) as fast:
                posted = []
                for _ in range(EVENTS):
                    answer = await client.data(
                        SUBMIT_NEED, {"input": need_input(notes="急需" * 2500)}
                    )
                    posted.append(answer["submitNeed"]["need"]["id"])
                # The fast client gets every event while the slow one reads nothing.
                received = [(await fast.event())["entryId"] for _ in range(EVENTS)]
                assert received == posted
            # The slow one reads at last: what was sent, then a close telling it to resume.
            assert await slow.close_code() == CLOSE_TOO_FAR_BEHIND
        finally:
            slow.close()
