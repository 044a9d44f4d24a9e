"""Live test setup: a real Redis server, hubs served by uvicorn in-process or as processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.http.server import HubServer, server_for
from hub.settings import Settings
from tests.conftest import GraphQLClient


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server process of the test's own, which a test may stop and start again."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        # Wait for the server to say it is ready: the event, not a sleep.
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                return
        raise RuntimeError(f"redis-server exited with {self.process.wait()}")

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=30)
            if self.process.stdout is not None:
                self.process.stdout.close()
        self.process = None


def _redis_binary() -> str:
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        pytest.skip("no redis-server on this machine (apt-get install redis-server)")
    return binary


@contextmanager
def own_redis() -> Iterator[RedisServer]:
    """A Redis server in a temporary folder of its own, stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hub-test-redis-"))
    server = RedisServer(_redis_binary(), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis server for one test."""
    with own_redis() as server:
        yield server


@dataclass
class LiveServer:
    """A hub served by uvicorn inside the test's event loop."""

    app: Starlette
    server: HubServer
    port: int

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[LiveServer]:
    """Serve `settings`' hub on a free loopback port for the block."""
    app = create_app(settings)
    server = server_for(app, replace(settings, host="127.0.0.1"), port=0)
    # A socket that listens before uvicorn starts: early clients wait in its backlog, so
    # nobody has to poll for "started".
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = int(listener.getsockname()[1])
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield LiveServer(app, server, port)
    finally:
        server.should_exit = True
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)


@pytest.fixture
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """The test's hub, served over real sockets (WebSockets need them)."""
    async with serving(settings) as live:
        yield live


@pytest.fixture
async def client(live_server: LiveServer) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client posting to the live server over HTTP."""
    async with httpx.AsyncClient(base_url=live_server.http_url, timeout=30) as http:
        yield GraphQLClient(http)


class HubProcess:
    """`hub serve` as a process of its own (as a load balancer would see it)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env, "HUB_PORT": str(self.port), "HUB_HOST": "127.0.0.1"}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stdout = self.process.stdout
        assert stdout is not None
        for line in stdout:
            self.output.append(line)
            if "Uvicorn running on" in line:
                # Keep draining, or a chatty hub would block on a full pipe.
                threading.Thread(target=lambda: self.output.extend(stdout), daemon=True).start()
                return
        raise RuntimeError("hub serve exited early:\n" + "".join(self.output))

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
