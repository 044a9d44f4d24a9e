"""Duplicate candidates, findings and merges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.model import Entry
from hub.store.db import Connection
from hub.store.entries import hydrate_rows, select_entries
from hub.store.sql import Where


async def recent_in_province(
    conn: Connection, kind: EntryKind, province: str, exclude: UUID, limit: int = 200
) -> list[tuple[Entry, str | None]]:
    """Open entries of one kind and province from the last 30 days, with their poster's name."""
    where = Where()
    where.add("e.kind = {}", kind.value)
    where.add("e.province = {}", province)
    where.add("e.id <> {}", exclude)
    where.add("e.status <> 'CLOSED'")
    where.add("e.created_at > now() - interval '30 days'")
    rows = await select_entries(conn, where, f"ORDER BY e.created_at DESC LIMIT {int(limit)}")
    entries = await hydrate_rows(conn, rows)
    org_ids = [e.draft.organization_id for e in entries if e.draft.organization_id]
    names: dict[UUID, str] = {}
    if org_ids:
        found = await conn.fetch(
            "SELECT id, name FROM organization WHERE id = ANY($1::uuid[])", org_ids
        )
        names = {r["id"]: r["name"] for r in found}
    return [
        (
            e,
            names.get(e.draft.organization_id)
            if e.draft.organization_id
            else e.draft.provider_name,
        )
        for e in entries
    ]


async def organization_name(conn: Connection, organization_id: UUID | None) -> str | None:
    """An organization's name."""
    if organization_id is None:
        return None
    name: str | None = await conn.fetchval(
        "SELECT name FROM organization WHERE id = $1", organization_id
    )
    return name


async def record(conn: Connection, entry_id: UUID, found: Sequence[tuple[UUID, float]]) -> None:
    """Remember the likely duplicates of a new entry."""
    await conn.executemany(
        """INSERT INTO entry_duplicate (entry_id, duplicate_of, score) VALUES ($1, $2, $3)
           ON CONFLICT (entry_id, duplicate_of) DO UPDATE SET score = excluded.score""",
        [(entry_id, other, score) for other, score in found],
    )


async def duplicates_of(
    conn: Connection, entry_ids: Sequence[UUID]
) -> dict[UUID, list[tuple[UUID, float]]]:
    """For each entry, the entries it likely duplicates or that likely duplicate it."""
    rows = await conn.fetch(
        """
        SELECT entry_id AS subject, duplicate_of AS other, score FROM entry_duplicate
        WHERE entry_id = ANY($1::uuid[])
        UNION ALL
        SELECT duplicate_of, entry_id, score FROM entry_duplicate
        WHERE duplicate_of = ANY($1::uuid[])
        """,
        list(entry_ids),
    )
    found: dict[UUID, list[tuple[UUID, float]]] = defaultdict(list)
    for r in rows:
        found[r["subject"]].append((r["other"], r["score"]))
    for pairs in found.values():
        pairs.sort(key=lambda p: -p[1])
    return found


async def merge_into(conn: Connection, duplicate: UUID, keep: UUID) -> None:
    """Close a duplicate as merged into `keep`; its rows and history stay."""
    await conn.execute(
        """UPDATE entry SET status = 'CLOSED', merged_into = $2,
               close_reason = 'merged as a duplicate', verification_status = 'REJECTED',
               rejection_reason = 'DUPLICATE', claimed_by = NULL, lease_until = NULL,
               updated_at = now(), version = version + 1
           WHERE id = $1""",
        duplicate,
        keep,
    )


async def merged_into(conn: Connection, keep: UUID) -> list[UUID]:
    """The entries merged into `keep`."""
    rows = await conn.fetch("SELECT id FROM entry WHERE merged_into = $1", keep)
    return [r["id"] for r in rows]
