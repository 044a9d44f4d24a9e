"""Source checks against small HTTP servers started by the test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from graphql import parse

from hub.domain.accounts import Role
from hub.graphql.audience import is_public_document
from hub.graphql.schema import build_schema
from hub.services.outbound import OutboundClient
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import SUBMIT_NEED, need_input, verify_all
from tests.outbound.fakes import PUBLIC, Answer, LoopbackDialer, ScriptedResolver, serving
from workers.linkcheck import check_sources, fetch_status, linkcheck_client

STATUS = {"/ok": 200, "/gone": 404, "/flaky": 503}
HISTORY = """query($e: ID!) {
    entryHistory(entryId: $e) { action actor changedFields recordedAction } }"""


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


async def test_what_the_checker_found_is_shown_to_reviewers_only(
    gql: GraphQLClient, db: Database, source_server: SourceServer
) -> None:
    # The leak: the public history said "source.lost" for every entry whose source answered
    # 404/410, telling anyone which sources are gone (and probing where they lead).
    url = f"http://127.0.0.1:{source_server.port}/gone"
    payload = await gql.data(SUBMIT_NEED, {"input": need_input(source={"url": url})})
    need_id = payload["submitNeed"]["need"]["id"]
    await verify_all(db)
    assert await check_sources(db, allow_private=True) == 1

    public = (await gql.data(HISTORY, {"e": need_id}))["entryHistory"]
    assert public[-1] == {
        "action": "review.reopened",
        "actor": "system",
        "changedFields": ["verificationStatus"],
        "recordedAction": None,
    }
    assert all(h["action"] != "source.lost" and h["recordedAction"] is None for h in public)
    volunteer, _ = await token_for(db, Role.VOLUNTEER, "curious_volunteer")
    seen = await gql.data(HISTORY, {"e": need_id}, Authorization=f"Bearer {volunteer}")
    assert seen["entryHistory"] == public
    reviewer, _ = await token_for(db, Role.REVIEWER, "source_reviewer")
    reviewed = await gql.data(HISTORY, {"e": need_id}, Authorization=f"Bearer {reviewer}")
    assert reviewed["entryHistory"][-1]["action"] == "review.reopened"
    assert reviewed["entryHistory"][-1]["recordedAction"] == "source.lost"
    # The public answer may be cached and served to anyone; the reviewer's never is.
    schema = build_schema()._schema
    assert is_public_document(
        schema, parse("query($e: ID!) { entryHistory(entryId: $e) { action } }")
    )
    assert not is_public_document(schema, parse(HISTORY))


async def test_private_addresses_are_not_fetched(
    source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_LINKCHECK_ALLOW_PRIVATE", raising=False)
    async with linkcheck_client(Settings.from_env()) as client:
        for host in ("127.0.0.1", "[::ffff:127.0.0.1]", "[::127.0.0.1]"):
            assert await fetch_status(client, f"http://{host}:{source_server.port}/ok") is None
    assert source_server.requests == 0


def _client(resolver: ScriptedResolver, dialer: LoopbackDialer) -> OutboundClient:
    settings = Settings(linkcheck_timeout_seconds=2.0, linkcheck_max_redirects=3)
    return linkcheck_client(settings, allow_private=False, resolver=resolver, dialer=dialer)


async def test_a_source_redirecting_into_the_hubs_network_is_not_followed() -> None:
    # The attack: a public source page that redirects to the metadata service or to loopback.
    # The old checker followed it (httpx follow_redirects) without checking the new address.
    resolver = ScriptedResolver({"source.example": [[PUBLIC]]})
    dialer = LoopbackDialer()
    paths = {
        "/metadata": Answer(302, {"location": "http://169.254.169.254/latest/meta-data/"}),
        "/loopback": Answer(301),
        "/admin": Answer(200),
        "/fine": Answer(302, {"location": "/still-here"}),
        "/still-here": Answer(200),
    }
    async with serving(paths) as server:
        paths["/loopback"].headers["location"] = server.url("/admin")
        async with _client(resolver, dialer) as client:
            assert await fetch_status(client, server.url("/metadata", "source.example")) is None
            assert await fetch_status(client, server.url("/loopback", "source.example")) is None
            assert await fetch_status(client, server.url("/fine", "source.example")) == 200
    assert dialer.dialled == [PUBLIC] * 4
    assert ("HEAD /admin", f"127.0.0.1:{server.port}") not in server.requests
    assert all(host.startswith("source.example") for _, host in server.requests)


async def test_the_checker_reads_no_body() -> None:
    # A source that refuses HEAD is fetched with GET: its status only, not its (endless) body.
    resolver = ScriptedResolver({"source.example": [[PUBLIC]]})
    page = Answer(200, body=b"z" * 65536, head=405, endless=True)
    async with serving({"/page": page}) as server:
        async with _client(resolver, LoopbackDialer()) as client:
            assert await fetch_status(client, server.url("/page", "source.example")) == 200
        # The server stops only when the checker hangs up.
        await server.wait_finished(2)
    assert [r for r, _ in server.requests] == ["HEAD /page", "GET /page"]
    assert server.sent < 64 * 1024 * 1024


async def test_only_verified_entries_sources_are_fetched_each_url_once(
    gql: GraphQLClient, db: Database, source_server: SourceServer
) -> None:
    # The abuse: anonymous entries, never reviewed, each citing a victim's URL, made the hub
    # fetch it again and again on their behalf. Only a verified entry can lose its source.
    url = f"http://127.0.0.1:{source_server.port}/ok"
    for _ in range(3):
        payload = await gql.data(SUBMIT_NEED, {"input": need_input(source={"url": url})})
        assert payload["submitNeed"]["userErrors"] == []
    assert await check_sources(db, allow_private=True) == 0
    assert source_server.requests == 0
    await verify_all(db)
    assert await check_sources(db, allow_private=True) == 0
    assert source_server.requests == 1  # three entries, one URL, one request
