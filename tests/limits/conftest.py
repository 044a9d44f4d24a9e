"""Tests of the rate limits: the real default limits (not the generous ones of tests/conftest),
clients at addresses of the test's choosing, and a Redis server for the shared counters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.live.conftest import redis_server  # noqa: F401 - a fixture for these tests too

# A mutation the tests send in bursts: cheap, and limited like every write.
SIGN_OUT = "mutation { signOut { signedOut } }"
SIGN_IN = """mutation($input: SignInInput!) { signIn(input: $input) {
    user { handle } userErrors { code } } }"""


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """The hub's default limits (HUB_RATE_LIMITS on, scale 1)."""
    return Settings(database_url=fresh_dsn, default_language="en", max_body_bytes=64 * 1024)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Starlette]:
    """The app of `settings` with its lifespan running."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@asynccontextmanager
async def client_at(app: Starlette, address: str, **headers: str) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client whose requests come from `address` (the socket's peer), over HTTPS as
    a remote browser's would (cookies are Secure for remote clients)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="https://hub.test", headers=headers
    ) as http:
        yield GraphQLClient(http)


def refusal(body: dict[str, object]) -> dict[str, object]:
    """The one RATE_LIMITED error of a response (fails when there is none)."""
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, body
    codes = [e["extensions"]["code"] for e in errors]
    assert codes == ["RATE_LIMITED"], errors
    extensions: dict[str, object] = errors[0]["extensions"]
    return extensions


SIGN_UP_DOC = """mutation($input: SignUpInput!) { signUp(input: $input) {
    user { handle } userErrors { code } } }"""
