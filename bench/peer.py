"""The hub's public `needs` read against PostGraphile 5 on the same database, driven by wrk.

Issue 13 measures every read optimisation as a ratio to a peer a developer would pick instead:
PostGraphile 5 on Node 22, introspecting the hub's own tables. This benchmark

1. starts a throw-away database (the embedded PostgreSQL, or HUB_BENCH_DATABASE_URL) and seeds
   it with bench/read_throughput.py's seeder (10,000 needs by default);
2. installs Node 22 (the `node` npm package) and PostGraphile 5, pinned, into a cache folder
   outside the repository (~/.cache/crisis-hub-bench/peer, or $CRISIS_HUB_BENCH_CACHE/peer),
   unless they are there already, and starts PostGraphile (amber preset) on the public schema;
3. starts `hub serve` beside it, checks one response of each (HTTP 200, no errors, 20 nodes,
   the same totalCount), then drives both with wrk (Debian's; installed with apt-get when
   missing), alternating hub and peer, with the same connections and duration;
4. prints requests/s, p50 and p99 of each and the ratios hub/peer (`--json`: one JSON object).

Modes:
    cached  the same document and variables on every request (what real traffic repeats);
    unique  the same document with a variable that differs on every request (a Lua script)
            but leaves the answer as it is: the hub gets a random `updatedSince` decades
            before any need, the peer a random `first` of the items (at most 4 per need);
    signed  the cached document and variables sent by a signed-in reviewer (a bearer API
            token made for the run), which no shared cache may answer; PostGraphile, which
            has no accounts here, gets the same requests as in cached mode.
`--pages` also drives the hub's web pages (home, the needs list, one need), anonymous GETs,
and prints their figures (there is no peer for those; the goal is 500 requests/s each).
`--hub-workers N` sets the hub's server processes (default: `hub serve`'s, one per core).

Run it from the repository root (it is never part of the test suite):

    .venv/bin/python bench/peer.py                        # both modes, 32 connections, 15 s
    .venv/bin/python bench/peer.py --seconds 5 --rounds 1 --modes cached --json

Only 127.0.0.1 is contacted, apart from npm (on the first run) and apt-get (when wrk is missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Run as a script, bench/ is on the path already; put it there for any other way in as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOST, bench_database, free_port, log, run_main, stop_process, tail, wait_ready
from read_throughput import prepare_database, start_hub

PAGE_SIZE = 20
# Pinned: the versions the figures in bench/README.md were taken with (postgraphile 5.1.5 and
# the peers it asks for; the `node` package brings the Node 22 binary).
NODE_VERSION = "22.23.3"
PEER_PACKAGES = {
    "node": NODE_VERSION,
    "postgraphile": "5.1.5",
    "@dataplan/json": "1.0.1",
    "@dataplan/pg": "1.1.2",
    "grafast": "1.1.3",
    "grafserv": "1.0.2",
    "graphile-build": "5.1.1",
    "graphile-build-pg": "5.1.4",
    "graphile-config": "1.1.1",
    "pg": "8.16.3",
    "pg-sql2": "5.0.1",
    "tamedevil": "0.1.1",
    "graphql": "16.11.0",
}
CACHE_ENV = "CRISIS_HUB_BENCH_CACHE"
NPM_TIMEOUT_S = 600
APT_TIMEOUT_S = 600
# wrk stops every request after this; a slower answer is counted as a timeout.
WRK_TIMEOUT = "10s"

# The hub: needs by urgency with organization, items and their category, and totalCount. Every
# verification state, as bench/read_throughput.py asks, so that all seeded needs match.
# `updatedSince` is the variable the unique mode varies: always decades before any need.
HUB_QUERY = (
    "query Bench($since: DateTime!) { needs(first: 20, orderBy: URGENCY, "
    "filter: {updatedSince: $since, verificationStatuses: [PENDING, IN_REVIEW, VERIFIED, "
    "NEEDS_CHANGES, REJECTED, EXPIRED]}) { TOTAL edges { cursor node { id urgency status "
    "region { province city } organization { id name kind region { city } } "
    "items { categoryCode name quantity unit category { code name } } } } } }"
)
# The peer: the equivalent shape in PostGraphile's generated schema (names checked by the
# first request). `$items` is the variable the unique mode varies: a need has at most 4 items.
PEER_QUERY = (
    'query Bench($items: Int!) { allEntries(first: 20, condition: {kind: "NEED"}) { TOTAL '
    "edges { cursor node { id urgency status province city "
    "organizationByOrganizationId { id name kind city } "
    "entryItemsByEntryId(first: $items) { nodes { categoryCode name quantity unit "
    "supplyCategoryByCategoryCode { code nameZh } } } } } } }"
)
# Cached mode's fixed values; unique mode draws them in Lua (see LUA_TEMPLATE).
HUB_FIXED = {"since": "2000-01-01T00:00:00Z"}
PEER_FIXED = {"items": 100}
# Values of the kind the Lua draws, checked once before the load.
HUB_SAMPLE = {"since": "1985-06-15T12:30:45.000017Z"}
PEER_SAMPLE = {"items": 617032}

# wrk's Lua: a POST of the JSON body; in unique mode a fresh value per request, spliced into the
# body between two halves computed in Python. done() prints the figures as one JSON line.
LUA_TEMPLATE = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
%(headers)s
local unique = %(unique)s
local head = %(head)s
local tail = %(tail)s
wrk.body = %(body)s
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  n = 0
end
-- Without request(), wrk sends the one prepared request: cached mode costs no Lua per request.
if unique then
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, head .. %(value)s .. tail)
  end
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""
# The unique values: a timestamp in 1970-1999 (hub), an item limit of 5 to 1,000,004 (peer);
# the thread id and a counter make clashes between requests rare.
HUB_LUA_VALUE = (
    'string.format("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", 1970 + math.random(0, 29), '
    "math.random(1, 12), math.random(1, 28), math.random(0, 23), math.random(0, 59), "
    "math.random(0, 59), (n * 8 + tid) % 1000000)"
)
PEER_LUA_VALUE = "tostring(4 + math.random(1, 1000000))"
MARK = "\u0000VALUE\u0000"
MODES = ("cached", "unique", "signed")


def lua_string(text: str) -> str:
    """A Lua long string holding `text` verbatim (no escapes are read inside one)."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def document(query: str, total_count: bool) -> str:
    """The query with or without totalCount."""
    return query.replace("TOTAL", "totalCount" if total_count else "")


