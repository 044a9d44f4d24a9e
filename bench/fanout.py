"""Fan-out of live entry events to many WebSocket subscribers spread over two hub processes.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations, starts a redis-server of its own
on a free loopback port, and, for each subscriber count asked for (1,000, 5,000 and 10,000 by
default), two `hub serve` processes on free loopback ports that share the database and Redis,
each one server process (HUB_WORKERS=1) whose admission caps let every subscriber from
127.0.0.1 in (hub_environment). Then:

1. It forks the receiving processes (bench/fanout_client.py), takes `{ latestEventId }` over
   HTTP before anything is written, and samples each hub's RSS ("before").
2. It opens N WebSocket connections (graphql-transport-ws), split evenly over the two hubs and
   the receiving processes (at most `--connect-concurrency` handshakes at a time), and
   subscribes each to `entryEvents(after: <that id>)`, so every subscriber must receive every
   later event exactly once, in position order.
3. It posts one warm-up need and waits until every subscriber has received its event: from
   then on every subscription is known to be live, and what follows measures delivery, not
   subscribing. The hubs' RSS is sampled again once it settles ("idle").
4. A writer posts `submitNeed` at a steady `--rate` for `--duration` seconds, one at a time on
   a fixed schedule, alternating between the two hubs as a load balancer would. A write that
   falls behind the schedule is sent at once; the achieved rate is reported.
5. It waits (at most `--drain` seconds) until every subscriber has received every need's
   CREATED event, samples memory and CPU, closes the sockets, samples the hubs' RSS once it
   settles after that, and stops the hubs with SIGTERM.

It reports, per subscriber count: a verdict (every event arrived in order: yes or no); writes
and the achieved write rate; events expected (writes x subscribers), delivered, missing,
duplicated and out of order; delivery latency (p50, p99, max, min); per hub, CPU per delivery
and per event, RSS per idle subscriber, and how much of its memory growth it gave back after
the sockets closed; the client's CPU (in cores, as a share of the machine's busy CPU, and of
its busiest receiving process) so that a reader sees whether the client was the bottleneck;
CPU of Redis and PostgreSQL; the permessage-deflate parameters negotiated; and the time it
took to connect every subscriber. It never passes or fails on a figure.

Latency, measured two ways, both on the machine's monotonic clock (CLOCK_MONOTONIC: one clock
for every process, so times noted by the receiving processes compare with this one's), both
ending at an event's arrival: the kernel's receive stamp on the subscriber's socket
(SO_TIMESTAMPNS), not the moment the client got to read it:

- From the write's response. An event's `occurredAt` is its transaction's start time, not its
  commit time, so it is not used. The writer notes `time.monotonic()` when the submitNeed HTTP
  response arrives (the transaction committed before the response was sent). This is
  commit-to-arrival minus the response's trip back to the writer, so it can come out negative
  when an event beats the HTTP response; nothing is clamped, and the minimum is reported too.
- From the commit itself. A thread of its own LISTENs on the database channel `hub_outbox`,
  which the hub's trigger notifies once per transaction that adds entry events; PostgreSQL
  delivers that notification at COMMIT. The writer is the only source of events and writes
  one need at a time, so the k-th notification is the k-th write's commit. Latency is arrival
  minus that moment; the report also says how long after the commit the HTTP response arrived.
  When a write fails, or the count of notifications differs, this figure is left out.

The client shares the machine's cores with the hubs, Redis and PostgreSQL: its own queueing
(arrival to read) is reported apart ("client wait"), and its CPU, which competes with the
hubs', in cores and per event (the report says when a receiving process was near a whole
core).

Run it from the repository root:

    .venv/bin/python bench/fanout.py                       # 1,000, 5,000 then 10,000
    .venv/bin/python bench/fanout.py --subscribers 200 --duration 5    # a quick check
    .venv/bin/python bench/fanout.py --json                # the same report as one JSON object

Only 127.0.0.1 is contacted, and every loop is bounded by time or by a count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

# Run as a script, bench/ is on the path already; put it there for any other way in as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))
# tests.helpers lives in the repository root.
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from common import (
    DATABASE_ENV,
    HOST,
    READY_TIMEOUT_S,
    STOP_TIMEOUT_S,
    bench_database,
    free_port,
    log,
    memory_kb,
    migrate_dsn,
    percentile,
    spawn_hub,
    stop_process,
    tail,
    wait_ready,
)
from fanout_client import ClientPool, Subscriber

from tests.helpers import SUBMIT_NEED, need_input

PROCESSES = 2
HUB_NAMES = ("A", "B")
# Bounds: generous but finite; a step that takes longer is broken, not slow.
REDIS_READY_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 30.0
WARMUP_TIMEOUT_S = 120.0
# How long the hubs get by default to clean up closed subscriptions and give memory back
# before their RSS is sampled again (then, bounded, until it stops changing). A hub may wait
# for closes to stop, then collect and trim: on a busy machine that takes a few seconds.
AFTER_CLOSE_S = 10.0
# A hub's RSS peaks while it starts (about twice its idle size) and then falls: the "before"
# figure is taken once two samples this far apart differ by less than SETTLED_KB, or after
# SETTLE_TIMEOUT_S.
SETTLE_INTERVAL_S = 0.5
SETTLED_KB = 1024
SETTLE_TIMEOUT_S = 15.0
# The same once every subscriber is connected and idle, before the writes.
SETTLE_IDLE_TIMEOUT_S = 5.0
POLL_S = 0.05
# What every transaction that adds entry events notifies, at its commit (migration 0013).
OUTBOX_CHANNEL = "hub_outbox"
# File descriptors a process needs besides its sockets (HTTP clients, the database pool,
# logs, Python itself).
FD_MARGIN = 256
# The hubs' admission caps (hub/limits/sockets.py, hub/http/server.py) default to less than a
# large run opens from one address: each is raised to at least this many above the run's count.
ADMISSION_MARGIN = 1000
# A client process at or above this share of one core while writing and draining competes
# hard with the hubs for the cores: the report says so.
CLIENT_BUSY_SHARE = 0.8
# One receiving process per core: a burst of events (one per subscriber) is read by both at
# once, so that no process falls far behind (its queueing is reported as "client wait").
DEFAULT_CLIENT_PROCESSES = 2
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# Processes: Redis, the hubs, and what /proc says about them
# ---------------------------------------------------------------------------------------------


def start_redis(binary: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server of our own on a free loopback port; returns it and its URL."""
    port = free_port()
    log_path = folder / "redis.log"
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [
                binary,
                "--port",
                str(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + REDIS_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if "Ready to accept connections" in log_path.read_text(errors="replace"):
            return process, f"redis://{HOST}:{port}/0"
        if process.poll() is not None:
            break
        time.sleep(POLL_S)
    stop_process(process)
    raise SystemExit(f"bench: redis-server did not start; its log:\n{tail(log_path)}")


@dataclass
class HubProcess:
    """One `hub serve` process under test."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}/graphql"


def hub_environment(subscribers: int) -> dict[str, str]:
    """The settings the benchmark gives each hub, on top of the caller's HUB_* variables.

    One server process per hub (HUB_WORKERS=1; `hub serve` would start one per core, and the
    figures would be the supervisor's). Admission: every subscriber comes from 127.0.0.1, which
    the WebSocket caps per client address and in total, the connect rate limit and the
    server's connection limit would refuse long before 10,000; rate limits are off and the caps
    are raised above the run's count, so that the benchmark measures delivery, not refusals.
    """
    room = str(subscribers + ADMISSION_MARGIN)
    return {
        "HUB_WORKERS": "1",
        "HUB_RATE_LIMITS": "off",
        "HUB_LIVE_MAX_SOCKETS_PER_CLIENT": room,
        "HUB_LIVE_MAX_SOCKETS": str(max(10_000, subscribers + ADMISSION_MARGIN)),
        "HUB_HTTP_LIMIT_CONCURRENCY": str(max(12_000, subscribers + ADMISSION_MARGIN)),
    }


def start_hub(name: str, dsn: str, redis_url: str, folder: Path, subscribers: int) -> HubProcess:
    """Start `hub serve` on a free loopback port, with Redis as its broker."""
    port = free_port()
    log_path = folder / f"hub-{name}.log"
    env = {
        "HUB_DATABASE_URL": dsn,
        "HUB_REDIS_URL": redis_url,
        "HUB_HOST": HOST,
        "HUB_PORT": str(port),
        # No background jobs and no link checks: nothing but the writer produces events, and
        # nothing leaves the machine.
        "HUB_IN_PROCESS_JOBS": "false",
        "HUB_LINKCHECK_ENABLED": "false",
        **hub_environment(subscribers),
    }
    return HubProcess(name, port, spawn_hub(port, log_path, env), log_path)


def pss_kb(pid: int) -> int:
    """Proportional set size in kB: forked processes share pages, and Pss shares them out."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return memory_kb(pid).get("VmRSS", 0)


def _stat_fields(pid: int) -> list[str]:
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (0.0 when it is gone)."""
    try:
        fields = _stat_fields(pid)
        # utime and stime are fields 14 and 15 of stat(5); the list starts at field 3.
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return 0.0


def descendants(root: int, exclude: set[int]) -> list[int]:
    """Every process below `root`, without the subtrees of `exclude` (a bounded /proc scan)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in exclude and child not in found:
                found.append(child)
                pending.append(child)
    return found


def settle_memory(pids: list[int], within: float) -> None:
    """Wait (at most `within` s) until the RSS of every process in `pids` stopped changing."""
    deadline = time.monotonic() + within
    last = [memory_kb(pid).get("VmRSS", 0) for pid in pids]
    while time.monotonic() < deadline:
        time.sleep(SETTLE_INTERVAL_S)
        now = [memory_kb(pid).get("VmRSS", 0) for pid in pids]
        if all(abs(a - b) < SETTLED_KB for a, b in zip(last, now, strict=True)):
            return
        last = now


def machine_cpu() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot, from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def client_cpu_seconds() -> float:
    """CPU seconds of this benchmark process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fds_needed(subscribers: int, client_processes: int) -> int:
    """Open files one process needs: the busiest of a client process and a hub."""
    per_client = -(-subscribers // client_processes)
    per_hub = -(-subscribers // PROCESSES)
    return max(per_client, per_hub) + FD_MARGIN


def raise_fd_limit(needed: int) -> tuple[int, int]:
    """Raise the open-file limit to `needed`; SystemExit when the hard limit is lower.

    The limit is per process, and the hubs and client processes inherit it. Returns (soft
    limit now, hard limit).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(
            f"bench: {needed} open files per process are needed (sockets plus {FD_MARGIN}), "
            f"and the hard limit is {hard}: raise it (ulimit -Hn, LimitNOFILE=), or use fewer "
            "--subscribers or more --client-processes"
        )
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        soft = needed
    return soft, hard


class CommitListener:
    """Notes when each transaction that adds entry events commits, on a thread of its own.

    PostgreSQL delivers a NOTIFY at COMMIT, and the hub's trigger sends one per such
    transaction. The thread has its own event loop, so that a busy benchmark loop does not
    delay the notes; time.monotonic() is one clock for every thread of the process.
    """

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self.times: list[float] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="commit-listener", daemon=True)

    def start(self) -> None:
        """Start listening; returns once the LISTEN is in place."""
        self._thread.start()
        if not self._ready.wait(READY_TIMEOUT_S) or self._error is not None:
            self.stop()
            raise SystemExit(f"bench: cannot LISTEN for commits: {self._error!r}")

    def stop(self) -> None:
        """Stop listening (bounded)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with suppress(RuntimeError):  # the loop closed in between
                loop.call_soon_threadsafe(stop.set)
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT_S)

    def _run(self) -> None:
        try:
            asyncio.run(self._listen())
        except BaseException as error:  # reported by start(), or irrelevant after stop()
            self._error = error
            self._ready.set()

    async def _listen(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        conn = await asyncpg.connect(self._dsn)
        try:
            await conn.add_listener(OUTBOX_CHANNEL, self._noted)
            self._ready.set()
            await self._stop.wait()
        finally:
            await conn.close(timeout=5)

    def _noted(self, *_: object) -> None:
        self.times.append(time.monotonic())


# ---------------------------------------------------------------------------------------------
# Subscribers
# ---------------------------------------------------------------------------------------------


async def wait_for_events(pool: ClientPool, total: int, within: float) -> bool:
    """Wait until the subscribers hold `total` events, none is open, or `within` s passed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if pool.received() >= total:
            return True
        if pool.open_subscriptions() == 0:
            return False
        await asyncio.sleep(POLL_S)
    return pool.received() >= total


# ---------------------------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------------------------


@dataclass
class Writes:
    """What the writer did: need id -> monotonic time its response arrived, and failures."""

    committed: dict[str, float] = field(default_factory=dict)
    # Every attempt in order: (sent, need id or None when it failed, answered).
    attempts: list[tuple[float, str | None, float]] = field(default_factory=list)
    # Need id -> when its commit was noted (see match_commits).
    commit_at: dict[str, float] = field(default_factory=dict)
    # Hub (by position in the list) that took each write.
    per_hub: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0


def _need() -> dict[str, Any]:
    # A source with a note and no URL: nothing for a link checker to fetch.
    return need_input(source={"note": "bench/fanout.py"})


async def submit_need(client: httpx.AsyncClient) -> str:
    """Post one need; returns its id. Raises RuntimeError with the reason when refused."""
    response = await client.post(
        "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": _need()}}
    )
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}")
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL error: {str(body['errors'][0].get('message'))[:80]}")
    answer = (body.get("data") or {}).get("submitNeed") or {}
    if answer.get("userErrors"):
        raise RuntimeError(f"userErrors: {str(answer['userErrors'])[:80]}")
    need_id: str = answer["need"]["id"]
    return need_id


