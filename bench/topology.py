"""Requests/s through nginx with 1 and with 3 `hub serve` replicas, and what they cost in CPU.

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one of
HUB_BENCH_DATABASE_URL), posts `--needs` needs, then for each replica count starts that many
`hub serve` processes (HUB_WORKERS=1 each, no background jobs) behind a generated nginx
(tests/topology/nginx.py, as the topology tests run it) and drives it with wrk for `--seconds`
per path: GET /healthz (the HTTP stack alone) and a GraphQL `needs` query over GET (the read
path, with the per-process read cache on, as deployed). For one replica it also measures the
replica directly, without nginx. Beside requests/s it prints the CPU seconds the replicas and
nginx used, and requests per CPU-second of the replicas: the figure a capacity model needs
(how many requests one core of hub answers), which the machine's core count does not blur.

    .venv/bin/python bench/topology.py                 # 200 needs, 10 s per run
    .venv/bin/python bench/topology.py --seconds 5 --json

Needs nginx and wrk from Debian (apt-get install nginx wrk). Only 127.0.0.1 is contacted.
Ratios, not absolute claims: the client, nginx, PostgreSQL and the replicas share the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import (
    bench_database,
    free_port,
    log,
    migrate_dsn,
    run_main,
    spawn_hub,
    stop_process,
    wait_ready,
)

from tests.helpers import SUBMIT_NEED, need_input
from tests.topology.nginx import Nginx, nginx_binary

NEEDS_QUERY = (
    "{ needs(first: 20, filter: {verificationStatuses: [PENDING, VERIFIED]}) { totalCount "
    "edges { node { id urgency region { province city } "
    "items { categoryCode quantity unit } } } } }"
)
PATHS = {
    "healthz": "/healthz",
    "needs": "/graphql?query=" + quote(NEEDS_QUERY),
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def with_children(pids: list[int]) -> list[int]:
    """`pids` and their child processes (nginx's workers, `hub serve --workers N`'s servers)."""
    found = list(pids)
    for pid in pids:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        with suppress(OSError):
            found += [int(child) for child in children.read_text().split()]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds the processes `pids` and their children have used."""
    total = 0.0
    for pid in with_children(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def run_wrk(url: str, seconds: int, connections: int, threads: int) -> tuple[float, int, int]:
    """requests/s, requests and non-2xx/3xx answers (plus socket errors) of one wrk run."""
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(bad.group(1)) if bad else 0
    failed += sum(int(n) for n in errors.groups()) if errors else 0
    return rate, done, failed


@dataclass
class Run:
    """One wrk run."""

    replicas: int
    workers: int
    via: str
    path: str
    requests_per_second: float
    requests: int
    failed: int
    replica_cpu_seconds: float
    nginx_cpu_seconds: float

    @property
    def per_replica_cpu_second(self) -> float:
        return self.requests / self.replica_cpu_seconds if self.replica_cpu_seconds else 0.0


@dataclass
class Report:
    """Every run, and the machine it ran on."""

    cores: int
    load_average: str
    runs: list[dict[str, object]] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"cores {self.cores}, load average before {self.load_average}",
            f"{'replicas':>8} {'procs':>5} {'via':>6} {'path':>8} {'req/s':>8} {'failed':>6} "
            f"{'hub cpu s':>9} {'nginx cpu s':>11} {'req per hub cpu s':>17}",
        ]
        for run in self.runs:
            lines.append(
                f"{run['replicas']:>8} {run['workers']:>5} {run['via']:>6} {run['path']:>8} "
                f"{run['requests_per_second']:>8.0f} {run['failed']:>6} "
                f"{run['replica_cpu_seconds']:>9.1f} {run['nginx_cpu_seconds']:>11.1f} "
                f"{run['per_replica_cpu_second']:>17.0f}"
            )
        return "\n".join(lines)


