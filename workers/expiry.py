"""Job: verifications past their lifetime go EXPIRED and back into the review queue."""

from __future__ import annotations

import logging

from hub.services.reviews import expire_overdue
from hub.store.db import Database

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60.0


async def expire_verifications(db: Database) -> None:
    """One round: expire what is overdue (in batches, skipping rows others hold)."""
    while (count := await expire_overdue(db)) > 0:
        log.info("expired %d verifications", count)
