"""The read cache in front of /graphql: what it stores, for whom, and when it lets go."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import httpx
from starlette.applications import Starlette

from hub.domain.accounts import Role
from hub.http.graphql_cache import Captured
from hub.http.read_cache import ReadCache, Stored
from hub.store.data_version import DataVersion
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import SUBMIT_NEED, need_input, verify_all

ALL_STATUSES = ["PENDING", "IN_REVIEW", "VERIFIED", "NEEDS_CHANGES"]
NEEDS = """query($first: Int!, $after: String, $filter: NeedFilter) {
  needs(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id notes contacts { name phone redacted } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
_markers = itertools.count()
DUPLICATES = """query { needs(first: 5, filter: {verificationStatuses: [PENDING]}) {
  edges { node { id possibleDuplicates { score } } } } }"""


async def listening(app: Starlette) -> DataVersion:
    """The app's data version, once its listener is up (the event, not a sleep)."""
    version: DataVersion = app.state.data_version
    async with asyncio.timeout(10):
        while version.current is None:
            await version.changed.wait()
    return version


async def settled(app: Starlette) -> None:
    """Wait until the app has read every notification of the writes so far: a write moves the
    writer's version at once and again when its notification arrives, a moment later."""
    version: DataVersion = app.state.data_version
    marker = f"marker-{next(_markers)}"
    db: Database = app.state.db
    async with db.connection() as conn:
        await conn.execute("SELECT pg_notify('hub_data_version', $1)", marker)
    async with asyncio.timeout(10):
        while version.last_payload != marker:
            await version.changed.wait()


def cache_of(app: Starlette) -> ReadCache:
    cache: ReadCache = app.state.read_cache
    return cache


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
    )


async def submit_need(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input(**overrides)}))["submitNeed"]
    assert payload["userErrors"] == []
    need: dict[str, Any] = payload["need"]
    return need


def pending(first: int = 20, after: str | None = None) -> dict[str, Any]:
    return {"first": first, "after": after, "filter": {"verificationStatuses": ALL_STATUSES}}


