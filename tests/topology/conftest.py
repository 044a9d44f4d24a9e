"""The production topology on loopback: nginx in front of three `hub serve` processes, one
`hub worker`, Redis as the broker and an external PostgreSQL (and Meilisearch when the run has
one), every part a real process started here."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from hub.search.meili import DEFAULT_INDEX
from tests.conftest import TEMPLATE, scratch_database
from tests.live.conftest import HubProcess, RedisServer, own_redis
from tests.topology.nginx import Nginx, nginx_binary, served_by

REPLICAS = 3
# A replica that does not listen by then is killed, so that a hung start fails the test
# instead of holding the suite (a bound, not a speed target).
START_DEADLINE_SECONDS = 90.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The full run (marker `topology`) takes minutes: it runs only when `-m` names it; the
    default suite runs the short version (test_replicas.py)."""
    if "topology" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the full topology run: select it with -m topology")
    for item in items:
        if item.get_closest_marker("topology") is not None:
            item.add_marker(skip)


def hub_env(dsn: str, redis_url: str) -> dict[str, str]:
    """What every replica and the worker are started with (as a deployment would set it)."""
    env = {
        "HUB_DATABASE_URL": dsn,
        "HUB_REDIS_URL": redis_url,
        # One process per replica: the replica is the unit killed and counted here.
        "HUB_WORKERS": "1",
        # The jobs run in `hub worker`, never in a replica.
        "HUB_IN_PROCESS_JOBS": "false",
        # Ten minutes: within a test, events can only cross replicas through the broker (and
        # the catch-up from PostgreSQL after a loss), never through a lucky poll.
        "HUB_LIVE_POLL_MS": "600000",
        # Every client here is 127.0.0.1 behind nginx; the limits are tested elsewhere.
        "HUB_RATE_LIMITS": "off",
        "HUB_TRUSTED_PROXIES": "127.0.0.1/32",
        "HUB_DEFAULT_LANGUAGE": "en",
        "HUB_SHUTDOWN_GRACE_SECONDS": "2",
    }
    meili_url = os.environ.get("HUB_TEST_MEILI_URL", "")
    if meili_url:
        env["HUB_MEILI_URL"] = meili_url
        env["HUB_MEILI_KEY"] = os.environ.get("HUB_TEST_MEILI_KEY", "")
    return env


async def start_replica(replica: HubProcess) -> None:
    """Start `replica` (HubProcess.start returns once it listens); if it has not within
    START_DEADLINE_SECONDS it is killed, its output ends and the start fails with it."""
    starting = asyncio.ensure_future(asyncio.to_thread(replica.start))
    done, _ = await asyncio.wait({starting}, timeout=START_DEADLINE_SECONDS)
    if not done and replica.process is not None:
        replica.process.kill()
    await starting


