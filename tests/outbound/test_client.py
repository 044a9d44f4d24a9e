"""The outbound client against local servers: it connects to the address it checked, re-checks
every redirect, and stops reading and waiting where its caps say."""

from __future__ import annotations

import asyncio
import ssl
import time
from pathlib import Path

import pytest

from hub.services.addresses import Refused, ensure_public_address
from hub.services.outbound import OutboundClient, TimedOut, TooManyRedirects, Unreachable
from tests.outbound.fakes import (
    PUBLIC,
    Answer,
    LoopbackDialer,
    ScriptedResolver,
    ScriptedServer,
    serving,
)


def client(
    resolver: ScriptedResolver,
    dialer: LoopbackDialer,
    *,
    total_seconds: float = 5.0,
    max_body_bytes: int = 1024,
    max_redirects: int = 3,
) -> OutboundClient:
    """A client that may reach public addresses only, resolving and dialling through fakes."""
    return OutboundClient(
        allow_private=False,
        user_agent="test",
        total_seconds=total_seconds,
        max_body_bytes=max_body_bytes,
        max_redirects=max_redirects,
        resolver=resolver,
        dialer=dialer,
    )


async def test_a_name_is_resolved_once_and_the_checked_address_is_dialled() -> None:
    # DNS rebinding: public when asked first, loopback when asked again (as the attacker's
    # name server does with a TTL of 0). The old code asked twice: once to check, once (inside
    # httpx) to connect, and connected to 127.0.0.1.
    resolver = ScriptedResolver({"rebind.example": [[PUBLIC], ["127.0.0.1"]]})
    dialer = LoopbackDialer()
    async with (
        serving({"/": Answer(200, body=b"hello")}) as server,
        client(resolver, dialer) as outbound,
    ):
        fetched = await outbound.fetch("GET", server.url("/", "rebind.example"))
    assert (fetched.status, fetched.body) == (200, b"hello")
    assert resolver.calls == ["rebind.example"]
    assert dialer.dialled == [PUBLIC]
    # The name still travels in the Host header (and would in TLS's SNI).
    assert server.requests == [("GET /", f"rebind.example:{server.port}")]


