"""Job: delete outbox events that every reader has passed, once older than the retention.

The outbox (entry_event) feeds the live relays, the search indexers and the webhook
deliveries. An event is deleted only when all of them are past it (hub.store.outbox_retention
.readers_horizon) and it is older than HUB_OUTBOX_RETENTION_DAYS and the live replay window,
so no reader loses an event it may still ask for. Deletes go in small batches, each its own
transaction, so they never hold locks for long; a subscriber resuming from before the deleted
range is refused (hub.live.stream.check_resume_point), not given a gap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hub.settings import Settings
from hub.store import outbox_retention as store
from hub.store.db import Database

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600.0
BATCH = 5000


def retention(settings: Settings) -> timedelta:
    """How old an event must be to go: the retention, and never less than the replay window."""
    return max(
        timedelta(days=settings.outbox_retention_days),
        timedelta(hours=settings.live_replay_hours),
    )


async def prune_outbox(
    db: Database, keep: timedelta, now: datetime | None = None, batch: int = BATCH
) -> int:
    """Delete what no reader needs and is older than `keep`; returns how many events."""
    before = (now or datetime.now(UTC)) - keep
    async with db.connection() as conn:
        horizon = await store.readers_horizon(conn)
    total = 0
    while horizon > 0:
        async with db.transaction() as conn:
            deleted = await store.prune_batch(conn, horizon, before, batch)
        total += deleted
        if deleted < batch:
            break
    return total


class OutboxRetentionJob:
    """The job workers/run.py schedules (hourly)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        self._keep = retention(settings)
        self._clock = clock or (lambda: datetime.now(UTC))

    async def __call__(self, db: Database) -> None:
        """One round."""
        deleted = await prune_outbox(db, self._keep, self._clock())
        if deleted:
            log.info("outbox: deleted %d events older than %s", deleted, self._keep)
