"""uvicorn's WebSocket protocol, with bounded compression state and a writer for whole frames.

Compression. Browsers offer permessage-deflate, and a phone on a slow network gains from it; but
with context takeover every connection keeps a compressor and a decompressor (tens of KB each)
for as long as it is open, which at 10,000 idle subscribers is most of a process's memory. The
hub negotiates it with no context takeover both ways: each message is compressed on its own, the
state exists only while a message is being coded, and a message compressed once can be sent to
every connection that negotiated the same window (hub.http.live_frames does). HUB_LIVE_COMPRESSION
=off negotiates none.

Frames. The live fan-out sends one rendering to thousands of connections; going through ASGI's
`websocket.send` would frame (and compress) it once per connection. The writer, handed to the
app in the scope's extensions under FRAMES_EXTENSION, writes frames built by the caller straight
to the transport, and says how much the transport still holds for a slow reader.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.base import ServerExtensionFactory
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.http11 import Request
from websockets.protocol import Protocol, State
from websockets.server import ServerProtocol

from hub.http.memory_release import RELEASE
from hub.http.socket_signals import Flag, Inbox

# The scope extension holding a connection's FrameWriter.
FRAMES_EXTENSION = "hub.frames"
# The server's compression window: 4 KiB is plenty for messages of a few KB (zlib's state is
# then about 20 KB while a message is compressed, and nothing in between).
WINDOW_BITS = 12
_COMPRESS_SETTINGS = {"memLevel": 5}


def deflate_factory() -> ServerPerMessageDeflateFactory:
    """permessage-deflate as the hub negotiates it: no context takeover, a small window."""
    return ServerPerMessageDeflateFactory(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=WINDOW_BITS,
        client_max_window_bits=WINDOW_BITS,
        compress_settings=_COMPRESS_SETTINGS,
    )


class FrameWriter:
    """Writes whole frames, built by the caller, to one connection."""

    __slots__ = ("_protocol", "deflate_window_bits")

    def __init__(self, protocol: HubWebSocketProtocol) -> None:
        self._protocol = protocol
        # The server's compression window when permessage-deflate was negotiated (with the
        # handshake, before this writer is made), else None. Frames compressed with it (no
        # context taken over) may be sent; so may plain ones.
        self.deflate_window_bits: int | None = next(
            (
                extension.local_max_window_bits
                for extension in protocol.conn.extensions
                if isinstance(extension, PerMessageDeflate)
            ),
            None,
        )

    @property
    def open(self) -> bool:
        """Whether frames written now reach the client (accepted, and no close sent or seen)."""
        protocol = self._protocol
        return (
            protocol.handshake_complete
            and not protocol.close_sent
            and not protocol.disconnected
            and protocol.initial_response is None
        )

    def buffered(self) -> int:
        """Bytes written that the client has not taken yet (the transport's buffer)."""
        return self._protocol.transport.get_write_buffer_size()

    def write(self, frame: bytes) -> None:
        """Send one complete frame; nothing when the connection is closing."""
        if self.open:
            self._protocol.transport.write(frame)


class HubWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with the hub's compression and frame writer."""

    compression = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn's asyncio.Queue and asyncio.Event, at a fifth of their memory.
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]
        self.writable.set()
        extensions: list[ServerExtensionFactory] = [deflate_factory()] if self.compression else []
        self.conn = ServerProtocol(
            extensions=extensions,
            max_size=self.config.ws_max_size,
            logger=logging.getLogger("uvicorn.error"),
        )

    def handle_connect(self, event: Request) -> None:
        """Accept as uvicorn does, and hand the app this connection's frame writer."""
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            # The app's task was created but has not run: it sees the writer from the start.
            scope["extensions"][FRAMES_EXTENSION] = FrameWriter(self)

    async def send(self, message: Any) -> None:
        """Send as uvicorn does; once the handshake is answered, let go of its request and
        response (a few KB of parsed headers per idle connection; the scope keeps its own)."""
        await super().send(message)
        if message["type"] == "websocket.accept":
            for name in ("request", "response"):
                with suppress(AttributeError):
                    delattr(self, name)
            self._restart_frame_parser()

    def _restart_frame_parser(self) -> None:
        """Give websockets' protocol a frame parser that does not hold the handshake request.

        Its parser is a generator that reads the request, then frames for as long as the socket
        is open, with the request (2-3 KB of parsed headers) still in its frame. Right after the
        handshake nothing of a frame was read yet (a client sends none before the 101), so a
        fresh frame parser, as the one it delegates to, takes over with nothing lost.
        """
        conn = self.conn
        if conn.state is State.OPEN and not conn.reader.buffer:
            conn.parser = Protocol.parse(conn)
            next(conn.parser)

    def on_task_complete(self, task: asyncio.Task[None]) -> None:
        """The app is done with this connection: what it held can be given back now (not at
        connection_lost, when the app's handler has yet to unwind)."""
        super().on_task_complete(task)
        RELEASE.connection_closed()

    def connection_lost(self, exc: Exception | None) -> None:
        """As uvicorn does; and drop the writer, which would keep this protocol alive in a
        cycle (protocol -> scope -> writer -> protocol) until the next garbage collection."""
        super().connection_lost(exc)
        scope = getattr(self, "scope", None)
        if scope is not None:
            scope["extensions"].pop(FRAMES_EXTENSION, None)


def protocol_class(compression: bool) -> type[HubWebSocketProtocol]:
    """The protocol class uvicorn builds per connection, with compression on or off."""
    if compression:
        return HubWebSocketProtocol
    return type("HubWebSocketProtocolPlain", (HubWebSocketProtocol,), {"compression": False})
