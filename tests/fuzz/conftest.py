"""Fuzz setup: a Redis server when the machine has one (the hub then keeps its shared state
there, as in production), else none."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.conftest import RedisServer


@pytest.fixture
def fuzz_redis_url() -> Iterator[str | None]:
    """A Redis server's URL for one test, or None without redis-server."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="hub-fuzz-redis-"))
    server = RedisServer(binary, folder)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
