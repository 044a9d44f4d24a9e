"""Fixtures for the observability tests: an app with /metrics on, and reading its output."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings

METRICS_TOKEN = "metrics-token-for-tests"
AUTH = {"authorization": f"Bearer {METRICS_TOKEN}"}


@pytest.fixture
def observed_settings(settings: Settings) -> Settings:
    """The test settings with /metrics on."""
    return replace(settings, metrics_token=METRICS_TOKEN)


@pytest.fixture
async def observed(observed_settings: Settings) -> AsyncIterator[Starlette]:
    """The app of `observed_settings`, its lifespan running."""
    application = create_app(observed_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(observed: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process HTTP client of `observed`."""
    transport = httpx.ASGITransport(app=observed, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        yield http


def value(text: str, name: str, **labels: str) -> float | None:
    """The sample `name` with exactly `labels` in Prometheus text, or None."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


async def scrape(http: httpx.AsyncClient) -> str:
    """/metrics' body (asserting 200)."""
    response = await http.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    return response.text
