"""WebSocket connections: authentication in connection_init on both protocols, and limits."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from websockets.exceptions import InvalidStatus
from websockets.frames import Opcode

from hub.domain.accounts import Role
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.helpers import SUBMIT_NEED, UPDATE_NEED, need_input
from tests.live.conftest import LiveServer, serving
from tests.live.test_protocols import latest_event_id
from tests.live.test_slow_consumer import StalledClient
from tests.live.wsclient import ENTRY_EVENTS, LEGACY_WS, PROTOCOLS, TRANSPORT_WS, WAIT, socket

ME = "query { me { handle role } }"


# possibleDuplicates is for reviewers only: what a connection sees tells who it is.
DUPLICATES = """subscription($after: String) { entryEvents(after: $after) {
    entry { possibleDuplicates { score } } } }"""


async def _duplicates_seen(
    url: str, client: GraphQLClient, protocol: str, init: dict[str, str] | None
) -> list[object]:
    after = await latest_event_id(client)
    async with socket(url, protocol) as ws:
        assert (await ws.init(init))["type"] == "connection_ack"
        await ws.start(DUPLICATES, {"after": after})
        for _ in range(2):  # the same need posted twice: the second repeats the first
            await client.data(SUBMIT_NEED, {"input": need_input()})
        await ws.result()
        second = await ws.result()
    found: list[object] = second["data"]["entryEvents"]["entry"]["possibleDuplicates"]
    return found


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("style", ["bearer", "token"])
async def test_a_token_in_connection_init_authenticates(
    live_server: LiveServer, client: GraphQLClient, db: Database, protocol: str, style: str
) -> None:
    token, _ = await token_for(db, Role.REVIEWER, "reviewer_ws")
    init = {"authorization": f"Bearer {token}"} if style == "bearer" else {"token": token}
    assert len(await _duplicates_seen(live_server.ws_url, client, protocol, init)) == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_without_a_token_the_connection_is_anonymous_even_with_one_in_the_url(
    live_server: LiveServer, client: GraphQLClient, db: Database, protocol: str
) -> None:
    token, _ = await token_for(db, Role.ADMIN, "admin_ws")
    url = f"{live_server.ws_url}?token={token}"
    assert await _duplicates_seen(url, client, protocol, None) == []


async def test_queries_over_the_socket_know_the_user(live_server: LiveServer, db: Database) -> None:
    token, _ = await token_for(db, Role.REVIEWER, "reviewer_q")
    async with socket(live_server.ws_url, TRANSPORT_WS) as ws:
        assert (await ws.init({"token": token}))["type"] == "connection_ack"
        await ws.start(ME)
        result = await ws.result()
    assert result["data"]["me"] == {"handle": "reviewer_q", "role": "REVIEWER"}


async def test_an_unknown_token_is_refused_on_graphql_transport_ws(live_server: LiveServer) -> None:
    async with socket(live_server.ws_url, TRANSPORT_WS) as ws:
        await ws.send({"type": "connection_init", "payload": {"token": "not-a-token"}})
        assert await ws.close_code() == 4403


async def test_an_unknown_token_is_refused_on_the_legacy_protocol(live_server: LiveServer) -> None:
    async with socket(live_server.ws_url, LEGACY_WS) as ws:
        answer = await ws.init({"authorization": "Bearer not-a-token"})
        assert answer["type"] == "connection_error"
        assert answer["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
        assert await ws.close_code() is not None


async def test_an_unknown_token_in_the_handshake_header_is_refused(
    live_server: LiveServer,
) -> None:
    headers = {"Authorization": "Bearer not-a-token"}
    async with socket(live_server.ws_url, TRANSPORT_WS, additional_headers=headers) as ws:
        await ws.send({"type": "connection_init"})
        assert await ws.close_code() == 4403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_operations_before_connection_init_are_refused(
    live_server: LiveServer, protocol: str
) -> None:
    # Old strawberry releases let the legacy protocol skip connection_init, and with it auth.
    async with socket(live_server.ws_url, protocol) as ws:
        await ws.start(ME)
        assert await ws.close_code() == 4401


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_connection_that_never_initialises_is_closed(
    settings: Settings, protocol: str
) -> None:
    async with (
        serving(replace(settings, live_init_timeout_seconds=1)) as live,
        socket(live.ws_url, protocol) as ws,
    ):
        assert await ws.close_code() == 4408


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_subscriptions_per_connection_are_limited(settings: Settings, protocol: str) -> None:
    async with (
        serving(replace(settings, live_max_subscriptions=2)) as live,
        socket(live.ws_url, protocol) as ws,
    ):
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start(ENTRY_EVENTS)
        await ws.start(ENTRY_EVENTS)
        third = await ws.start(ENTRY_EVENTS)
        refused = await ws.receive()
    assert refused["type"] == "error"
    assert refused["id"] == third
    if protocol == TRANSPORT_WS:
        [error] = refused["payload"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert "at most 2 operations" in error["message"]
    else:
        assert "limit" in str(refused["payload"])


async def test_the_legacy_protocol_gets_keep_alive_messages(settings: Settings) -> None:
    async with (
        serving(replace(settings, live_keepalive_seconds=1)) as live,
        socket(live.ws_url, LEGACY_WS) as ws,
    ):
        await ws.send({"type": "connection_init"})
        kinds = [json.loads(await asyncio.wait_for(ws.ws.recv(), WAIT))["type"] for _ in range(3)]
    assert kinds == ["connection_ack", "ka", "ka"]


async def test_graphql_transport_ws_connections_are_pinged(settings: Settings) -> None:
    async with serving(replace(settings, live_keepalive_seconds=1)) as live:
        client = StalledClient(live.ws_url, live.port)
        try:
            await client.subscribe(ENTRY_EVENTS, {})
            assert await client.next_frame_of(Opcode.PING) is not None
        finally:
            client.close()


async def test_each_operation_on_a_socket_reads_fresh_data(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    posted = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    query = "query($id: ID!) { node(id: $id) { ... on Need { urgency } } }"
    variables = {"id": posted["need"]["id"]}
    async with socket(live_server.ws_url) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start(query, variables)
        before = await ws.result()
        update = {"id": posted["need"]["id"], "editToken": posted["editToken"], "version": 1}
        answer = await client.data(UPDATE_NEED, {"input": {**update, "urgency": "LOW"}})
        assert answer["updateNeed"]["userErrors"] == []
        await ws.start(query, variables)
        after = await ws.result()
    assert before["data"]["node"]["urgency"] == "CRITICAL"
    assert after["data"]["node"]["urgency"] == "LOW"


async def test_signing_in_over_a_socket_is_refused_and_opens_no_session(
    live_server: LiveServer, db: Database
) -> None:
    await token_for(db, Role.VOLUNTEER, "nurse_ws")
    sign_in = """mutation($password: String!) {
        signIn(input: {email: "nurse_ws@example.org", password: $password}) {
            user { handle } userErrors { code } } }"""
    async with db.connection() as conn:
        sessions = await conn.fetchval("SELECT count(*) FROM user_session")
    async with socket(live_server.ws_url) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start(sign_in, {"password": PASSWORD})
        result = await ws.result()
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM user_session") == sessions


async def test_a_message_larger_than_a_request_body_closes_the_socket(settings: Settings) -> None:
    async with (
        serving(replace(settings, max_body_bytes=16 * 1024)) as live,
        socket(live.ws_url, max_size=None) as ws,
    ):
        assert (await ws.init())["type"] == "connection_ack"
        await ws.start("query { latestEventId }", {"padding": "x" * 20_000})
        assert await ws.close_code() == 1009


async def test_a_page_on_another_origin_cannot_open_a_socket(live_server: LiveServer) -> None:
    headers = {"Origin": "https://evil.example"}
    with pytest.raises(InvalidStatus) as refused:
        async with socket(live_server.ws_url, additional_headers=headers):
            pass
    assert refused.value.response.status_code == 403


async def test_a_subscription_sent_over_http_is_refused_with_a_code(gql: GraphQLClient) -> None:
    body = await gql.post("subscription { entryEvents { id } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "WebSockets" in body["errors"][0]["message"]
    response = await gql.http.get(
        "/graphql", params={"query": "subscription { entryEvents { id } }"}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