async def write(clients: list[httpx.AsyncClient], rate: float, duration: float) -> Writes:
    """Post needs at `rate` per second for `duration` seconds, one at a time, round robin."""
    writes = Writes()
    interval = 1.0 / rate
    writes.started = time.monotonic()
    stop_at = writes.started + duration
    number = 0
    # Bounded: no write starts after stop_at, and each lasts at most REQUEST_TIMEOUT_S.
    while True:
        due = writes.started + number * interval
        now = time.monotonic()
        if due >= stop_at or now >= stop_at:
            break
        if due > now:
            await asyncio.sleep(due - now)
        hub = number % len(clients)
        sent = time.monotonic()
        try:
            need_id = await submit_need(clients[hub])
        except (httpx.HTTPError, RuntimeError, ValueError, KeyError, TypeError) as error:
            writes.failures[f"{type(error).__name__}: {error}"[:100]] += 1
            writes.attempts.append((sent, None, time.monotonic()))
        else:
            arrived = time.monotonic()
            writes.committed[need_id] = arrived
            writes.attempts.append((sent, need_id, arrived))
            writes.latencies_ms.append((arrived - sent) * 1000)
            writes.per_hub[hub] += 1
        number += 1
    writes.finished = time.monotonic()
    return writes


async def latest_event_id(client: httpx.AsyncClient) -> str:
    """`{ latestEventId }`: subscribing after it misses nothing written later."""
    response = await client.post("/graphql", json={"query": "{ latestEventId }"})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"bench: latestEventId failed: {response.text[:300]}")
    value: str = body["data"]["latestEventId"]
    return value


