"""Tracing (the otel extra): a request's span is named by its operation, never its path."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings
from tests.helpers import NEED, SUBMIT_NEED, need_input

trace = pytest.importorskip("opentelemetry.trace", reason="the otel extra is not installed")
sdk_trace = pytest.importorskip("opentelemetry.sdk.trace", reason="the otel extra is not installed")
in_memory = pytest.importorskip(
    "opentelemetry.sdk.trace.export.in_memory_span_exporter",
    reason="the otel extra is not installed",
)
asyncpg_instrumentation = pytest.importorskip(
    "opentelemetry.instrumentation.asyncpg", reason="the otel extra is not installed"
)
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402


@pytest.fixture
def spans() -> Iterator[Any]:
    """An in-memory exporter behind the process's tracer provider (installed once)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, sdk_trace.TracerProvider):
        provider = sdk_trace.TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = in_memory.InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    try:
        yield exporter
    finally:
        # The rest of the suite runs untraced: statements are no longer wrapped.
        asyncpg_instrumentation.AsyncPGInstrumentor().uninstrument()
        processor.shutdown()
        exporter.clear()


@pytest.fixture
async def traced(settings: Settings, spans: Any) -> AsyncIterator[Starlette]:
    application = create_app(replace(settings, otel_endpoint="env"))
    async with application.router.lifespan_context(application):
        yield application


def _text(span: Any) -> str:
    return json.dumps([span.name, dict(span.attributes or {})], default=str)


async def test_a_request_makes_a_span_named_by_its_operation(traced: Starlette, spans: Any) -> None:
    secret = "reconfirm-secret-fedcba9876543210"
    transport = httpx.ASGITransport(app=traced)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        written = await http.post(
            "/graphql",
            json={
                "query": SUBMIT_NEED.replace("mutation(", "mutation SubmitNeed(", 1),
                "variables": {"input": need_input()},
            },
            headers={"x-request-id": "trace-test-0001"},
        )
        assert written.json()["data"]["submitNeed"]["userErrors"] == []
        await http.get(f"/reconfirm/{secret}", params={"phone": NEED["contacts"][0]["phone"]})
    finished = spans.get_finished_spans()
    by_name = {span.name: span for span in finished}
    submit = by_name["mutation SubmitNeed"]
    assert submit.kind == trace.SpanKind.SERVER
    assert submit.attributes["hub.request_id"] == "trace-test-0001"
    assert submit.attributes["http.response.status_code"] == 200
    reconfirm = by_name["GET /reconfirm/{token}"]
    assert reconfirm.attributes["hub.operation"] == "GET /reconfirm/{token}"
    # Statements are children of the request that ran them, without their values.
    statements = [s for s in finished if s.parent and s.parent.span_id == submit.context.span_id]
    assert statements
    everything = " ".join(_text(span) for span in finished)
    for secret_text in (secret, NEED["contacts"][0]["phone"], NEED["contacts"][0]["name"]):
        assert secret_text not in everything
