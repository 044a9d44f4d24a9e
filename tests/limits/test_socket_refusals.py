"""A server without the ASGI denial-response extension still refuses a WebSocket with a clear
close code: 1013 (try again later) for the caps and the connect rate, 1008 for a policy."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.websockets import WebSocket

from hub.graphql.errors import ErrorCode
from hub.http.socket_admission import (
    POLICY_VIOLATION,
    TRY_AGAIN_LATER,
    SocketRefusal,
    refuse_websocket,
)
from hub.limits.sockets import TooManySockets


async def _refused_without_denial_responses(refusal: SocketRefusal) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/graphql", "headers": [], "extensions": {}}
    await refuse_websocket(WebSocket(scope, receive, send), refusal)
    return sent


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (SocketRefusal.too_many(TooManySockets(per_client=True)), TRY_AGAIN_LATER),
        (SocketRefusal.too_many(TooManySockets(per_client=False)), TRY_AGAIN_LATER),
        (SocketRefusal(429, ErrorCode.RATE_LIMITED, "Too many WebSocket connections.", 7), 1013),
        (SocketRefusal(403, ErrorCode.FORBIDDEN, "Not from this page."), POLICY_VIOLATION),
    ],
)
async def test_without_denial_responses_a_refusal_is_a_close_with_a_code(
    refusal: SocketRefusal, code: int
) -> None:
    [message] = await _refused_without_denial_responses(refusal)
    assert message["type"] == "websocket.close"
    assert message["code"] == code
    assert message["reason"] == refusal.message
