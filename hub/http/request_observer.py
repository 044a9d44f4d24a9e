"""Per request: its id (X-Request-ID in and out), its metrics and, in JSON mode, an access line.

Pure ASGI, outermost of the hub's middleware, so the request id is in the context (and so in
every log record) for everything below it. The operation label is what the GraphQL view or a
read cache named (hub.observability.request_context) or else the template of the route that
answered: never the path, which may carry a secret (`/reconfirm/<token>`), and never the query
string. The client appears only as a keyed digest of its address.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS
from hub.observability.operations import route_label
from hub.observability.request_context import (
    REQUEST_ID_HEADER,
    RequestInfo,
    begin_request,
    end_request,
    request_id_from,
)

log = logging.getLogger("hub.access")
_STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}


def _incoming_id(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return bytes(value)
    return None


def _client(scope: Scope) -> str | None:
    """A keyed digest of the client's address (hub.limits.identity), never the address."""
    identity = getattr(getattr(scope.get("app"), "state", None), "identity", None)
    if identity is None:
        return None
    client = scope.get("client")
    peer = client[0] if client else None
    digest: str = identity.digest("log", identity.address(peer, scope["headers"]))
    return digest[:16]


class RequestObserver:
    """The middleware; `metrics` and `access_log` say what it records besides the id."""

    def __init__(self, app: ASGIApp, *, metrics: bool, access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log
        # The labelled children, looked up once per label (`labels()` costs a few microseconds
        # a call); as bounded as the labels themselves.
        self._counted: dict[tuple[str, str], Any] = {}
        self._timed: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(request_id_from(_incoming_id(scope)))
        echoed = (REQUEST_ID_HEADER, info.request_id.encode())
        status = 500
        sent = 0

        async def sending(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        token = begin_request(info)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            label = info.operation or route_label(scope)
            if self.metrics:
                self._count(label, _STATUS_CLASSES.get(status // 100, "other"), elapsed)
            if self.access_log:
                self._log(scope, label, status, elapsed, sent)
            end_request(token)

    def _count(self, label: str, status: str, elapsed: float) -> None:
        counter = self._counted.get((label, status))
        if counter is None:
            counter = self._counted[label, status] = HTTP_REQUESTS.labels(label, status)
        timer = self._timed.get(label)
        if timer is None:
            timer = self._timed[label] = HTTP_LATENCY.labels(label)
        counter.inc()
        timer.observe(elapsed)

    def _log(self, scope: Scope, label: str, status: int, elapsed: float, sent: int) -> None:
        fields: dict[str, Any] = {
            "method": scope["method"],
            "operation": label,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "bytes": sent,
        }
        client = _client(scope)
        if client is not None:
            fields["client"] = client
        log.info("%s %s", label, status, extra={"fields": fields})
