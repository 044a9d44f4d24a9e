"""HUB_COOKIE_SECURE defaults to auto: cookies are Secure everywhere but plain HTTP on loopback.

The old default (false) sent the session cookie over plain HTTP wherever the operator forgot
the setting behind TLS. The README's first command (the hub on http://127.0.0.1) must still
sign in: browsers drop a Secure cookie that arrives over plain HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hub.app import create_app
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import SIGN_UP, sign_up_input
from tests.http.test_read_cache import listening, settled
from tests.web.test_page_cache import cache_of, new_need


@asynccontextmanager
async def _client(
    dsn: str, setting: bool | None, base_url: str, client: str, behind_proxy: bool = False
) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    application = create_app(
        Settings(database_url=dsn, default_language="en", cookie_secure=setting)
    )
    # The proxy case as `hub serve` runs it: uvicorn trusts X-Forwarded-* from 127.0.0.1 only.
    served: ASGIApp = (
        ProxyHeadersMiddleware(application, trusted_hosts="127.0.0.1")
        if behind_proxy
        else application
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=served, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield http, application


async def _session_cookie(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> str:
    response = await http.post(
        "/graphql", json={"query": SIGN_UP, "variables": sign_up_input()}, headers=headers or {}
    )
    assert response.status_code == 200
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("hub_session=")
    )
    return cookie.lower()


@pytest.mark.parametrize(
    ("setting", "base_url", "client", "secure"),
    [
        # The README's first command: plain HTTP on loopback, no Secure (else no sign-in).
        (None, "http://127.0.0.1:8000", "127.0.0.1", False),
        (None, "http://[::1]:8000", "::1", False),
        # HTTPS straight to the hub.
        (None, "https://hub.example.org", "203.0.113.9", True),
        # Plain HTTP from elsewhere: a TLS proxy the hub was not told to trust fails closed.
        (None, "http://hub.example.org", "203.0.113.9", True),
        # What the operator says wins.
        (False, "https://hub.example.org", "203.0.113.9", False),
        (True, "http://127.0.0.1:8000", "127.0.0.1", True),
    ],
)
async def test_the_session_cookie_is_secure_unless_plain_http_on_loopback(
    fresh_dsn: str, setting: bool | None, base_url: str, client: str, secure: bool
) -> None:
    async with _client(fresh_dsn, setting, base_url, client) as (http, _):
        cookie = await _session_cookie(http)
    assert ("; secure" in cookie) is secure


async def test_https_through_a_trusted_proxy_is_secure(fresh_dsn: str) -> None:
    # A TLS proxy on the same machine, which uvicorn trusts: it tells the scheme and the client.
    async with _client(fresh_dsn, None, "http://127.0.0.1:8000", "127.0.0.1", True) as (http, _):
        cookie = await _session_cookie(
            http, {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
        )
    assert "; secure" in cookie


async def test_an_untrusted_client_cannot_talk_its_cookie_out_of_secure(fresh_dsn: str) -> None:
    # Claims to be a proxy forwarding plain HTTP from loopback; uvicorn ignores the claim.
    async with _client(fresh_dsn, None, "http://hub.example.org", "203.0.113.9", True) as (http, _):
        cookie = await _session_cookie(
            http, {"x-forwarded-proto": "http", "x-forwarded-for": "127.0.0.1"}
        )
    assert "; secure" in cookie


@pytest.mark.parametrize(
    ("base_url", "client", "secure"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1", False),
        ("https://hub.example.org", "203.0.113.9", True),
    ],
)
async def test_the_pages_csrf_cookie_follows_the_same_rule(
    fresh_dsn: str, base_url: str, client: str, secure: bool
) -> None:
    async with _client(fresh_dsn, None, base_url, client) as (http, application):
        await listening(application)
        need_id = await new_need(GraphQLClient(http))
        await settled(application)
        for _ in range(2):  # once built, then from the page cache
            response = await http.get(f"/entries/{need_id}")
            assert response.status_code == 200
            cookies = [c.lower() for c in response.headers.get_list("set-cookie")]
            csrf = [c for c in cookies if c.startswith("hub_csrf=")]
            assert csrf
            assert ("; secure" in csrf[0]) is secure
            http.cookies.clear()
        assert cache_of(application).counters.hits == 1


@pytest.mark.parametrize(
    ("raw", "setting"),
    [(None, None), ("auto", None), ("", None), ("true", True), ("false", False)],
)
def test_hub_cookie_secure_defaults_to_auto(raw: str | None, setting: bool | None) -> None:
    env = {} if raw is None else {"HUB_COOKIE_SECURE": raw}
    assert Settings.from_env(env).cookie_secure is setting
