"""Write throughput: `submitNeed` from concurrent clients, and a 100,000-row `hub import`.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations, seeds needs in Hubei with
read_throughput's seeder (so that the duplicate scan of every submission has recent needs in
its province to compare with), starts `hub serve` and drives `submitNeed` with wrk: every
request is a new need with a new hospital, its name and address drawn in Lua, so no two
requests are alike. Then, against the same database:

- a planted duplicate pair: two submissions of the same need, sent at the same moment, must be
  flagged as likely duplicates of each other;
- `hub audit verify` must find the chain intact;
- `hub import` of a generated CSV (default 100,000 rows, a few rows per need, in the Chinese
  headers of a volunteers' sheet) is timed as a subprocess: rows per second.

Anonymous submissions are not rate-limited (hub/settings.py has limits for revealing contacts
and sending messages only), so nothing is raised for the run; the report says so.

Run it from the repository root:

    .venv/bin/python bench/write_throughput.py              # 8 connections, 15 s, 100,000 rows
    .venv/bin/python bench/write_throughput.py --json

Only 127.0.0.1 is contacted (apart from apt-get when wrk is missing), and every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    HOST,
    bench_database,
    copy_and_analyze,
    fetch_categories,
    free_port,
    log,
    migrate_empty,
    run_main,
    spawn_hub,
    stop_process,
    wait_ready,
)
from peer import ensure_wrk, lua_string
from read_throughput import (
    CITIES,
    CONTACT_COLUMNS,
    ENTRY_COLUMNS,
    ITEM_COLUMNS,
    ORG_COLUMNS,
    build_seed,
)

DEFAULT_POOL_MAX = 10
# The hub processes run this checkout's code, not whatever `hub` the virtualenv would import.
ROOT = Path(__file__).resolve().parent.parent
WRK_TIMEOUT = "10s"
MUTATION = (
    "mutation Submit($input: SubmitNeedInput!) { submitNeed(input: $input) { "
    "need { id status } editToken userErrors { field code } } }"
)
MARK = "@@TAG@@"


def need_input(name: str, address: str) -> dict[str, Any]:
    """A need with a new hospital: two items, a protected contact, a source."""
    return {
        "organization": {
            "name": name,
            "kind": "HOSPITAL",
            "region": {"province": "湖北省", "city": "武汉市", "district": "武昌区"},
            "address": address,
            "contacts": [{"name": "医务科", "phone": "027-87654321", "visibility": "PUBLIC"}],
        },
        "region": {"province": "湖北省", "city": "武汉市", "district": "武昌区"},
        "address": address,
        "urgency": "CRITICAL",
        "items": [
            {
                "categoryCode": "face.medical_respirator",
                "name": "医用防护口罩 N95",
                "spec": "GB 19083-2010",
                "quantity": 5000,
                "unit": "ITEM",
            },
            {
                "categoryCode": "body.protective_coverall",
                "name": "医用防护服",
                "quantityUnknown": True,
                "unit": "GARMENT",
            },
        ],
        "contacts": [{"name": "王小明", "phone": "13800001234", "visibility": "PROTECTED"}],
        "notes": "急需，越多越好",
        "source": {"url": "https://weibo.example.cn/post/1", "note": "医院官方微博"},
    }


def request_body(name: str, address: str) -> str:
    """The POST body of one submission."""
    return json.dumps(
        {
            "query": MUTATION,
            "operationName": "Submit",
            "variables": {"input": need_input(name, address)},
        },
        ensure_ascii=False,
    )


# wrk's Lua: every request a fresh random tag, spliced into the hospital's name and into both
# addresses (so that no two requests look like duplicates of each other); done() prints the
# figures as one JSON line.
LUA_TEMPLATE = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local parts = %(parts)s
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  n = 0
end
local letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
local function tag()
  local out = {}
  for i = 1, 12 do
    local k = math.random(1, #letters)
    out[i] = letters:sub(k, k)
  end
  return table.concat(out) .. tid .. "x" .. n
end
function request()
  n = n + 1
  local t = tag()
  return wrk.format(nil, nil, nil, table.concat(parts, t))
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


def write_lua(path: Path) -> None:
    """wrk's script: the body cut at each place the random tag goes."""
    body = request_body(f"{MARK}医院", f"{MARK}路{MARK}号")
    pieces = body.split(MARK)
    path.write_text(LUA_TEMPLATE % {"parts": "{" + ", ".join(lua_string(p) for p in pieces) + "}"})


