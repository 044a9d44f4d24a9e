"""A stand-in for the hub's graphql-transport-ws endpoint, for testing bench/fanout_client.py.

It speaks just enough of the protocol (connection_init -> connection_ack, subscribe, next) on
websockets' sans-I/O ServerProtocol, so that a test decides every frame: permessage-deflate
with or without server_no_context_takeover / client_no_context_takeover, and messages sent
uncompressed (RSV1 not set) inside a deflate session, as RFC 7692 allows and the hub may do.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, cast

from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol


class FakeConnection(asyncio.Protocol):
    """One accepted WebSocket of the fake hub."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        extensions = (
            [
                ServerPerMessageDeflateFactory(
                    server_no_context_takeover=hub.server_no_context_takeover,
                    client_no_context_takeover=hub.client_no_context_takeover,
                )
            ]
            if hub.deflate
            else []
        )
        self.protocol = ServerProtocol(
            subprotocols=[Subprotocol("graphql-transport-ws")], extensions=extensions
        )
        self.transport: asyncio.Transport | None = None
        self.subscribed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pongs = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the transport; the client speaks first."""
        self.transport = cast(asyncio.Transport, transport)
        self.hub.connections.append(self)

    def data_received(self, data: bytes) -> None:
        """Answer the handshake, connection_init and subscribe."""
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Request):
                self.protocol.send_response(self.protocol.accept(event))
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                message = json.loads(bytes(event.data))
                if message["type"] == "connection_init":
                    self.protocol.send_text(b'{"type":"connection_ack"}')
                elif message["type"] == "subscribe" and not self.subscribed.done():
                    self.subscribed.set_result(None)
                elif message["type"] == "pong":
                    self.pongs += 1
                    self.hub.changed.set()
        self.flush()

    def eof_received(self) -> bool | None:
        """The client closed its side."""
        self.protocol.receive_eof()
        self.flush()
        return None

    def flush(self) -> None:
        """Write what the protocol has to send; close the socket when it is done."""
        if self.transport is None or self.transport.is_closing():
            return
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
        if self.protocol.close_expected():
            self.transport.close()

    def send(self, message: dict[str, Any], *, compressed: bool = True) -> None:
        """Send one text message; compressed=False bypasses permessage-deflate (RSV1 unset)."""
        data = json.dumps(message).encode()
        if compressed:
            self.protocol.send_text(data)
            self.flush()
        else:
            assert self.transport is not None
            self.transport.write(Frame(Opcode.TEXT, data).serialize(mask=False, extensions=[]))

    def send_fragmented(self, message: dict[str, Any], parts: int) -> None:
        """Send one text message split over `parts` frames (compressed as one message)."""
        data = json.dumps(message).encode()
        size = -(-len(data) // parts)
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        self.protocol.send_text(chunks[0], fin=len(chunks) == 1)
        for number, chunk in enumerate(chunks[1:], start=2):
            self.protocol.send_continuation(chunk, fin=number == len(chunks))
        self.flush()

    def ping(self) -> None:
        """A WebSocket ping frame, and a graphql-transport-ws ping message."""
        self.protocol.send_ping(b"keepalive")
        self.protocol.send_text(b'{"type":"ping"}')
        self.flush()


class FakeHub:
    """A listening fake hub on 127.0.0.1."""

    def __init__(
        self,
        *,
        deflate: bool = True,
        server_no_context_takeover: bool = False,
        client_no_context_takeover: bool = False,
    ) -> None:
        self.deflate = deflate
        self.server_no_context_takeover = server_no_context_takeover
        self.client_no_context_takeover = client_no_context_takeover
        self.connections: list[FakeConnection] = []
        # Set whenever something a test waits for happens (here: a pong; the tests' counters
        # set it too).
        self.changed = asyncio.Event()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port."""
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: FakeConnection(self), "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every connection."""
        for connection in self.connections:
            if connection.transport is not None:
                connection.transport.abort()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def event_message(position: int, entry_id: str, event_type: str = "CREATED") -> dict[str, Any]:
    """A `next` message as the hub sends it for the benchmark's subscription."""
    return {
        "id": "1",
        "type": "next",
        "payload": {
            "data": {
                "entryEvents": {
                    "id": str(position),
                    "type": event_type,
                    "kind": "NEED",
                    "entryId": entry_id,
                    "occurredAt": "2026-12-03T11:31:25.123456+00:00",
                    "entry": {"id": entry_id, "urgency": "HIGH"},
                }
            }
        },
    }