# ---------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------


def match_commits(writes: Writes, noted: list[float]) -> str | None:
    """Fill writes.commit_at from the commits noted since the writer started.

    The writer is the only source of events and writes one need at a time, so the k-th commit
    noted is the k-th write's. Returns why they cannot be matched, or None.
    """
    if writes.failures:
        return "a write failed: commits cannot be matched to writes"
    if len(noted) != len(writes.attempts):
        return f"{len(noted)} commits noted for {len(writes.attempts)} writes"
    for (sent, need_id, _), at in zip(writes.attempts, noted, strict=True):
        if at < sent or need_id is None:
            return "a commit was noted before its write was sent"
        writes.commit_at[need_id] = at
    return None


@dataclass
class Delivery:
    """Delivery figures over all subscribers, for the writer's needs."""

    expected: int = 0
    delivered: int = 0
    missing: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    other_events: int = 0
    complete_subscribers: int = 0
    # From the write's HTTP response, and from the commit noted by the listener, to arrival.
    latencies_ms: list[float] = field(default_factory=list)
    commit_latencies_ms: list[float] = field(default_factory=list)
    # From arrival (the kernel's stamp) to the moment the client process read the event.
    client_wait_ms: list[float] = field(default_factory=list)


def analyse(subs: list[Subscriber], writes: Writes, warmup_id: str) -> Delivery:
    """Compare what each subscriber received with what the writer committed."""
    result = Delivery(expected=len(writes.committed) * len(subs))
    for sub in subs:
        seen: Counter[str] = Counter()
        last_position = -1
        for position, entry_id, event_type, received_at, read_at in sub.events:
            if position <= last_position:
                result.out_of_order += 1
            last_position = max(last_position, position)
            committed = writes.committed.get(entry_id)
            if committed is None or event_type != "CREATED":
                if entry_id != warmup_id:
                    result.other_events += 1
                continue
            seen[entry_id] += 1
            if seen[entry_id] == 1:
                result.latencies_ms.append((received_at - committed) * 1000)
                result.client_wait_ms.append((read_at - received_at) * 1000)
                if entry_id in writes.commit_at:
                    at = writes.commit_at[entry_id]
                    result.commit_latencies_ms.append((received_at - at) * 1000)
            else:
                result.duplicates += 1
        result.delivered += len(seen)
        if len(seen) == len(writes.committed):
            result.complete_subscribers += 1
    result.missing = result.expected - result.delivered
    return result