def request_body(query: str, variables: dict[str, Any]) -> str:
    """The POST body for `query` with `variables`."""
    return json.dumps(
        {"query": query, "operationName": "Bench", "variables": variables}, ensure_ascii=False
    )


def write_lua(
    path: Path,
    query: str,
    fixed: dict[str, Any],
    unique: bool,
    value: str,
    headers: dict[str, str] | None = None,
) -> None:
    """wrk's script for one server and mode, sending `headers` as well."""
    (name,) = fixed
    quote = '"' if isinstance(fixed[name], str) else ""
    marked = request_body(query, {name: MARK})
    head, _, rest = marked.partition(json.dumps(MARK))
    path.write_text(
        LUA_TEMPLATE
        % {
            "unique": "true" if unique else "false",
            "head": lua_string(head + quote),
            "tail": lua_string(quote + rest),
            "body": lua_string(request_body(query, fixed)),
            "value": value,
            "headers": "\n".join(
                f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}"
                for k, v in (headers or {}).items()
            ),
        }
    )


# GET of one page, with what a browser sends; done() as in LUA_TEMPLATE.
PAGE_LUA = (
    """
wrk.method = "GET"
wrk.headers["Accept"] = "text/html"
wrk.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
"""
    + LUA_TEMPLATE[LUA_TEMPLATE.index("function done") :] % {}
)


# ---------------------------------------------------------------------------------------------
# The tools: wrk, Node 22 and PostGraphile
# ---------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian (apt-get, as root or with sudo) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    log("wrk is missing; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*prefix, "apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    # Fixed argument lists, no shell (S603) here and below.
    if subprocess.run(install, env=env, timeout=APT_TIMEOUT_S, check=False).returncode != 0:  # noqa: S603
        update = [*prefix, "apt-get", "update"]
        subprocess.run(update, env=env, timeout=APT_TIMEOUT_S, check=True)  # noqa: S603
        subprocess.run(install, env=env, timeout=APT_TIMEOUT_S, check=True)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is still missing after apt-get install wrk")
    return found


def peer_folder() -> Path:
    """Where Node 22 and PostGraphile are installed: a cache outside the repository."""
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "crisis-hub-bench"
    )
    return Path(base) / "peer"


