"""Refusals of whole requests: each is a GraphQL error with a clear extensions.code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from hub.app import create_app
from hub.graphql.schema import CACHE_SIZE
from hub.settings import Settings
from tests.conftest import GraphQLClient


async def test_ordinary_nesting_passes_the_default_limits(gql: GraphQLClient) -> None:
    query = """{ needs { pageInfo { endCursor } edges { node {
        items { category { code } } organization { region { province } } } } } }"""
    assert "errors" not in await gql.post(query)
    fragment = "fragment F on Need { organization { name } }"
    assert "errors" not in await gql.post("{ nodes(ids: []) { ... on Need { ...F } } } " + fragment)


@pytest.fixture
def tight_settings(settings: Settings) -> Settings:
    return replace(settings, max_query_depth=3, max_query_aliases=2, max_query_tokens=60)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ needs { edges { node { organization { name } } } } }", "QUERY_TOO_DEEP"),
        ("{ a: units { unit } b: units { unit } c: units { unit } }", "TOO_MANY_ALIASES"),
        ("{ units { " + "unit " * 80 + "} }", "TOO_MANY_TOKENS"),
        ("{ units { unit ", "GRAPHQL_PARSE_FAILED"),
        ("{ units { nonsense } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_limits_refuse_with_a_code(tight_settings: Settings, query: str, code: str) -> None:
    app = create_app(tight_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            response = await http.post("/graphql", json={"query": query})
    body = response.json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert response.status_code < 500


async def test_request_body_is_capped(app_client: httpx.AsyncClient) -> None:
    padding = "#" + "x" * (70 * 1024) + "\n{ units { unit } }"
    response = await app_client.post("/graphql", json={"query": padding})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_streamed_body_without_length_is_capped(app_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(80):
            yield b"x" * 1024

    response = await app_client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_parsed_and_validated_documents_are_cached(gql: GraphQLClient) -> None:
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    query = "query CacheProbe { units { unit isPackage } }"
    await gql.data(query)
    parse_hits = _get_parse_cache(CACHE_SIZE).cache_info().hits  # type: ignore[attr-defined]
    validate_hits = _get_validate_cache(CACHE_SIZE).cache_info().hits  # type: ignore[attr-defined]
    # In another language, so that the read cache cannot answer it and strawberry runs again.
    await gql.data(query, **{"Accept-Language": "zh"})
    assert _get_parse_cache(CACHE_SIZE).cache_info().hits == parse_hits + 1  # type: ignore[attr-defined]
    assert _get_validate_cache(CACHE_SIZE).cache_info().hits == validate_hits + 1  # type: ignore[attr-defined]


async def test_refusals_are_not_logged_as_server_errors(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    await gql.post("{ reviewQueue { totalCount } }")
    await gql.post("{ units { nonsense } }")
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