# ---------------------------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HubFigures:
    """Memory and CPU of one hub process."""

    name: str
    subscribers: int
    writes_taken: int
    # VmRSS just before any subscriber connected; with every subscription live and idle (the
    # warm-up event delivered, before the writes); at the end, before the sockets closed; and
    # once it settled after they closed. VmHWM: the peak of the process's life (its start
    # included).
    rss_before_mb: float
    rss_idle_mb: float
    rss_end_mb: float
    peak_rss_mb: float
    rss_after_close_mb: float
    # (idle - before) / subscribers, and (end - before) / subscribers.
    kb_per_idle_subscriber: float
    kb_per_subscriber: float
    # Share of the growth while connected (the larger of idle and end, minus before) that was
    # given back after the sockets closed: 1.0 all of it, 0.0 none.
    memory_returned: float
    cpu_connect_s: float
    cpu_write_s: float
    # Writer events this hub delivered, and its CPU while writing and draining per delivery
    # (in ms and in us) and per event written (all of its deliveries of that event).
    deliveries: int
    cpu_ms_per_delivery: float
    cpu_us_per_delivery: float
    cpu_ms_per_event: float


@dataclass(frozen=True)
class RunReport:
    """The figures of one subscriber count."""

    subscribers: int
    processes: int
    connected: int
    connect_seconds: float
    connect_failures: dict[str, int]
    # Sec-WebSocket-Extensions answered by the hubs -> subscribers ("" for none).
    extensions: dict[str, int]
    warmup_seconds: float
    warmup_complete: int
    writes: int
    write_failures: dict[str, int]
    rate_asked: float
    rate_achieved: float
    write_seconds: float
    submit_p50_ms: float
    submit_max_ms: float
    expected: int
    delivered: int
    missing: int
    duplicates: int
    out_of_order: int
    other_events: int
    complete_subscribers: int
    # Every subscriber connected and got every written need once, in position order.
    in_order: bool
    in_order_note: str
    drain_seconds: float
    drained: bool
    p50_ms: float
    p99_ms: float
    max_ms: float
    min_ms: float
    # From the commit noted by the LISTEN thread; None when commits could not be matched.
    commit_p50_ms: float | None
    commit_p99_ms: float | None
    commit_max_ms: float | None
    commit_min_ms: float | None
    commit_to_response_p50_ms: float | None
    commit_to_response_max_ms: float | None
    commit_note: str | None
    # How long events waited between their arrival and the client's read, and how many of
    # the client's reads came without the kernel's arrival stamp (then arrival = read).
    client_wait_p50_ms: float
    client_wait_p99_ms: float
    client_wait_max_ms: float
    untimed_reads: int
    hubs: list[HubFigures]
    client_processes: int
    # Proportional set size of the benchmark process and its client processes, summed.
    client_rss_mb: float
    client_peak_rss_mb: float
    client_cpu_connect_s: float
    client_cpu_write_s: float
    # While writing and draining: the client's CPU in cores (1.0 = one core all the time), its
    # share of all the CPU the machine used, and the busiest client process's core share.
    client_cores_write: float
    client_share_of_busy: float
    client_busiest_process_share: float
    # The receiving processes' CPU per event received, and the benchmark process's own CPU
    # (the writer, the commit listener, the waits), while writing and draining.
    client_us_per_event: float
    client_writer_cpu_s: float
    redis_cpu_write_s: float
    postgres_cpu_write_s: float
    # Share of all cores busy while writing and draining (anything on the machine counts).
    machine_busy_write: float
    ended_early: dict[str, int]
    subscription_errors: int
    hub_log_problems: list[str]
    # What the benchmark set in each hub's environment (see hub_environment).
    hub_environment: dict[str, str]

    def text(self) -> str:
        """The report as a few aligned lines."""
        per_hub = " + ".join(str(hub.subscribers) for hub in self.hubs)
        extensions = ", ".join(
            f"{count} {name or 'no compression'}"
            for name, count in sorted(self.extensions.items(), key=lambda kv: -kv[1])
        )
        lines = [
            f"Crisis Hub fan-out: entryEvents to {self.subscribers} WebSocket subscribers on "
            f"{self.processes} hub processes",
            f"  in order      every event arrived in order: {'yes' if self.in_order else 'no'}"
            + (f" ({self.in_order_note})" if self.in_order_note else ""),
            "  hub settings  "
            + " ".join(f"{name}={value}" for name, value in self.hub_environment.items())
            + " (every subscriber from 127.0.0.1 admitted)",
            f"  subscribers   {self.connected} of {self.subscribers} connected ({per_hub}) "
            f"in {self.connect_seconds:.2f} s",
            f"  negotiated    {extensions or 'nothing'}",
            f"  warm-up       event reached {self.warmup_complete} of {self.connected} "
            f"subscribers in {self.warmup_seconds:.2f} s",
            f"  writes        {self.writes} needs in {self.write_seconds:.2f} s: "
            f"{self.rate_achieved:.2f}/s achieved ({self.rate_asked:g}/s asked), "
            f"{sum(self.write_failures.values())} failed; submitNeed p50 "
            f"{self.submit_p50_ms:.1f} ms, max {self.submit_max_ms:.1f} ms",
            f"  events        expected {self.expected}, delivered {self.delivered}, "
            f"missing {self.missing}, duplicates {self.duplicates}, "
            f"out of order {self.out_of_order}",
            f"  complete      {self.complete_subscribers} of {self.subscribers} subscribers got "
            f"every need; "
            + (
                f"stopped waiting {self.drain_seconds:.2f} s after the last write's response"
                if not self.drained
                else "all had arrived by the last write's response"
                if self.drain_seconds <= 0
                else f"the last arrived {self.drain_seconds:.2f} s after the last write's response"
            ),
            f"  latency ms    p50 {self.p50_ms:.1f}  p99 {self.p99_ms:.1f}  "
            f"max {self.max_ms:.1f}  min {self.min_ms:.1f}  (write response to arrival)",
        ]
        if self.commit_note is None:
            lines += [
                f"  latency ms    p50 {self.commit_p50_ms:.1f}  p99 {self.commit_p99_ms:.1f}  "
                f"max {self.commit_max_ms:.1f}  min {self.commit_min_ms:.1f}  "
                "(commit NOTIFY to arrival)",
                f"  response      arrived p50 {self.commit_to_response_p50_ms:.1f} ms, max "
                f"{self.commit_to_response_max_ms:.1f} ms after the commit",
            ]
        else:
            lines.append(f"  commit times  not available: {self.commit_note}")
        lines.append(
            f"  client wait   p50 {self.client_wait_p50_ms:.1f}  p99 {self.client_wait_p99_ms:.1f}"
            f"  max {self.client_wait_max_ms:.1f} ms from arrival to the client's read (not in "
            "the latencies)"
            + (
                f"; {self.untimed_reads} reads without the kernel's stamp"
                if self.untimed_reads
                else ""
            )
        )
        for hub in self.hubs:
            lines += [
                f"  hub {hub.name}         {hub.subscribers} subscribers, {hub.writes_taken} "
                f"writes taken; CPU {hub.cpu_us_per_delivery:.0f} us per delivery, "
                f"{hub.cpu_ms_per_event:.1f} ms per event ({hub.cpu_write_s:.1f} s writing and "
                f"draining, {hub.deliveries} deliveries; {hub.cpu_connect_s:.1f} s connecting)",
                f"                RSS {hub.rss_before_mb:.1f} MB before subscribers, "
                f"{hub.rss_idle_mb:.1f} MB idle with them = "
                f"{hub.kb_per_idle_subscriber:.1f} kB per idle subscriber; "
                f"{hub.rss_end_mb:.1f} MB at the end ({hub.kb_per_subscriber:.0f} kB per "
                "subscriber)",
                f"                after closing: RSS {hub.rss_after_close_mb:.1f} MB = before "
                f"{hub.rss_after_close_mb - hub.rss_before_mb:+.1f} MB, peak with subscribers "
                f"{hub.rss_after_close_mb - max(hub.rss_idle_mb, hub.rss_end_mb):+.1f} MB: "
                f"{max(0.0, hub.memory_returned):.0%} of the growth given back; VmHWM "
                f"{hub.peak_rss_mb:.1f} MB (its start included)",
            ]
        busy = (
            "; it may have been the bottleneck"
            if self.client_busiest_process_share >= CLIENT_BUSY_SHARE
            else ""
        )
        lines += [
            f"  client        {self.client_processes} receiving process"
            f"{'es' if self.client_processes != 1 else ''}; CPU "
            f"{self.client_cpu_connect_s:.1f} s connecting, {self.client_cpu_write_s:.1f} s "
            f"writing and draining = {self.client_cores_write:.2f} cores, "
            f"{self.client_share_of_busy:.0%} of the machine's busy CPU; busiest process "
            f"{self.client_busiest_process_share:.0%} of a core{busy}",
            f"                {self.client_us_per_event:.1f} us per event received; the writer's "
            f"process {self.client_writer_cpu_s:.1f} s",
            f"                RSS (Pss) {self.client_rss_mb:.1f} MB, peak "
            f"{self.client_peak_rss_mb:.1f} MB",
            f"  others        CPU writing and draining: Redis {self.redis_cpu_write_s:.1f} s, "
            f"PostgreSQL {self.postgres_cpu_write_s:.1f} s; all cores "
            f"{self.machine_busy_write:.0%} busy",
        ]
        for reason, count in sorted(self.connect_failures.items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"  connect fail  {count} x {reason}")
        for reason, count in sorted(self.write_failures.items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"  write fail    {count} x {reason}")
        for reason, count in sorted(self.ended_early.items(), key=lambda kv: -kv[1])[:5]:
            lines.append(f"  ended early   {count} x {reason}")
        if self.other_events:
            lines.append(f"  other events  {self.other_events} (not CREATED of a written need)")
        if self.subscription_errors:
            lines.append(f"  errors        {self.subscription_errors} GraphQL errors in events")
        for line in self.hub_log_problems:
            lines.append(f"  hub log       {line}")
        return "\n".join(lines)


