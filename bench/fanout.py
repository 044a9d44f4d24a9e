"""Fan-out of live entry events to many WebSocket subscribers spread over two hub processes.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations, starts a redis-server of its own
on a free loopback port, and, for each subscriber count asked for, two `hub serve`
processes on free loopback ports that share the database and Redis. Then:

1. It takes `{ latestEventId }` over HTTP, before anything is written.
2. It opens N WebSocket connections (graphql-transport-ws), split evenly over the two hubs
   (at most `--connect-concurrency` handshakes at a time), and subscribes each to
   `entryEvents(after: <that id>)`, so every subscriber must receive every later event
   exactly once, in position order.
3. It posts one warm-up need and waits until every subscriber has received its event: from
   then on every subscription is known to be live, and what follows measures delivery, not
   subscribing.
4. A writer posts `submitNeed` at a steady `--rate` for `--duration` seconds, one at a time on
   a fixed schedule, alternating between the two hubs as a load balancer would. A write that
   falls behind the schedule is sent at once; the achieved rate is reported.
5. It waits (at most `--drain` seconds) until every subscriber has received every need's
   CREATED event, samples memory and CPU, closes the sockets, stops the hubs with SIGTERM.

It reports, per subscriber count: writes and the achieved write rate; events expected
(writes x subscribers), delivered, missing, duplicated and out of order; delivery latency
(p50, p99, max, min); RSS at the end and peak RSS (VmHWM) of each hub process and of the
benchmark client; CPU seconds of the hubs, Redis, PostgreSQL and the client; and the time it
took to connect every subscriber. It never passes or fails on a figure.

Latency, measured two ways, both on this process's monotonic clock:

- From the write's response (as the issue asks). An event's `occurredAt` is its transaction's
  start time, not its commit time, so it is not used. The writer notes `time.monotonic()` when
  the submitNeed HTTP response arrives (the transaction committed before the response was
  sent), and a subscriber notes the same clock when it has read and decoded the event. This is
  commit-to-receipt minus the response's trip back to the writer, so it can come out negative
  when an event beats the HTTP response; nothing is clamped, and the minimum is reported too.
  Under load the response is not quick: the hub that took the write answers it from the same
  event loop that is busy fanning out the previous events.
- From the commit itself. A thread of its own LISTENs on the database channel `hub_outbox`,
  which the hub's trigger notifies once per transaction that adds entry events; PostgreSQL
  delivers that notification at COMMIT. The writer is the only source of events and writes
  one need at a time, so the k-th notification is the k-th write's commit. Latency is receipt
  minus that moment; the report also says how long after the commit the HTTP response arrived.
  When a write fails, or the count of notifications differs, this figure is left out.

The client (one Python process, one event loop) shares the machine's cores with the hubs,
Redis and PostgreSQL: when it is busy, receipt times include its own queueing.

Run it from the repository root:

    .venv/bin/python bench/fanout.py                       # 1,000 then 5,000 subscribers
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
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Subprotocol

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
    migrate_dsn,
    percentile,
    spawn_hub,
    stop_process,
    tail,
    wait_ready,
)

from tests.helpers import SUBMIT_NEED, need_input

SUBSCRIPTION = (
    "subscription($after: String) { entryEvents(after: $after) "
    "{ id type kind entryId occurredAt entry { id ... on Need { urgency } } } }"
)
PROTOCOL = Subprotocol("graphql-transport-ws")
PROCESSES = 2
HUB_NAMES = ("A", "B")
# Bounds: generous but finite; a step that takes longer is broken, not slow.
REDIS_READY_TIMEOUT_S = 30.0
OPEN_TIMEOUT_S = 60.0
ACK_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0
WARMUP_TIMEOUT_S = 120.0
CLOSE_TIMEOUT_S = 60.0
# How long the hubs get to clean up closed subscriptions before their RSS is sampled again.
AFTER_CLOSE_S = 3.0
# A hub's RSS peaks while it starts (about twice its idle size) and then falls: the "before"
# figure is taken once two samples this far apart differ by less than SETTLED_KB, or after
# SETTLE_TIMEOUT_S.
SETTLE_INTERVAL_S = 0.5
SETTLED_KB = 1024
SETTLE_TIMEOUT_S = 15.0
POLL_S = 0.05
# What every transaction that adds entry events notifies, at its commit (migration 0013).
OUTBOX_CHANNEL = "hub_outbox"
# File descriptors the client needs besides its sockets (HTTP clients, logs, Python itself).
FD_MARGIN = 256
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


def start_hub(name: str, dsn: str, redis_url: str, folder: Path) -> HubProcess:
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
    }
    return HubProcess(name, port, spawn_hub(port, log_path, env), log_path)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB; empty when it is gone."""
    found: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return found


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


