"""Exports stream: batches through a cursor, sent as they are written, a bounded number at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Message

import hub.http.exports
from hub.app import create_app
from hub.live.hub import LIVE_POOL_NAME
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input, verify_all

NEEDS = 5


async def post_needs(app: Starlette, count: int) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        gql = GraphQLClient(client)
        for _ in range(count):
            payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
            assert payload["userErrors"] == []
    await verify_all(app.state.db)


def scope(path: str) -> dict[str, Any]:
    """A plain GET, asking for no compression so that body messages are the app's chunks."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("hub.test", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"hub.test"), (b"accept-encoding", b"identity")],
    }


class Receiver:
    """The request (no body), then nothing until the test lets the client go away."""

    def __init__(self) -> None:
        self.sent = False
        self.gone = asyncio.Event()

    async def __call__(self) -> Message:
        if not self.sent:
            self.sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}


@pytest.fixture
async def small_pool_app(settings: Settings) -> AsyncIterator[Starlette]:
    """An app whose pool of 2 leaves room for one export at a time."""
    app = create_app(replace(settings, db_pool_max=2))
    async with app.router.lifespan_context(app):
        yield app


async def test_a_large_export_is_sent_in_batches(
    small_pool_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post_needs(small_pool_app, NEEDS)
    monkeypatch.setattr(hub.http.exports, "BATCH_SIZE", 2)
    statements: list[str] = []
    stop = small_pool_app.state.db.observe_queries(statements.append)
    messages: list[Message] = []

    async def send(message: Message) -> None:
        messages.append(message)

    try:
        await small_pool_app(scope("/export/needs.csv"), Receiver(), send)
    finally:
        stop()
    assert messages[0]["status"] == 200
    chunks = [m["body"] for m in messages[1:] if m["body"]]
    # The header, then one chunk per batch of two needs (two rows each): 2 + 2 + 1.
    assert len(chunks) == 4
    assert chunks[0].count(b"\r\n") == 1
    assert [chunk.count(b"\r\n") for chunk in chunks[1:]] == [4, 4, 2]
    # Items are read once per batch, never once per entry.
    assert sum("FROM entry_item" in s for s in statements) == 3


async def test_exports_beyond_half_the_pool_wait_their_turn(
    small_pool_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post_needs(small_pool_app, 3)
    monkeypatch.setattr(hub.http.exports, "BATCH_SIZE", 1)
    first_chunk = asyncio.Event()
    go_on = asyncio.Event()
    bodies: list[bytes] = []

    async def slow_reader(message: Message) -> None:
        if message["type"] == "http.response.body":
            bodies.append(message["body"])
            first_chunk.set()
            await go_on.wait()

    running = asyncio.create_task(
        small_pool_app(scope("/export/needs.json"), Receiver(), slow_reader)
    )
    await first_chunk.wait()
    transport = httpx.ASGITransport(app=small_pool_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        busy = await client.get("/export/offers.csv")
        assert busy.status_code == 503
        assert busy.json()["error"]["code"] == "EXPORTS_BUSY"
        assert busy.headers["retry-after"] == "10"
        # The index needs no database slot.
        assert (await client.get("/export")).status_code == 200
        go_on.set()
        await running
        assert b"".join(bodies).count(b'"id"') == 3
        assert (await client.get("/export/offers.csv")).status_code == 200


async def test_a_client_that_goes_away_frees_its_slot(
    small_pool_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post_needs(small_pool_app, 3)
    monkeypatch.setattr(hub.http.exports, "BATCH_SIZE", 1)
    receiver = Receiver()
    chunks = 0

    async def send(message: Message) -> None:
        nonlocal chunks
        if message["type"] == "http.response.body":
            chunks += 1
            if chunks == 2:
                # The client hangs up after the first batch.
                receiver.gone.set()
                await asyncio.Event().wait()

    await small_pool_app(scope("/export/needs.csv"), receiver, send)
    assert chunks == 2
    # Its connection is back in the pool at once, not when the garbage collector gets to the
    # abandoned stream: both of the pool's connections can be taken (the deadline only bounds
    # a failure).
    db = small_pool_app.state.db
    async with asyncio.timeout(10), db.connection() as one, db.connection() as two:
        assert await one.fetchval("SELECT 1") == await two.fetchval("SELECT 1") == 1
        # And no snapshot is left open behind it. The live relay's own pool is not counted:
        # its stamp-read-notify transaction, woken by the needs posted above, may be between
        # two statements at this very moment.
        open_transactions = await one.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state LIKE 'idle in transaction%' "
            "AND application_name <> $1",
            LIVE_POOL_NAME,
        )
        assert open_transactions == 0
    transport = httpx.ASGITransport(app=small_pool_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await client.get("/export/needs.csv")
        assert response.status_code == 200
        assert response.content.count(b"\r\n") == 1 + 3 * 2


async def test_gzip_when_the_client_accepts_it(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post_needs(app, 3)
    monkeypatch.setattr(hub.http.exports, "BATCH_SIZE", 1)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await client.get("/export/needs.csv", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content.decode("utf-8-sig").count("\r\n") == 1 + 3 * 2


@pytest.mark.parametrize(
    ("idle", "total"), [(0.2, 600.0), (600.0, 0.2)], ids=["idle timeout", "total timeout"]
)
async def test_a_slow_reader_is_cut_off_and_holds_no_connection_meanwhile(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, idle: float, total: float
) -> None:
    # A client that stops reading: its chunks wait in send() (as uvicorn's does when the
    # socket's buffers are full), while five of them once held five pooled connections.
    slow = replace(settings, db_pool_max=2, export_idle_seconds=idle, export_total_seconds=total)
    app = create_app(slow)
    async with app.router.lifespan_context(app):
        await post_needs(app, 3)
        monkeypatch.setattr(hub.http.exports, "BATCH_SIZE", 1)
        stuck = asyncio.Event()
        messages: list[Message] = []

        async def not_reading(message: Message) -> None:
            messages.append(message)
            if message["type"] == "http.response.body" and len(messages) == 3:
                stuck.set()
                await asyncio.Event().wait()

        download = asyncio.create_task(app(scope("/export/needs.csv"), Receiver(), not_reading))
        await stuck.wait()
        # While it is stuck, both of the pool's connections can be taken (the deadline only
        # bounds a failure): the export holds none.
        db = app.state.db
        async with asyncio.timeout(10), db.connection() as one, db.connection() as two:
            assert await one.fetchval("SELECT 1") == await two.fetchval("SELECT 1") == 1
        # It is cut off: the body never ends (a truncated file, not one that looks whole).
        async with asyncio.timeout(10):
            await download
        assert not [
            m for m in messages if m["type"] == "http.response.body" and not m.get("more_body")
        ]
        # Its slot is free again for the next download.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            response = await client.get("/export/needs.csv")
            assert response.status_code == 200
            assert response.content.count(b"\r\n") == 1 + 3 * 2
