"""One OpenTelemetry span per HTTP request (only imported when tracing is on).

Named by the request's operation label (hub.observability.operations), like the metrics: the
path and query string, which may carry secrets, are never recorded, nor an exception's text.
A `traceparent` header from the caller makes the span a child of the caller's trace.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.observability.operations import route_label
from hub.observability.request_context import current_request

# The header names a propagator reads: nothing else of the request is copied.
_PROPAGATED = frozenset((b"traceparent", b"tracestate", b"baggage"))


class RequestSpans:
    """The middleware; sits inside hub.http.request_observer.RequestObserver."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tracer = trace.get_tracer("hub.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in _PROPAGATED
        }
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with self.tracer.start_as_current_span(
            "HTTP",
            context=extract(carrier) if carrier else None,
            kind=SpanKind.SERVER,
            record_exception=False,
            attributes={"http.request.method": scope["method"]},
        ) as span:
            try:
                await self.app(scope, receive, sending)
            finally:
                info = current_request()
                label = (info.operation if info else None) or route_label(scope)
                span.update_name(label)
                span.set_attribute("hub.operation", label)
                span.set_attribute("http.response.status_code", status)
                if info is not None:
                    span.set_attribute("hub.request_id", info.request_id)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
