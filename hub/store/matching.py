"""Candidates for matching: open entries of one kind holding items in given categories."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from hub.domain.enums import EntryKind, VerificationStatus
from hub.store.db import Connection


async def candidate_ids(
    conn: Connection,
    kind: EntryKind,
    category_codes: Sequence[str],
    statuses: Sequence[VerificationStatus],
    exclude: UUID,
    limit: int,
) -> list[UUID]:
    """The most recently updated open, current entries of `kind` with an item in one of the
    categories."""
    rows = await conn.fetch(
        """
        SELECT e.id FROM entry e
        WHERE e.kind = $1 AND e.id <> $2 AND e.merged_into IS NULL
          AND e.status IN ('OPEN', 'PARTIALLY_FULFILLED')
          AND e.verification_status = ANY($3::text[])
          AND (e.expires_at IS NULL OR e.expires_at > now())
          AND EXISTS (SELECT 1 FROM entry_item i
                      WHERE i.entry_id = e.id AND i.category_code = ANY($4::text[]))
        ORDER BY e.updated_at DESC, e.id DESC
        LIMIT $5
        """,
        kind.value,
        exclude,
        [s.value for s in statuses],
        list(category_codes),
        limit,
    )
    return [r["id"] for r in rows]
