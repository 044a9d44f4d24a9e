"""Job: PROPOSED pledges nobody accepted in time are cancelled.

A proposal reserves none of a need's units, but it counts against its pledger's cap of open
proposals and holds its offer's stock; expiring it gives both back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from hub.services.pledges import expire_proposals
from hub.settings import Settings
from hub.store.db import Database

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 300.0


async def expire_pledge_proposals(db: Database) -> None:
    """One round: cancel proposals older than HUB_PLEDGE_PROPOSAL_HOURS, in batches."""
    hours = Settings.from_env().pledge_proposal_hours
    while (count := await expire_proposals(db, timedelta(hours=hours))) > 0:
        log.info("expired %d pledge proposals", count)
