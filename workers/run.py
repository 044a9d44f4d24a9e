"""What `hub worker` starts: every registered background job, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable

from hub.observability.json_logs import configure_logging
from hub.settings import Settings
from hub.store.db import Database
from workers.audit_checkpoint import AuditCheckpointJob, checkpoint_interval
from workers.expiry import INTERVAL_SECONDS as EXPIRY_INTERVAL
from workers.expiry import expire_verifications
from workers.linkcheck import INTERVAL_SECONDS as LINKCHECK_INTERVAL
from workers.linkcheck import check_sources_job
from workers.outbox_retention import INTERVAL_SECONDS as OUTBOX_RETENTION_INTERVAL
from workers.outbox_retention import OutboxRetentionJob
from workers.pledge_expiry import INTERVAL_SECONDS as PLEDGE_EXPIRY_INTERVAL
from workers.pledge_expiry import expire_pledge_proposals
from workers.search_indexer import INTERVAL_SECONDS as INDEX_INTERVAL
from workers.search_indexer import index_meilisearch, index_postgres
from workers.webhooks import INTERVAL_SECONDS as WEBHOOKS_INTERVAL
from workers.webhooks import webhook_delivery_job

log = logging.getLogger(__name__)

# A job runs one round of its work and returns; the runner repeats it every `interval` seconds.
Job = Callable[[Database], Awaitable[None]]
JOBS: dict[str, tuple[Job, float]] = {
    "expire-verifications": (expire_verifications, EXPIRY_INTERVAL),
    "check-sources": (check_sources_job, LINKCHECK_INTERVAL),
    "search-index-postgres": (index_postgres, INDEX_INTERVAL),
    "expire-pledge-proposals": (expire_pledge_proposals, PLEDGE_EXPIRY_INTERVAL),
}


@contextlib.asynccontextmanager
async def configured_jobs() -> AsyncIterator[dict[str, tuple[Job, float]]]:
    """JOBS, webhook deliveries, audit checkpoints, the outbox's retention, and the Meilisearch
    indexer when HUB_MEILI_URL is set (each closed afterwards)."""
    webhooks = webhook_delivery_job()
    settings = Settings.from_env()
    jobs: dict[str, tuple[Job, float]] = {
        **JOBS,
        "deliver-webhooks": (webhooks, WEBHOOKS_INTERVAL),
        "audit-checkpoint": (AuditCheckpointJob(settings), checkpoint_interval(settings)),
        "prune-outbox": (OutboxRetentionJob(settings), OUTBOX_RETENTION_INTERVAL),
    }
    try:
        meilisearch = index_meilisearch()
        if meilisearch is None:
            yield jobs
            return
        try:
            yield {**jobs, "search-index-meilisearch": (meilisearch, INDEX_INTERVAL)}
        finally:
            await meilisearch.aclose()
    finally:
        await webhooks.aclose()


async def run_round(db: Database) -> list[str]:
    """Run every job once; returns the names of the jobs that failed (they are logged)."""
    failed = []
    async with configured_jobs() as jobs:
        for name, (job, _interval) in jobs.items():
            try:
                await job(db)
            except Exception:
                log.exception("job %s failed", name)
                failed.append(name)
    return failed


async def run_forever(
    db: Database, stop: asyncio.Event, on_round: Callable[[str], None] | None = None
) -> None:
    """Run each job at its interval until `stop` is set; `on_round` hears of each round."""
    if not JOBS:
        log.info("no background jobs are registered yet; waiting for a stop signal")

    async def loop(name: str, job: Job, interval: float) -> None:
        while not stop.is_set():
            try:
                await job(db)
            except Exception:
                log.exception("job %s failed", name)
            if on_round is not None:
                on_round(name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async with configured_jobs() as jobs, asyncio.TaskGroup() as group:
        for name, (job, interval) in jobs.items():
            group.create_task(loop(name, job, interval))
        group.create_task(stop.wait())


async def main(dsn: str, *, once: bool = False) -> int:
    """The worker process: connect, run jobs, stop cleanly on a signal."""
    # `hub worker` logs as `hub serve` does (HUB_LOG_FORMAT=json: JSON lines).
    configure_logging(Settings.from_env().log_format)
    db = await Database.connect(dsn, min_size=1, max_size=4)
    try:
        if once:
            return 1 if await run_round(db) else 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_forever(db, stop)
        return 0
    finally:
        await db.close()
