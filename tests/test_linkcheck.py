"""Source checks against a small HTTP server started by the test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input, verify_all
from workers.linkcheck import check_sources, fetch_status

STATUS = {"/ok": 200, "/gone": 404, "/flaky": 503}


class SourceServer:
    """Answers HEAD/GET with the status its path names; counts requests."""

    def __init__(self) -> None:
        self.requests = 0
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        self.requests += 1
        path = request.split(b" ")[1].decode()
        status = STATUS.get(path, 404)
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def source_server() -> AsyncIterator[SourceServer]:
    server = SourceServer()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server


async def _status(db: Database, url: str) -> str:
    async with db.connection() as conn:
        status: str = await conn.fetchval(
            "SELECT verification_status FROM entry WHERE source_url = $1", url
        )
    return status


async def test_lost_sources_send_entries_back_to_review(
    gql: GraphQLClient,
    db: Database,
    source_server: SourceServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUB_LINKCHECK_ALLOW_PRIVATE", "1")
    urls = {path: f"http://127.0.0.1:{source_server.port}{path}" for path in STATUS}
    for url in urls.values():
        payload = await gql.data(SUBMIT_NEED, {"input": need_input(source={"url": url})})
        assert payload["submitNeed"]["userErrors"] == []
    await verify_all(db)

    assert await check_sources(db, allow_private=True) == 1
    assert await _status(db, urls["/gone"]) == "PENDING"
    assert await _status(db, urls["/ok"]) == "VERIFIED"
    assert await _status(db, urls["/flaky"]) == "VERIFIED"  # one failure is not enough
    for _ in range(2):
        async with db.connection() as conn:  # six hours pass
            await conn.execute("UPDATE source_check SET checked_at = now() - interval '7 hours'")
        await check_sources(db, allow_private=True)
    assert await _status(db, urls["/flaky"]) == "PENDING"
    assert await _status(db, urls["/ok"]) == "VERIFIED"
    async with db.connection() as conn:
        actors = await conn.fetch("SELECT actor_label FROM audit_log WHERE action = 'source.lost'")
    assert [a["actor_label"] for a in actors] == ["system", "system"]


async def test_private_addresses_are_not_fetched(
    source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_LINKCHECK_ALLOW_PRIVATE", raising=False)
    async with httpx.AsyncClient() as client:
        status = await fetch_status(client, f"http://127.0.0.1:{source_server.port}/ok")
    assert status is None
    assert source_server.requests == 0