async def test_a_repeated_anonymous_read_is_answered_from_the_cache(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    await submit_need(gql)
    await settled(app)
    cache = cache_of(app)
    first = await post(app_client, NEEDS, pending())
    second = await post(app_client, NEEDS, pending())
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert (cache.counters.misses, cache.counters.hits, cache.counters.stores) == (1, 1, 2)
    assert second.headers["cache-control"] == "public, max-age=5"
    assert "Accept-Language" in second.headers["vary"]
    assert second.headers["etag"] == first.headers["etag"]
    assert json.loads(second.content)["data"]["needs"]["totalCount"] == 1


async def test_the_same_request_spelled_differently_shares_the_entry(
    app: Starlette, app_client: httpx.AsyncClient
) -> None:
    await listening(app)
    cache = cache_of(app)
    json_body = {"content-type": "application/json"}
    await app_client.post(
        "/graphql",
        content=json.dumps({"query": NEEDS, "variables": {"first": 3, "after": None}}),
        headers=json_body,
    )
    # Other key order, other spacing: the raw key misses, the canonical one hits.
    await app_client.post(
        "/graphql",
        content=json.dumps({"variables": {"after": None, "first": 3}, "query": NEEDS}, indent=1),
        headers=json_body,
    )
    assert (cache.counters.misses, cache.counters.hits) == (1, 1)


async def test_a_matching_if_none_match_gets_304(
    app: Starlette, app_client: httpx.AsyncClient
) -> None:
    await listening(app)
    first = await post(app_client, NEEDS, pending())
    again = await post(app_client, NEEDS, pending(), **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    other = await post(app_client, NEEDS, pending(), **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_a_process_reads_its_own_writes_at_once(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    before = await post(app_client, NEEDS, pending())
    assert json.loads(before.content)["data"]["needs"]["totalCount"] == 0
    await submit_need(gql)
    # No waiting for the database's notification: the mutation moved the version itself.
    after = await post(app_client, NEEDS, pending())
    assert json.loads(after.content)["data"]["needs"]["totalCount"] == 1


async def test_a_write_elsewhere_moves_the_version_through_the_notification(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    version = await listening(app)
    await submit_need(gql)
    public = {"first": 20}  # verified needs only
    assert (
        json.loads((await post(app_client, NEEDS, public)).content)["data"]["needs"]["totalCount"]
        == 0
    )
    seen = version.current
    await verify_all(db)  # another pool: only the NOTIFY tells this app
    async with asyncio.timeout(5):
        while version.current == seen:
            await version.changed.wait()
    assert (
        json.loads((await post(app_client, NEEDS, public)).content)["data"]["needs"]["totalCount"]
        == 1
    )


async def test_a_protected_contact_is_never_in_a_cached_response(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    await submit_need(gql)  # its contact 王小明 13800001234 is PROTECTED
    response = await post(app_client, NEEDS, pending())
    assert b"13800001234" not in response.content
    assert json.loads(response.content)["data"]["needs"]["edges"][0]["node"]["contacts"][0][
        "redacted"
    ]
    cache = cache_of(app)
    assert cache.entries()
    for stored in cache.entries():
        assert b"13800001234" not in stored.body
        assert b"1234" not in stored.body.replace(b"138****1234", b"")


async def test_signed_in_reads_are_never_stored_nor_served_from_the_cache(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await listening(app)
    await submit_need(gql)
    await submit_need(gql)  # the same need again: a likely duplicate reviewers see
    reviewer, _ = await token_for(db, Role.REVIEWER, "rita")
    cache = cache_of(app)
    as_reviewer = await post(app_client, NEEDS, pending(), Authorization=f"Bearer {reviewer}")
    assert as_reviewer.status_code == 200
    assert as_reviewer.headers["cache-control"] == "private, no-store"
    assert len(cache) == 0
    duplicates = await post(app_client, DUPLICATES, Authorization=f"Bearer {reviewer}")
    shown = json.loads(duplicates.content)["data"]["needs"]["edges"]
    assert any(edge["node"]["possibleDuplicates"] for edge in shown)
    # The same document anonymously: nothing reviewer-only in it, and never stored (VIEWER).
    anonymous = await post(app_client, DUPLICATES)
    assert all(
        not edge["node"]["possibleDuplicates"]
        for edge in json.loads(anonymous.content)["data"]["needs"]["edges"]
    )
    assert anonymous.headers["cache-control"] == "private, no-store"
    assert len(cache) == 0 and cache.counters.hits == 0
    # A session cookie counts as signed in, a bad bearer too.
    for headers in ({"Cookie": "hub_session=whatever"}, {"Authorization": "Bearer nope"}):
        await post(app_client, NEEDS, pending(), **headers)
        assert len(cache) == 0


async def test_a_cached_anonymous_response_is_not_served_to_a_reviewer(
    app: Starlette, app_client: httpx.AsyncClient, db: Database
) -> None:
    await listening(app)
    reviewer, _ = await token_for(db, Role.REVIEWER, "rex")
    me = "query { needs(first: 1) { totalCount } }"
    await post(app_client, me)
    await post(app_client, me, Authorization=f"Bearer {reviewer}")
    assert cache_of(app).counters.hits == 0


async def test_viewer_fields_errors_and_mutations_are_never_stored(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    cache = cache_of(app)
    await post(app_client, "query { me { id } }")
    await post(app_client, "query { latestEventId }")
    await post(app_client, "query { needs(first: 1000) { totalCount } }")  # PAGE_SIZE_EXCEEDED
    await post(app_client, "query { nope }")
    await submit_need(gql)
    await submit_need(gql)
    assert len(cache) == 0
    assert cache.counters.stores == 0


async def test_single_flight_runs_concurrent_identical_misses_once(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    await submit_need(gql)
    await settled(app)
    db: Database = app.state.db
    statements: list[str] = []
    undo = db.observe_queries(statements.append)
    try:
        await post(app_client, NEEDS, pending(first=7))
        once = len(statements)
        statements.clear()
        responses = await asyncio.gather(
            *(post(app_client, NEEDS, pending(first=8)) for _ in range(8))
        )
    finally:
        undo()
    assert once > 0
    assert len({r.content for r in responses}) == 1
    assert len(statements) == once
    assert cache_of(app).counters.shared == 7


async def test_cursors_stay_stable_across_pages_with_the_cache_on(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    for number in range(5):
        await submit_need(gql, notes=f"need {number}")
    await settled(app)

    async def walk() -> list[str]:
        seen: list[str] = []
        after = None
        while True:
            body = json.loads((await post(app_client, NEEDS, pending(2, after))).content)
            page = body["data"]["needs"]
            seen += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return seen
            after = page["pageInfo"]["endCursor"]

    first = await walk()
    hits = cache_of(app).counters.hits
    second = await walk()
    assert len(first) == len(set(first)) == 5
    assert second == first
    assert cache_of(app).counters.hits == hits + 3


async def test_a_lost_listener_stops_the_cache_until_it_is_back(
    app: Starlette, app_client: httpx.AsyncClient, db: Database
) -> None:
    version = await listening(app)
    async with db.connection() as conn:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN %hub_data_version%' AND datname = current_database()"
        )
    assert killed == 1
    async with asyncio.timeout(10):
        while version.current is not None:
            await version.changed.wait()
    before = cache_of(app).counters.stores
    # The listener waits a second before reconnecting: meanwhile nothing is stored.
    down = await post(app_client, NEEDS, pending())
    assert down.headers["cache-control"] == "private, no-store"
    assert cache_of(app).counters.stores == before
    await listening(app)  # reconnected
    await post(app_client, NEEDS, pending())
    assert cache_of(app).counters.stores > before


async def test_the_cache_can_be_turned_off(settings: Any) -> None:
    from dataclasses import replace

    from hub.app import create_app

    application = create_app(replace(settings, read_cache_seconds=0))
    async with application.router.lifespan_context(application):
        await listening(application)
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            for _ in range(2):
                response = await post(client, NEEDS, pending())
                assert response.headers["cache-control"] == "private, no-store"
        assert len(cache_of(application)) == 0


async def _captured(status: int, body: bytes, *headers: tuple[bytes, bytes]) -> Captured:
    captured = Captured()
    await captured.send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *headers],
        }
    )
    await captured.send({"type": "http.response.body", "body": body})
    return captured


async def test_only_data_without_errors_notices_or_cookies_is_storable() -> None:
    data = b'{"data":{"search":{"totalCount":1}}}'
    assert (await _captured(200, data)).cacheable()
    refused = [
        await _captured(200, b'{"data":null,"errors":[{"message":"x"}]}'),
        await _captured(200, b'{"data":{"search":null},"extensions":{"searchFallback":true}}'),
        await _captured(200, data, (b"set-cookie", b"hub_session=x")),
        await _captured(400, data),
        await _captured(200, b"not json"),
    ]
    assert not any(captured.cacheable() for captured in refused)


def test_the_lru_is_bounded_in_bytes() -> None:
    version = DataVersion()
    version.set_listening(True)
    cache = ReadCache(version, 10_000, 60.0)
    for number in range(10):
        cache.put(number, Stored(b"x" * 2_000, b'"e"', (), time.monotonic()))
    assert cache.bytes <= 10_000
    assert len(cache) == 4
    assert cache.counters.evictions == 6
    assert cache.get(0) is None and cache.get(9) is not None
