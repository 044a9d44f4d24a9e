"""Duplicate candidates, findings and merges."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

import asyncpg

from hub.domain.contact_keys import phone_keys
from hub.domain.duplicates import Profile
from hub.domain.enums import EntryKind
from hub.store.db import Connection, kept

# An entry's profile (hub.domain.duplicates.Profile): the poster is its organization's name, or
# the provider's name when it has no organization; the phones are those of its contacts and its
# organization's (their keys are computed here, once per profile built, not per scan in SQL);
# the account is a donation channel's.
_COLUMNS = """
    SELECT e.id, e.kind, e.province, e.city, e.district, e.organization_id, e.address,
           CASE WHEN e.organization_id IS NULL THEN e.provider_name ELSE o.name END AS poster,
           ARRAY(SELECT i.category_code FROM entry_item i WHERE i.entry_id = e.id) AS codes,
           ARRAY(SELECT c.phone FROM contact c WHERE c.entry_id = e.id AND c.phone IS NOT NULL
                 UNION ALL
                 SELECT c.phone FROM contact c
                 WHERE c.organization_id = e.organization_id AND c.phone IS NOT NULL) AS phones,
           d.account_number
    FROM entry e LEFT JOIN organization o ON o.id = e.organization_id
         LEFT JOIN donation_channel d ON d.entry_id = e.id
    WHERE e.kind = $1 AND e.id <> $3 AND e.status <> 'CLOSED'
      AND e.created_at > now() - interval '30 days'
"""
_PROFILE = f"{_COLUMNS} AND e.province = $2"
# Entries of any province sharing a phone with the new one ($5), found from contact_phone_keys_idx
# (the entries' own contacts, and their organizations'), not by reading every recent entry.
_SHARING_A_PHONE = f"""{_COLUMNS} AND e.id IN (
      SELECT c.entry_id FROM contact c WHERE phone_keys(c.phone) && $5::text[]
      UNION
      SELECT x.id FROM contact c JOIN entry x ON x.organization_id = c.organization_id
      WHERE phone_keys(c.phone) && $5::text[])
"""
# At most this many entries of other provinces join a scan by their phone.
SHARED_PHONE_LIMIT = 20


# Profiles built before, by the whole row they were built from (so never stale): a scan reads
# mostly the same recent entries again, and normalizing 200 of them per submission is most of
# its cost. Bounded; the oldest go first.
_BUILT: dict[tuple[object, ...], Profile] = {}
_BUILT_MAX = 20_000


def _profile(row: asyncpg.Record) -> tuple[UUID, Profile]:
    codes = tuple(row["codes"])
    phones = tuple(sorted(row["phones"]))
    key = (
        row["id"], row["kind"], row["province"], row["city"], row["district"],
        row["organization_id"], row["address"], row["poster"], codes, phones,
        row["account_number"],
    )  # fmt: skip
    built = _BUILT.get(key)
    if built is None:
        built = Profile(
            kind=EntryKind(row["kind"]),
            province=row["province"],
            city=row["city"],
            district=row["district"],
            organization_id=row["organization_id"],
            address=row["address"],
            poster_name=row["poster"],
            category_codes=frozenset(codes),
            phones=frozenset().union(*(phone_keys(p) for p in phones)),
            account=row["account_number"],
        )
        if len(_BUILT) >= _BUILT_MAX:
            del _BUILT[next(iter(_BUILT))]
        _BUILT[key] = built
    return row["id"], built


async def recent_in_province(
    conn: Connection,
    kind: EntryKind,
    province: str,
    exclude: UUID,
    limit: int = 200,
    phones: frozenset[str] = frozenset(),
) -> list[tuple[UUID, Profile]]:
    """Open entries of one kind and province from the last 30 days, newest first: the profiles
    a new entry is compared with (nothing else of the entries is loaded); with `phones`, also
    up to SHARED_PHONE_LIMIT of any province that share one of them (one statement)."""
    if not phones:
        rows = await conn.fetch(
            f"{_PROFILE} ORDER BY e.created_at DESC LIMIT $4", kind.value, province, exclude, limit
        )
        return [_profile(r) for r in rows]
    rows = await conn.fetch(
        f"""(SELECT * FROM ({_PROFILE} ORDER BY e.created_at DESC LIMIT $4) AS window_rows)
            UNION ALL
            (SELECT * FROM ({_SHARING_A_PHONE} AND e.province <> $2
                            ORDER BY e.created_at DESC LIMIT {SHARED_PHONE_LIMIT}) AS phone_rows)
        """,
        kind.value,
        province,
        exclude,
        limit,
        sorted(phones),
    )
    return [_profile(r) for r in rows]


async def unseen_in_window(
    conn: Connection,
    kind: EntryKind,
    province: str,
    exclude: UUID,
    seen: Iterable[UUID],
    limit: int = 200,
) -> list[tuple[UUID, Profile]]:
    """The entries recent_in_province gives now but did not give before (`seen`): those that
    committed while a transaction was scanning. Call it holding the window's lock."""
    rows = await conn.fetch(
        f"""SELECT * FROM ({_PROFILE} ORDER BY e.created_at DESC LIMIT $4) AS w
            WHERE w.id <> ALL($5::uuid[])""",
        kind.value,
        province,
        exclude,
        limit,
        list(seen),
    )
    return [_profile(r) for r in rows]


