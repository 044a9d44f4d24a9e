"""Duplicate candidates, findings and merges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

import asyncpg

from hub.domain.duplicates import Profile
from hub.domain.enums import EntryKind
from hub.store.db import Connection

# An entry's profile (hub.domain.duplicates.Profile): the poster is its organization's name, or
# the provider's name when it has no organization.
_PROFILE = """
    SELECT e.id, e.kind, e.province, e.city, e.organization_id, e.address,
           CASE WHEN e.organization_id IS NULL THEN e.provider_name ELSE o.name END AS poster,
           ARRAY(SELECT i.category_code FROM entry_item i WHERE i.entry_id = e.id) AS codes
    FROM entry e LEFT JOIN organization o ON o.id = e.organization_id
    WHERE e.kind = $1 AND e.province = $2 AND e.id <> $3 AND e.status <> 'CLOSED'
      AND e.created_at > now() - interval '30 days'
"""


# Profiles built before, by the whole row they were built from (so never stale): a scan reads
# mostly the same recent entries again, and normalizing 200 of them per submission is most of
# its cost. Bounded; the oldest go first.
_BUILT: dict[tuple[object, ...], Profile] = {}
_BUILT_MAX = 20_000


def _profile(row: asyncpg.Record) -> tuple[UUID, Profile]:
    codes = tuple(row["codes"])
    key = (
        row["id"], row["kind"], row["province"], row["city"], row["organization_id"],
        row["address"], row["poster"], codes,
    )  # fmt: skip
    built = _BUILT.get(key)
    if built is None:
        built = Profile(
            kind=EntryKind(row["kind"]),
            province=row["province"],
            city=row["city"],
            organization_id=row["organization_id"],
            address=row["address"],
            poster_name=row["poster"],
            category_codes=frozenset(codes),
        )
        if len(_BUILT) >= _BUILT_MAX:
            del _BUILT[next(iter(_BUILT))]
        _BUILT[key] = built
    return row["id"], built


async def recent_in_province(
    conn: Connection, kind: EntryKind, province: str, exclude: UUID, limit: int = 200
) -> tuple[int, list[tuple[UUID, Profile]]]:
    """Open entries of one kind and province from the last 30 days, newest first: the profiles
    a new entry is compared with (nothing else of the entries is loaded). With them, in the
    same snapshot, the newest audit record's sequence number: every entry whose submission
    the chain records after it committed too late to be among these."""
    rows = await conn.fetch(
        f"""
        SELECT s.seen, p.* FROM (SELECT coalesce(max(seq), 0) AS seen FROM audit_log) AS s
        LEFT JOIN LATERAL ({_PROFILE} ORDER BY e.created_at DESC LIMIT $4) AS p ON true
        """,
        kind.value,
        province,
        exclude,
        limit,
    )
    seen: int = rows[0]["seen"]
    return seen, [_profile(r) for r in rows if r["id"] is not None]


async def recorded_since(
    conn: Connection, seq: int, action: str, kind: EntryKind, province: str, exclude: UUID
) -> list[tuple[UUID, Profile]]:
    """Like recent_in_province, for the entries whose `action` (their submission) the audit
    trail recorded after record `seq`: those that committed while a transaction was scanning."""
    rows = await conn.fetch(
        f"""{_PROFILE} AND e.id IN (
                SELECT a.subject_id FROM audit_log a WHERE a.seq > $4 AND a.action = $5)""",
        kind.value,
        province,
        exclude,
        seq,
        action,
    )
    return [_profile(r) for r in rows]


async def organization_names(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    """Organizations' names by id."""
    if not ids:
        return {}
    rows = await conn.fetch("SELECT id, name FROM organization WHERE id = ANY($1::uuid[])", ids)
    return {r["id"]: r["name"] for r in rows}


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
    if not found:
        return
    await conn.executemany(
        """INSERT INTO entry_duplicate (entry_id, duplicate_of, score) VALUES ($1, $2, $3)
           ON CONFLICT (entry_id, duplicate_of) DO UPDATE SET score = excluded.score""",
        [(entry_id, other, score) for other, score in found],
    )


async def record_many(conn: Connection, found: Sequence[tuple[UUID, UUID, float]]) -> None:
    """record() for many new entries: (entry, the entry it likely duplicates, score)."""
    if found:
        await conn.executemany(
            """INSERT INTO entry_duplicate (entry_id, duplicate_of, score) VALUES ($1, $2, $3)
               ON CONFLICT (entry_id, duplicate_of) DO UPDATE SET score = excluded.score""",
            found,
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
