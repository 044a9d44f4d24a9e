"""Pure-ASGI middleware refusing request bodies over a size, before they are read whole, and
bodies that take too long to arrive (a client trickling a byte now and then holds a request,
its memory and often a database connection for as long as it likes)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised inside the app when the streamed body passes the limit."""


class BodyTooSlow(Exception):
    """Raised inside the app when the body has not arrived whole in time."""


def _error(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def _refusal(limit: int) -> bytes:
    return _error(f"The request body is larger than {limit} bytes.", "PAYLOAD_TOO_LARGE")


class BodyLimitMiddleware:
    """Answer 413 with a GraphQL-shaped error when a body passes `max_bytes` (or, for a
    multipart upload such as a spreadsheet to import, `upload_max_bytes`), and 408 when it has
    not arrived whole `timeout_seconds` after the app first asked for it."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        timeout_seconds: float | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes or max_bytes
        self.timeout_seconds = timeout_seconds

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            # A WebSocket may stay open for hours: no frame of ours on its stack (see
            # hub/http/websocket_protocol.py on what an idle subscriber costs).
            return self.app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                limit = self.upload_max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._refuse(send, limit)
                    return
        received = 0
        response_started = False
        body_done = False
        deadline: float | None = None

        async def limited_receive() -> Message:
            nonlocal received, body_done, deadline
            if body_done or self.timeout_seconds is None:
                # Past the body, the app listens for the disconnect (a streamed export): no
                # deadline there.
                message = await receive()
            else:
                if deadline is None:
                    deadline = time.monotonic() + self.timeout_seconds
                try:
                    message = await asyncio.wait_for(receive(), deadline - time.monotonic())
                except TimeoutError:
                    raise BodyTooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
                body_done = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._refuse(send, limit)
        except BodyTooSlow:
            if not response_started:
                message = f"The request body did not arrive within {self.timeout_seconds:g} s."
                await self._refuse(send, limit, 408, _error(message, "REQUEST_TIMEOUT"))

    async def _refuse(
        self, send: Send, limit: int, status: int = 413, body: bytes | None = None
    ) -> None:
        body = _refusal(limit) if body is None else body
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 408:
            # The connection's state is unknown mid-body: the client must not reuse it.
            headers.append((b"connection", b"close"))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": headers,
            }
        )
        await send({"type": "http.response.body", "body": body})
