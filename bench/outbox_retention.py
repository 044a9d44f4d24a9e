"""The outbox's retention job: how fast it deletes, and how long each batch holds its locks.

It seeds `--events` outbox events (default 500,000) already stamped with positions, in a
throw-away database (the embedded PostgreSQL, or HUB_BENCH_DATABASE_URL's empty one). 90 % of
them are older than the retention and 10 % are recent. It marks every reader as past them all
and runs the job's batches (hub.store.outbox_retention, as workers/outbox_retention.prune_outbox
does), timing each. It prints the events deleted, the total time,
events per second, and the longest single batch (one transaction). It checks that the recent
events and the newest one stay.

    .venv/bin/python bench/outbox_retention.py
    .venv/bin/python bench/outbox_retention.py --events 2000000 --batch 10000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import asyncpg
from common import bench_database, log, migrate_empty, run_main

from hub.store import outbox_retention as store
from hub.store.db import Database


@dataclass
class Report:
    events: int
    deleted: int
    kept: int
    seconds: float
    events_per_second: float
    batch: int
    longest_batch_ms: float

    def text(self) -> str:
        """The report as aligned lines."""
        return "\n".join(
            [
                f"events seeded        {self.events:,}",
                f"deleted / kept       {self.deleted:,} / {self.kept:,}",
                f"time                 {self.seconds:.2f} s",
                f"events per second    {self.events_per_second:,.0f}",
                f"batch size           {self.batch:,}",
                f"longest batch        {self.longest_batch_ms:.0f} ms (one transaction)",
            ]
        )


async def _seed(dsn: str, events: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_empty(conn)
        old = events * 9 // 10
        log(f"seeding {events:,} outbox events ({old:,} older than the retention)")
        await conn.execute(
            """
            INSERT INTO entry_event (entry_id, entry_kind, event_type, payload, position,
                                     created_at)
            SELECT gen_random_uuid(), 'NEED', 'UPDATED', '{}', n,
                   CASE WHEN n <= $2 THEN now() - interval '60 days'
                        ELSE now() - interval '1 hour' END
            FROM generate_series(1, $1) AS n
            """,
            events,
            old,
        )
        await conn.execute(
            "INSERT INTO search_position (backend, position) VALUES ('postgres', $1)", events
        )
        await conn.execute("ANALYZE entry_event")
    finally:
        await conn.close()


async def _prune(dsn: str, batch: int) -> tuple[int, float, float]:
    db = await Database.connect(dsn, min_size=1, max_size=2)
    longest = 0.0
    total = 0
    try:
        began = time.perf_counter()
        before = (await _now(db)) - timedelta(days=30)
        async with db.connection() as conn:
            horizon = await store.readers_horizon(conn)
        while True:
            started = time.perf_counter()
            async with db.transaction() as conn:
                deleted = await store.prune_batch(conn, horizon, before, batch)
            longest = max(longest, time.perf_counter() - started)
            total += deleted
            if deleted < batch:
                break
        return total, time.perf_counter() - began, longest
    finally:
        await db.close()


async def _now(db: Database) -> datetime:
    async with db.connection() as conn:
        now: datetime = await conn.fetchval("SELECT now()")
        return now


async def _count(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM entry_event")
        return count
    finally:
        await conn.close()


def run(args: argparse.Namespace) -> Report:
    """Seed, prune, check, report."""
    with bench_database("hub-bench-outbox-") as database:
        asyncio.run(_seed(database.dsn, args.events))
        log("pruning")
        deleted, seconds, longest = asyncio.run(_prune(database.dsn, args.batch))
        kept = asyncio.run(_count(database.dsn))
    expected = args.events * 9 // 10
    if deleted != expected or kept != args.events - expected:
        raise SystemExit(f"bench: deleted {deleted:,}, kept {kept:,}; expected {expected:,}")
    return Report(
        args.events, deleted, kept, seconds, deleted / seconds, args.batch, longest * 1000
    )


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.events < 10 or args.batch < 1:
        parser.error("--events must be at least 10 and --batch at least 1")


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return run_main(parser, _check, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
