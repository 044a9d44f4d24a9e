"""What an idle live subscriber costs a hub process, and what it leaves behind once it is gone.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations, and for each way of connecting
(`--compression`: permessage-deflate offered as browsers offer it, or not) starts one
`hub serve` process, twice: once untraced, for RSS, and once with HUB_TRACEMALLOC set, for
where the memory goes (tracemalloc's own records would inflate RSS). Each run:

1. warms the hub up (a few sockets opened, served an event and closed, so that lazy imports
   and caches are not counted as the subscribers' cost), then samples memory: *baseline*;
2. opens N WebSockets (graphql-transport-ws: connection_init, subscribe to entryEvents),
   posts a need and waits until every subscriber has its event: *idle*;
3. posts M more needs, one at a time, and waits until every subscriber has all of them:
   *after events* (memory that grows with events delivered shows here);
4. closes every socket and waits until the hub's /healthz counts no connection and no
   subscriber: *closed* (what was not given back shows here);
5. repeats 2-4 `--rounds` times in all: a leak grows with every round, an allocator keeping
   freed memory for reuse does not.

A sample is RSS (VmRSS, after it has stopped moving) or, traced, a snapshot the hub writes on
SIGUSR2 (hub/memory_trace.py) after a garbage collection: its traced bytes, the top
allocation sites between two samples, and a census of objects by type. It prints figures and
never passes or fails.

Run it from the repository root:

    .venv/bin/python bench/live_memory.py                         # 1,000 sockets, both ways
    .venv/bin/python bench/live_memory.py --subscribers 200 --events 10 --compression none
    .venv/bin/python bench/live_memory.py --json

Only 127.0.0.1 is contacted, and every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import sys
import time
import tracemalloc
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Subprotocol

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from common import (
    HOST,
    bench_database,
    free_port,
    log,
    memory_kb,
    migrate_dsn,
    print_report,
    spawn_hub,
    stop_process,
    tail,
    wait_ready,
)

from hub.memory_trace import CENSUS_SUFFIX, SNAPSHOT_SUFFIX, snapshot_stem
from tests.helpers import SUBMIT_NEED, need_input

# With `after` (the newest event before the sockets open): every subscriber receives every
# later event, however late its subscription started.
SUBSCRIPTION = (
    "subscription($after: String) { entryEvents(after: $after) { id type kind entryId "
    "occurredAt entry { id ... on Need { urgency } } } }"
)
PROTOCOL = Subprotocol("graphql-transport-ws")
# Bounds: generous but finite; a step that takes longer is broken, not slow.
OPEN_TIMEOUT_S = 60.0
EVENTS_TIMEOUT_S = 120.0
CLOSE_TIMEOUT_S = 60.0
SNAPSHOT_TIMEOUT_S = 300.0
FORGET_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0
# RSS is read once two samples this far apart differ by less than SETTLED_KB (or after
# SETTLE_TIMEOUT_S): freeing and reusing memory takes the hub a moment after the last event.
SETTLE_INTERVAL_S = 0.5
SETTLED_KB = 256
SETTLE_TIMEOUT_S = 15.0
POLL_S = 0.05
WARMUP_SOCKETS = 20
FD_MARGIN = 256
# Allocation sites of these files are tracemalloc's and the import system's, not the hub's.
IGNORED_FILES = (
    "<frozen importlib._bootstrap>",
    "<frozen importlib._bootstrap_external>",
    "*/tracemalloc.py",
)


# ---------------------------------------------------------------------------------------------
# The hub and what /proc and its snapshots say about it
# ---------------------------------------------------------------------------------------------


@dataclass
class Hub:
    """One `hub serve` process under test."""

    port: int
    process: Any
    log_path: Path
    snapshots: Path
    traced: bool
    taken: int = 0

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}/graphql"


def start_hub(dsn: str, folder: Path, name: str, frames: int) -> Hub:
    """`hub serve` as one process on a free port, tracing allocations when `frames` > 0."""
    port = free_port()
    snapshots = folder / f"snapshots-{name}"
    log_path = folder / f"hub-{name}.log"
    env = {
        "HUB_DATABASE_URL": dsn,
        "HUB_WORKERS": "1",
        "HUB_IN_PROCESS_JOBS": "false",
        "HUB_LINKCHECK_ENABLED": "false",
        "HUB_TRACEMALLOC": str(frames),
        "HUB_TRACEMALLOC_DIR": str(snapshots),
    }
    hub = Hub(port, spawn_hub(port, log_path, env), log_path, snapshots, frames > 0)
    wait_ready(hub.process, hub.http_url, log_path)
    return hub


def rss_kb(pid: int) -> int:
    """VmRSS of a process in kB (0 when it is gone)."""
    return memory_kb(pid).get("VmRSS", 0)


async def settled_rss_kb(pid: int) -> int:
    """RSS once it has stopped moving (bounded by SETTLE_TIMEOUT_S)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    last = rss_kb(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(SETTLE_INTERVAL_S)
        now = rss_kb(pid)
        if abs(now - last) < SETTLED_KB:
            return now
        last = now
    return last


@dataclass
class Sample:
    """Memory of the hub at one moment."""

    label: str
    rss_kb: int
    traced: int = 0
    census: dict[str, int] = field(default_factory=dict)
    snapshot: Path | None = None


async def sample(hub: Hub, label: str) -> Sample:
    """RSS, and when traced a snapshot written by the hub on SIGUSR2 (hub/memory_trace.py)."""
    if not hub.traced:
        return Sample(label, await settled_rss_kb(hub.process.pid))
    hub.taken += 1
    stem = snapshot_stem(hub.snapshots, hub.process.pid, hub.taken)
    os.kill(hub.process.pid, signal.SIGUSR2)
    summary_path = stem.with_suffix(CENSUS_SUFFIX)
    deadline = time.monotonic() + SNAPSHOT_TIMEOUT_S
    while not summary_path.exists():
        if time.monotonic() > deadline or hub.process.poll() is not None:
            raise SystemExit(f"bench: no memory snapshot from the hub:\n{tail(hub.log_path)}")
        await asyncio.sleep(POLL_S)
    summary = json.loads(summary_path.read_text())
    return Sample(
        label,
        rss_kb(hub.process.pid),
        summary["traced"],
        summary["census"],
        stem.with_suffix(SNAPSHOT_SUFFIX),
    )


@dataclass(frozen=True)
class Site:
    """An allocation site whose memory changed between two samples."""

    where: str
    size_diff: int
    count_diff: int


def top_sites(old: Sample, new: Sample, top: int, group: str) -> list[Site]:
    """The `top` allocation sites whose memory grew most from `old` to `new`."""
    if old.snapshot is None or new.snapshot is None:
        return []
    ignore = [tracemalloc.Filter(False, pattern) for pattern in IGNORED_FILES]
    before = tracemalloc.Snapshot.load(str(old.snapshot)).filter_traces(ignore)
    after = tracemalloc.Snapshot.load(str(new.snapshot)).filter_traces(ignore)
    sites = []
    for stat in after.compare_to(before, group)[:top]:
        frames = stat.traceback if group == "traceback" else stat.traceback[:1]
        where = " <- ".join(f"{_short(f.filename)}:{f.lineno}" for f in frames)
        sites.append(Site(where, stat.size_diff, stat.count_diff))
    return sites


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/hub/", "/lib/python3."):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return ("hub/" + rest) if marker == "/hub/" else rest
    return filename


def census_diff(old: Sample, new: Sample, at_least: int) -> dict[str, int]:
    """Types whose number of objects changed by at least `at_least` from `old` to `new`."""
    names = set(old.census) | set(new.census)
    changed = {n: new.census.get(n, 0) - old.census.get(n, 0) for n in names}
    return dict(
        sorted(
            ((n, d) for n, d in changed.items() if abs(d) >= at_least),
            key=lambda item: -abs(item[1]),
        )
    )


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------


@dataclass
class Progress:
    """Events received by all readers together."""

    received: int = 0


async def _read(ws: ClientConnection, progress: Progress) -> None:
    with suppress(ConnectionClosed):
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "next":
                progress.received += 1
            elif message.get("type") == "ping":
                await ws.send('{"type":"pong"}')


@dataclass
class Sockets:
    """The client's open subscribers."""

    connections: list[ClientConnection] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)
    failures: int = 0


