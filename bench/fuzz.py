"""The full fuzz run: 10,000 generated operations against `hub serve`, and what came back.

The script starts a database (the embedded PostgreSQL in a throw-away folder, or the one named
by HUB_BENCH_DATABASE_URL, which must be empty), migrates it, loads the demo data and canary
entries whose protected contacts carry known, unique phone numbers and e-mail addresses
(tests/fuzz/seed.py), starts `hub serve` with the fuzz settings (tests/fuzz/config.py, the one
place they are set) on a free loopback port, and sends the operations (tests/fuzz/runner.py):
queries and mutations generated from schema/hub.graphql by hypothesis-graphql, valid ones with
variables (some over GET) and ones with one violation each, hand-made invalid requests (broken
JSON, wrong content types and methods, bad ids, cursors and page sizes, odd Unicode, persisted
query hashes, batches, oversized bodies) and hostile ones (alias floods, fragment cycles and
explosions, deep documents and JSON, introspection abuse, long strings, null bytes, directive
floods, huge id lists, contact fishing, reveals, bad credentials, sign-in and flag bursts, the
pages). Every answer is checked (tests/fuzz/invariants.py); so is the server's log.

Run it from the repository root:

    .venv/bin/python bench/fuzz.py                        # 10,000 operations
    .venv/bin/python bench/fuzz.py --operations 2000 --seed 7

It prints operations sent by class and label, statuses, the error codes seen, the counts of
5xx answers, tracebacks, leaks and errors without a code, the first examples of each finding,
and the time taken; it exits 1 when any finding fails the run (timeouts are only reported).
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

# Run as a script, bench/ is on the path already; the repository root (for tests.fuzz) is not.
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from common import (
    HOST,
    bench_database,
    free_port,
    log,
    migrate_dsn,
    spawn_hub,
    stop_process,
    wait_ready,
)

from hub.settings import Settings
from tests.fuzz.config import FUZZ_ENV
from tests.fuzz.invariants import check_log
from tests.fuzz.runner import Report, run
from tests.fuzz.seed import seed


def build_parser() -> argparse.ArgumentParser:
    """The command line options."""
    parser = argparse.ArgumentParser(description="Fuzz a served hub with generated operations.")
    parser.add_argument("--operations", type=int, default=10_000, help="how many to send")
    parser.add_argument("--seed", type=int, default=14, help="random seed of the run")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument(
        "--documents",
        type=int,
        default=400,
        help="distinct documents drawn from the schema (each sent several times, varied)",
    )
    return parser


def fuzz(args: argparse.Namespace) -> Report:
    """Set up the database and the hub, send the operations, tear everything down."""
    with bench_database("hub-bench-fuzz-") as database:
        asyncio.run(migrate_dsn(database.dsn))
        secrets = asyncio.run(seed(database.dsn, Settings(database_url=database.dsn)))
        log(f"seeded: {len(secrets.phones)} protected numbers, {len(secrets.texts)} texts")
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        log_path = database.workdir / "hub-serve.log"
        hub = spawn_hub(port, log_path, {**FUZZ_ENV, "HUB_DATABASE_URL": database.dsn})
        try:
            wait_ready(hub, base_url, log_path)
            log(f"sending {args.operations} operations")
            report = asyncio.run(
                run(
                    base_url,
                    secrets,
                    args.operations,
                    rng_seed=args.seed,
                    concurrency=args.concurrency,
                    timeout_seconds=args.timeout,
                    unique_documents=args.documents,
                )
            )
        finally:
            stop_process(hub)
        check_log(log_path.read_text(errors="replace"), report.findings)
    return report


def main(argv: list[str] | None = None) -> int:
    """Entry point: 0 when the run found nothing that fails it, else 1."""
    args = build_parser().parse_args(argv)
    if args.operations < 1:
        raise SystemExit("bench: --operations must be at least 1")
    report = fuzz(args)
    print(report.text())
    return 1 if report.findings.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
