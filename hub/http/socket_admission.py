"""Who may open a WebSocket: the connect rate, the caps, and the refusals.

(The Origin check against cross-site WebSocket hijacking is strawberry's: a page of another
origin than the hub's own or one of HUB_ALLOWED_ORIGINS is refused; see HubGraphQL.)

Refusals happen before the handshake is accepted, as HTTP responses (429 with Retry-After,
403) where the server supports the denial-response extension (uvicorn does), as a close
otherwise (1013 "try again later", 1008 policy violation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.websockets import WebSocket

from hub.graphql.errors import ErrorCode
from hub.http.clients import client_key
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


async def admit_websocket(websocket: WebSocket, state: Any) -> SocketRefusal | None:
    """None when `websocket` may be accepted (as far as the connect rate goes); the refusal
    otherwise."""
    try:
        await state.limiter.hit("ws_connect", Caller(client_key(websocket)))
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
