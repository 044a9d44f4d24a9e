"""What the benchmarks share: the throw-away database, the hub processes, figures and reports.

The scripts in bench/ import this module as `common` (bench/ is the first entry of sys.path when
one of them runs as `.venv/bin/python bench/<name>.py`; each script also puts it there itself).
Nothing here measures anything: it starts, stops, migrates, logs and prints.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import Field, asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import asyncpg
import httpx

from hub.embedded import EmbeddedPostgres
from hub.store.migrate import migrate

HOST = "127.0.0.1"
# Generous but finite: a hub that is not ready by then is broken, not slow.
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0
# Names a database of one's own; without it the benchmarks start an embedded one.
DATABASE_ENV = "HUB_BENCH_DATABASE_URL"

# ---------------------------------------------------------------------------------------------
# Progress and processes
# ---------------------------------------------------------------------------------------------
# The checkout this bench belongs to.
REPOSITORY = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    """A line of progress on stderr (so that `--json` leaves stdout to the one JSON object)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log file, or "(no log)" when it cannot be read."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# A benchmark is one client at 127.0.0.1 sending as fast as it can: exactly what the rate limits
# and the per-client WebSocket cap stop (issue 14). They measure the hub, not its defences.
UNLIMITED = {"HUB_RATE_LIMITS": "off", "HUB_LIVE_MAX_SOCKETS_PER_CLIENT": "1000000"}


def spawn_hub(port: int, log_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start `hub serve` on 127.0.0.1:`port` with `env` added to this process's environment.

    Its output goes to `log_path`, and it runs in the folder of that log.
    """
    with log_path.open("ab") as log_file:
        return subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [sys.executable, "-m", "hub.cli", "serve", "--host", HOST, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # This checkout's hub, not whichever one the venv was installed from (a worktree).
            env={**os.environ, "PYTHONPATH": str(REPOSITORY), **UNLIMITED, **env},
            cwd=log_path.parent,
        )


def wait_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> float:
    """Poll GET /readyz until it answers 200; return the seconds it took."""
    started = time.monotonic()
    deadline = started + READY_TIMEOUT_S
    with httpx.Client(base_url=base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"bench: hub serve exited early; its log:\n{tail(log_path)}")
            try:
                if client.get("/readyz").status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(0.1)
    raise SystemExit(f"bench: hub not ready after {READY_TIMEOUT_S:.0f} s:\n{tail(log_path)}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (graceful shutdown), then SIGKILL if it has not exited in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ---------------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDatabase:
    """The database a run uses and the throw-away folder that run may put files in."""

    dsn: str
    workdir: Path
    # True when HUB_BENCH_DATABASE_URL named it, False for the embedded one.
    external: bool


@contextmanager
def bench_database(prefix: str) -> Iterator[BenchDatabase]:
    """A fresh temporary folder and a database: the embedded PostgreSQL (fsync off) in that
    folder, or the one of HUB_BENCH_DATABASE_URL. Both are gone again on exit."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    # As root the servers run as other users, who must be able to enter the folder.
    workdir.chmod(0o755)
    external = os.environ.get(DATABASE_ENV) or None
    embedded: EmbeddedPostgres | None = None
    try:
        if external is None:
            log(f"starting the embedded PostgreSQL in {workdir}")
            embedded = EmbeddedPostgres(workdir, durable=False)
            dsn = embedded.start()
        else:
            log(f"using the database of {DATABASE_ENV}")
            dsn = external
        yield BenchDatabase(dsn, workdir, external is not None)
    finally:
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def migrate_dsn(dsn: str) -> None:
    """Apply the migrations to the database at `dsn`."""
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
    finally:
        await conn.close()


async def migrate_empty(conn: asyncpg.Connection) -> None:
    """Apply the migrations, and refuse (SystemExit) a database that already holds entries."""
    await migrate(conn)
    existing = await conn.fetchval("SELECT count(*) FROM entry")
    if existing:
        raise SystemExit(
            f"bench: the database already holds {existing} entries; the benchmark seeds its "
            f"own data and needs an empty database (unset {DATABASE_ENV} to use a "
            "throw-away embedded one)"
        )


@dataclass(frozen=True)
class Category:
    """A supply category as read from the database (the taxonomy of the migrations)."""

    code: str
    group: str
    name: str
    unit: str
    standards: tuple[str, ...]


async def fetch_categories(conn: asyncpg.Connection) -> list[Category]:
    """The supply categories that are not deprecated, by group and sort order."""
    rows = await conn.fetch(
        """
        SELECT code, group_code, name_zh, default_unit, standards FROM supply_category
        WHERE NOT deprecated ORDER BY group_code, sort_order
        """
    )
    return [
        Category(r["code"], r["group_code"], r["name_zh"], r["default_unit"], tuple(r["standards"]))
        for r in rows
    ]


async def copy_and_analyze(
    conn: asyncpg.Connection,
    tables: Iterable[tuple[str, Sequence[tuple[Any, ...]], Sequence[str]]],
) -> None:
    """COPY (table, records, columns) in one transaction, then VACUUM (ANALYZE).

    One transaction: an interrupted seed leaves nothing behind. ANALYZE: the planner sees the
    rows just loaded and not an empty table. VACUUM: the visibility map is set, as autovacuum
    sets it soon after such a load, so index-only scans (counts) are measured as they will run.
    """
    async with conn.transaction():
        for table, records, columns in tables:
            await conn.copy_records_to_table(table, records=records, columns=columns)
    await conn.execute("VACUUM (ANALYZE)")


# ---------------------------------------------------------------------------------------------
# Figures and reports
# ---------------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class TextReport(Protocol):
    """A report dataclass that can also render itself as text."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def text(self) -> str:
        """The report as aligned lines."""
        ...


def print_report(report: TextReport, as_json: bool) -> None:
    """Print `report` as one JSON object or as its text."""
    if as_json:
        print(json.dumps(asdict(report), ensure_ascii=False))
    else:
        print(report.text())


def run_main(
    parser: argparse.ArgumentParser,
    check: Callable[[argparse.ArgumentParser, argparse.Namespace], None],
    run: Callable[[argparse.Namespace], TextReport],
    argv: list[str] | None,
) -> int:
    """Parse and check the options, run, print the report; the exit status."""
    args = parser.parse_args(argv)
    check(parser, args)
    print_report(run(args), args.json)
    return 0


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
