"""Webhook tests: a small receiving server, users with tokens, a clock the tests move."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.domain.accounts import Role
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import TEST_RATE_LIMIT_SCALE, GraphQLClient
from tests.graphql.test_accounts import token_for
from workers.webhooks import WebhookDelivery

CREATE = """mutation($input: CreateWebhookInput!) { createWebhook(input: $input) {
    webhook { id url description enabled lastEventId } secret userErrors { field code message }
} }"""
UPDATE = """mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) {
    webhook { id url enabled disabledReason consecutiveFailures
              filter { kinds provinces entryIds } }
    userErrors { field code message } } }"""
DELIVERIES = """query($id: ID!) { webhook(id: $id) {
    enabled disabledReason consecutiveFailures lastEventId nextAttemptAt
    deliveries(first: 50) { totalCount edges { node {
        id eventId attempt startedAt durationMs httpStatus error outcome nextAttemptAt } } }
} }"""


@dataclass
class Received:
    """One request the receiver got, and the status it answered (None: it hung)."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None


@dataclass
class Receiver:
    """A bare HTTP/1.1 server that records requests. The next requests are answered with the
    statuses of `plan`, in turn (None: no answer until the test ends), then with `otherwise`."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    plan: list[int | None] = field(default_factory=list)
    otherwise: int = 200
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def url(self, path: str = "/hook") -> str:
        """The receiver's URL for `path`."""
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read one request, record it, answer (or not)."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            status = self.plan.pop(0) if self.plan else self.otherwise
            async with self.arrived:
                self.requests.append(Received(path, headers, body, status))
                self.arrived.notify_all()
            if status is None:
                await self.release.wait()
                return
            answer = b"receiver says no\n" * 50 if status >= 300 else b"ok"
            # A redirect points at another path of this server (it must not be followed).
            location = f"Location: {self.url('/elsewhere')}\r\n" if 300 <= status < 400 else ""
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Length: {len(answer)}\r\n{location}"
                "Connection: close\r\n\r\n".encode()
                + answer
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def wait_for(self, count: int) -> list[Received]:
        """Wait (20 s at most) until `count` requests have arrived; returns them all."""
        async with asyncio.timeout(20), self.arrived:
            await self.arrived.wait_for(lambda: len(self.requests) >= count)
        return list(self.requests)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver listening on 127.0.0.1 (a port of its own)."""
    server = Receiver()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server
        server.release.set()


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """The test app's settings: webhooks may go to the local receiver over http."""
    return Settings(
        database_url=fresh_dsn,
        default_language="en",
        max_body_bytes=64 * 1024,
        webhook_allow_private=True,
        webhook_allow_http=True,
        webhook_timeout_seconds=0.5,
        webhook_retry_first_seconds=10,
        webhook_retry_max_seconds=600,
        webhook_max_attempts=3,
        webhook_disable_after_failures=2,
        rate_limit_scale=TEST_RATE_LIMIT_SCALE,
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2020, 2, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    """A hand-moved clock."""
    return Clock()


@pytest.fixture
async def job(settings: Settings, clock: Clock) -> AsyncIterator[WebhookDelivery]:
    """The delivery job on the hand-moved clock, with jitter fixed at its middle (no change)."""
    delivery = WebhookDelivery(settings, clock=clock, rand=lambda: 0.5)
    yield delivery
    await delivery.aclose()


@dataclass
class Developer:
    """A signed-in user's bearer header and id."""

    headers: dict[str, str]
    user_id: str


async def developer(db: Database, name: str, role: Role = Role.VOLUNTEER) -> Developer:
    """A user with a WRITE token."""
    token, user_id = await token_for(db, role, name)
    return Developer({"Authorization": f"Bearer {token}"}, user_id)


@pytest.fixture
async def dev(db: Database) -> Developer:
    """A volunteer who makes webhooks."""
    return await developer(db, "dev_one")


async def create_webhook(
    gql: GraphQLClient, who: Developer, url: str, **fields: Any
) -> tuple[str, str]:
    """Create a webhook that must be accepted; returns (id, secret)."""
    payload = (await gql.data(CREATE, {"input": {"url": url, **fields}}, **who.headers))[
        "createWebhook"
    ]
    assert payload["userErrors"] == [], payload
    return payload["webhook"]["id"], payload["secret"]


async def deliveries(gql: GraphQLClient, who: Developer, webhook_id: str) -> dict[str, Any]:
    """The webhook with its delivery log, as its owner reads it."""
    webhook: dict[str, Any] = (await gql.data(DELIVERIES, {"id": webhook_id}, **who.headers))[
        "webhook"
    ]
    return webhook


@contextlib.asynccontextmanager
async def client_for(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client on an app of its own, with these settings."""
    app: Starlette = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            yield GraphQLClient(http)


def strict(settings: Settings) -> Settings:
    """The production defaults for where webhooks may go."""
    return replace(settings, webhook_allow_private=False, webhook_allow_http=False)
