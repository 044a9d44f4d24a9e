"""The full topology run (`pytest -m topology`): Redis restarting, PostgreSQL restarting, and
a long write burst during which each replica in turn is killed with SIGKILL and started again.
Nothing acknowledged may be lost, and subscribers must end up with every event, no gap."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from hub import embedded
from hub.embedded import EmbeddedPostgres
from hub.store.migrate import migrate
from tests.live.conftest import RedisServer
from tests.topology.clients import (
    ResumingSubscriber,
    Writes,
    missing_entries,
    until_all_stamped,
    write_until,
)
from tests.topology.conftest import REPLICAS, Topology, running_topology
from tests.topology.test_replicas import WRITERS, latest_event_id, subscribers

pytestmark = pytest.mark.topology

DEADLINE_SECONDS = 60.0
LONG_BURST = 600
# Acknowledged writes to see before, during and after each disturbance.
STEP = 20


@asynccontextmanager
async def writing(topology: Topology, total: int) -> AsyncIterator[Writes]:
    """WRITERS clients posting needs through nginx for the block (or until `total`)."""
    writes = Writes()
    stop = asyncio.Event()
    clients = [
        httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=10) for _ in range(WRITERS)
    ]
    tasks = [asyncio.create_task(write_until(c, writes, stop, total)) for c in clients]
    try:
        yield writes
    finally:
        stop.set()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        for client in clients:
            await client.aclose()


async def reads_work(url: str) -> bool:
    """Whether a read through nginx answers with data."""
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        try:
            response = await http.post("/graphql", json={"query": "{ latestEventId }"})
        except httpx.HTTPError:
            return False
    return response.status_code == 200 and "errors" not in response.json()


async def until_reads_work(url: str) -> float:
    """Seconds until a read through nginx answers again (polled, DEADLINE_SECONDS at most)."""
    started = time.monotonic()
    async with asyncio.timeout(DEADLINE_SECONDS):
        # What the hub does inside is not observable from here: poll the answer.
        while not await reads_work(url):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return time.monotonic() - started


async def assert_nothing_lost(
    topology: Topology, writes: Writes, after: str, running: list[ResumingSubscriber]
) -> None:
    """Every acknowledged write is stored; every subscriber has every need event, in order."""
    assert await missing_entries(topology.dsn, writes.acknowledged) == []
    expected = await until_all_stamped(topology.dsn, int(after), DEADLINE_SECONDS)
    assert len(expected) >= len(writes.acknowledged)
    for subscriber in running:
        try:
            await subscriber.until_received(expected, DEADLINE_SECONDS)
        except TimeoutError:
            missing = sorted(expected - set(subscriber.positions))
            raise AssertionError(
                f"missing {missing[:20]} of {min(expected)}..{max(expected)} on "
                f"{subscriber.upstreams}, last received {subscriber.positions[-5:]}\n"
                f"{await topology.live_status()}\n{topology.logs()}"
            ) from None
        assert subscriber.positions == sorted(expected)


async def test_kill_9_of_each_replica_in_turn_during_a_long_burst(
    own_topology: Topology,
) -> None:
    topology = own_topology
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        after = await latest_event_id(http)
    async with (
        subscribers(topology.nginx.ws_url, after, REPLICAS) as running,
        writing(topology, LONG_BURST) as writes,
    ):
        for turn, upstream in enumerate(list(topology.upstreams), start=1):
            await writes.until(
                lambda w, n=turn * LONG_BURST // 4: len(w.acknowledged) >= n, DEADLINE_SECONDS
            )
            topology.kill(upstream)
            await topology.restore()
        await writes.until(lambda w: len(w.acknowledged) >= LONG_BURST, DEADLINE_SECONDS)
        await assert_nothing_lost(topology, writes, after, running)
    print(f"\n{len(writes.acknowledged)} acknowledged, {writes.failures} refused and retried")
    for subscriber in running:
        assert len(subscriber.upstreams) >= 2, "each subscriber's replica was killed once"


async def test_redis_restarting_loses_nothing_acknowledged(
    own_topology: Topology, topology_redis: RedisServer
) -> None:
    topology = own_topology
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        after = await latest_event_id(http)
    async with subscribers(topology.nginx.ws_url, after, REPLICAS) as running:
        async with writing(topology, 10**6) as writes:
            await writes.until(lambda w: len(w.acknowledged) >= STEP, DEADLINE_SECONDS)
            await asyncio.to_thread(topology_redis.stop)
            # Without Redis the replicas go on taking writes and answering reads.
            down = len(writes.acknowledged)
            await writes.until(lambda w: len(w.acknowledged) >= down + STEP, DEADLINE_SECONDS)
            assert await reads_work(topology.nginx.http_url)
            await asyncio.to_thread(topology_redis.start)
            back = len(writes.acknowledged)
            await writes.until(lambda w: len(w.acknowledged) >= back + STEP, DEADLINE_SECONDS)
        await assert_nothing_lost(topology, writes, after, running)
    assert writes.failures == 0, "a write was refused while Redis was away"


async def test_postgres_restarting_loses_nothing_acknowledged(
    nginx_bin: str,
    topology_redis: RedisServer,
    shared_tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A PostgreSQL of the test's own, durable as in production, which it stops and starts.
    server = EmbeddedPostgres(shared_tmp_dir / "pg", durable=True)
    dsn = await asyncio.to_thread(server.start)
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        async with running_topology(nginx_bin, dsn, topology_redis) as topology:
            await _restart_postgres_under(topology, server, monkeypatch)
    finally:
        await asyncio.to_thread(server.stop)


async def _restart_postgres_under(
    topology: Topology, server: EmbeddedPostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        after = await latest_event_id(http)
    async with subscribers(topology.nginx.ws_url, after, REPLICAS) as running:
        async with writing(topology, 10**6) as writes:
            await writes.until(lambda w: len(w.acknowledged) >= STEP, DEADLINE_SECONDS)
            # The hubs keep their URL: the server comes back on its port, as a restarted one
            # does.
            port = urlsplit(server.dsn).port
            monkeypatch.setattr(embedded, "_free_port", lambda: port)
            await asyncio.to_thread(server.stop)
            refused = writes.failures
            await writes.until(lambda w: w.failures > refused, DEADLINE_SECONDS)
            await asyncio.to_thread(server.start)
            back_at = time.monotonic()
            recovered_in = await until_reads_work(topology.nginx.http_url)
            back = len(writes.acknowledged)
            await writes.until(lambda w: len(w.acknowledged) >= back + STEP, DEADLINE_SECONDS)
            written_at = time.monotonic()
        await assert_nothing_lost(topology, writes, after, running)
        caught_up_at = time.monotonic()
    # Refusals while it was away carry a code, and nothing of PostgreSQL's own messages.
    errors = [error for subscriber in running for error in subscriber.errors]
    assert all(error.get("extensions", {}).get("code") for error in errors), errors
    assert "database system" not in str(errors)
    print(
        f"\nPostgreSQL back: reads answered after {recovered_in:.2f} s, {STEP} more writes "
        f"acknowledged after {written_at - back_at:.2f} s, subscribers had every event after "
        f"{caught_up_at - back_at:.2f} s; {writes.failures} writes refused while it was away; "
        f"{len(errors)} subscriptions refused"
    )
