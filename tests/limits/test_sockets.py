"""WebSockets: a cap per client and for everyone, a connect rate, and no signed-in socket for
a foreign page (cross-site WebSocket hijacking)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace

import pytest
from websockets.exceptions import InvalidStatus

from hub.settings import Settings
from tests.live.conftest import LiveServer, serving
from tests.live.wsclient import GraphQLSocket, socket


@asynccontextmanager
async def served(settings: Settings, **changes: object) -> AsyncIterator[LiveServer]:
    async with serving(replace(settings, **changes)) as live:  # type: ignore[arg-type]
        yield live


async def opened(stack: AsyncExitStack, live: LiveServer, **headers: str) -> GraphQLSocket:
    """A socket the hub accepted and acknowledged, open until `stack` closes."""
    ws = await stack.enter_async_context(socket(live.ws_url, additional_headers=headers))
    assert (await ws.init())["type"] == "connection_ack"
    return ws


async def refused(live: LiveServer, **headers: str) -> InvalidStatus:
    """The hub's refusal of a handshake (fails when it accepts)."""
    with pytest.raises(InvalidStatus) as refusal:
        async with socket(live.ws_url, additional_headers=headers):
            pass
    return refusal.value


async def test_one_client_may_hold_only_so_many_sockets(settings: Settings) -> None:
    async with served(settings, live_max_sockets_per_client=2) as live, AsyncExitStack() as stack:
        for _ in range(2):
            await opened(stack, live)
        refusal = await refused(live)
        assert refusal.response.status_code == 429
        assert int(refusal.response.headers["retry-after"]) > 0
        assert b"RATE_LIMITED" in refusal.response.body


async def test_everyone_together_may_hold_only_so_many_sockets(settings: Settings) -> None:
    async with (
        served(settings, live_max_sockets=2, trusted_proxies=("127.0.0.1/32",)) as live,
        AsyncExitStack() as stack,
    ):
        await opened(stack, live, **{"X-Forwarded-For": "192.0.2.1"})
        await opened(stack, live, **{"X-Forwarded-For": "192.0.2.2"})
        refusal = await refused(live, **{"X-Forwarded-For": "192.0.2.3"})
        assert refusal.response.status_code == 503


async def test_connecting_in_bursts_is_refused(settings: Settings) -> None:
    limited = (("ws_connect_client", "3/minute"),)
    async with served(settings, rate_limit_scale=1.0, rate_limit_overrides=limited) as live:
        for _ in range(3):
            async with AsyncExitStack() as stack:
                await opened(stack, live)
        refusal = await refused(live)
        assert refusal.response.status_code == 429
        assert int(refusal.response.headers["retry-after"]) > 0


SESSION = {"Cookie": "hub_session=whatever-the-browser-holds"}


async def test_a_foreign_page_may_not_open_a_signed_in_socket(settings: Settings) -> None:
    async with (
        served(settings, allowed_origins=("https://partner.example.org",)) as live,
        AsyncExitStack() as stack,
    ):
        foreign = await refused(live, Origin="https://evil.example.com", **SESSION)
        assert foreign.response.status_code == 403
        # The hub's own pages, an allowed origin, and clients that are not browsers (no
        # Origin, no ambient cookies to abuse) are accepted.
        await opened(stack, live, Origin=f"http://127.0.0.1:{live.port}", **SESSION)
        await opened(stack, live, Origin="https://partner.example.org", **SESSION)
        await opened(stack, live)