class Worker:
    """`hub worker` as a process of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "worker"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: self.output.extend(stdout), daemon=True).start()

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


async def until_nginx_reaches(url: str, upstreams: set[str]) -> None:
    """Poll /healthz through nginx until each of `upstreams` has answered (30 s at most)."""
    seen: set[str] = set()
    async with httpx.AsyncClient(base_url=url, timeout=30) as http, asyncio.timeout(30):
        while not upstreams <= seen:
            response = await http.get("/healthz")
            if response.status_code == 200:
                seen.add(served_by(response.headers))


class Topology:
    """nginx, the replicas behind it and the worker, over one database and one Redis."""

    def __init__(self, nginx_bin: str, folder: Path, dsn: str, redis: RedisServer) -> None:
        self.dsn = dsn
        self.redis = redis
        env = hub_env(dsn, redis.url)
        self.replicas = [HubProcess(env) for _ in range(REPLICAS)]
        self.worker = Worker(env)
        self.nginx = Nginx(nginx_bin, folder, [replica.port for replica in self.replicas])

    @property
    def upstreams(self) -> dict[str, HubProcess]:
        """Each replica under the address nginx names it by (X-Hub-Upstream)."""
        return {f"127.0.0.1:{replica.port}": replica for replica in self.replicas}

    async def start(self) -> None:
        """Start the replicas side by side (each returns once it listens), the worker, nginx."""
        await asyncio.gather(*(start_replica(replica) for replica in self.replicas))
        self.worker.start()
        self.nginx.start()

    def kill(self, upstream: str) -> None:
        """kill -9 the replica behind `upstream`: no shutdown, no goodbye to its sockets."""
        process = self.upstreams[upstream].process
        assert process is not None
        process.kill()
        process.wait()

    async def restore(self) -> None:
        """Start every replica that is not running, then wait until nginx has sent a request to
        each (it avoids a replica for fail_timeout after a refused connection)."""
        dead = [r for r in self.replicas if r.process is None or r.process.poll() is not None]
        for replica in dead:
            replica.stop()
        await asyncio.gather(*(start_replica(replica) for replica in dead))
        if dead:
            await until_nginx_reaches(self.nginx.http_url, set(self.upstreams))

    def stop(self) -> None:
        self.nginx.stop()
        self.worker.stop()
        for replica in self.replicas:
            replica.stop()

    async def live_status(self) -> dict[str, object]:
        """Each running replica's live status (its /healthz), asked directly, not via nginx."""
        status: dict[str, object] = {}
        async with httpx.AsyncClient(timeout=5) as http:
            for address, replica in self.upstreams.items():
                try:
                    status[address] = (await http.get(f"{replica.http_url}/healthz")).json()
                except httpx.HTTPError as error:
                    status[address] = repr(error)
        return status

    def logs(self) -> str:
        """What every part said, for a failing assertion."""
        parts = [f"--- nginx\n{self.nginx.log()}", f"--- worker\n{''.join(self.worker.output)}"]
        parts += [
            f"--- replica {address}\n{''.join(replica.output[-60:])}"
            for address, replica in self.upstreams.items()
        ]
        return "\n".join(parts)


@pytest.fixture(scope="module")
def nginx_bin() -> str:
    """Debian's nginx, or the test is skipped."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("no nginx on this machine (scripts/test-services installs it with apt-get)")
    return binary


@pytest.fixture
def topology_redis() -> Iterator[RedisServer]:
    """The broker: a Redis server of the test's own, which the test may restart."""
    with own_redis() as server:
        yield server


@asynccontextmanager
async def running_topology(nginx_bin: str, dsn: str, redis: RedisServer) -> AsyncIterator[Topology]:
    """The topology over `dsn` and `redis` for the block, stopped afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hub-test-nginx-"))
    topology = Topology(nginx_bin, folder, dsn, redis)
    try:
        await topology.start()
        yield topology
    finally:
        topology.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
async def shared_topology(
    nginx_bin: str, pg_server_dsn: str, template_dsn: str
) -> AsyncIterator[Topology]:
    """One topology for a module's tests (starting it is most of their time), over a database
    and a Redis of its own; each test looks only at what happens after its own start."""
    try:
        with own_redis() as redis:
            async with (
                scratch_database(pg_server_dsn, "hub_topology", TEMPLATE) as dsn,
                running_topology(nginx_bin, dsn, redis) as running,
            ):
                yield running
    finally:
        await drop_meili_index()


async def drop_meili_index() -> None:
    """Delete the index `hub worker` kept on the test Meilisearch (the hub's default name)."""
    url = os.environ.get("HUB_TEST_MEILI_URL", "")
    if not url:
        return
    key = os.environ.get("HUB_TEST_MEILI_KEY", "")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
        await http.delete(f"/indexes/{DEFAULT_INDEX}")


@pytest.fixture
async def topology(shared_topology: Topology) -> Topology:
    """The module's topology, whole: a replica an earlier test killed is started again, and
    nginx sends requests to it again."""
    await shared_topology.restore()
    return shared_topology


@pytest.fixture
async def own_topology(
    nginx_bin: str, fresh_dsn: str, topology_redis: RedisServer
) -> AsyncIterator[Topology]:
    """A topology of the test's own (for tests that restart Redis or PostgreSQL under it)."""
    async with running_topology(nginx_bin, fresh_dsn, topology_redis) as running:
        yield running
