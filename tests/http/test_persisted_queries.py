"""Automatic persisted queries (the Apollo convention), over POST and GET."""

from __future__ import annotations

import hashlib
import json

import httpx
from starlette.applications import Starlette

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.graphql.test_accounts import token_for
from tests.http.test_read_cache import cache_of, listening


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def test_automatic_persisted_queries(app: Starlette, app_client: httpx.AsyncClient) -> None:
    await listening(app)
    query = "query { supplyCategoryGroups { code } }"
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha(query)}}
    unknown = await app_client.post("/graphql", json={"extensions": persisted})
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    wrong = await app_client.post(
        "/graphql", json={"query": "query { units { unit } }", "extensions": persisted}
    )
    assert wrong.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"

    registered = await app_client.post("/graphql", json={"query": query, "extensions": persisted})
    assert registered.json()["data"]["supplyCategoryGroups"]
    by_hash = await app_client.post("/graphql", json={"extensions": persisted})
    assert by_hash.json() == registered.json()

    # GET by hash: cacheable, so a CDN can keep it too.
    params = {"extensions": json.dumps(persisted), "variables": "{}"}
    got = await app_client.get("/graphql", params=params)
    assert got.status_code == 200
    assert got.json() == registered.json()
    assert got.headers["cache-control"].startswith("public")
    hits = cache_of(app).counters.hits
    again = await app_client.get("/graphql", params=params)
    assert again.content == got.content
    assert cache_of(app).counters.hits == hits + 1


async def test_persisted_queries_work_for_signed_in_viewers_too(
    app: Starlette, app_client: httpx.AsyncClient, db: Database
) -> None:
    token, _ = await token_for(db, Role.VOLUNTEER, "vera")
    query = "query { me { handle } }"
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha(query)}}
    headers = {"Authorization": f"Bearer {token}"}
    await app_client.post(
        "/graphql", json={"query": query, "extensions": persisted}, headers=headers
    )
    by_hash = await app_client.post("/graphql", json={"extensions": persisted}, headers=headers)
    assert by_hash.json() == {"data": {"me": {"handle": "vera"}}}
    assert by_hash.headers["cache-control"] == "private, no-store"