# A province's window of recent entries of one kind is locked by the transactions that add to
# it, from their duplicate scan's last step (or, for an import, its first) until they commit:
# pg_advisory_xact_lock(_WINDOW_CLASS, hash of kind and province).
_WINDOW_CLASS = 0x48_55_42_44  # "HUBD"
_WINDOWS = "duplicates.windows"
_REHEARSAL = "duplicates.rehearsal"


def _window_key(kind: EntryKind, province: str) -> int:
    digest = hashlib.sha256(f"{kind.value}\t{province}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


async def lock_windows(conn: Connection, windows: Iterable[tuple[EntryKind, str]]) -> None:
    """Lock the windows of these kinds and provinces until the transaction ends (in key order,
    the same for everyone): no entry of theirs commits beside the caller's meanwhile."""
    wanted = set(windows)
    state = kept(conn)
    held: set[tuple[EntryKind, str]] = (
        state.setdefault(_WINDOWS, set()) if state is not None else set()
    )
    keys = sorted({_window_key(k, p) for k, p in wanted - held})
    if keys:
        await conn.execute(
            "SELECT count(pg_advisory_xact_lock($1::int, k)) FROM unnest($2::int[]) AS k",
            _WINDOW_CLASS,
            keys,
        )
    held |= wanted


def rehearse(conn: Connection) -> None:
    """Mark `conn`'s Database.transaction as one that will roll back (a dry run): what commits
    beside it cannot matter, so it holds every window without locking any."""
    state = kept(conn)
    if state is not None:
        state[_REHEARSAL] = True


def holds_window(conn: Connection, kind: EntryKind, province: str) -> bool:
    """Whether nothing of this kind and province can commit beside `conn`'s transaction."""
    state = kept(conn)
    if state is None:
        return False
    return bool(state.get(_REHEARSAL)) or (kind, province) in state.get(_WINDOWS, set())


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


async def organization_poster(
    conn: Connection, organization_id: UUID | None
) -> tuple[str | None, frozenset[str]]:
    """An organization's name and the phone keys of its contacts (what an entry posted under
    it is compared by)."""
    if organization_id is None:
        return None, frozenset()
    row = await conn.fetchrow(
        """SELECT o.name, ARRAY(SELECT c.phone FROM contact c
                                WHERE c.organization_id = o.id AND c.phone IS NOT NULL) AS phones
           FROM organization o WHERE o.id = $1""",
        organization_id,
    )
    if row is None:
        return None, frozenset()
    return row["name"], frozenset().union(*(phone_keys(p) for p in row["phones"]))


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