def settle_memory(pids: list[int]) -> None:
    """Wait (bounded) until the RSS of every process in `pids` has stopped changing."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
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


def raise_fd_limit(subscribers: int) -> tuple[int, int]:
    """Raise the open-file limit to what `subscribers` sockets need (up to the hard limit).

    The hubs inherit the limit. Returns (soft limit now, hard limit).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = subscribers + FD_MARGIN
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
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


@dataclass(eq=False)
class Subscriber:
    """One WebSocket connection with one entryEvents subscription."""

    index: int
    hub: int
    ws: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None
    # (position, entryId, type, monotonic time of receipt), in the order received.
    events: list[tuple[int, str, str, float]] = field(default_factory=list)
    failure: str | None = None
    ended: str | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Progress:
    """Counters the readers keep, so that waits need not scan every subscriber."""

    received: int = 0
    stopping: bool = False


async def _open(
    sub: Subscriber,
    url: str,
    after: str,
    compression: str | None,
    progress: Progress,
    gate: asyncio.Semaphore,
) -> None:
    """Connect, init, wait for the ack, subscribe, and start reading."""
    async with gate:
        try:
            ws = await connect(
                url,
                subprotocols=[PROTOCOL],
                open_timeout=OPEN_TIMEOUT_S,
                # The hub pings every client (HUB_LIVE_KEEPALIVE_SECONDS); no pings of ours.
                ping_interval=None,
                close_timeout=5,
                compression=compression,
            )
        except (OSError, TimeoutError, WebSocketException) as error:
            sub.failure = f"connect: {type(error).__name__}: {str(error)[:80]}"
            return
        sub.ws = ws
        try:
            await ws.send(json.dumps({"type": "connection_init"}))
            async with asyncio.timeout(ACK_TIMEOUT_S):
                while True:
                    message = json.loads(await ws.recv())
                    if message.get("type") == "ping":
                        await ws.send('{"type":"pong"}')
                        continue
                    if message.get("type") != "connection_ack":
                        sub.failure = f"init: {str(message)[:80]}"
                        return
                    break
            subscribe = {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIPTION, "variables": {"after": after}},
            }
            await ws.send(json.dumps(subscribe))
        except (OSError, TimeoutError, WebSocketException, ValueError) as error:
            sub.failure = f"init: {type(error).__name__}: {str(error)[:80]}"
            return
        sub.reader = asyncio.create_task(_read(sub, ws, progress))


async def _read(sub: Subscriber, ws: ClientConnection, progress: Progress) -> None:
    """Record every event until the connection ends (bounded by the connection's life)."""
    try:
        async for raw in ws:
            received_at = time.monotonic()
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "next":
                payload = message.get("payload") or {}
                if payload.get("errors"):
                    sub.errors.append(str(payload["errors"])[:200])
                    continue
                event = payload["data"]["entryEvents"]
                sub.events.append((int(event["id"]), event["entryId"], event["type"], received_at))
                progress.received += 1
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind in ("error", "complete"):
                sub.ended = f"{kind}: {str(message.get('payload'))[:120]}"
                return
    except ConnectionClosed:
        pass
    except (ValueError, KeyError, TypeError) as error:
        sub.ended = f"bad message: {type(error).__name__}: {error}"
        return
    if not progress.stopping:
        sub.ended = f"closed by the hub: {ws.close_code} {ws.close_reason or ''}".strip()


async def open_subscribers(
    hubs: list[HubProcess],
    count: int,
    after: str,
    compression: str | None,
    concurrency: int,
    progress: Progress,
) -> list[Subscriber]:
    """Open `count` subscribers, subscriber i on hub i mod 2, `concurrency` handshakes at once."""
    gate = asyncio.Semaphore(concurrency)
    subs = [Subscriber(index, index % len(hubs)) for index in range(count)]
    await asyncio.gather(
        *(_open(sub, hubs[sub.hub].ws_url, after, compression, progress, gate) for sub in subs)
    )
    return subs


