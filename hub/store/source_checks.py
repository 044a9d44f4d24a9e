"""Which sources are due a check, and what the checks found."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from hub.store.db import Connection


@dataclass(frozen=True)
class DueSource:
    """An entry whose source URL is due a check."""

    entry_id: UUID
    url: str
    failures: int


async def claim_due(conn: Connection, every_hours: float, limit: int) -> list[DueSource]:
    """Sources of verified entries not checked for `every_hours`, locked so that two workers do
    not share them. Only a verified entry can lose its source; checking others' would let
    anyone make the hub fetch any URL, unreviewed, by posting entries."""
    rows = await conn.fetch(
        """
        SELECT e.id, e.source_url, coalesce(c.failures, 0) AS failures
        FROM entry e LEFT JOIN source_check c ON c.entry_id = e.id
        WHERE e.source_url IS NOT NULL AND e.status <> 'CLOSED'
          AND e.verification_status = 'VERIFIED'
          AND (c.checked_at IS NULL OR c.checked_at < now() - make_interval(secs => $1)
               OR c.url <> e.source_url)
        ORDER BY c.checked_at NULLS FIRST
        LIMIT $2
        FOR UPDATE OF e SKIP LOCKED
        """,
        every_hours * 3600,
        limit,
    )
    return [DueSource(r["id"], r["source_url"], r["failures"]) for r in rows]


async def record_check(
    conn: Connection, entry_id: UUID, url: str, http_status: int | None, failures: int
) -> None:
    """Remember a check's result."""
    await conn.execute(
        """
        INSERT INTO source_check (entry_id, url, checked_at, http_status, failures)
        VALUES ($1, $2, now(), $3, $4)
        ON CONFLICT (entry_id) DO UPDATE SET url = $2, checked_at = now(), http_status = $3,
            failures = $4
        """,
        entry_id,
        url,
        http_status,
        failures,
    )