def ensure_peer(folder: Path) -> Path:
    """Install the pinned packages into `folder` unless they are there; Node 22's path."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"name": "crisis-hub-bench-peer", "private": True, "dependencies": PEER_PACKAGES}
    wanted = json.dumps(manifest, indent=2) + "\n"
    package_json = folder / "package.json"
    node = folder / "node_modules" / "node" / "bin" / "node"
    cli = folder / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    current = package_json.read_text() if package_json.exists() else ""
    if current != wanted or not node.exists() or not cli.exists():
        log(f"installing Node {NODE_VERSION} and PostGraphile into {folder} with npm")
        package_json.write_text(wanted)
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("bench: npm is needed to install the peer (Node 22, PostGraphile)")
        subprocess.run(  # noqa: S603
            [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--foreground-scripts"],
            cwd=folder,
            timeout=NPM_TIMEOUT_S,
            check=True,
            stdout=sys.stderr,
        )
    version = subprocess.run(  # noqa: S603
        [str(node), "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.strip()
    if not version.startswith("v22."):
        raise SystemExit(f"bench: {node} is not Node 22 (it says {version or 'nothing'})")
    return node


PEER_CONFIG = """\
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.PEER_DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: Number(process.env.PEER_POOL_MAX) },
    }),
  ],
  grafserv: { host: "127.0.0.1", port: Number(process.env.PEER_PORT), graphiql: false },
  grafast: { explain: false },
};
"""


def start_peer(
    node: Path, folder: Path, dsn: str, port: int, pool_max: int, log_path: Path
) -> subprocess.Popen[bytes]:
    """Start PostGraphile (amber preset) on the public schema of `dsn` at 127.0.0.1:`port`."""
    config = folder / "graphile.config.mjs"
    config.write_text(PEER_CONFIG)
    cli = folder / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "PEER_DATABASE_URL": dsn,
        "PEER_PORT": str(port),
        "PEER_POOL_MAX": str(pool_max),
    }
    with log_path.open("ab") as log_file:
        return subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [str(node), str(cli), "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )


def wait_peer(process: subprocess.Popen[bytes], url: str, log_path: Path) -> float:
    """Poll the peer with `{__typename}` until it answers; return the seconds it took."""
    started = time.monotonic()
    deadline = started + 120
    with httpx.Client(timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"bench: PostGraphile exited early; its log:\n{tail(log_path)}")
            try:
                if client.post(url, json={"query": "{__typename}"}).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise SystemExit(f"bench: PostGraphile not ready after 120 s:\n{tail(log_path)}")


# ---------------------------------------------------------------------------------------------
# Checks and load
# ---------------------------------------------------------------------------------------------


def check_once(name: str, url: str, body: str, root: str, total_count: bool) -> int | None:
    """One request: HTTP 200, no errors, 20 nodes; SystemExit otherwise. Its totalCount."""
    response = httpx.post(
        url, content=body.encode(), headers={"Content-Type": "application/json"}, timeout=30
    )
    problem = None
    payload: dict[str, Any] = {}
    if response.status_code != 200:
        problem = f"HTTP {response.status_code}"
    else:
        payload = response.json()
        if payload.get("errors"):
            problem = f"errors: {json.dumps(payload['errors'], ensure_ascii=False)[:400]}"
        elif len(((payload.get("data") or {}).get(root) or {}).get("edges") or ()) != PAGE_SIZE:
            problem = f"not {PAGE_SIZE} nodes"
    if problem is not None:
        raise SystemExit(f"bench: {name} answered wrongly ({problem}): {response.text[:600]}")
    return payload["data"][root].get("totalCount") if total_count else None


# The web pages --pages drives: the home page, the needs list and the first need's page.
PAGES = ("home", "needs", "entry")


def page_paths(graphql_url: str) -> dict[str, str]:
    """The path of each page of PAGES (the entry: the first need of the default list)."""
    response = httpx.post(
        graphql_url, json={"query": "{ needs(first: 1) { edges { node { id } } } }"}, timeout=30
    )
    edges = response.json()["data"]["needs"]["edges"]
    if not edges:
        # The default list shows verified needs only; the seeder's mix has some.
        raise SystemExit("bench: no verified need to open a page of")
    return {"home": "/", "needs": "/needs", "entry": f"/entries/{edges[0]['node']['id']}"}


def check_page(url: str) -> None:
    """One GET: HTTP 200 and HTML; SystemExit otherwise."""
    response = httpx.get(url, headers={"Accept": "text/html"}, timeout=30)
    if response.status_code != 200 or "<html" not in response.text[:500].lower():
        raise SystemExit(
            f"bench: {url} answered HTTP {response.status_code}: {response.text[:300]}"
        )


async def reviewer_token(dsn: str) -> str:
    """A read-scoped API token of a new, approved reviewer (for the signed mode)."""
    from hub.domain.accounts import Role, TokenScope, Viewer
    from hub.services.accounts import create_api_token, create_user
    from hub.store.db import Database

    db = await Database.connect(dsn, min_size=1, max_size=2)
    try:
        made = await create_user(
            db, "bench-reviewer@example.org", "bench-reviewer", "bench-password-1", Role.REVIEWER,
            approved=True,
        )  # fmt: skip
        assert made.value is not None, made
        user = made.value
        viewer = Viewer(user.id, user.handle, user.role, user.approved)
        token = await create_api_token(db, viewer, "bench", TokenScope.READ)
        assert token.value is not None, token
        return token.value[0]
    finally:
        await db.close()


@dataclass(frozen=True)
class Run:
    """One timed wrk run of one server in one mode."""

    server: str
    mode: str
    round: int
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float


def run_wrk(
    wrk: str, url: str, script: Path, connections: int, threads: int, seconds: float
) -> dict[str, int]:
    """wrk against `url` with `script`; the figures its done() printed."""
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(script),
        url,
    ]
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        command, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line.removeprefix("WRKJSON "))
    raise SystemExit(f"bench: wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def timed_run(
    wrk: str,
    server: str,
    mode: str,
    number: int,
    url: str,
    script: Path,
    args: argparse.Namespace,
) -> Run:
    """A warm-up (not counted), then the timed wrk run."""
    if args.warmup > 0:
        run_wrk(wrk, url, script, args.connections, args.threads, args.warmup)
    figures = run_wrk(wrk, url, script, args.connections, args.threads, args.seconds)
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[key] for key in ("connect", "read", "write", "status", "timeout"))
    good = figures["requests"] - figures["status"]
    run = Run(
        server=server,
        mode=mode,
        round=number,
        requests=figures["requests"],
        errors=errors,
        seconds=round(seconds, 3),
        # Only answers with a 2xx status count as throughput.
        requests_per_second=round(good / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(figures["p50_us"] / 1000, 1),
        p90_ms=round(figures["p90_us"] / 1000, 1),
        p99_ms=round(figures["p99_us"] / 1000, 1),
        max_ms=round(figures["max_us"] / 1000, 1),
    )
    log(
        f"{mode:6} round {number} {server:4}: {run.requests_per_second:8.1f} requests/s, "
        f"p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, {errors} errors"
    )
    return run


@dataclass(frozen=True)
class Summary:
    """One server in one mode: the median over the rounds."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class Report:
    """The figures the benchmark prints."""

    modes: dict[str, dict[str, Any]]
    runs: list[Run]
    connections: int
    threads: int
    seconds: float
    warmup_seconds: float
    rounds: int
    total_count: bool
    needs: int
    items: int
    organizations: int
    database: str
    pool_max: int
    versions: dict[str, str]
    cores: int | None
    hub_workers: int
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report as a few aligned lines."""
        lines = [
            "Crisis Hub needs(first: 20) against PostGraphile allEntries(first: 20), wrk",
            f"  load          {self.connections} connections, {self.threads} wrk threads, "
            f"{self.seconds:g} s per run after {self.warmup_seconds:g} s warm-up, "
            f"{self.rounds} round(s) alternating hub and peer; totalCount "
            f"{'selected' if self.total_count else 'not selected'}",
            f"  data          {self.needs} needs, {self.items} items, "
            f"{self.organizations} organizations; {self.database}, pool max {self.pool_max} each",
            "  versions      " + ", ".join(f"{k} {v}" for k, v in self.versions.items()),
            f"  cores         {self.cores} (wrk, hub, peer and PostgreSQL share them); hub "
            f"processes: {self.hub_workers or 'one per core'}, PostGraphile: one Node process",
            "",
            f"  {'mode':8}{'server':8}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}",
        ]
        for mode, entry in self.modes.items():
            for server in ("hub", "peer"):
                s = entry[server]
                lines.append(
                    f"  {mode:8}{server:8}{s['requests_per_second']:12.1f}{s['p50_ms']:10.1f}"
                    f"{s['p99_ms']:10.1f}{s['errors']:8d}"
                )
            r = entry["ratios"]
            lines.append(
                f"  {mode:8}{'hub/peer':8}{r['requests_per_second']:12.2f}{r['p50_ms']:10.2f}"
                f"{r['p99_ms']:10.2f}"
            )
        for name, page in self.pages.items():
            lines.append(
                f"  {'page':8}{name:8}{page['requests_per_second']:12.1f}{page['p50_ms']:10.1f}"
                f"{page['p99_ms']:10.1f}{page['errors']:8d}"
            )
        lines.extend(f"  note          {note}" for note in self.notes)
        return "\n".join(lines)


def summarise(runs: list[Run]) -> Summary:
    """The median over rounds of each figure, and all errors."""
    return Summary(
        requests_per_second=round(statistics.median(r.requests_per_second for r in runs), 1),
        p50_ms=round(statistics.median(r.p50_ms for r in runs), 1),
        p99_ms=round(statistics.median(r.p99_ms for r in runs), 1),
        errors=sum(r.errors for r in runs),
    )


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="The hub's needs query against PostGraphile 5 on the same database, by wrk."
    )
    parser.add_argument("--needs", type=int, default=10_000, help="needs to seed (10000)")
    parser.add_argument(
        "--organizations", type=int, default=300, help="organizations to seed (300)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per run (15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per run (3)")
    parser.add_argument("--rounds", type=int, default=2, help="hub/peer alternations (2)")
    parser.add_argument(
        "--modes",
        default="cached,unique,signed",
        help="comma-separated: cached, unique, signed (all three)",
    )
    parser.add_argument(
        "--pages", action="store_true", help="also drive the web pages (home, needs, one need)"
    )
    parser.add_argument(
        "--hub-workers", type=int, default=0, help="hub server processes (0: one per core)"
    )
    parser.add_argument(
        "--no-total-count", action="store_true", help="leave totalCount out of both queries"
    )
    parser.add_argument(
        "--pool-max", type=int, default=10, help="database pool of hub and peer each (10)"
    )
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.needs < PAGE_SIZE or args.organizations < 1:
        parser.error(f"--needs must be at least {PAGE_SIZE} and --organizations at least 1")
    if not 1 <= args.connections <= 1000 or not 1 <= args.threads <= args.connections:
        parser.error("--connections must be 1 to 1000, --threads 1 to --connections")
    if args.seconds < 1 or args.warmup < 0 or args.rounds < 1:
        parser.error("--seconds must be at least 1, --warmup not negative, --rounds positive")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--modes takes some of {', '.join(MODES)}")
    if args.hub_workers < 0:
        parser.error("--hub-workers must not be negative")
    args.modes = list(dict.fromkeys(modes))


def run(args: argparse.Namespace) -> Report:
    """Install the tools, set up database, hub and peer, alternate wrk runs; the figures."""
    wrk = ensure_wrk()
    folder = peer_folder()
    node = ensure_peer(folder)
    total_count = not args.no_total_count
    hub_query = document(HUB_QUERY, total_count)
    peer_query = document(PEER_QUERY, total_count)
    runs: list[Run] = []
    with bench_database("hub-peer-bench-") as database:
        log(f"migrating and seeding {args.needs} needs")
        facts = asyncio.run(
            prepare_database(database.dsn, args.needs, args.organizations, args.seed)
        )
        hub_port, peer_port = free_port(), free_port()
        hub_url = f"http://{HOST}:{hub_port}/graphql"
        peer_url = f"http://{HOST}:{peer_port}/graphql"
        hub_log = database.workdir / "hub-serve.log"
        peer_log = database.workdir / "postgraphile.log"
        os.environ["HUB_DB_POOL_MAX"] = str(args.pool_max)
        if args.hub_workers:
            os.environ["HUB_WORKERS"] = str(args.hub_workers)
        token = asyncio.run(reviewer_token(database.dsn)) if "signed" in args.modes else ""
        hub = start_hub(database.dsn, hub_port, hub_log)
        peer: subprocess.Popen[bytes] | None = None
        try:
            peer = start_peer(node, folder, database.dsn, peer_port, args.pool_max, peer_log)
            hub_ready = wait_ready(hub, f"http://{HOST}:{hub_port}", hub_log)
            peer_ready = wait_peer(peer, peer_url, peer_log)
            log(f"hub ready in {hub_ready:.1f} s, PostGraphile in {peer_ready:.1f} s")
            hub_total = check_once(
                "the hub", hub_url, request_body(hub_query, HUB_FIXED), "needs", total_count
            )
            peer_total = check_once(
                "PostGraphile",
                peer_url,
                request_body(peer_query, PEER_FIXED),
                "allEntries",
                total_count,
            )
            if hub_total != peer_total:
                raise SystemExit(f"bench: totalCount differs: hub {hub_total}, peer {peer_total}")
            # A value of the kind unique mode sends must give the same page.
            check_once("the hub", hub_url, request_body(hub_query, HUB_SAMPLE), "needs", False)
            check_once(
                "PostGraphile",
                peer_url,
                request_body(peer_query, PEER_SAMPLE),
                "allEntries",
                False,
            )
            with tempfile.TemporaryDirectory(prefix="hub-peer-wrk-") as scripts:
                for mode in args.modes:
                    unique = mode == "unique"
                    hub_lua = Path(scripts) / f"hub-{mode}.lua"
                    peer_lua = Path(scripts) / f"peer-{mode}.lua"
                    signed = {"Authorization": f"Bearer {token}"} if mode == "signed" else {}
                    write_lua(hub_lua, hub_query, HUB_FIXED, unique, HUB_LUA_VALUE, signed)
                    write_lua(peer_lua, peer_query, PEER_FIXED, unique, PEER_LUA_VALUE)
                    for number in range(1, args.rounds + 1):
                        runs.append(timed_run(wrk, "hub", mode, number, hub_url, hub_lua, args))
                        runs.append(timed_run(wrk, "peer", mode, number, peer_url, peer_lua, args))
                if args.pages:
                    page_lua = Path(scripts) / "page.lua"
                    page_lua.write_text(PAGE_LUA)
                    base = f"http://{HOST}:{hub_port}"
                    for name, path in page_paths(hub_url).items():
                        check_page(base + path)
                        for number in range(1, args.rounds + 1):
                            runs.append(
                                timed_run(wrk, "hub", name, number, base + path, page_lua, args)
                            )
            # Still alive and well after the load: a crash would make the figures meaningless.
            check_once("the hub", hub_url, request_body(hub_query, HUB_FIXED), "needs", False)
            check_once(
                "PostGraphile",
                peer_url,
                request_body(peer_query, PEER_FIXED),
                "allEntries",
                False,
            )
        finally:
            if peer is not None:
                stop_process(peer)
            stop_process(hub)

    pages: dict[str, dict[str, Any]] = {}
    for name in PAGES if args.pages else ():
        pages[name] = asdict(summarise([r for r in runs if r.mode == name]))
    modes: dict[str, dict[str, Any]] = {}
    for mode in args.modes:
        hub_s = summarise([r for r in runs if r.mode == mode and r.server == "hub"])
        peer_s = summarise([r for r in runs if r.mode == mode and r.server == "peer"])
        modes[mode] = {
            "hub": asdict(hub_s),
            "peer": asdict(peer_s),
            "ratios": {
                "requests_per_second": _ratio(
                    hub_s.requests_per_second, peer_s.requests_per_second
                ),
                "p50_ms": _ratio(hub_s.p50_ms, peer_s.p50_ms),
                "p99_ms": _ratio(hub_s.p99_ms, peer_s.p99_ms),
            },
        }
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright ...": the second word.
    wrk_words = subprocess.run(  # noqa: S603
        [wrk, "-v"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.split()
    wrk_version = wrk_words[1] if len(wrk_words) > 1 else "unknown"
    return Report(
        modes=modes,
        runs=runs,
        connections=args.connections,
        threads=args.threads,
        seconds=args.seconds,
        warmup_seconds=args.warmup,
        rounds=args.rounds,
        total_count=total_count,
        needs=facts["needs"],
        items=facts["items"],
        organizations=facts["organizations"],
        database="external" if database.external else "embedded, fsync off",
        pool_max=args.pool_max,
        versions={
            "Python": platform.python_version(),
            "PostgreSQL": str(facts["postgresql"]),
            "Node": NODE_VERSION,
            "PostGraphile": PEER_PACKAGES["postgraphile"],
            "wrk": wrk_version,
        },
        cores=os.cpu_count(),
        hub_workers=args.hub_workers,
        pages=pages,
        notes=[
            "figures are medians over the rounds; ratios are hub/peer "
            "(requests/s above 1 and latency below 1 favour the hub)",
            "signed mode: the hub's requests carry a reviewer's bearer token; the peer's are "
            "its cached-mode requests (it has no accounts here)",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse options, run, print the report."""
    return run_main(build_parser(), _check_args, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