async def close_subscribers(subs: list[Subscriber], progress: Progress) -> None:
    """Close every socket (bounded), then stop the readers."""
    progress.stopping = True
    gate = asyncio.Semaphore(500)

    async def close(sub: Subscriber) -> None:
        if sub.ws is None:
            return
        async with gate:
            with suppress(OSError, WebSocketException):
                await sub.ws.close()

    try:
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            await asyncio.gather(*(close(sub) for sub in subs))
    except TimeoutError:
        log(f"not every socket closed within {CLOSE_TIMEOUT_S:.0f} s")
    readers = [sub.reader for sub in subs if sub.reader is not None]
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)


async def wait_for_events(
    subs: list[Subscriber], progress: Progress, total: int, within: float
) -> bool:
    """Wait until the readers hold `total` events, all readers ended, or `within` s passed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if progress.received >= total:
            return True
        if all(sub.reader is None or sub.reader.done() for sub in subs):
            return False
        await asyncio.sleep(POLL_S)
    return progress.received >= total


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
    # From the write's HTTP response, and from the commit noted by the listener.
    latencies_ms: list[float] = field(default_factory=list)
    commit_latencies_ms: list[float] = field(default_factory=list)


def analyse(subs: list[Subscriber], writes: Writes, warmup_id: str) -> Delivery:
    """Compare what each subscriber received with what the writer committed."""
    result = Delivery(expected=len(writes.committed) * len(subs))
    for sub in subs:
        seen: Counter[str] = Counter()
        last_position = -1
        for position, entry_id, event_type, received_at in sub.events:
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
    rss_before_mb: float
    rss_end_mb: float
    peak_rss_mb: float
    rss_after_close_mb: float
    kb_per_subscriber: float
    cpu_connect_s: float
    cpu_write_s: float
    # Writer events this hub delivered, and its CPU while writing and draining per delivery.
    deliveries: int
    cpu_ms_per_delivery: float


@dataclass(frozen=True)
class RunReport:
    """The figures of one subscriber count."""

    subscribers: int
    processes: int
    connected: int
    connect_seconds: float
    connect_failures: dict[str, int]
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
    hubs: list[HubFigures]
    client_rss_mb: float
    client_peak_rss_mb: float
    client_cpu_connect_s: float
    client_cpu_write_s: float
    redis_cpu_write_s: float
    postgres_cpu_write_s: float
    # Share of all cores busy while writing and draining (anything on the machine counts).
    machine_busy_write: float
    ended_early: dict[str, int]
    subscription_errors: int
    hub_log_problems: list[str]

    def text(self) -> str:
        """The report as a few aligned lines."""
        per_hub = " + ".join(str(hub.subscribers) for hub in self.hubs)
        lines = [
            f"Crisis Hub fan-out: entryEvents to {self.subscribers} WebSocket subscribers on "
            f"{self.processes} hub processes",
            f"  subscribers   {self.connected} of {self.subscribers} connected ({per_hub}) "
            f"in {self.connect_seconds:.2f} s",
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
            f"max {self.max_ms:.1f}  min {self.min_ms:.1f}  (write response to receipt)",
        ]
        if self.commit_note is None:
            lines += [
                f"  latency ms    p50 {self.commit_p50_ms:.1f}  p99 {self.commit_p99_ms:.1f}  "
                f"max {self.commit_max_ms:.1f}  min {self.commit_min_ms:.1f}  "
                "(commit NOTIFY to receipt)",
                f"  response      arrived p50 {self.commit_to_response_p50_ms:.1f} ms, max "
                f"{self.commit_to_response_max_ms:.1f} ms after the commit",
            ]
        else:
            lines.append(f"  commit times  not available: {self.commit_note}")
        for hub in self.hubs:
            lines += [
                f"  hub {hub.name}         {hub.subscribers} subscribers, {hub.writes_taken} "
                f"writes taken; RSS {hub.rss_end_mb:.1f} MB at the end "
                f"({hub.rss_before_mb:.1f} MB before subscribers, "
                f"{hub.kb_per_subscriber:.0f} kB per subscriber)",
                f"                peak RSS {hub.peak_rss_mb:.1f} MB; RSS "
                f"{hub.rss_after_close_mb:.1f} MB {AFTER_CLOSE_S:g} s after the sockets closed",
                f"                CPU {hub.cpu_connect_s:.1f} s connecting, "
                f"{hub.cpu_write_s:.1f} s writing and draining = "
                f"{hub.cpu_ms_per_delivery:.2f} ms per event delivered ({hub.deliveries})",
            ]
        lines += [
            f"  client        RSS {self.client_rss_mb:.1f} MB, peak "
            f"{self.client_peak_rss_mb:.1f} MB; CPU {self.client_cpu_connect_s:.1f} s "
            f"connecting, {self.client_cpu_write_s:.1f} s writing and draining",
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


async def measure(
    hubs: list[HubProcess],
    args: argparse.Namespace,
    count: int,
    redis_pid: int,
    listener: CommitListener,
) -> RunReport:
    """Connect, warm up, write, drain, sample; the event-loop part of one run."""
    progress = Progress()
    compression = None if args.compression == "none" else "deflate"
    before = {hub.name: memory_kb(hub.process.pid) for hub in hubs}
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    clients = [
        httpx.AsyncClient(base_url=hub.http_url, timeout=REQUEST_TIMEOUT_S, limits=limits)
        for hub in hubs
    ]
    subs: list[Subscriber] = []
    try:
        after = await latest_event_id(clients[0])

        cpu_start = {hub.name: cpu_seconds(hub.process.pid) for hub in hubs}
        client_start = client_cpu_seconds()
        log(f"opening {count} subscribers (after event {after})")
        started = time.monotonic()
        subs = await open_subscribers(
            hubs, count, after, compression, args.connect_concurrency, progress
        )
        connect_seconds = time.monotonic() - started
        live = [sub for sub in subs if sub.reader is not None]
        log(f"{len(live)} of {count} subscribed in {connect_seconds:.2f} s; warm-up write")

        # The warm-up need: once every subscriber has its event, every subscription is live.
        started = time.monotonic()
        try:
            warmup_id = await submit_need(clients[0])
        except (httpx.HTTPError, RuntimeError) as error:
            raise SystemExit(f"bench: the warm-up write failed: {error}") from error
        await wait_for_events(subs, progress, len(live), WARMUP_TIMEOUT_S)
        warmup_seconds = time.monotonic() - started
        warmup_complete = sum(1 for sub in live if sub.events)
        log(f"warm-up event reached {warmup_complete} subscribers in {warmup_seconds:.2f} s")

        cpu_mid = {hub.name: cpu_seconds(hub.process.pid) for hub in hubs}
        client_mid = client_cpu_seconds()
        # PostgreSQL: every process below this one that is not a hub or Redis (the backends
        # that exist now; the hubs' pools have grown by this time).
        exclude = {hub.process.pid for hub in hubs} | {redis_pid}
        others = {"redis": [redis_pid], "postgres": descendants(os.getpid(), exclude)}
        machine_mid = machine_cpu()
        others_mid = {name: sum(map(cpu_seconds, pids)) for name, pids in others.items()}
        log(f"writing {args.rate:g} needs/s for {args.duration:g} s")
        baseline = progress.received
        writes = await write(clients, args.rate, args.duration)
        log(
            f"{len(writes.committed)} needs written; waiting at most {args.drain:g} s for "
            "every subscriber to receive them"
        )
        expected_total = baseline + len(writes.committed) * len(live)
        drained = await wait_for_events(subs, progress, expected_total, args.drain)
        drain_seconds = time.monotonic() - writes.finished

        # Sampled at the end, before the sockets close.
        end = {hub.name: memory_kb(hub.process.pid) for hub in hubs}
        cpu_end = {hub.name: cpu_seconds(hub.process.pid) for hub in hubs}
        client_end = client_cpu_seconds()
        others_end = {name: sum(map(cpu_seconds, pids)) for name, pids in others.items()}
        client_memory = memory_kb(os.getpid())
        machine_end = machine_cpu()
    finally:
        log("closing the sockets")
        await close_subscribers(subs, progress)
        for client in clients:
            await client.aclose()
    await asyncio.sleep(AFTER_CLOSE_S)
    after_close = {hub.name: memory_kb(hub.process.pid) for hub in hubs}

    commit_note = match_commits(writes, [at for at in listener.times if at >= writes.started])
    delivery = analyse(live, writes, warmup_id)
    commit = sorted(delivery.commit_latencies_ms) if commit_note is None else []
    to_response = sorted(
        (writes.committed[need_id] - at) * 1000 for need_id, at in writes.commit_at.items()
    )
    if drained and delivery.latencies_ms:
        # The last event's receipt, not the moment the poll noticed it.
        last = max(event[3] for sub in live for event in sub.events)
        drain_seconds = last - writes.finished
    latencies = sorted(delivery.latencies_ms)
    submit = sorted(writes.latencies_ms)
    hub_figures = []
    for index, hub in enumerate(hubs):
        on_hub = sum(1 for sub in live if sub.hub == index)
        grown_kb = end[hub.name].get("VmRSS", 0) - before[hub.name].get("VmRSS", 0)
        delivered = sum(
            len({event[1] for event in sub.events if event[1] in writes.committed})
            for sub in live
            if sub.hub == index
        )
        cpu_write = cpu_end[hub.name] - cpu_mid[hub.name]
        hub_figures.append(
            HubFigures(
                name=hub.name,
                subscribers=on_hub,
                writes_taken=writes.per_hub[index],
                rss_before_mb=_mb(before[hub.name].get("VmRSS")),
                rss_end_mb=_mb(end[hub.name].get("VmRSS")),
                peak_rss_mb=_mb(end[hub.name].get("VmHWM")),
                rss_after_close_mb=_mb(after_close[hub.name].get("VmRSS")),
                kb_per_subscriber=round(grown_kb / on_hub, 1) if on_hub else 0.0,
                cpu_connect_s=round(cpu_mid[hub.name] - cpu_start[hub.name], 2),
                cpu_write_s=round(cpu_write, 2),
                deliveries=delivered,
                cpu_ms_per_delivery=round(cpu_write * 1000 / delivered, 3) if delivered else 0.0,
            )
        )
    write_seconds = max(args.duration, writes.finished - writes.started)
    failures = Counter(sub.failure for sub in subs if sub.failure)
    return RunReport(
        subscribers=count,
        processes=len(hubs),
        connected=len(live),
        connect_seconds=round(connect_seconds, 2),
        connect_failures=dict(failures),
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
        hubs=hub_figures,
        client_rss_mb=_mb(client_memory.get("VmRSS")),
        client_peak_rss_mb=_mb(client_memory.get("VmHWM")),
        client_cpu_connect_s=round(client_mid - client_start, 2),
        client_cpu_write_s=round(client_end - client_mid, 2),
        redis_cpu_write_s=round(others_end["redis"] - others_mid["redis"], 2),
        postgres_cpu_write_s=round(others_end["postgres"] - others_mid["postgres"], 2),
        machine_busy_write=round(
            (machine_end[0] - machine_mid[0]) / max(1, machine_end[1] - machine_mid[1]), 3
        ),
        ended_early=dict(Counter(sub.ended for sub in live if sub.ended)),
        subscription_errors=sum(len(sub.errors) for sub in live),
        hub_log_problems=_hub_log_problems(hubs),
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
    try:
        for name in HUB_NAMES[:PROCESSES]:
            hub = start_hub(name, dsn, redis_url, folder)
            hubs.append(hub)
            wait_ready(hub.process, hub.http_url, hub.log_path)
        log("hubs ready: " + ", ".join(f"{hub.name} {hub.http_url}" for hub in hubs))
        settle_memory([hub.process.pid for hub in hubs])
        listener = CommitListener(dsn)
        listener.start()
        try:
            report = asyncio.run(measure(hubs, args, count, redis.pid, listener))
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
        default=[1000, 5000],
        help="subscriber counts, one run each (1000 5000)",
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
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if any(not 1 <= count <= 50_000 for count in args.subscribers):
        parser.error("--subscribers must be between 1 and 50000")
    if not 0 < args.rate <= 100 or args.duration <= 0 or args.drain < 0:
        parser.error("--rate must be in (0, 100], --duration positive, --drain not negative")
    if not 1 <= args.connect_concurrency <= 5000:
        parser.error("--connect-concurrency must be between 1 and 5000")


def run(args: argparse.Namespace) -> list[RunReport]:
    """Set up database and Redis, run each subscriber count, tear everything down."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench: no redis-server on this machine (apt-get install redis-server)")
    soft, hard = raise_fd_limit(max(args.subscribers))
    log(f"open-file limit {soft} (hard {hard})")
    if soft < max(args.subscribers) + FD_MARGIN:
        log(f"the open-file limit is too low for {max(args.subscribers)} subscribers")
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
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "database": "external" if os.environ.get(DATABASE_ENV) else "embedded",
        }
        print(json.dumps({**common, "runs": [asdict(r) for r in reports]}, ensure_ascii=False))
    else:
        print(
            f"Python {platform.python_version()}, {os.cpu_count()} cores shared by the client, "
            f"both hubs, Redis and PostgreSQL; compression {args.compression}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
