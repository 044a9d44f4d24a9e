"""Frames of shared renderings, read back by websockets' own parser and inflater."""

from __future__ import annotations

import json
from collections.abc import Generator

import pytest
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from hub.http.live_frames import Envelope, next_envelope
from hub.live.cohorts import Rendered

LONG = json.dumps({"data": {"entryEvents": {"notes": "急需口罩" * 400, "id": "7"}}}).encode()
SHORT = b'{"data":{"entryEvents":{"id":"7"}}}'


def read_frame(data: bytes, window_bits: int | None) -> Frame:
    """Parse `data` as a client would, inflating with a client's permessage-deflate."""
    reader = StreamReader()
    reader.feed_data(data)
    extensions = []
    if window_bits is not None:
        # The client's side of what the hub negotiates: no context takeover either way.
        extensions.append(PerMessageDeflate(True, True, window_bits, window_bits))
    parser: Generator[None, None, Frame] = Frame.parse(
        reader.read_exact, mask=False, extensions=extensions
    )
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
        return frame
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("window_bits", [None, 9, 12, 15])
@pytest.mark.parametrize("payload", [LONG, SHORT])
def test_a_frame_reads_back_as_the_envelope_around_the_payload(
    window_bits: int | None, payload: bytes
) -> None:
    rendered = Rendered(payload)
    frame = read_frame(next_envelope("sub-1").frame(rendered, window_bits), window_bits)
    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    message = json.loads(bytes(frame.data))
    assert message == {"id": "sub-1", "type": "next", "payload": json.loads(payload)}


def test_a_long_payload_is_compressed_once_for_every_subscriber() -> None:
    rendered = Rendered(LONG)
    frames = [next_envelope(str(i)).frame(rendered, 12) for i in range(50)]
    # RSV1 marks a compressed message; the compressed payload is kept with the rendering.
    assert all(frame[0] & 0x40 for frame in frames)
    assert len(rendered.encodings) == 1
    assert all(len(frame) < len(LONG) / 3 for frame in frames)


def test_a_short_payload_is_sent_plain_in_a_deflate_session() -> None:
    frame = next_envelope("1").frame(Rendered(SHORT), 12)
    assert not frame[0] & 0x40


@pytest.mark.parametrize("size", [125, 126, 65535, 65536, 70000])
def test_lengths_use_the_right_header(size: int) -> None:
    envelope = Envelope(b"", b"")
    payload = b"x" * size
    frame = read_frame(envelope.frame(Rendered(payload), None), None)
    assert bytes(frame.data) == payload


def test_an_envelope_too_long_for_a_stored_block_is_sent_plain() -> None:
    # An operation id is the client's choice, and could be longer than a stored block.
    envelope = next_envelope("x" * 70_000)
    frame = envelope.frame(Rendered(LONG), 12)
    assert not frame[0] & 0x40
    assert json.loads(bytes(read_frame(frame, 12).data))["id"] == "x" * 70_000


def test_accepted_websockets_are_not_logged_one_by_one() -> None:
    import logging

    from starlette.applications import Starlette

    from hub.http.server import NoSocketAccessLog, server_for
    from hub.settings import Settings

    server_for(Starlette(), Settings(), port=0)
    logger = logging.getLogger("uvicorn.error")
    [quiet] = [f for f in logger.filters if isinstance(f, NoSocketAccessLog)]

    def record(level: int, msg: str) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", level, __file__, 1, msg, ("a", "/graphql"), None)

    assert not quiet.filter(record(logging.INFO, '%s - "WebSocket %s" [accepted]'))
    assert quiet.filter(record(logging.INFO, '%s - "WebSocket %s" 403'))
    assert quiet.filter(record(logging.ERROR, "Exception in ASGI application %s %s"))
