"""Job: sign and store a checkpoint of the audit trail's heads (hub.services.audit)."""

from __future__ import annotations

import logging

from hub.services.audit import TrailBroken, take_checkpoint
from hub.settings import Settings
from hub.store.db import Database

log = logging.getLogger(__name__)


def checkpoint_interval(settings: Settings) -> float:
    """Seconds between two checkpoints (HUB_AUDIT_CHECKPOINT_MINUTES)."""
    return settings.audit_checkpoint_minutes * 60.0


class AuditCheckpointJob:
    """One round: a checkpoint, unless nothing was recorded since the last one."""

    def __init__(self, settings: Settings) -> None:
        self._secret_key = settings.secret_key
        if not self._secret_key:
            log.warning(
                "HUB_SECRET_KEY is not set: audit checkpoints are stored and published unsigned"
            )

    async def __call__(self, db: Database) -> None:
        try:
            await take_checkpoint(db, self._secret_key)
        except TrailBroken:
            # Loud, and no new checkpoint: one signed now would vouch for the damage.
            log.error("the audit trail no longer holds its last checkpoint; run hub audit verify")
            raise
