"""Candidates for matching: open entries of one kind holding items in given categories, read
with only what scoring uses.

Specs and certifications (the long texts) are read separately (`item_texts`), only for the
entries whose standards matching has not parsed yet (all their items: parsed standards are kept
per entry version, whatever is matched next); items carry their place, category, unit and
quantities, which the score's coverage counts. Candidates are cut off in SQL once the items
that can match add up to `max_items`, so that one call never reads more than it may compare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from hub.domain.enums import EntryKind, Urgency, VerificationStatus
from hub.domain.model import Item
from hub.domain.region import Region
from hub.domain.units import Unit
from hub.store.db import Connection


@dataclass(frozen=True)
class Candidate:
    """What matching reads of a candidate entry (items: every item, by position)."""

    id: UUID
    version: int
    updated_at: datetime
    verification: VerificationStatus
    region: Region
    urgency: Urgency | None
    latitude: float | None
    longitude: float | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Candidates:
    """The candidates read, most recent first, and how many there were before the cut."""

    found: list[Candidate]
    before_cut: int


async def candidates(
    conn: Connection,
    kind: EntryKind,
    category_codes: Sequence[str],
    statuses: Sequence[VerificationStatus],
    exclude: UUID,
    limit: int,
    max_items: int,
) -> Candidates:
    """The most recently updated open, current entries of `kind` with an item in one of the
    categories, at most `limit`, and no more once their items in those categories pass
    `max_items`; most recent first. Items come without spec and certifications."""
    rows = await conn.fetch(
        """
        WITH found AS (
            SELECT e.id, e.version, e.updated_at, e.verification_status, e.province, e.city,
                   e.urgency, o.latitude, o.longitude,
                   (SELECT count(*) FROM entry_item i
                    WHERE i.entry_id = e.id AND i.category_code = ANY($4::text[])) AS fitting
            FROM entry e LEFT JOIN organization o ON o.id = e.organization_id
            WHERE e.kind = $1 AND e.id <> $2 AND e.merged_into IS NULL
              AND e.status IN ('OPEN', 'PARTIALLY_FULFILLED')
              AND e.verification_status = ANY($3::text[])
              AND (e.expires_at IS NULL OR e.expires_at > now())
              AND EXISTS (SELECT 1 FROM entry_item i
                          WHERE i.entry_id = e.id AND i.category_code = ANY($4::text[]))
            ORDER BY e.updated_at DESC, e.id DESC
            LIMIT $5
        ), counted AS (
            SELECT found.*, coalesce(sum(fitting) OVER (
                ORDER BY updated_at DESC, id DESC
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
            FROM found
        )
        SELECT *, before < $6 AS within FROM counted ORDER BY updated_at DESC, id DESC
        """,
        kind.value,
        exclude,
        [s.value for s in statuses],
        list(category_codes),
        limit,
        max_items,
    )
    before_cut = len(rows)
    rows = [r for r in rows if r["within"]]
    items = await _items(conn, [r["id"] for r in rows])
    found = [
        Candidate(
            id=r["id"],
            version=r["version"],
            updated_at=r["updated_at"],
            verification=VerificationStatus(r["verification_status"]),
            region=Region(r["province"], r["city"]),
            urgency=Urgency(r["urgency"]) if r["urgency"] else None,
            latitude=r["latitude"],
            longitude=r["longitude"],
            items=tuple(items.get(r["id"], ())),
        )
        for r in rows
    ]
    return Candidates(found, before_cut)


async def item_texts(
    conn: Connection, entry_ids: Sequence[UUID], max_bytes: int
) -> dict[UUID, dict[int, tuple[str | None, tuple[str, ...]]]]:
    """Spec and certifications by entry and item position, of every item: of the entries in the
    order given, as many as fit in `max_bytes` of text (at least the first)."""
    rows = await conn.fetch(
        """
        WITH wanted AS (
            SELECT id, ord FROM unnest($1::uuid[]) WITH ORDINALITY AS w (id, ord)
        ), sizes AS (
            SELECT w.id, w.ord, coalesce(sum(octet_length(coalesce(i.spec, ''))
                   + octet_length(array_to_string(i.certifications, ''))), 0) AS bytes
            FROM wanted w JOIN entry_item i ON i.entry_id = w.id
            GROUP BY w.id, w.ord
        ), fitting AS (
            SELECT id FROM (
                SELECT id, coalesce(sum(bytes) OVER (
                    ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                FROM sizes
            ) counted WHERE before < $2
        )
        SELECT i.entry_id, i.position, i.spec, i.certifications
        FROM entry_item i JOIN fitting f ON f.id = i.entry_id
        """,
        list(entry_ids),
        max_bytes,
    )
    found: dict[UUID, dict[int, tuple[str | None, tuple[str, ...]]]] = defaultdict(dict)
    for r in rows:
        found[r["entry_id"]][r["position"]] = (r["spec"], tuple(r["certifications"]))
    return found


async def _items(conn: Connection, entry_ids: list[UUID]) -> dict[UUID, list[Item]]:
    """Every item of the entries by position, without spec and certifications."""
    rows = await conn.fetch(
        """
        SELECT i.entry_id, i.category_code, i.quantity, i.unit, i.fulfilled_quantity
        FROM entry_item i WHERE i.entry_id = ANY($1::uuid[])
        ORDER BY i.entry_id, i.position
        """,
        entry_ids,
    )
    found: dict[UUID, list[Item]] = defaultdict(list)
    for r in rows:
        found[r["entry_id"]].append(
            Item(
                category_code=r["category_code"],
                # Never shown: suggestions carry the entries read in full.
                name="",
                quantity=r["quantity"],
                unit=Unit(r["unit"]),
                fulfilled_quantity=r["fulfilled_quantity"],
            )
        )
    return found