async def seed(base_url: str, needs: int) -> None:
    """Post `needs` needs through the hub's API."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        for _ in range(needs):
            body = json.dumps({"query": SUBMIT_NEED, "variables": {"input": need_input()}})
            answer = await http.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            answer.raise_for_status()


def check_answer(url: str) -> None:
    """Refuse to measure a path that does not answer what it should (a GraphiQL page, an
    error): wrk counts any 2xx or 3xx as done."""
    answer = httpx.get(url, headers={"accept": "application/json"}, timeout=10)
    body = answer.json()
    if answer.status_code != 200 or "errors" in body or body.get("status", "ok") != "ok":
        raise SystemExit(f"bench: {url} answered {answer.status_code}: {answer.text[:300]}")
    if "data" in body and len(body["data"]["needs"]["edges"]) != 20:
        raise SystemExit(f"bench: {url} did not answer a full page: {answer.text[:300]}")


def measure(args: argparse.Namespace, dsn: str, workdir: Path, replicas: int) -> list[Run]:
    """Start `replicas` replicas behind nginx and run wrk on every path."""
    env = {
        "HUB_DATABASE_URL": dsn,
        "HUB_WORKERS": str(args.workers),
        "HUB_IN_PROCESS_JOBS": "false",
        "HUB_TRUSTED_PROXIES": "127.0.0.1/32",
        "HUB_READ_CACHE_SECONDS": str(args.read_cache_seconds),
    }
    ports = [free_port() for _ in range(replicas)]
    processes = []
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-", dir=workdir))
    nginx = Nginx(str(nginx_binary()), folder, ports)
    runs: list[Run] = []
    try:
        for index, port in enumerate(ports):
            log_path = workdir / f"hub-{replicas}-{index}.log"
            processes.append((spawn_hub(port, log_path, env), port, log_path))
        for process, port, log_path in processes:
            wait_ready(process, f"http://127.0.0.1:{port}", log_path)
        nginx.start()
        assert nginx.process is not None
        targets = [("nginx", nginx.http_url)]
        if replicas == 1:
            targets.append(("direct", f"http://127.0.0.1:{ports[0]}"))
        hub_pids = [process.pid for process, _, _ in processes]
        for via, base in targets:
            for name, path in PATHS.items():
                check_answer(base + path)
                # A short warm-up: the first requests fill the read cache and the pools.
                run_wrk(base + path, 2, args.connections, args.threads)
                hub_before = cpu_seconds(hub_pids)
                nginx_before = cpu_seconds([nginx.process.pid])
                rate, done, failed = run_wrk(
                    base + path, args.seconds, args.connections, args.threads
                )
                runs.append(
                    Run(
                        replicas,
                        args.workers,
                        via,
                        name,
                        rate,
                        done,
                        failed,
                        cpu_seconds(hub_pids) - hub_before,
                        cpu_seconds([nginx.process.pid]) - nginx_before,
                    )
                )
                log(f"{replicas} replica(s) via {via} {name}: {rate:.0f} requests/s")
    finally:
        nginx.stop()
        for process, _, _ in processes:
            stop_process(process)
        shutil.rmtree(folder, ignore_errors=True)
    return runs


def run(args: argparse.Namespace) -> Report:
    """The whole benchmark."""
    report = Report(os.cpu_count() or 1, " ".join(f"{x:.1f}" for x in os.getloadavg()))
    with bench_database("bench-topology-") as database:
        asyncio.run(migrate_dsn(database.dsn))
        port = free_port()
        log_path = database.workdir / "seed.log"
        seeder = spawn_hub(port, log_path, {"HUB_DATABASE_URL": database.dsn, "HUB_WORKERS": "1"})
        try:
            wait_ready(seeder, f"http://127.0.0.1:{port}", log_path)
            started = time.monotonic()
            asyncio.run(seed(f"http://127.0.0.1:{port}", args.needs))
            log(f"posted {args.needs} needs in {time.monotonic() - started:.1f} s")
        finally:
            stop_process(seeder)
        for replicas in args.replicas:
            for one in measure(args, database.dsn, database.workdir, replicas):
                report.runs.append(
                    {**one.__dict__, "per_replica_cpu_second": one.per_replica_cpu_second}
                )
    return report


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse to start without nginx or wrk."""
    if nginx_binary() is None or shutil.which("wrk") is None:
        parser.error("needs nginx and wrk (apt-get install nginx wrk)")


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=200, help="needs to post first")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--replicas", type=int, nargs="+", default=[1, 3], help="replica counts to compare"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes per replica (HUB_WORKERS)"
    )
    parser.add_argument(
        "--read-cache-seconds",
        type=int,
        default=5,
        help="HUB_READ_CACHE_SECONDS of the replicas (0: every read runs the query)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, check, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