async def latest_event_id(client: httpx.AsyncClient) -> str:
    """`{ latestEventId }`: subscribing after it misses nothing written later."""
    response = await client.post("/graphql", json={"query": "{ latestEventId }"})
    value: str = response.json()["data"]["latestEventId"]
    return value


async def open_sockets(
    client: httpx.AsyncClient,
    url: str,
    count: int,
    compression: str | None,
    progress: Progress,
    concurrency: int,
) -> Sockets:
    """Open `count` sockets, each initialised and subscribed to entryEvents."""
    gate = asyncio.Semaphore(concurrency)
    opened = Sockets()
    variables = {"after": await latest_event_id(client)}

    async def one() -> None:
        async with gate:
            try:
                ws = await connect(
                    url,
                    subprotocols=[PROTOCOL],
                    open_timeout=OPEN_TIMEOUT_S,
                    ping_interval=None,
                    close_timeout=5,
                    # "deflate" offers permessage-deflate with client_max_window_bits, as
                    # browsers do; None offers no extension.
                    compression=compression,
                )
                await ws.send('{"type":"connection_init"}')
                async with asyncio.timeout(OPEN_TIMEOUT_S):
                    while json.loads(await ws.recv()).get("type") != "connection_ack":
                        pass
                payload = {"query": SUBSCRIPTION, "variables": variables}
                subscribe = {"id": "1", "type": "subscribe", "payload": payload}
                await ws.send(json.dumps(subscribe))
            except (OSError, TimeoutError, WebSocketException, ValueError):
                opened.failures += 1
                return
            opened.connections.append(ws)
            opened.readers.append(asyncio.create_task(_read(ws, progress)))

    await asyncio.gather(*(one() for _ in range(count)))
    return opened