def run_wrk(wrk: str, url: str, script: Path, connections: int, seconds: float) -> dict[str, int]:
    """wrk against `url`; the figures its done() printed."""
    command = [
        wrk,
        f"-t{min(2, connections)}",
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
            figures: dict[str, int] = json.loads(line.removeprefix("WRKJSON "))
            return figures
    raise SystemExit(f"bench: wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


# ---------------------------------------------------------------------------------------------
# Database facts
# ---------------------------------------------------------------------------------------------


async def _fetchval(dsn: str, sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def count_entries(dsn: str) -> int:
    """Entries in the database now."""
    return int(asyncio.run(_fetchval(dsn, "SELECT count(*) FROM entry")))


async def seed(dsn: str, needs: int, organizations: int, seed_value: int) -> dict[str, Any]:
    """Migrate and seed recent needs in Hubei (read_throughput's seeder)."""
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_empty(conn)
        categories = await fetch_categories(conn)
        rows = build_seed(
            random.Random(seed_value), categories, needs, organizations, datetime.now(UTC)
        )
        await copy_and_analyze(
            conn,
            (
                ("organization", rows.organizations, ORG_COLUMNS),
                ("entry", rows.entries, ENTRY_COLUMNS),
                ("entry_item", rows.items, ITEM_COLUMNS),
                ("contact", rows.contacts, CONTACT_COLUMNS),
            ),
        )
        return {"postgresql": await conn.fetchval("SHOW server_version"), "needs": needs}
    finally:
        await conn.close()


async def planted_duplicates(base_url: str, dsn: str) -> bool:
    """Send one need twice at the same moment; whether the hub flagged the pair."""
    tag = f"{random.getrandbits(40):x}"
    body = json.loads(request_body(f"武汉市汉阳区第{tag}医院", f"汉阳区鹦鹉大道{tag}号"))
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        answers = await asyncio.gather(
            client.post("/graphql", json=body), client.post("/graphql", json=body)
        )
    ids = []
    for answer in answers:
        payload = answer.json()["data"]["submitNeed"]
        if payload["userErrors"]:
            raise SystemExit(f"bench: the planted need was refused: {payload['userErrors']}")
        ids.append(payload["need"]["id"])
    conn = await asyncpg.connect(dsn)
    try:
        # Global ids are opaque to the bench: the pair is found by the hospital's name.
        found = await conn.fetchval(
            """
            SELECT count(*) FROM entry_duplicate d
            JOIN entry a ON a.id = d.entry_id JOIN entry b ON b.id = d.duplicate_of
            JOIN organization oa ON oa.id = a.organization_id
            JOIN organization ob ON ob.id = b.organization_id
            WHERE oa.name = $1 AND ob.name = $1
            """,
            f"武汉市汉阳区第{tag}医院",
        )
    finally:
        await conn.close()
    return bool(found)


def hub_command(dsn: str, *args: str, timeout: float = 3600) -> tuple[int, str, float]:
    """Run `python -m hub.cli ARGS` against `dsn`; exit code, output, seconds."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [sys.executable, "-m", "hub.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "HUB_DATABASE_URL": dsn, "PYTHONPATH": str(ROOT)},
    )
    return result.returncode, result.stdout + result.stderr, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# The import file
# ---------------------------------------------------------------------------------------------

IMPORT_HEADER = (
    "医院名称", "省份", "城市", "详细地址", "需求物资", "规格", "需求数量", "紧急程度",
    "联系人", "联系电话", "来源", "更新时间", "备注",
)  # fmt: skip
IMPORT_ITEMS = (
    ("N95口罩", "GB 19083-2010", "1万"),
    ("医用外科口罩", "", "2000个"),
    ("防护服", "", "500件"),
    ("护目镜", "", "300个"),
    ("医用手套", "", "1000双"),
    ("84消毒液", "", "100瓶"),
)
URGENCY_WORDS = ("特别紧急", "紧急", "一般")


def write_import_csv(path: Path, rows: int, rng: random.Random) -> int:
    """A volunteers' sheet of `rows` rows: 1 to 3 item rows per hospital; the entries it holds."""
    entries = 0
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(IMPORT_HEADER)
        while written < rows:
            entries += 1
            city = rng.choice(CITIES)
            district, _ = rng.choice(city.districts)
            name = f"{city.name}{district}第{entries}医院"
            address = f"{district}建设路{rng.randint(1, 99999)}号{entries}栋"
            urgency = rng.choice(URGENCY_WORDS)
            phone = f"138{rng.randint(0, 99_999_999):08d}"
            items = rng.sample(IMPORT_ITEMS, min(rng.randint(1, 3), rows - written))
            for item, spec, quantity in items:
                out.writerow(
                    (
                        name, "湖北", city.name.removesuffix("市"), address, item, spec,
                        quantity, urgency, "张医生", phone, "医院官方微博", "2020/1/28", "",
                    )
                )  # fmt: skip
                written += 1
    return entries


# ---------------------------------------------------------------------------------------------
# Report and main
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The figures the benchmark prints."""

    submit_requests: int
    submit_errors: int
    submit_entries_written: int
    submit_requests_per_second: float
    submit_p50_ms: float
    submit_p90_ms: float
    submit_p99_ms: float
    submit_max_ms: float
    submit_seconds: float
    connections: int
    duplicate_pair_found: bool
    audit_verify: str
    import_rows: int
    import_entries: int
    import_seconds: float
    import_rows_per_second: float
    import_exit: int
    seeded_needs: int
    hub_db_pool_max: int
    hub_workers: int
    database: str
    python: str
    postgresql: str
    cores: int | None

    def text(self) -> str:
        """The report as a few aligned lines."""
        return "\n".join(
            [
                "Crisis Hub write throughput",
                f"  submitNeed    {self.submit_requests_per_second:.1f} requests/s, "
                f"{self.connections} wrk connections, {self.submit_seconds:.1f} s",
                f"  latency ms    p50 {self.submit_p50_ms:.1f}  p90 {self.submit_p90_ms:.1f}  "
                f"p99 {self.submit_p99_ms:.1f}  max {self.submit_max_ms:.1f}",
                f"  requests      {self.submit_requests}, errors {self.submit_errors}, "
                f"entries written {self.submit_entries_written}",
                "  rate limits   none apply to submitNeed (hub/settings.py limits reveals and "
                "messages only); nothing raised",
                f"  duplicates    planted concurrent pair found: {self.duplicate_pair_found}",
                f"  audit verify  {self.audit_verify}",
                f"  hub import    {self.import_rows} rows ({self.import_entries} needs) in "
                f"{self.import_seconds:.1f} s: {self.import_rows_per_second:.0f} rows/s "
                f"(exit {self.import_exit})",
                f"  data          {self.seeded_needs} needs seeded in Hubei first",
                f"  hub           {self.hub_workers or 'one per core'} server process(es), "
                f"database pool max {self.hub_db_pool_max} each",
                f"  versions      Python {self.python}, PostgreSQL {self.postgresql} "
                f"({self.database})",
                f"  cores         {self.cores} (wrk, hub and PostgreSQL share them)",
            ]
        )


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(description="Measure submitNeed and hub import throughput.")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument(
        "--hub-workers", type=int, default=0, help="hub server processes (0: one per core)"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="timed duration (15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds (3)")
    parser.add_argument("--needs", type=int, default=10_000, help="needs to seed first (10000)")
    # 99,999 rows and the header: the 100,000 lines hub import reads at most (MAX_ROWS).
    parser.add_argument("--import-rows", type=int, default=99_999, help="CSV rows (99999)")
    parser.add_argument("--skip-submit", action="store_true", help="only the import")
    parser.add_argument("--skip-import", action="store_true", help="only submitNeed")
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 1 <= args.connections <= 1000:
        parser.error("--connections must be between 1 and 1000")
    if args.seconds <= 0 or args.warmup < 0 or args.import_rows < 1 or args.needs < 1:
        parser.error("--seconds, --import-rows and --needs must be positive")


def run(args: argparse.Namespace) -> Report:
    """Set up database and hub, submit, check, import; tear everything down; the figures."""
    wrk = ensure_wrk()
    submit: dict[str, Any] = {
        "requests": 0, "errors": 0, "written": 0, "rps": 0.0, "seconds": 0.0,
        "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0,
    }  # fmt: skip
    found = False
    with bench_database("hub-bench-writes-") as database:
        dsn, workdir = database.dsn, database.workdir
        log(f"migrating and seeding {args.needs} needs")
        facts = asyncio.run(seed(dsn, args.needs, 300, args.seed))
        if not args.skip_submit:
            port = free_port()
            base_url = f"http://{HOST}:{port}"
            log_path = workdir / "hub-serve.log"
            env = {"HUB_DATABASE_URL": dsn, "HUB_HOST": HOST, "PYTHONPATH": str(ROOT)}
            if args.hub_workers:
                env["HUB_WORKERS"] = str(args.hub_workers)
            hub = spawn_hub(port, log_path, env)
            try:
                wait_ready(hub, base_url, log_path)
                script = workdir / "submit.lua"
                write_lua(script)
                url = f"{base_url}/graphql"
                if args.warmup > 0:
                    log(f"warm-up {args.warmup:g} s")
                    run_wrk(wrk, url, script, args.connections, args.warmup)
                before = count_entries(dsn)
                log(f"submitNeed: {args.connections} connections for {args.seconds:g} s")
                figures = run_wrk(wrk, url, script, args.connections, args.seconds)
                written = count_entries(dsn) - before
                seconds = figures["duration_us"] / 1e6
                errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
                submit = {
                    "requests": figures["requests"],
                    # A 200 that carries userErrors writes nothing: count what was written.
                    "errors": errors + max(0, figures["requests"] - errors - written),
                    "written": written,
                    "rps": round(written / seconds, 1) if seconds else 0.0,
                    "seconds": round(seconds, 2),
                    "p50": figures["p50_us"] / 1000,
                    "p90": figures["p90_us"] / 1000,
                    "p99": figures["p99_us"] / 1000,
                    "max": figures["max_us"] / 1000,
                }
                log(
                    f"submitNeed: {submit['rps']} requests/s, p50 {submit['p50']:.1f} ms, "
                    f"p99 {submit['p99']:.1f} ms"
                )
                found = asyncio.run(planted_duplicates(base_url, dsn))
                log(f"planted duplicate pair found: {found}")
            finally:
                stop_process(hub)
        import_facts = {"rows": 0, "entries": 0, "seconds": 0.0, "rps": 0.0, "exit": -1}
        if not args.skip_import:
            with tempfile.TemporaryDirectory(prefix="hub-bench-import-") as folder:
                path = Path(folder) / "needs.csv"
                entries = write_import_csv(path, args.import_rows, random.Random(args.seed))
                log(f"hub import of {args.import_rows} rows ({entries} needs)")
                before = count_entries(dsn)
                code, output, seconds = hub_command(
                    dsn, "import", str(path), "--kind", "needs", "--source", "bench"
                )
                imported = count_entries(dsn) - before
                if code != 0 or imported != entries:
                    log(
                        f"hub import exited {code}, {imported} of {entries} needs:\n"
                        f"{output[-2000:]}"
                    )
                import_facts = {
                    "rows": args.import_rows,
                    "entries": imported,
                    "seconds": round(seconds, 2),
                    "rps": round(args.import_rows / seconds, 1),
                    "exit": code,
                }
                log(f"hub import: {import_facts['rps']} rows/s")
        code, output, _ = hub_command(dsn, "audit", "verify", timeout=600)
        verdict = output.strip().splitlines()[-1] if output.strip() else f"exit {code}"
        log(f"hub audit verify: {verdict}")
    return Report(
        submit_requests=submit["requests"],
        submit_errors=submit["errors"],
        submit_entries_written=submit["written"],
        submit_requests_per_second=submit["rps"],
        submit_p50_ms=round(submit["p50"], 1),
        submit_p90_ms=round(submit["p90"], 1),
        submit_p99_ms=round(submit["p99"], 1),
        submit_max_ms=round(submit["max"], 1),
        submit_seconds=submit["seconds"],
        connections=args.connections,
        duplicate_pair_found=found,
        audit_verify=verdict if code == 0 else f"FAILED: {verdict}",
        import_rows=import_facts["rows"],
        import_entries=import_facts["entries"],
        import_seconds=import_facts["seconds"],
        import_rows_per_second=import_facts["rps"],
        import_exit=import_facts["exit"],
        seeded_needs=facts["needs"],
        hub_db_pool_max=int(os.environ.get("HUB_DB_POOL_MAX") or DEFAULT_POOL_MAX),
        hub_workers=args.hub_workers,
        database="external" if database.external else "embedded, fsync off",
        python=platform.python_version(),
        postgresql=facts["postgresql"],
        cores=os.cpu_count(),
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse options, run, print the report."""
    return run_main(build_parser(), _check_args, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