def _mb(kb: int | None) -> float:
    return round((kb or 0) / 1024, 1)


def _hub_log_problems(hubs: list[HubProcess], limit: int = 10) -> list[str]:
    """Warnings, errors and tracebacks the hubs logged, verbatim (the first `limit`)."""
    found: list[str] = []
    markers = ("WARNING", "ERROR", "CRITICAL", "Traceback", "Exception")
    for hub in hubs:
        try:
            text = hub.log_path.read_text(errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if any(marker in line for marker in markers):
                found.append(f"{hub.name}: {line.strip()[:300]}")
    if len(found) > limit:
        return [*found[:limit], f"... and {len(found) - limit} more such lines"]
    return found


def in_order_verdict(
    count: int, live: list[Subscriber], delivery: Delivery, drained: bool, writes: Writes
) -> tuple[bool, str]:
    """Whether every subscriber got every written need once and in order, and if not why."""
    reasons = []
    if len(live) < count:
        reasons.append(f"{count - len(live)} subscribers not connected")
    if not writes.committed:
        reasons.append("nothing written")
    if delivery.missing:
        reasons.append(f"{delivery.missing} missing")
    if delivery.duplicates:
        reasons.append(f"{delivery.duplicates} duplicated")
    if delivery.out_of_order:
        reasons.append(f"{delivery.out_of_order} out of order")
    errors = sum(len(sub.errors) for sub in live)
    if errors:
        reasons.append(f"{errors} errors")
    if not drained and not reasons:
        reasons.append("not drained")
    return not reasons, ", ".join(reasons)


@dataclass
class Sample:
    """CPU seconds of the hubs, the client, Redis and PostgreSQL, and the machine, at once."""

    hubs: dict[str, float]
    client: dict[int, float]
    others: dict[str, float]
    machine: tuple[int, int]
    at: float

    @classmethod
    def take(cls, hubs: list[HubProcess], pool: ClientPool, others: dict[str, list[int]]) -> Sample:
        """Read /proc for every process of the run."""
        return cls(
            hubs={hub.name: cpu_seconds(hub.process.pid) for hub in hubs},
            # The benchmark's own process (the writer) is pid 0 here.
            client={0: client_cpu_seconds(), **{pid: cpu_seconds(pid) for pid in pool.pids}},
            others={name: sum(map(cpu_seconds, pids)) for name, pids in others.items()},
            machine=machine_cpu(),
            at=time.monotonic(),
        )


def client_memory_kb(pool: ClientPool) -> tuple[int, int]:
    """(Pss now, peak RSS) of the benchmark and its client processes, summed, in kB."""
    pids = [os.getpid(), *pool.pids]
    return sum(map(pss_kb, pids)), sum(memory_kb(pid).get("VmHWM", 0) for pid in pids)


async def measure(
    hubs: list[HubProcess],
    args: argparse.Namespace,
    count: int,
    redis_pid: int,
    listener: CommitListener,
    pool: ClientPool,
) -> RunReport:
    """Connect, warm up, write, drain, sample; the event-loop part of one run."""
    compression = None if args.compression == "none" else "deflate"
    before = {hub.name: memory_kb(hub.process.pid) for hub in hubs}
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    clients = [
        httpx.AsyncClient(base_url=hub.http_url, timeout=REQUEST_TIMEOUT_S, limits=limits)
        for hub in hubs
    ]
    subs: list[Subscriber] = []
    others: dict[str, list[int]] = {"redis": [redis_pid], "postgres": []}
    try:
        after = await latest_event_id(clients[0])

        start = Sample.take(hubs, pool, others)
        log(f"opening {count} subscribers (after event {after})")
        opened = await pool.open(
            [(HOST, hub.port) for hub in hubs],
            count,
            after,
            compression,
            args.connect_concurrency,
        )
        connect_seconds = time.monotonic() - start.at
        log(f"{opened.subscribed} of {count} subscribed in {connect_seconds:.2f} s; warm-up write")

        # The warm-up need: once every subscriber has its event, every subscription is live.
        started = time.monotonic()
        try:
            warmup_id = await submit_need(clients[0])
        except (httpx.HTTPError, RuntimeError) as error:
            raise SystemExit(f"bench: the warm-up write failed: {error}") from error
        await wait_for_events(pool, opened.subscribed, WARMUP_TIMEOUT_S)
        warmup_seconds = time.monotonic() - started
        warmup_complete = pool.received()
        log(f"warm-up event reached {warmup_complete} subscribers in {warmup_seconds:.2f} s")
        # Idle: every subscription live, nothing being delivered.
        await asyncio.to_thread(
            settle_memory, [hub.process.pid for hub in hubs], SETTLE_IDLE_TIMEOUT_S
        )
        idle = {hub.name: memory_kb(hub.process.pid) for hub in hubs}

        # PostgreSQL: every process below this one that is not a hub, Redis or a client
        # process (the backends that exist now; the hubs' pools have grown by this time).
        exclude = {hub.process.pid for hub in hubs} | {redis_pid} | set(pool.pids)
        others["postgres"] = descendants(os.getpid(), exclude)
        mid = Sample.take(hubs, pool, others)
        log(f"writing {args.rate:g} needs/s for {args.duration:g} s")
        baseline = pool.received()
        writes = await write(clients, args.rate, args.duration)
        log(
            f"{len(writes.committed)} needs written; waiting at most {args.drain:g} s for "
            "every subscriber to receive them"
        )
        expected_total = baseline + len(writes.committed) * opened.subscribed
        drained = await wait_for_events(pool, expected_total, args.drain)
        drain_seconds = time.monotonic() - writes.finished

        # Sampled at the end, before the sockets close.
        end_memory = {hub.name: memory_kb(hub.process.pid) for hub in hubs}
        end = Sample.take(hubs, pool, others)
        received_write = pool.received() - baseline
        client_memory = client_memory_kb(pool)
    finally:
        log("closing the sockets")
        subs = await pool.close()
        for client in clients:
            await client.aclose()
    await asyncio.sleep(args.after_close)
    await asyncio.to_thread(settle_memory, [hub.process.pid for hub in hubs], SETTLE_TIMEOUT_S)
    after_close = {hub.name: memory_kb(hub.process.pid) for hub in hubs}

    live = [sub for sub in subs if sub.subscribed]
    commit_note = match_commits(writes, [at for at in listener.times if at >= writes.started])
    delivery = analyse(live, writes, warmup_id)
    commit = sorted(delivery.commit_latencies_ms) if commit_note is None else []
    to_response = sorted(
        (writes.committed[need_id] - at) * 1000 for need_id, at in writes.commit_at.items()
    )
    if drained and delivery.latencies_ms:
        # The last event's arrival, not the moment the poll noticed it.
        last = max(event[3] for sub in live for event in sub.events)
        drain_seconds = last - writes.finished
    latencies = sorted(delivery.latencies_ms)
    client_wait = sorted(delivery.client_wait_ms)
    submit = sorted(writes.latencies_ms)
    hub_figures = [
        _hub_figures(
            hub,
            index,
            live,
            writes,
            memory=(before, idle, end_memory, after_close),
            cpu=(start, mid, end),
        )
        for index, hub in enumerate(hubs)
    ]
    write_seconds = max(args.duration, writes.finished - writes.started)
    window = max(1e-9, end.at - mid.at)
    client_write = {pid: end.client[pid] - mid.client.get(pid, 0.0) for pid in end.client}
    client_cpu_write = sum(client_write.values())
    busy_seconds = (end.machine[0] - mid.machine[0]) / CLK_TCK
    in_order, in_order_note = in_order_verdict(count, live, delivery, drained, writes)
    return RunReport(
        subscribers=count,
        processes=len(hubs),
        connected=len(live),
        connect_seconds=round(connect_seconds, 2),
        connect_failures=opened.failures,
        extensions=dict(Counter(sub.extensions for sub in live)),
        warmup_seconds=round(warmup_seconds, 2),
        warmup_complete=warmup_complete,
        writes=len(writes.committed),
        write_failures=dict(writes.failures),
        rate_asked=args.rate,
        rate_achieved=round(len(writes.committed) / write_seconds, 2),
        write_seconds=round(write_seconds, 2),
        submit_p50_ms=round(percentile(submit, 50), 1),
        submit_max_ms=round(submit[-1], 1) if submit else 0.0,
        expected=delivery.expected,
        delivered=delivery.delivered,
        missing=delivery.missing,
        duplicates=delivery.duplicates,
        out_of_order=delivery.out_of_order,
        other_events=delivery.other_events,
        complete_subscribers=delivery.complete_subscribers,
        in_order=in_order,
        in_order_note=in_order_note,
        drain_seconds=round(drain_seconds, 2),
        drained=drained,
        p50_ms=round(percentile(latencies, 50), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        max_ms=round(latencies[-1], 1) if latencies else 0.0,
        min_ms=round(latencies[0], 1) if latencies else 0.0,
        commit_p50_ms=round(percentile(commit, 50), 1) if commit else None,
        commit_p99_ms=round(percentile(commit, 99), 1) if commit else None,
        commit_max_ms=round(commit[-1], 1) if commit else None,
        commit_min_ms=round(commit[0], 1) if commit else None,
        commit_to_response_p50_ms=round(percentile(to_response, 50), 1) if to_response else None,
        commit_to_response_max_ms=round(to_response[-1], 1) if to_response else None,
        commit_note=commit_note if commit_note or commit else "no events delivered",
        client_wait_p50_ms=round(percentile(client_wait, 50), 1),
        client_wait_p99_ms=round(percentile(client_wait, 99), 1),
        client_wait_max_ms=round(client_wait[-1], 1) if client_wait else 0.0,
        untimed_reads=sum(sub.untimed_reads for sub in subs),
        hubs=hub_figures,
        client_processes=len(pool.members),
        client_rss_mb=_mb(client_memory[0]),
        client_peak_rss_mb=_mb(client_memory[1]),
        client_cpu_connect_s=round(sum(mid.client.values()) - sum(start.client.values()), 2),
        client_cpu_write_s=round(client_cpu_write, 2),
        client_cores_write=round(client_cpu_write / window, 3),
        client_share_of_busy=round(client_cpu_write / busy_seconds, 3) if busy_seconds else 0.0,
        client_busiest_process_share=round(max(client_write.values()) / window, 3),
        client_us_per_event=round(
            (client_cpu_write - client_write[0]) * 1e6 / max(1, received_write), 1
        ),
        client_writer_cpu_s=round(client_write[0], 2),
        redis_cpu_write_s=round(end.others["redis"] - mid.others["redis"], 2),
        postgres_cpu_write_s=round(end.others["postgres"] - mid.others["postgres"], 2),
        machine_busy_write=round(
            (end.machine[0] - mid.machine[0]) / max(1, end.machine[1] - mid.machine[1]), 3
        ),
        ended_early=dict(Counter(sub.ended for sub in live if sub.ended)),
        subscription_errors=sum(len(sub.errors) for sub in live),
        hub_log_problems=_hub_log_problems(hubs),
        hub_environment=hub_environment(count),
    )


def _hub_figures(
    hub: HubProcess,
    index: int,
    live: list[Subscriber],
    writes: Writes,
    memory: tuple[dict[str, dict[str, int]], ...],
    cpu: tuple[Sample, Sample, Sample],
) -> HubFigures:
    """One hub's memory and CPU figures from the samples of the run."""
    before, idle, end, after_close = (sample[hub.name].get("VmRSS", 0) for sample in memory)
    peak = memory[2][hub.name].get("VmHWM", 0)
    start, mid, finish = cpu
    on_hub = sum(1 for sub in live if sub.hub == index)
    delivered = sum(
        len({event[1] for event in sub.events if event[1] in writes.committed})
        for sub in live
        if sub.hub == index
    )
    cpu_write = finish.hubs[hub.name] - mid.hubs[hub.name]
    grown = max(idle, end) - before
    return HubFigures(
        name=hub.name,
        subscribers=on_hub,
        writes_taken=writes.per_hub[index],
        rss_before_mb=_mb(before),
        rss_idle_mb=_mb(idle),
        rss_end_mb=_mb(end),
        peak_rss_mb=_mb(peak),
        rss_after_close_mb=_mb(after_close),
        kb_per_idle_subscriber=round((idle - before) / on_hub, 1) if on_hub else 0.0,
        kb_per_subscriber=round((end - before) / on_hub, 1) if on_hub else 0.0,
        memory_returned=round((max(idle, end) - after_close) / grown, 3) if grown > 0 else 1.0,
        cpu_connect_s=round(mid.hubs[hub.name] - start.hubs[hub.name], 2),
        cpu_write_s=round(cpu_write, 2),
        deliveries=delivered,
        cpu_ms_per_delivery=round(cpu_write * 1000 / delivered, 3) if delivered else 0.0,
        cpu_us_per_delivery=round(cpu_write * 1e6 / delivered, 1) if delivered else 0.0,
        cpu_ms_per_event=round(cpu_write * 1000 / len(writes.committed), 2)
        if writes.committed
        else 0.0,
    )


def run_one(
    args: argparse.Namespace,
    count: int,
    dsn: str,
    redis: subprocess.Popen[bytes],
    redis_url: str,
    workdir: Path,
) -> RunReport:
    """Two fresh hub processes, one measured run, the hubs stopped again."""
    folder = workdir / f"run-{count}"
    folder.mkdir()
    hubs: list[HubProcess] = []
    pool: ClientPool | None = None
    try:
        for name in HUB_NAMES[:PROCESSES]:
            hub = start_hub(name, dsn, redis_url, folder, count)
            hubs.append(hub)
            wait_ready(hub.process, hub.http_url, hub.log_path)
        log("hubs ready: " + ", ".join(f"{hub.name} {hub.http_url}" for hub in hubs))
        settle_memory([hub.process.pid for hub in hubs], SETTLE_TIMEOUT_S)
        # Forked before the listener's thread and the run's event loop exist.
        pool = ClientPool(args.client_processes)
        pool.start()
        listener = CommitListener(dsn)
        listener.start()
        try:
            report = asyncio.run(measure(hubs, args, count, redis.pid, listener, pool))
        finally:
            listener.stop()
        for hub in hubs:
            if hub.process.poll() is not None:
                log(f"hub {hub.name} exited during the run; its log:\n{tail(hub.log_path)}")
        return report
    except BaseException:
        for hub in hubs:
            log(f"hub {hub.name} log, last lines:\n{tail(hub.log_path)}")
        raise
    finally:
        if pool is not None:
            pool.stop()
        for hub in hubs:
            stop_process(hub.process)


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="Measure fan-out of live entry events to WebSocket subscribers of two hubs."
    )
    parser.add_argument(
        "--subscribers",
        type=int,
        nargs="+",
        default=[1000, 5000, 10_000],
        help="subscriber counts, one run each (1000 5000 10000)",
    )
    parser.add_argument("--rate", type=float, default=2.0, help="needs written per second (2)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of writing (20)")
    parser.add_argument(
        "--drain", type=float, default=60.0, help="seconds to wait for delivery after (60)"
    )
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=200,
        help="WebSocket handshakes in flight at once (200)",
    )
    parser.add_argument(
        "--compression",
        choices=("deflate", "none"),
        default="deflate",
        help="offer permessage-deflate as browsers do (deflate), or not (none)",
    )
    parser.add_argument(
        "--after-close",
        type=float,
        default=AFTER_CLOSE_S,
        help=f"seconds the hubs get after the sockets close before RSS is read ({AFTER_CLOSE_S:g})",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=DEFAULT_CLIENT_PROCESSES,
        help=f"processes the subscribers are split over ({DEFAULT_CLIENT_PROCESSES})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if any(not 1 <= count <= 50_000 for count in args.subscribers):
        parser.error("--subscribers must be between 1 and 50000")
    if not 0 < args.rate <= 100 or args.duration <= 0 or args.drain < 0:
        parser.error("--rate must be in (0, 100], --duration positive, --drain not negative")
    if not 1 <= args.connect_concurrency <= 5000:
        parser.error("--connect-concurrency must be between 1 and 5000")
    if not 0 <= args.after_close <= 600:
        parser.error("--after-close must be between 0 and 600")
    if not 1 <= args.client_processes <= 16:
        parser.error("--client-processes must be between 1 and 16")


def run(args: argparse.Namespace) -> list[RunReport]:
    """Set up database and Redis, run each subscriber count, tear everything down."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench: no redis-server on this machine (apt-get install redis-server)")
    # Refused here, before anything starts, when the hard limit is too low.
    soft, hard = raise_fd_limit(fds_needed(max(args.subscribers), args.client_processes))
    log(f"open-file limit {soft} (hard {hard})")
    reports: list[RunReport] = []
    with bench_database("hub-bench-fanout-") as database:
        dsn, workdir = database.dsn, database.workdir
        asyncio.run(migrate_dsn(dsn))
        redis_folder = workdir / "redis"
        redis_folder.mkdir()
        redis, redis_url = start_redis(binary, redis_folder)
        log(f"redis-server at {redis_url}")
        try:
            for count in args.subscribers:
                report = run_one(args, count, dsn, redis, redis_url, workdir)
                reports.append(report)
                if not args.json:
                    print(report.text() + "\n", flush=True)
        finally:
            stop_process(redis)
    return reports


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse options, run, print the reports."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_args(parser, args)
    # SIGTERM ends the run like Ctrl-C does, so that the cleanup in `finally` runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        reports = run(args)
    except KeyboardInterrupt:
        # Everything started has been stopped and removed by now (run's `finally`).
        print("bench: interrupted", file=sys.stderr)
        return 130
    if args.json:
        common = {
            "rate": args.rate,
            "duration": args.duration,
            "compression": args.compression,
            "client_processes": args.client_processes,
            "after_close": args.after_close,
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "database": "external" if os.environ.get(DATABASE_ENV) else "embedded",
        }
        print(json.dumps({**common, "runs": [asdict(r) for r in reports]}, ensure_ascii=False))
    else:
        print(
            f"Python {platform.python_version()}, {os.cpu_count()} cores shared by the client "
            f"({args.client_processes} receiving processes), both hubs, Redis and PostgreSQL; "
            f"compression {args.compression}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
