"""The `search` query over GraphQL: the shape developers rely on, errors, and the index's upkeep."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import asyncpg
import httpx
import pytest

from hub.app import create_app
from hub.settings import Settings
from hub.store import search as store
from hub.store.db import Database
from tests.conftest import GraphQLClient, scratch_database
from tests.search.conftest import SEARCH, Corpus

pytestmark = pytest.mark.usefixtures("corpus")


async def search(gql: GraphQLClient, q: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(SEARCH, {"q": q, **variables}))["search"]
    return result


async def test_results_are_nodes_with_scores_highlights_and_facets(
    gql: GraphQLClient, corpus: Corpus
) -> None:
    result = await search(gql, "协和 口罩")
    assert result["backend"] == "postgres"
    assert result["totalCount"] == 1
    [edge] = result["edges"]
    assert edge["node"]["__typename"] == "Need"
    assert edge["node"]["id"] == corpus.union
    assert edge["node"]["organization"]["name"] == "武汉协和医院"
    assert edge["score"] > 0
    title = next(h for h in edge["highlights"] if h["field"] == "title")
    marked = [title["snippet"][s : s + n] for s, n in title["ranges"]]
    assert "协和" in marked
    assert {"value": "NEED", "count": 1} in result["facets"]["kinds"]


async def test_organizations_are_found_unless_kinds_are_given(
    gql: GraphQLClient, corpus: Corpus
) -> None:
    everything = await search(gql, "协和")
    types = {e["node"]["__typename"] for e in everything["edges"]}
    assert types == {"Need", "Organization"}
    needs_only = await search(gql, "协和", kinds=["NEED"])
    assert [e["node"]["__typename"] for e in needs_only["edges"]] == ["Need"]


async def test_cursors_page_through_the_results(gql: GraphQLClient, corpus: Corpus) -> None:
    first = await search(gql, "", first=2, kinds=["NEED", "OFFER", "LODGING"])
    assert first["pageInfo"]["hasNextPage"] is True
    second = await search(
        gql, "", first=10, after=first["pageInfo"]["endCursor"], kinds=["NEED", "OFFER", "LODGING"]
    )
    assert second["pageInfo"]["hasPreviousPage"] is True
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert len(ids) == len(set(ids)) == first["totalCount"] == 5


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"after": "not-a-cursor"}, "INVALID_CURSOR"),
        ({"first": 1000}, "PAGE_SIZE_EXCEEDED"),
        ({"filter": {"provinces": ["x"] * 51}}, "BAD_USER_INPUT"),
    ],
)
async def test_bad_arguments_get_a_code(
    gql: GraphQLClient, variables: dict[str, Any], code: str
) -> None:
    body = await gql.post(SEARCH, {"q": "口罩", **variables})
    assert body["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    "query", ["x" * 5000, "' OR '1'='1", "%_%", "\\", "口罩\u0000", "a:* & !b | (c"]
)
async def test_hostile_queries_never_fail(gql: GraphQLClient, query: str) -> None:
    body = await gql.post(SEARCH, {"q": query})
    assert "errors" not in body or body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_index_holds_no_contact_details(db: Database, corpus: Corpus) -> None:
    async with db.connection() as conn:
        rows = await conn.fetch("SELECT title, body, tokens::text AS t FROM search_document")
    text = " ".join(" ".join(r.values()) for r in rows)
    for secret in ("13800001234", "王小明", "13900002222", "027-87654321"):
        assert secret not in text


async def test_chinese_search_is_refused_where_the_locale_would_make_it_blind(
    pg_server_dsn: str,
) -> None:
    admin = await asyncpg.connect(pg_server_dsn)
    try:
        template = "template0"
        async with scratch_database(pg_server_dsn, "hub_c_locale", None) as utf8_dsn:
            conn = await asyncpg.connect(utf8_dsn)
            try:
                await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                assert await store.chinese_search_problem(conn) is None
            finally:
                await conn.close()
        await admin.execute("DROP DATABASE IF EXISTS hub_c_locale_test")
        await admin.execute(
            f"CREATE DATABASE hub_c_locale_test TEMPLATE {template} ENCODING 'UTF8' "
            "LOCALE_PROVIDER libc LOCALE 'C'"
        )
        conn = await asyncpg.connect(pg_server_dsn.rsplit("/", 1)[0] + "/hub_c_locale_test")
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            problem = await store.chinese_search_problem(conn)
        finally:
            await conn.close()
        assert problem is not None
        assert "C.UTF-8" in problem
    finally:
        await admin.execute("DROP DATABASE IF EXISTS hub_c_locale_test WITH (FORCE)")
        await admin.close()


async def test_an_unreachable_meilisearch_falls_back_to_postgres_and_says_so(
    settings: Settings, corpus: Corpus
) -> None:
    dead = replace(settings, meili_url="http://127.0.0.1:9", meili_key="k" * 24)
    application = create_app(dead)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://hub.test"
        ) as http,
    ):
        body = await GraphQLClient(http).post(SEARCH, {"q": "呼吸机"})
    assert "errors" not in body
    assert body["data"]["search"]["backend"] == "postgres"
    assert body["data"]["search"]["totalCount"] == 1
    assert body["extensions"]["search"] == {
        "backend": "postgres",
        "fallback": "meilisearch is unreachable",
    }