async def test_a_name_resolving_to_any_private_address_is_refused_before_dialling() -> None:
    resolver = ScriptedResolver(
        {"mixed.example": [[PUBLIC, "127.0.0.1"]], "meta.example": [["169.254.169.254"]]}
    )
    dialer = LoopbackDialer()
    async with client(resolver, dialer) as outbound:
        for host in ("mixed.example", "meta.example"):
            with pytest.raises(Refused):
                await outbound.fetch("GET", f"http://{host}/")
        with pytest.raises(Refused):
            await outbound.fetch("GET", "http://[::ffff:127.0.0.1]/")
        with pytest.raises(Refused):
            await outbound.fetch("GET", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/")
    assert dialer.dialled == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:{port}/secret",
        "http://[::1]:{port}/secret",
        "http://[::ffff:7f00:1]:{port}/secret",
        "http://localhost:{port}/secret",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
async def test_a_redirect_is_checked_like_the_first_request(location: str) -> None:
    resolver = ScriptedResolver({"site.example": [[PUBLIC]], "localhost": [["127.0.0.1"]]})
    dialer = LoopbackDialer()
    paths = {"/moved": Answer(302), "/secret": Answer(200, body=b"internal")}
    async with serving(paths) as server:
        paths["/moved"].headers["location"] = location.format(port=server.port)
        async with client(resolver, dialer) as outbound:
            with pytest.raises(Refused):
                await outbound.fetch("GET", server.url("/moved", "site.example"))
    assert [r for r, _ in server.requests] == ["GET /moved"]
    assert dialer.dialled == [PUBLIC]


async def test_redirects_to_public_addresses_are_followed_up_to_the_cap() -> None:
    resolver = ScriptedResolver({"site.example": [[PUBLIC]]})
    dialer = LoopbackDialer()
    paths = {
        "/a": Answer(301, {"location": "/b"}),
        "/b": Answer(307, {"location": "/ok"}),
        "/ok": Answer(200),
        "/loop": Answer(302, {"location": "/loop"}),
    }
    async with (
        serving(paths) as server,
        client(resolver, dialer, max_redirects=2) as outbound,
    ):
        fetched = await outbound.fetch("HEAD", server.url("/a", "site.example"))
        assert (fetched.status, fetched.redirects) == (200, 2)
        with pytest.raises(TooManyRedirects):
            await outbound.fetch("GET", server.url("/loop", "site.example"))
    assert [r for r, _ in server.requests].count("GET /loop") == 3


async def test_a_body_larger_than_the_cap_is_cut() -> None:
    resolver = ScriptedResolver({"big.example": [[PUBLIC]]})
    flood = Answer(200, body=b"x" * 65536, endless=True)
    async with (
        serving({"/big": flood, "/small": Answer(200, body=b"x" * 1000)}) as server,
        client(resolver, LoopbackDialer(), max_body_bytes=1000) as outbound,
    ):
        fetched = await outbound.fetch("GET", server.url("/big", "big.example"))
        # The server sends until the client hangs up: it did, after its 1000 bytes.
        await server.wait_finished(1)
        small = await outbound.fetch("GET", server.url("/small", "big.example"))
    assert (len(fetched.body), fetched.truncated) == (1000, True)
    assert server.sent < 64 * 1024 * 1024
    assert (small.body, small.truncated) == (b"x" * 1000, False)


async def test_a_trickling_answer_is_cut_at_the_total_deadline() -> None:
    # A byte every 50 ms: no single read waits long, so only a deadline on the whole stops it.
    resolver = ScriptedResolver({"slow.example": [[PUBLIC]]})
    async with (
        serving({"/slow": Answer(200, body=b"y" * 1000, trickle=0.05)}) as server,
        client(resolver, LoopbackDialer(), total_seconds=0.4) as outbound,
    ):
        began = time.monotonic()
        with pytest.raises(TimedOut):
            await outbound.fetch("GET", server.url("/slow", "slow.example"))
        took = time.monotonic() - began
    assert 0.3 < took < 5.0
    assert server.sent < 100


async def test_the_early_check_uses_the_same_rules() -> None:
    resolver = ScriptedResolver({"nat64.example": [["64:ff9b::7f00:1"]]})
    with pytest.raises(Refused):
        await ensure_public_address("https://nat64.example/hook", False, resolver)
    with pytest.raises(Refused):
        await ensure_public_address("https://[2002:7f00:1::1]/hook", False, resolver)


TLS = Path(__file__).parents[1] / "fixtures" / "tls"


async def _tls_server(handle: ScriptedServer) -> asyncio.Server:
    """`handle` behind TLS, with a certificate for secure.example only (tests/fixtures/tls:
    a test CA, valid until 2126, whose key was thrown away)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
    return await asyncio.start_server(handle.handle, "127.0.0.1", 0, ssl=context)


async def test_tls_is_checked_against_the_name_while_the_checked_address_is_dialled() -> None:
    resolver = ScriptedResolver({"secure.example": [[PUBLIC]], "other.example": [[PUBLIC]]})
    dialer = LoopbackDialer()
    trust = ssl.create_default_context(cafile=str(TLS / "ca.pem"))
    server = ScriptedServer({"/": Answer(200, body=b"over tls")})
    listener = await _tls_server(server)
    port = listener.sockets[0].getsockname()[1]
    async with listener:
        outbound = OutboundClient(
            allow_private=False,
            user_agent="test",
            total_seconds=5.0,
            max_body_bytes=100,
            resolver=resolver,
            dialer=dialer,
            ssl_context=trust,
        )
        async with outbound:
            fetched = await outbound.fetch("GET", f"https://secure.example:{port}/")
            # Same server, same address, but a name its certificate does not carry: refused.
            with pytest.raises(Unreachable):
                await outbound.fetch("GET", f"https://other.example:{port}/")
    assert (fetched.status, fetched.body) == (200, b"over tls")
    assert dialer.dialled == [PUBLIC, PUBLIC]
    assert server.requests == [("GET /", f"secure.example:{port}")]


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0.0.0.0/",  # reaches the host itself on Linux
        "http://localhost/",
        "http://[::]/",
    ],
)
async def test_other_spellings_of_loopback_are_refused_by_the_system_resolver(url: str) -> None:
    dialer = LoopbackDialer(routed=())
    outbound = OutboundClient(
        allow_private=False, user_agent="test", total_seconds=5.0, max_body_bytes=0, dialer=dialer
    )
    async with outbound:
        with pytest.raises(Refused):
            await outbound.fetch("GET", url)
    assert dialer.dialled == []
