"""Live events as WebSocket frames: a cohort's rendering in each subscriber's envelope.

A cohort's rendering (the `payload` of a graphql-transport-ws `next` message) is the same bytes
for every member; only the envelope differs: `{"id":"<operation id>","type":"next","payload":`
before it and `}` after. So a member's frame is a header, its envelope and the shared payload,
joined: no execution, no JSON encoding and no compression per subscriber.

With permessage-deflate (negotiated without context takeover, hub.http.websocket_protocol), the
payload is compressed once per cohort and window size, and each frame's body is a valid deflate
stream made of three parts: the envelope's start as a stored (uncompressed) block, the shared
compressed payload (which ends byte-aligned, on the empty stored block of a sync flush), and
the envelope's end as a stored block reusing that block's header. A receiver appends
00 00 ff ff (RFC 7692, 7.2.2) and inflates it as one message.
"""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import Mapping
from typing import Any, Protocol

from hub.graphql.encoding import json_bytes
from hub.graphql.live.subscriptions import CLOSE_TOO_FAR_BEHIND, TOO_FAR_BEHIND
from hub.http.websocket_protocol import FrameWriter
from hub.live.cohorts import Member, Rendered

_FIN_TEXT = 0x81
_RSV1 = 0x40
# A sync flush ends with an empty stored block: its header bits, then LEN 0000 and NLEN ffff.
_SYNC_TAIL = b"\x00\x00\xff\xff"
# The start of a stored block's header when the stream is byte-aligned (BFINAL 0, BTYPE 00).
_STORED = b"\x00"
# A stored block holds at most this many bytes (an operation id could be longer: sent plain).
_MAX_STORED = 0xFFFF
# Payloads shorter than this go plain even on a deflate connection, as node's ws does by
# default: a few bytes saved do not pay for the receiver's inflating (a cheap phone's CPU).
MIN_COMPRESSED = 1024
_LEVEL = 6
_MEM_LEVEL = 5


def frame_header(length: int, compressed: bool) -> bytes:
    """The header of a final, unmasked text frame (a server's) of `length` payload bytes."""
    first = _FIN_TEXT | (_RSV1 if compressed else 0)
    if length < 126:
        return bytes((first, length))
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def _stored_length(data: bytes) -> bytes:
    return struct.pack("<HH", len(data), len(data) ^ 0xFFFF)


def deflated(rendered: Rendered, window_bits: int) -> bytes | None:
    """The payload compressed on its own with `window_bits` (once per rendering), without the
    sync flush's LEN and NLEN; None when it is too short to be worth compressing."""
    if len(rendered.payload) < MIN_COMPRESSED:
        return None
    key = ("deflate", window_bits)
    found = rendered.encodings.get(key)
    if found is None:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -window_bits, _MEM_LEVEL)
        flushed = compressor.compress(rendered.payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
        found = flushed[: -len(_SYNC_TAIL)]
        rendered.encodings[key] = found
    return found


class Envelope:
    """One operation's envelope around payloads, plain and as stored deflate blocks."""

    __slots__ = ("_end", "_start", "_stored_end", "_stored_start")

    def __init__(self, start: bytes, end: bytes) -> None:
        self._start = start
        self._end = end
        self._stored_start = self._stored_end = b""
        if max(len(start), len(end)) <= _MAX_STORED:
            self._stored_start = _STORED + _stored_length(start) + start
            # The sync flush's empty block header is already there: only LEN, NLEN and the
            # data; then the header of the empty block the receiver completes with 00 00 ff ff.
            self._stored_end = _stored_length(end) + end + _STORED

    def frame(self, rendered: Rendered, window_bits: int | None) -> bytes:
        """A whole frame carrying `rendered` in this envelope (compressed when it pays)."""
        if window_bits is not None and self._stored_start:
            middle = deflated(rendered, window_bits)
            if middle is not None:
                start, end = self._stored_start, self._stored_end
                header = frame_header(len(start) + len(middle) + len(end), True)
                return b"".join((header, start, middle, end))
        start, payload, end = self._start, rendered.payload, self._end
        header = frame_header(len(start) + len(payload) + len(end), False)
        return b"".join((header, start, payload, end))


def next_envelope(operation_id: str) -> Envelope:
    """The envelope of a graphql-transport-ws `next` message for `operation_id`."""
    start = b'{"id":' + json_bytes(operation_id) + b',"type":"next","payload":'
    return Envelope(start, b"}")


class Closing(Protocol):
    """The connection, as far as telling a slow reader to resume goes."""

    async def close(self, code: int, reason: str) -> None:
        """Close the connection with `code`."""


class OperationChannel:
    """Where the fanout writes one subscribed operation's events (hub.graphql.live.channel).

    The bound on a slow reader: frames written while the transport still held earlier ones
    are counted, and past `limit` of them the subscriber is too far behind: the socket is
    closed with 4800, telling the client to resume with `after`.
    """

    __slots__ = (
        "_backlog",
        "_connection",
        "_envelope",
        "_limit",
        "_operation",
        "_operations",
        "_writer",
        "member",
        "variables",
    )

    def __init__(
        self,
        writer: FrameWriter,
        operations: Mapping[str, Any],
        operation: Any,
        limit: int,
        connection: Closing,
    ) -> None:
        self._writer = writer
        # The handler's operations: an operation completed (or replaced under the same id) is
        # sent nothing more, even before its task has been cancelled.
        self._operations = operations
        self._operation = operation
        self._connection = connection
        self._envelope = next_envelope(operation.id)
        self._limit = limit
        self._backlog = 0
        self.variables: Mapping[str, object] | None = operation.variables
        self.member: Member | None = None

    @property
    def adopted(self) -> bool:
        """Whether a cohort member carries the subscription on (and has not left)."""
        return self.member is not None and not self.member.done

    def adopt(self, member: Member) -> None:
        """The subscription lives on in `member` after its stream ends."""
        self.member = member

    def leave(self) -> None:
        """The operation ended: its member (if any) stops receiving events."""
        member, self.member = self.member, None
        if member is not None:
            member.leave()

    def push(self, rendered: Rendered) -> bool:
        """Write `rendered` as this operation's next result; False when too far behind."""
        if self._operations.get(self._operation.id) is not self._operation:
            return True
        writer = self._writer
        if writer.buffered():
            self._backlog += 1
            if self._backlog > self._limit:
                return False
        else:
            self._backlog = 0
        writer.write(self._envelope.frame(rendered, writer.deflate_window_bits))
        return True

    def fell_behind(self) -> None:
        """Close the socket with 4800 (the close is sent after what the transport holds)."""
        task = asyncio.ensure_future(self._connection.close(CLOSE_TOO_FAR_BEHIND, TOO_FAR_BEHIND))
        _CLOSING.add(task)
        task.add_done_callback(_closed)


# Closes in flight (the loop keeps only weak references to tasks).
_CLOSING: set[asyncio.Task[None]] = set()


def _closed(task: asyncio.Task[None]) -> None:
    _CLOSING.discard(task)
    if not task.cancelled():
        # A socket that is gone already cannot be closed: nothing to report.
        task.exception()
