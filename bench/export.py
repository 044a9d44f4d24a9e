"""Streaming an open data export over real HTTP: rows per second and the hub's memory.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), seeds it with the needs of bench/read_throughput.py (50,000 by
default, with 1-4 items each), starts `hub serve` as a subprocess on a free loopback port, and
downloads `GET /export/needs.csv` (or `.json`, `.hxl.csv`) once with httpx, reading the body
as it arrives. Every verification state and status is asked for, so that the whole table is
exported. While the download runs it samples the hub process's resident memory from /proc; it
prints rows, bytes, rows per second, time to the first byte and the hub's peak RSS growth over
its resident size before the download. It never passes or fails on a figure.

Run it from the repository root:

    .venv/bin/python bench/export.py                      # 50,000 needs as CSV
    .venv/bin/python bench/export.py --format json        # the same as JSON
    .venv/bin/python bench/export.py --needs 5000 --json  # smaller, one JSON object

Only 127.0.0.1 is contacted. The download is one request, bounded by a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

# Run as a script, bench/ is on the path already; put it there for any other way in as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOST, bench_database, free_port, log, run_main, stop_process, wait_ready
from read_throughput import prepare_database, start_hub

FILTER = {
    "verification": "PENDING,IN_REVIEW,VERIFIED,NEEDS_CHANGES,EXPIRED",
    "status": "OPEN,PARTIALLY_FULFILLED,FULFILLED,CLOSED",
}
# A 50,000-need export takes seconds; this only stops a hung one.
DOWNLOAD_TIMEOUT_S = 600.0
# How often the hub's memory is sampled during the download.
SAMPLE_EVERY_S = 0.05
# Before it: steady means SETTLE_SAMPLES samples in a row within SETTLE_KIB of each other.
SETTLE_EVERY_S = 0.2
SETTLE_SAMPLES = 10
SETTLE_KIB = 512


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of process `pid` from /proc (KiB): VmRSS now or VmHWM, its peak."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"bench: no {field} for process {pid} (is this Linux?)")


@dataclass(frozen=True)
class Download:
    """What one download measured."""

    rows: int
    bytes: int
    seconds: float
    first_byte_seconds: float
    chunks: int
    rss_before_kib: int
    rss_peak_kib: int
    # The highest sample in the first and in the second half of the download: equal when
    # memory stays flat however many rows have gone through.
    rss_first_half_kib: int
    rss_second_half_kib: int


def settle(pid: int, timeout_s: float = 30.0) -> int:
    """Wait until the hub's resident size stops moving (it loads jieba's dictionary in the
    background after it is ready), at most `timeout_s`; return it (KiB)."""
    deadline = time.monotonic() + timeout_s
    last = rss_kib(pid)
    steady = 0
    while steady < SETTLE_SAMPLES and time.monotonic() < deadline:
        time.sleep(SETTLE_EVERY_S)
        now = rss_kib(pid)
        steady = steady + 1 if abs(now - last) < SETTLE_KIB else 0
        last = now
    return last


def reset_peak(pid: int) -> None:
    """Start VmHWM (the peak resident size) afresh from now, where the kernel lets us."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        log("could not reset the hub's VmHWM; the peak is from samples only")


