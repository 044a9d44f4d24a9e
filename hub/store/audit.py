"""The audit log: appended under a lock so that the hash chain has one order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from hub.domain.audit import GENESIS, AuditRecord, chain_hash
from hub.store.db import Connection

# Every appending transaction takes this lock until it commits: records are chained in the
# order they commit, and no two transactions extend the chain from the same link.
_LOCK_KEY = 0x48_55_42_41_55_44  # "HUBAUD"


@dataclass(frozen=True)
class StoredRecord:
    """An audit record as stored, with its place in the chain."""

    seq: int
    at: datetime
    record: AuditRecord
    prev_hash: bytes
    hash: bytes


async def append(conn: Connection, record: AuditRecord) -> int:
    """Append `record` in the caller's transaction; returns its sequence number."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
    last = await conn.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    seq = (last["seq"] + 1) if last else 1
    prev_hash = bytes(last["hash"]) if last else GENESIS
    # Whole microseconds survive the round trip through PostgreSQL unchanged.
    at = datetime.now(UTC)
    await conn.execute(
        """
        INSERT INTO audit_log (seq, at, actor_id, actor_label, action, subject_kind, subject_id,
                               changes, reason, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """,
        seq,
        at,
        record.actor_id,
        record.actor_label,
        record.action,
        record.subject_kind,
        record.subject_id,
        record.changes,
        record.reason,
        prev_hash,
        chain_hash(prev_hash, seq, at, record),
    )
    return seq


def _stored(row: Any) -> StoredRecord:
    record = AuditRecord(
        row["actor_id"],
        row["actor_label"],
        row["action"],
        row["subject_kind"],
        row["subject_id"],
        row["changes"],
        row["reason"],
    )
    return StoredRecord(row["seq"], row["at"], record, bytes(row["prev_hash"]), bytes(row["hash"]))


async def records(conn: Connection, batch: int = 1000) -> AsyncIterator[StoredRecord]:
    """Every record in chain order, read in batches."""
    after = 0
    while True:
        rows = await conn.fetch(
            "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", after, batch
        )
        if not rows:
            return
        for row in rows:
            yield _stored(row)
        after = rows[-1]["seq"]


async def history(conn: Connection, subject_id: UUID) -> list[StoredRecord]:
    """The records about one subject, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM audit_log WHERE subject_id = $1 ORDER BY seq", subject_id
    )
    return [_stored(r) for r in rows]


async def count_recent(conn: Connection, actor_id: UUID, action: str, since: datetime) -> int:
    """How many records of `action` an actor has made since `since` (for rate limits)."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND action = $2 AND at >= $3",
        actor_id,
        action,
        since,
    )
    return count