async def close_sockets(opened: Sockets) -> None:
    """Close every socket (bounded), then stop the readers."""
    gate = asyncio.Semaphore(500)

    async def close(ws: ClientConnection) -> None:
        async with gate:
            with suppress(OSError, WebSocketException):
                await ws.close()

    with suppress(TimeoutError):
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            await asyncio.gather(*(close(ws) for ws in opened.connections))
    for reader in opened.readers:
        reader.cancel()
    await asyncio.gather(*opened.readers, return_exceptions=True)


async def post_needs(client: httpx.AsyncClient, count: int) -> None:
    """Post `count` needs, one at a time."""
    for _ in range(count):
        response = await client.post(
            "/graphql",
            json={"query": SUBMIT_NEED, "variables": {"input": need_input()}},
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise SystemExit(f"bench: submitNeed failed: {response.text[:300]}")


async def wait_for(progress: Progress, total: int) -> bool:
    """Wait until the readers hold `total` events (bounded)."""
    deadline = time.monotonic() + EVENTS_TIMEOUT_S
    while time.monotonic() < deadline:
        if progress.received >= total:
            return True
        await asyncio.sleep(POLL_S)
    return progress.received >= total


async def wait_until_forgotten(client: httpx.AsyncClient) -> bool:
    """Wait until /healthz counts no connection and no subscriber (bounded)."""
    deadline = time.monotonic() + FORGET_TIMEOUT_S
    while time.monotonic() < deadline:
        live = (await client.get("/healthz")).json().get("live", {})
        if live.get("connections") == 0 and live.get("subscribers") == 0:
            return True
        await asyncio.sleep(POLL_S)
    return False


# ---------------------------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------------------------


@dataclass
class Round:
    """One round of opening, delivering and closing."""

    idle: Sample
    after_events: Sample
    closed: Sample
    connected: int
    every_event_arrived: bool
    forgotten: bool


async def one_round(
    hub: Hub, client: httpx.AsyncClient, args: argparse.Namespace, compression: str | None
) -> Round:
    """Open N, one event, sample, M events, sample, close, sample."""
    progress = Progress()
    opened = await open_sockets(
        client, hub.ws_url, args.subscribers, compression, progress, args.connect_concurrency
    )
    connected = len(opened.connections)
    await post_needs(client, 1)
    arrived = await wait_for(progress, connected)
    idle = await sample(hub, "idle")
    await post_needs(client, args.events)
    arrived = await wait_for(progress, connected * (1 + args.events)) and arrived
    after_events = await sample(hub, "after events")
    await close_sockets(opened)
    forgotten = await wait_until_forgotten(client)
    closed = await sample(hub, "closed")
    return Round(idle, after_events, closed, connected, arrived, forgotten)


@dataclass(frozen=True)
class RunReport:
    """The figures of one hub process."""

    compression: str
    traced: bool
    subscribers: int
    events: int
    baseline_rss_kb: int
    # Per round: connected, idle, after events, closed (RSS kB or traced bytes).
    rounds: list[dict[str, Any]]
    kb_per_idle_subscriber: float
    kb_per_subscriber_after_events: float
    kb_kept_after_close: float
    top_idle: list[Site]
    top_events: list[Site]
    top_kept: list[Site]
    objects_per_subscriber: dict[str, float]
    objects_kept: dict[str, int]

    def text(self) -> str:
        unit = "traced" if self.traced else "RSS"
        lines = [
            f"{self.subscribers} idle subscribers, compression {self.compression}, "
            f"{self.events} events, {unit} (baseline RSS {self.baseline_rss_kb / 1024:.1f} MB)",
            f"  per idle subscriber     {self.kb_per_idle_subscriber:.1f} kB",
            f"  per subscriber, events  {self.kb_per_subscriber_after_events:.1f} kB",
            f"  kept after close        {self.kb_kept_after_close:.0f} kB in all",
        ]
        for number, one in enumerate(self.rounds, 1):
            lines.append(
                f"  round {number}: {one['connected']} connected, all events "
                f"{'arrived' if one['arrived'] else 'DID NOT arrive'}, hub "
                f"{'forgot' if one['forgotten'] else 'DID NOT forget'} them; kB over baseline: "
                f"idle {one['idle']:.0f}, after events {one['after_events']:.0f}, "
                f"closed {one['closed']:.0f}"
            )
        for title, sites in (
            ("idle subscribers cost (baseline -> idle)", self.top_idle),
            ("grew with events (idle -> after events)", self.top_events),
            ("not given back (baseline -> closed, last round)", self.top_kept),
        ):
            if sites:
                lines.append(f"  {title}:")
                lines += [
                    f"    {s.size_diff / 1024:+10.1f} kB {s.count_diff:+8d} blocks  {s.where}"
                    for s in sites
                ]
        if self.objects_per_subscriber:
            lines.append("  objects per idle subscriber (census, gc-tracked):")
            lines += [f"    {n:6.2f}  {name}" for name, n in self.objects_per_subscriber.items()]
        if self.objects_kept:
            lines.append("  objects still there after close (census, vs baseline):")
            lines += [f"    {n:+6d}  {name}" for name, n in self.objects_kept.items()]
        return "\n".join(lines)


def _kb(sample_: Sample, base: Sample, traced: bool) -> float:
    if traced:
        return (sample_.traced - base.traced) / 1024
    return float(sample_.rss_kb - base.rss_kb)


async def measure(hub: Hub, args: argparse.Namespace, compression: str) -> RunReport:
    """Warm up, take the baseline, run the rounds; the report."""
    offered = None if compression == "none" else "deflate"
    async with httpx.AsyncClient(base_url=hub.http_url, timeout=REQUEST_TIMEOUT_S) as client:
        # Warm-up: imports, caches and pools that the first sockets and events fill, and
        # jieba's dictionary (loaded in a thread at startup; a search waits for it).
        search = {"query": '{ search(query: "医院") { totalCount } }'}
        await client.post("/graphql", json=search, timeout=SNAPSHOT_TIMEOUT_S)
        progress = Progress()
        warm = await open_sockets(client, hub.ws_url, WARMUP_SOCKETS, offered, progress, 10)
        await post_needs(client, 2)
        await wait_for(progress, 2 * len(warm.connections))
        await close_sockets(warm)
        await wait_until_forgotten(client)
        baseline = await sample(hub, "baseline")
        rounds = []
        for number in range(args.rounds):
            log(f"round {number + 1}: {args.subscribers} sockets ({compression})")
            rounds.append(await one_round(hub, client, args, offered))
    traced = hub.traced
    first, last = rounds[0], rounds[-1]
    n = max(first.connected, 1)
    per_subscriber: dict[str, float] = {}
    kept: dict[str, int] = {}
    if traced:
        per_subscriber = {
            name: round(d / n, 2) for name, d in census_diff(baseline, first.idle, n // 2).items()
        }
        kept = census_diff(baseline, last.closed, max(n // 20, 5))
    return RunReport(
        compression=compression,
        traced=traced,
        subscribers=args.subscribers,
        events=args.events,
        baseline_rss_kb=baseline.rss_kb,
        rounds=[
            {
                "connected": r.connected,
                "arrived": r.every_event_arrived,
                "forgotten": r.forgotten,
                "idle": _kb(r.idle, baseline, traced),
                "after_events": _kb(r.after_events, baseline, traced),
                "closed": _kb(r.closed, baseline, traced),
            }
            for r in rounds
        ],
        kb_per_idle_subscriber=_kb(first.idle, baseline, traced) / n,
        kb_per_subscriber_after_events=_kb(first.after_events, baseline, traced) / n,
        kb_kept_after_close=_kb(last.closed, baseline, traced),
        top_idle=top_sites(baseline, first.idle, args.top, args.group),
        top_events=top_sites(first.idle, first.after_events, args.top, args.group),
        top_kept=top_sites(baseline, last.closed, args.top, args.group),
        objects_per_subscriber=per_subscriber,
        objects_kept=kept,
    )


@dataclass(frozen=True)
class Report:
    """Every run."""

    runs: list[RunReport]

    def text(self) -> str:
        return "\n\n".join(run.text() for run in self.runs)


def raise_fd_limit(count: int) -> None:
    """Raise the open-file limit to what `count` sockets need (the hub inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + FD_MARGIN
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def run(args: argparse.Namespace) -> Report:
    """Every (compression, traced) run, each on a fresh hub."""
    raise_fd_limit(2 * args.subscribers)
    modes = [False, True] if args.trace_frames else [False]
    if args.only_traced and args.trace_frames:
        modes = [True]
    runs = []
    with bench_database("hub-bench-memory-") as database:
        asyncio.run(migrate_dsn(database.dsn))
        for compression in args.compression:
            for traced in modes:
                name = f"{compression}-{'traced' if traced else 'rss'}"
                log(f"starting a hub ({name})")
                hub = start_hub(
                    database.dsn, database.workdir, name, args.trace_frames if traced else 0
                )
                try:
                    runs.append(asyncio.run(measure(hub, args, compression)))
                finally:
                    stop_process(hub.process)
    return Report(runs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000, help="sockets per round")
    parser.add_argument("--events", type=int, default=50, help="needs posted per round")
    parser.add_argument("--rounds", type=int, default=2, help="open/deliver/close rounds")
    parser.add_argument(
        "--compression",
        type=lambda text: [part.strip() for part in text.split(",")],
        default=["deflate", "none"],
        help="offer permessage-deflate (deflate) or not (none); comma-separated for both",
    )
    parser.add_argument(
        "--trace-frames", type=int, default=10, help="frames per traced allocation; 0: RSS only"
    )
    parser.add_argument("--only-traced", action="store_true", help="skip the untraced runs")
    parser.add_argument("--top", type=int, default=12, help="allocation sites listed")
    parser.add_argument(
        "--group",
        choices=("lineno", "filename", "traceback"),
        default="lineno",
        help="how allocation sites are grouped",
    )
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.events < 0 or args.rounds < 1:
        parser.error("--subscribers and --rounds must be at least 1, --events at least 0")
    if any(c not in ("deflate", "none") for c in args.compression):
        parser.error("--compression takes deflate, none or both")
    print_report(run(args), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
