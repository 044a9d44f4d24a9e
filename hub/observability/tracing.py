"""OpenTelemetry tracing, when HUB_OTEL_ENDPOINT asks for it and the `otel` extra is installed.

Spans: one per HTTP request (hub.http.request_spans, named by the request's operation label,
never its path) and one per SQL statement (opentelemetry-instrumentation-asyncpg: the
statement's text with its $n placeholders, never the values bound to them). Spans go by OTLP
over HTTP to HUB_OTEL_ENDPOINT, or, with "env", wherever the standard OTEL_EXPORTER_OTLP_*
variables say; OTEL_SERVICE_NAME names the service (default crisis-hub).
"""

from __future__ import annotations

import importlib.util
import logging
import os

log = logging.getLogger(__name__)
SERVICE_NAME = "crisis-hub"
# HUB_OTEL_ENDPOINT=env: the exporter reads the standard variables itself.
FROM_ENVIRONMENT = "env"


def tracing_available() -> bool:
    """Whether the `otel` extra (the SDK and its OTLP exporter) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http")
    )


def start_tracing(endpoint: str) -> bool:
    """Install a tracer provider exporting to `endpoint` (unless the process already has one,
    an embedding application's or a test's: it is kept) and trace SQL statements. False when
    the extra is not installed (logged once)."""
    if not tracing_available():
        log.warning("HUB_OTEL_ENDPOINT is set but the otel extra is not installed: no tracing")
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        service = os.environ.get("OTEL_SERVICE_NAME") or SERVICE_NAME
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        exporter = (
            OTLPSpanExporter()
            if endpoint == FROM_ENVIRONMENT
            else OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
        )
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
    _trace_sql()
    return True


def _trace_sql() -> None:
    if importlib.util.find_spec("opentelemetry.instrumentation.asyncpg") is None:
        return
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        # capture_parameters stays off: bound values are entries' and contacts' data.
        instrumentor.instrument(capture_parameters=False)
