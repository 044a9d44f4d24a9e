"""Slow clients (slowloris): headers and bodies that never finish do not hold the server."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from starlette.types import Message, Receive, Scope, Send

from hub.http.body_limit import BodyLimitMiddleware
from hub.settings import Settings
from tests.live.conftest import serving

# How long a test waits for the server's reaction (a bound, not a speed target).
WAIT = 15.0


async def test_a_request_whose_headers_never_end_is_cut_off(settings: Settings) -> None:
    async with serving(replace(settings, http_header_timeout_seconds=0.3)) as live:
        reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\nX-Slow: ")
        await writer.drain()
        # Nothing more is sent: the server closes the connection (EOF), unanswered.
        assert await asyncio.wait_for(reader.read(), WAIT) == b""
        writer.close()
        # A client that sends its request in time is served, on a kept-alive connection too.
        reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
        for _ in range(2):
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n")
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), WAIT)
            assert status.startswith(b"HTTP/1.1 200"), status
            length = 0
            while (line := await asyncio.wait_for(reader.readline(), WAIT)) != b"\r\n":
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await asyncio.wait_for(reader.readexactly(length), WAIT)
        writer.close()


async def test_a_body_that_never_finishes_is_answered_408() -> None:
    async def reads_the_body(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        raise AssertionError("the body cannot have ended")

    forever = asyncio.Event()
    sent_first = False

    async def trickle() -> Message:
        nonlocal sent_first
        if not sent_first:
            sent_first = True
            return {"type": "http.request", "body": b"{", "more_body": True}
        await forever.wait()
        raise AssertionError("unreachable")

    answer: list[Message] = []

    async def send(message: Message) -> None:
        answer.append(message)

    app = BodyLimitMiddleware(reads_the_body, max_bytes=1024, timeout_seconds=0.2)
    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    await asyncio.wait_for(app(scope, trickle, send), WAIT)
    assert answer[0]["status"] == 408
    assert (b"connection", b"close") in answer[0]["headers"]
    assert json.loads(answer[1]["body"])["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


async def test_after_the_body_the_app_may_wait_for_a_disconnect_as_long_as_it_likes() -> None:
    # A streamed export listens for the client leaving: no body deadline applies there.
    disconnected = asyncio.Event()

    async def streams(scope: Scope, receive: Receive, send: Send) -> None:
        assert (await receive())["type"] == "http.request"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        assert (await receive())["type"] == "http.disconnect"

    messages: list[Message] = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        if messages:
            return messages.pop()
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            # The client goes away only after the deadline would have passed.
            asyncio.get_running_loop().call_later(0.3, disconnected.set)

    app = BodyLimitMiddleware(streams, max_bytes=1024, timeout_seconds=0.1)
    scope = {"type": "http", "method": "GET", "path": "/exports/needs.csv", "headers": []}
    await asyncio.wait_for(app(scope, receive, send), WAIT)
