"""/metrics: who may read it, what it counts, and that no path or secret reaches it."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings
from tests.helpers import SUBMIT_NEED, need_input
from tests.limits.conftest import client_at, refusal, running
from tests.observability.conftest import AUTH, METRICS_TOKEN, scrape, value
from tests.webhooks.conftest import create_webhook, developer
from workers.search_indexer import index_postgres

PUBLIC_COUNT = "query PublicCount { needs(first: 5) { totalCount } }"


def grew(before: str, after: str, **labels: str) -> float:
    """How much hub_http_requests_total{labels} grew between two scrapes."""
    name = "hub_http_requests_total"
    return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)


async def test_metrics_are_off_without_a_token(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/metrics", headers=AUTH)
    assert response.status_code == 404


async def test_metrics_need_the_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert (await client.get("/metrics", headers=AUTH)).status_code == 200


async def test_requests_are_counted_by_operation_never_by_path(
    client: httpx.AsyncClient,
) -> None:
    secret = "reconfirm-secret-0123456789abcdef"
    # Counters are the process's: each test reads what changed.
    before = await scrape(client)
    assert (await client.get("/")).status_code == 200
    await client.get(f"/reconfirm/{secret}?phone=13800001234")
    response = await client.post("/graphql", json={"query": PUBLIC_COUNT})
    assert response.status_code == 200
    # Every response says which request it was.
    assert len(response.headers["x-request-id"]) == 32
    text = await scrape(client)
    assert grew(before, text, operation="GET /", status="2xx") == 1
    reconfirms = [
        grew(before, text, operation="GET /reconfirm/{token}", status=s) for s in ("2xx", "4xx")
    ]
    assert sum(reconfirms) == 1
    assert grew(before, text, operation="query PublicCount", status="2xx") == 1
    assert value(text, "hub_http_request_duration_seconds_count", operation="query PublicCount")
    assert secret not in text
    assert "13800001234" not in text


async def test_read_cache_hits_and_misses_are_counted(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    hits = value(before, "hub_read_cache_hits_total", cache="graphql") or 0
    misses = value(before, "hub_read_cache_misses_total", cache="graphql") or 0
    for _ in range(3):
        response = await client.post("/graphql", json={"query": PUBLIC_COUNT})
        assert response.status_code == 200
    text = await scrape(client)
    assert value(text, "hub_read_cache_misses_total", cache="graphql") == misses + 1
    assert value(text, "hub_read_cache_hits_total", cache="graphql") == hits + 2
    # A hit is counted under the operation of the request that filled the cache.
    assert grew(before, text, operation="query PublicCount", status="2xx") == 3


async def test_pool_and_live_gauges_are_reported(client: httpx.AsyncClient) -> None:
    text = await scrape(client)
    assert value(text, "hub_db_pool_max_connections") == 10
    busy = value(text, "hub_db_pool_connections", state="busy")
    idle = value(text, "hub_db_pool_connections", state="idle")
    assert busy is not None
    assert idle is not None
    assert busy + idle >= 1
    assert value(text, "hub_live_subscribers") == 0


async def test_the_indexer_lag_follows_the_outbox(
    client: httpx.AsyncClient, observed: Starlette
) -> None:
    db = observed.state.db
    await index_postgres(db)
    text = await scrape(client)
    assert value(text, "hub_backlog_up") == 1
    assert value(text, "hub_search_index_lag_events", backend="postgres") == 0
    assert value(text, "hub_webhook_lag_events") == 0
    assert value(text, "hub_webhooks", state="enabled") == 0
    written = await client.post(
        "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": need_input()}}
    )
    assert written.json()["data"]["submitNeed"]["userErrors"] == []
    # The relay numbers the new events just after their commit.
    deadline = time.monotonic() + 10
    while True:
        text = await scrape(client)
        lag = value(text, "hub_search_index_lag_events", backend="postgres")
        if lag:
            break
        assert time.monotonic() < deadline, "the new events never showed as a lag"
    head = value(text, "hub_outbox_head_position")
    assert head is not None
    assert lag <= head
    lag_seconds = value(text, "hub_search_index_lag_seconds", backend="postgres")
    assert lag_seconds is not None
    assert lag_seconds >= 0
    await index_postgres(db)
    text = await scrape(client)
    assert value(text, "hub_search_index_lag_events", backend="postgres") == 0
    assert value(text, "hub_search_index_lag_seconds", backend="postgres") == 0


async def test_rate_limit_refusals_are_counted_by_limit(observed_settings: Settings) -> None:
    refused = {"limit": "submit", "scope": "client"}
    limited = replace(
        observed_settings,
        rate_limit_scale=1.0,
        rate_limit_overrides=(("submit_client", "1/hour"),),
    )
    async with running(limited) as app, client_at(app, "198.51.100.77") as gql:
        before = value(await scrape(gql.http), "hub_rate_limit_refusals_total", **refused) or 0
        await gql.data(SUBMIT_NEED, {"input": need_input()})
        refusal(await gql.post(SUBMIT_NEED, {"input": need_input()}))
        text = await scrape(gql.http)
    assert value(text, "hub_rate_limit_refusals_total", **refused) == before + 1


async def test_the_webhook_lag_follows_the_outbox(
    observed_settings: Settings,
) -> None:
    hooks = replace(observed_settings, webhook_allow_private=True, webhook_allow_http=True)
    async with running(hooks) as app, client_at(app, "198.51.100.78") as gql:
        who = await developer(app.state.db, "metrics_dev")
        await create_webhook(gql, who, "http://127.0.0.1:9/hook")
        text = await scrape(gql.http)
        assert value(text, "hub_webhooks", state="enabled") == 1
        assert value(text, "hub_webhook_lag_events") == 0
        await gql.data(SUBMIT_NEED, {"input": need_input()})
        # No delivery worker runs here: the new events wait for the webhook.
        deadline = time.monotonic() + 10
        while not value(text := await scrape(gql.http), "hub_webhook_lag_events"):
            assert time.monotonic() < deadline, "the new events never showed as a lag"
        lag_seconds = value(text, "hub_webhook_lag_seconds")
        assert lag_seconds is not None
        assert lag_seconds >= 0
        assert value(text, "hub_webhooks", state="failing") == 0


def grew_by(before: str, after: str, name: str, **labels: str) -> float:
    """How much the sample `name` with `labels` grew between two scrapes."""
    return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)


async def test_page_cache_hits_are_counted_under_the_pages_route(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    for _ in range(3):
        assert (await client.get("/needs")).status_code == 200
    text = await scrape(client)
    hits = grew_by(before, text, "hub_read_cache_hits_total", cache="page")
    misses = grew_by(before, text, "hub_read_cache_misses_total", cache="page")
    # Each read is counted once, as a hit or a miss; a commit elsewhere in the shared test
    # database may move the data version in between, so how many hit is not fixed.
    assert hits + misses == 3
    assert hits >= 1
    assert grew(before, text, operation="GET /{kind}", status="2xx") == 3


async def test_a_scrape_answers_when_the_backlog_cannot_be_read(empty_dsn: str) -> None:
    # Migrations pending: no outbox table to read, and the process's figures still served.
    settings = Settings(database_url=empty_dsn, metrics_token=METRICS_TOKEN)
    application = create_app(settings, run_migrations=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            text = await scrape(http)
    assert value(text, "hub_backlog_up") == 0
    assert value(text, "hub_search_index_lag_events", backend="postgres") is None
    assert value(text, "hub_db_pool_max_connections") is not None
