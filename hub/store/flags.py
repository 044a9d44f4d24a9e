"""Reports that an entry is wrong."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from hub.domain.verification import FlagReason
from hub.store.db import Connection
from hub.store.records import from_row, grouped


@dataclass(frozen=True)
class Flag:
    """One report."""

    id: UUID
    entry_id: UUID
    reason: FlagReason
    note: str | None
    flagged_by: UUID | None
    created_at: datetime


async def insert_flag(
    conn: Connection,
    entry_id: UUID,
    reason: FlagReason,
    note: str | None,
    by: UUID | None,
    reporter_key: str,
    weight: int,
) -> None:
    """Record a report from `reporter_key` (the account, or a keyed hash of the client)."""
    await conn.execute(
        """INSERT INTO entry_flag (id, entry_id, reason, note, flagged_by, reporter_key, weight)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        uuid.uuid4(),
        entry_id,
        reason.value,
        note,
        by,
        reporter_key,
        weight,
    )


async def has_reported(
    conn: Connection, entry_id: UUID, reporter_key: str, since: datetime | None
) -> bool:
    """Whether this reporter already reported the entry since `since` (its last verification)."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM entry_flag WHERE entry_id = $1 AND reporter_key = $3
           AND ($2::timestamptz IS NULL OR created_at >= $2))""",
        entry_id,
        since,
        reporter_key,
    )
    return found


async def weight_since(conn: Connection, entry_id: UUID, since: datetime | None) -> int:
    """The reports' total weight since `since`, each reporter counted once (their heaviest)."""
    total: int = await conn.fetchval(
        """SELECT coalesce(sum(weight), 0)::int FROM (
               SELECT max(weight) AS weight FROM entry_flag
               WHERE entry_id = $1 AND reporter_key IS NOT NULL
                 AND ($2::timestamptz IS NULL OR created_at >= $2)
               GROUP BY reporter_key) AS reporters""",
        entry_id,
        since,
    )
    return total


async def flags_of(
    conn: Connection, entry_ids: Sequence[UUID], per_entry: int
) -> dict[UUID, list[Flag]]:
    """The newest `per_entry` reports on each of these entries, newest first."""
    rows = await conn.fetch(
        """SELECT id, entry_id, reason, note, flagged_by, created_at FROM (
             SELECT f.*, row_number() OVER (PARTITION BY entry_id ORDER BY created_at DESC, id)
                    AS n
             FROM entry_flag f WHERE entry_id = ANY($1::uuid[])
           ) f
           WHERE n <= $2 ORDER BY entry_id, created_at DESC, id""",
        list(entry_ids),
        per_entry,
    )
    return grouped(rows, "entry_id", lambda r: from_row(Flag, r, reason=FlagReason(r["reason"])))
