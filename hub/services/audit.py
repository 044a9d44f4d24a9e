"""Writing and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.audit import GENESIS, AuditRecord, chain_hash, changes
from hub.store import audit as store
from hub.store.db import Connection, Database

SYSTEM = "system"


def actor_label(actor: Viewer | None, via_token: bool = False) -> str:
    """How an actor appears on the trail: their handle, or what stood in for them."""
    if actor is None:
        return SYSTEM
    if actor.handle:
        return actor.handle
    return "edit-token" if via_token else "anonymous"


async def audit(
    conn: Connection,
    actor: Viewer | None,
    action: str,
    subject_kind: str,
    subject_id: UUID | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    reason: str | None = None,
    via_token: bool = False,
) -> None:
    """Append a record in the caller's transaction (so it commits with the change itself)."""
    record = AuditRecord(
        actor_id=actor.user_id if actor else None,
        actor_label=actor_label(actor, via_token),
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        changes={**changes(before, after), **(extra or {})},
        reason=reason,
    )
    await store.append(conn, record)


@dataclass(frozen=True)
class ChainReport:
    """What `hub audit verify` found."""

    records: int
    first_broken: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        """Whether every link holds."""
        return self.first_broken is None


async def verify_chain(db: Database) -> ChainReport:
    """Recompute the hash chain from the first record; report the first broken link."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    async with db.connection() as conn:
        async for stored in store.records(conn):
            count += 1
            if stored.seq != expected_seq:
                return ChainReport(
                    count, stored.seq, f"record {expected_seq} is missing before {stored.seq}"
                )
            if stored.prev_hash != expected_prev:
                return ChainReport(count, stored.seq, "its link to the previous record is broken")
            if chain_hash(stored.prev_hash, stored.seq, stored.at, stored.record) != stored.hash:
                return ChainReport(count, stored.seq, "its content does not match its hash")
            expected_prev = stored.hash
            expected_seq += 1
    return ChainReport(count, None, None)
