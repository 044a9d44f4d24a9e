"""deploy/Caddyfile in front of a real `hub serve`: HTTPS, the headers it adds and removes,
the hub's cookies marked Secure, and a live subscription upgraded to a WebSocket through it.

Caddy is the one Debian ships (`apt-get install caddy`); the test is skipped without it. It
serves `localhost` with its own local CA, on free ports, from the production Caddyfile (only
the variables it reads for the purpose differ).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.datastructures import Headers

from tests.conftest import TEMPLATE, scratch_database
from tests.deploy.files import DEPLOY
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.wsclient import WAIT, subscribed

STARTUP = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_for_line(stream: asyncio.StreamReader, needle: bytes, seen: list[bytes]) -> None:
    """Read until a line holds `needle` (the event the process announces), or fail."""
    async with asyncio.timeout(STARTUP):
        while True:
            line = await stream.readline()
            if not line:
                pytest.fail(
                    f"the process ended before saying {needle!r}:\n" + b"".join(seen).decode()
                )
            seen.append(line)
            if needle in line:
                return


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass
class Proxied:
    """The hub behind Caddy: its public origin and a TLS context trusting Caddy's local CA."""

    origin: str
    tls: ssl.SSLContext


@pytest.fixture(scope="module")
async def proxied(
    pg_server_dsn: str, template_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Proxied]:
    """One hub and one Caddy for the module (starting them is most of its time)."""
    folder = tmp_path_factory.mktemp("caddy")
    async with (
        scratch_database(pg_server_dsn, "hub_caddy", TEMPLATE) as dsn,
        _proxied(dsn, folder) as started,
    ):
        yield started


@asynccontextmanager
async def _proxied(fresh_dsn: str, tmp_path: Path) -> AsyncIterator[Proxied]:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (Debian: apt-get install caddy)")
    hub_port, https_port, http_port, admin_port = (_free_port() for _ in range(4))
    hub_env = {
        **os.environ,
        "HUB_DATABASE_URL": fresh_dsn,
        "HUB_WORKERS": "1",
        "HUB_IN_PROCESS_JOBS": "false",
        "HUB_LINKCHECK_ENABLED": "false",
        # As compose sets them: Caddy is the one trusted proxy, and TLS ends there.
        "HUB_TRUSTED_PROXIES": "127.0.0.1",
        "HUB_COOKIE_SECURE": "true",
    }
    hub = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub.cli", "serve", "--port", str(hub_port), env=hub_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    caddy_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PUBLIC_DOMAIN": f"localhost:{https_port}",
        "ACME_EMAIL": "ops@example.org",
        "UPSTREAM_NAME": "localhost",
        "UPSTREAM_PORT": str(hub_port),
        # Its own ports, and a local CA that is never installed into this machine's trust.
        "CADDY_GLOBAL_OPTIONS": (
            f"skip_install_trust\nhttp_port {http_port}\nadmin localhost:{admin_port}"
        ),
    }
    proxy = None
    try:
        assert hub.stdout is not None
        await _wait_for_line(hub.stdout, b"Uvicorn running on", [])
        proxy = await asyncio.create_subprocess_exec(
            caddy, "run", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile",
            env=caddy_env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proxy.stderr is not None
        # Caddy logs this once its local CA has issued the certificate for localhost.
        await _wait_for_line(proxy.stderr, b"certificate obtained successfully", [])
        root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        tls = ssl.create_default_context(cafile=str(root))
        yield Proxied(f"https://localhost:{https_port}", tls)
    finally:
        if proxy is not None:
            await _stop(proxy)
        await _stop(hub)


async def test_https_through_caddy_with_its_headers(proxied: Proxied) -> None:
    async with httpx.AsyncClient(verify=proxied.tls, timeout=WAIT) as client:
        ready = await client.get(f"{proxied.origin}/readyz")
        # The sign-in form hands the browser its CSRF cookie.
        page = await client.get(f"{proxied.origin}/signin")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert ready.headers["strict-transport-security"] == "max-age=31536000"
    assert "server" not in ready.headers
    assert page.status_code == 200
    cookies = page.headers.get_list("set-cookie")
    assert any(cookie.startswith("hub_csrf=") for cookie in cookies), cookies
    assert all("; secure" in cookie.lower() for cookie in cookies), cookies


async def test_a_live_subscription_through_caddy(proxied: Proxied) -> None:
    async with httpx.AsyncClient(verify=proxied.tls, timeout=WAIT) as client:
        answer = await client.post(f"{proxied.origin}/graphql", json={"query": "{ latestEventId }"})
        after = answer.json()["data"]["latestEventId"]
        url = proxied.origin.replace("https://", "wss://") + "/graphql"
        # The hub accepts WebSockets from pages of its own origin, which it reads from Host:
        # Caddy must pass Host through unchanged for this to be accepted.
        async with subscribed(
            url, variables={"after": after}, ssl=proxied.tls,
            additional_headers=Headers(Origin=proxied.origin),
        ) as ws:  # fmt: skip
            posted = await client.post(
                f"{proxied.origin}/graphql",
                json={"query": SUBMIT_NEED, "variables": {"input": need_input()}},
            )
            need = posted.json()["data"]["submitNeed"]["need"]
            event = await ws.event()
    assert event["entryId"] == need["id"]