async def download(
    base_url: str, path: str, pid: int, params: dict[str, str] | None = None
) -> Download:
    """Stream `path` once, counting rows and sampling the hub's resident memory."""
    reset_peak(pid)
    before = rss_kib(pid)
    newline = b"\n"
    rows = size = chunks = 0
    first_byte = 0.0
    last_sample = 0.0
    samples: list[tuple[float, int]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=DOWNLOAD_TIMEOUT_S) as client:
        started = time.perf_counter()
        headers = {"accept-encoding": "identity"}
        async with client.stream("GET", path, params=params, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                raise SystemExit(f"bench: HTTP {response.status_code}: {response.text[:500]}")
            async for chunk in response.aiter_raw():
                now = time.perf_counter()
                if not chunks:
                    first_byte = now - started
                chunks += 1
                size += len(chunk)
                rows += chunk.count(newline)
                if now - last_sample >= SAMPLE_EVERY_S:
                    samples.append((now - started, rss_kib(pid)))
                    last_sample = now
        seconds = time.perf_counter() - started
    # VmHWM catches a peak between two samples.
    peak = max([before, rss_kib(pid), rss_kib(pid, "VmHWM")] + [rss for _, rss in samples])
    first = max([before] + [rss for at, rss in samples if at < seconds / 2])
    second = max([before] + [rss for at, rss in samples if at >= seconds / 2])
    return Download(rows, size, seconds, first_byte, chunks, before, peak, first, second)


@dataclass(frozen=True)
class Report:
    """The figures the benchmark prints."""

    file: str
    needs: int
    items: int
    rows: int
    megabytes: float
    seconds: float
    rows_per_second: float
    megabytes_per_second: float
    first_byte_ms: float
    chunks: int
    hub_rss_before_mib: float
    hub_rss_peak_mib: float
    hub_rss_growth_mib: float
    hub_rss_first_half_mib: float
    hub_rss_second_half_mib: float
    seed_seconds: float
    database: str
    python: str
    postgresql: str
    cores: int | None

    def text(self) -> str:
        """The report as a few aligned lines."""
        return "\n".join(
            [
                f"Crisis Hub open data export: GET /export/{self.file} over HTTP",
                f"  rows          {self.rows} ({self.needs} needs, {self.items} items)",
                f"  size          {self.megabytes:.1f} MB in {self.chunks} chunks",
                f"  time          {self.seconds:.2f} s (first byte after "
                f"{self.first_byte_ms:.0f} ms)",
                f"  throughput    {self.rows_per_second:.0f} rows/s, "
                f"{self.megabytes_per_second:.1f} MB/s",
                f"  hub memory    RSS {self.hub_rss_before_mib:.1f} MiB before, peak "
                f"{self.hub_rss_peak_mib:.1f} MiB: +{self.hub_rss_growth_mib:.1f} MiB",
                f"  flat?         highest RSS {self.hub_rss_first_half_mib:.1f} MiB in the "
                f"first half of the download, {self.hub_rss_second_half_mib:.1f} MiB in the second",
                f"  versions      Python {self.python}, PostgreSQL {self.postgresql} "
                f"({self.database})",
                f"  cores         {self.cores} (client, hub and database share them)",
            ]
        )


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(description="Measure one streamed open data export.")
    parser.add_argument("--needs", type=int, default=50_000, help="needs to seed (50000)")
    parser.add_argument(
        "--organizations", type=int, default=1000, help="organizations to seed (1000)"
    )
    parser.add_argument(
        "--format", choices=("csv", "hxl.csv", "json"), default="csv", help="file format (csv)"
    )
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.needs < 1 or args.organizations < 1:
        parser.error("--needs and --organizations must be at least 1")
    if not Path("/proc/self/status").exists():
        parser.error("the memory figures need Linux's /proc")


def run(args: argparse.Namespace) -> Report:
    """Set up database and hub, download once, tear everything down; return the figures."""
    with bench_database("hub-bench-export-") as database:
        log(f"migrating and seeding {args.needs} needs")
        facts = asyncio.run(
            prepare_database(database.dsn, args.needs, args.organizations, args.seed)
        )
        log(f"seeded {facts['needs']} needs, {facts['items']} items in {facts['seed_seconds']} s")
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        log_path = database.workdir / "hub-serve.log"
        hub = start_hub(database.dsn, port, log_path)
        try:
            wait_ready(hub, base_url, log_path)
            # One small export first: the first request imports and warms what exports use,
            # which is not what the figure is about.
            asyncio.run(download(base_url, "/export/organizations.json", hub.pid))
            log(f"hub RSS settled at {settle(hub.pid) / 1024:.1f} MiB")
            file = f"needs.{args.format}"
            log(f"downloading /export/{file}")
            result = asyncio.run(download(base_url, f"/export/{file}", hub.pid, FILTER))
        finally:
            stop_process(hub)

    # CSV: one header line (two for HXL) and one line per item; JSON: a line per need and two.
    overhead = {"csv": 1, "hxl.csv": 2, "json": 2}[args.format]
    rows = result.rows - overhead
    mib = 1024.0
    return Report(
        file=file,
        needs=facts["needs"],
        items=facts["items"],
        rows=rows,
        megabytes=round(result.bytes / 1e6, 2),
        seconds=round(result.seconds, 3),
        rows_per_second=round(rows / result.seconds, 1),
        megabytes_per_second=round(result.bytes / 1e6 / result.seconds, 2),
        first_byte_ms=round(result.first_byte_seconds * 1000, 1),
        chunks=result.chunks,
        hub_rss_before_mib=round(result.rss_before_kib / mib, 1),
        hub_rss_peak_mib=round(result.rss_peak_kib / mib, 1),
        hub_rss_growth_mib=round((result.rss_peak_kib - result.rss_before_kib) / mib, 1),
        hub_rss_first_half_mib=round(result.rss_first_half_kib / mib, 1),
        hub_rss_second_half_mib=round(result.rss_second_half_kib / mib, 1),
        seed_seconds=facts["seed_seconds"],
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
