"""Who may open a WebSocket: the Origin check, the connect rate, and the refusals.

A browser sends its cookies with a WebSocket handshake to any site, whatever page opened it,
and the same-origin policy does not apply to WebSockets: a foreign page could open the live
endpoint with a visitor's session (cross-site WebSocket hijacking). So when the session cookie
would authenticate the socket, the page's Origin must be the hub's own or one the operator
allows (HUB_ALLOWED_ORIGINS). Without the cookie a foreign page gets only what anyone gets.

Refusals happen before the handshake is accepted, as HTTP responses (429 with Retry-After,
403) where the server supports the denial-response extension (uvicorn does), as a close
otherwise (1013 "try again later", 1008 policy violation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.websockets import WebSocket

from hub.graphql.errors import ErrorCode
from hub.http.cookies import SESSION_COOKIE
from hub.limits.limiter import Caller, RateLimited
from hub.limits.sockets import TooManySockets

DENIAL_EXTENSION = "websocket.http.response"
# Close codes: policy violation, and "try again later".
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


@dataclass(frozen=True)
class SocketRefusal:
    """Why a WebSocket is refused, as an HTTP status and a GraphQL-shaped error."""

    status: int
    code: ErrorCode
    message: str
    retry_after: int | None = None

    @classmethod
    def too_many(cls, full: TooManySockets) -> SocketRefusal:
        """The client, or the process, holds as many sockets as it may."""
        if full.per_client:
            return cls(429, ErrorCode.RATE_LIMITED, "Too many WebSockets from this client.", 60)
        return cls(503, ErrorCode.RATE_LIMITED, "The server holds all the WebSockets it may.", 60)


def _same_origin(origin: str, websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    origin = origin.strip().rstrip("/").lower()
    if origin in allowed:
        return True
    host = websocket.headers.get("host", "").strip().lower()
    return bool(host) and urlsplit(origin).netloc == host


async def admit_websocket(websocket: WebSocket, state: Any) -> SocketRefusal | None:
    """None when `websocket` may be accepted; the refusal otherwise."""
    origin = websocket.headers.get("origin")
    if (
        origin is not None
        and SESSION_COOKIE in websocket.cookies
        and not _same_origin(origin, websocket, state.settings.allowed_origins)
    ):
        return SocketRefusal(
            403,
            ErrorCode.FORBIDDEN,
            "This page's origin may not open a signed-in WebSocket (HUB_ALLOWED_ORIGINS).",
        )
    peer = websocket.client.host if websocket.client else None
    client = state.identity.client_key(peer, websocket.scope["headers"])
    try:
        await state.limiter.hit("ws_connect", Caller(client))
    except RateLimited as refused:
        return SocketRefusal(
            429, ErrorCode.RATE_LIMITED, "Too many WebSocket connections.", refused.retry_after
        )
    return None


async def refuse_websocket(websocket: WebSocket, refusal: SocketRefusal) -> None:
    """Answer the handshake with `refusal` (an HTTP response where the server can send one)."""
    if DENIAL_EXTENSION in websocket.scope.get("extensions", {}):
        extensions: dict[str, object] = {"code": refusal.code.value}
        headers = {}
        if refusal.retry_after is not None:
            extensions["retryAfter"] = refusal.retry_after
            headers["retry-after"] = str(refusal.retry_after)
        body = json.dumps({"errors": [{"message": refusal.message, "extensions": extensions}]})
        await websocket.send_denial_response(
            Response(body, refusal.status, headers, media_type="application/json")
        )
        return
    code = POLICY_VIOLATION if refusal.status == 403 else TRY_AGAIN_LATER
    await websocket.close(code=code, reason=refusal.message)
