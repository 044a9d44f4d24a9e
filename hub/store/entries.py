"""Entries of every kind: SQL for writing, reading and listing (the shared pieces, and each
kind's details, in hub/store/entry_sql.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from hub.domain.enums import EntryKind, EntryStatus, VerificationStatus
from hub.domain.listing import CursorKey, EntryFilter, EntryOrder
from hub.domain.model import Details, Entry, EntryDraft, Item, Region, ReviewState
from hub.domain.units import Unit
from hub.store.contacts import insert_contacts, load_contacts, replace_contacts
from hub.store.db import Connection
from hub.store.entry_sql import (
    ENTRY_COLUMNS,
    ENTRY_DETAIL_COLUMNS,
    ENTRY_FROM,
    details_of,
    details_upsert,
    entry_detail_values,
    entry_where,
    select_sql,
)
from hub.store.ownership import Ownership
from hub.store.records import from_row, grouped
from hub.store.sql import Where


async def _load_items(conn: Connection, entry_ids: Sequence[UUID]) -> dict[UUID, list[Item]]:
    rows = await conn.fetch(
        """
        SELECT entry_id, category_code, name, spec, quantity, unit, package_size,
               fulfilled_quantity, certifications
        FROM entry_item WHERE entry_id = ANY($1::uuid[]) ORDER BY entry_id, position
        """,
        list(entry_ids),
    )
    return grouped(
        rows,
        "entry_id",
        lambda r: from_row(
            Item,
            r,
            unit=Unit(r["unit"]),
            certifications=tuple(r["certifications"]),
            quantity_unknown=r["quantity"] is None,
        ),
    )


async def select_entries(conn: Connection, where: Where, tail: str) -> list[asyncpg.Record]:
    """Entry rows matching `where`, with `tail` (ORDER BY ... LIMIT ...) appended."""
    return list(await conn.fetch(select_sql(where, tail), *where.params))


async def hydrate_rows(conn: Connection, rows: Sequence[asyncpg.Record]) -> list[Entry]:
    """Entries from rows of select_entries, with their items and contacts."""
    return await _hydrate(conn, rows)


async def _hydrate(
    conn: Connection, rows: Sequence[asyncpg.Record], *, contacts_too: bool = True
) -> list[Entry]:
    ids = [r["id"] for r in rows]
    items = await _load_items(conn, ids)
    # Lists that nobody asked contacts of leave them out (their entries then have none).
    contacts = await load_contacts(conn, entry_ids=ids) if contacts_too else {}
    entries = []
    for r in rows:
        draft = from_row(
            EntryDraft,
            r,
            region=Region(r["province"], r["city"], r["district"], r["admin_code"]),
            details=details_of(r),
            items=tuple(items.get(r["id"], ())),
            contacts=tuple(contacts.get(r["id"], ())),
        )
        review = from_row(ReviewState, r, round=r["review_round"])
        entries.append(
            from_row(
                Entry,
                r,
                draft=draft,
                status=EntryStatus(r["status"]),
                verification_status=VerificationStatus(r["verification_status"]),
                review=review,
            )
        )
    return entries


async def _write_details(conn: Connection, entry_id: UUID, details: Details) -> None:
    upsert = details_upsert(details)
    if upsert is not None:
        sql, values = upsert
        await conn.execute(sql, entry_id, *values)


_ITEM_COLUMNS = (
    "id", "entry_id", "position", "category_code", "name", "spec", "quantity", "unit",
    "package_size", "fulfilled_quantity", "certifications",
)  # fmt: skip


def _item_rows(entry_id: UUID, items: Sequence[Item]) -> list[tuple[object, ...]]:
    return [
        (
            uuid.uuid4(),
            entry_id,
            position,
            item.category_code,
            item.name.strip(),
            item.spec,
            item.quantity,
            item.unit.value,
            item.package_size,
            item.fulfilled_quantity,
            list(item.certifications),
        )
        for position, item in enumerate(items)
    ]


async def _replace_items(
    conn: Connection, entry_id: UUID, items: Sequence[Item], fresh: bool
) -> None:
    if not fresh:
        await conn.execute("DELETE FROM entry_item WHERE entry_id = $1", entry_id)
    if not items:
        return
    await conn.executemany(
        f"""
        INSERT INTO entry_item ({", ".join(_ITEM_COLUMNS)})
        VALUES ({", ".join(f"${n}" for n in range(1, len(_ITEM_COLUMNS) + 1))})
        """,
        _item_rows(entry_id, items),
    )


async def _write_parts(
    conn: Connection, entry_id: UUID, draft: EntryDraft, fresh: bool = False
) -> Entry:
    """Write what lives beside the entry row (details, items, contacts); return the entry.
    `fresh`: the entry row was inserted just now, so it has no items or contacts to replace."""
    await _write_details(conn, entry_id, draft.details)
    await _replace_items(conn, entry_id, draft.items, fresh)
    await replace_contacts(conn, draft.contacts, entry_id=entry_id, fresh=fresh)
    return (await get_entries(conn, [entry_id]))[entry_id]


# What a submission or an edit writes on the entry row, in this order (see _content).
_CONTENT = (
    "organization_id", "provider_name", "province", "city", "district", "admin_code",
    "address", "notes", "source_url", "source_note", *ENTRY_DETAIL_COLUMNS,
)  # fmt: skip
_N = len(_CONTENT)
_INSERT = f"""
    INSERT INTO entry (id, kind, {", ".join(_CONTENT)}, expires_at, edit_token_hash,
                       created_at, updated_at, submitted_by)
    VALUES ($1, $2, {", ".join(f"${n + 3}" for n in range(_N))}, ${_N + 3}, ${_N + 4},
            coalesce(${_N + 5}, now()), coalesce(${_N + 5}, now()), ${_N + 6})
"""
_UPDATE = f"""
    UPDATE entry SET {", ".join(f"{c} = ${n + 2}" for n, c in enumerate(_CONTENT))},
           status = ${_N + 2}, expires_at = ${_N + 3}, updated_at = now(), version = version + 1
    WHERE id = $1
"""


def _content(draft: EntryDraft) -> list[object]:
    region = draft.region
    return [
        draft.organization_id,
        draft.provider_name,
        region.province.strip(),
        region.city,
        region.district,
        region.admin_code,
        draft.address,
        draft.notes,
        draft.source_url,
        draft.source_note,
        *entry_detail_values(draft.details),
    ]


async def insert_entry(
    conn: Connection,
    entry_id: UUID,
    draft: EntryDraft,
    *,
    expires_at: datetime,
    edit_token_hash: bytes | None,
    created_at: datetime | None = None,
    submitted_by: UUID | None = None,
) -> Entry:
    """Publish a new entry with its items, contacts and kind-specific details."""
    await conn.execute(
        _INSERT,
        entry_id,
        draft.kind.value,
        *_content(draft),
        expires_at,
        edit_token_hash,
        created_at,
        submitted_by,
    )
    return await _write_parts(conn, entry_id, draft, fresh=True)


async def insert_entries(
    conn: Connection,
    new: Sequence[tuple[UUID, EntryDraft, datetime]],
    submitted_by: UUID | None = None,
) -> dict[UUID, Entry]:
    """insert_entry for many entries (id, draft, expires_at) without edit tokens: COPY of the
    rows, items and contacts (an import writes thousands), then one read of them all."""
    await conn.copy_records_to_table(
        "entry",
        records=[
            (entry_id, draft.kind.value, *_content(draft), expires, submitted_by)
            for entry_id, draft, expires in new
        ],
        columns=["id", "kind", *_CONTENT, "expires_at", "submitted_by"],
    )
    details: dict[str, list[tuple[object, ...]]] = {}
    for entry_id, draft, _ in new:
        upsert = details_upsert(draft.details)
        if upsert is not None:
            details.setdefault(upsert[0], []).append((entry_id, *upsert[1]))
    for sql, rows in details.items():
        await conn.executemany(sql, rows)
    items = [row for entry_id, draft, _ in new for row in _item_rows(entry_id, draft.items)]
    if items:
        await conn.copy_records_to_table("entry_item", records=items, columns=_ITEM_COLUMNS)
    await insert_contacts(conn, [(entry_id, None, draft.contacts) for entry_id, draft, _ in new])
    return await get_entries(conn, [entry_id for entry_id, _, _ in new])


async def update_entry(
    conn: Connection,
    entry_id: UUID,
    draft: EntryDraft,
    *,
    status: EntryStatus,
    expires_at: datetime,
) -> Entry:
    """Replace an entry's content and status, bumping its version."""
    await conn.execute(_UPDATE, entry_id, *_content(draft), status.value, expires_at)
    return await _write_parts(conn, entry_id, draft)


async def close_entry(conn: Connection, entry_id: UUID, reason: str | None) -> Entry:
    """Close an entry for good, bumping its version."""
    await conn.execute(
        """
        UPDATE entry SET status = 'CLOSED', close_reason = $2, updated_at = now(),
               version = version + 1
        WHERE id = $1
        """,
        entry_id,
        reason,
    )
    return (await get_entries(conn, [entry_id]))[entry_id]


async def get_entries(
    conn: Connection, ids: Sequence[UUID], *, contacts: bool = True
) -> dict[UUID, Entry]:
    """Entries by id, whatever their kind (three statements for any number of ids). Without
    `contacts` they carry none and the statement reading them is saved (search documents,
    which never hold contacts, are built from thousands of entries a second)."""
    rows = await conn.fetch(
        f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} WHERE e.id = ANY($1::uuid[])", list(ids)
    )
    return {e.id: e for e in await _hydrate(conn, rows, contacts_too=contacts)}


async def lock_entry(conn: Connection, entry_id: UUID) -> tuple[Entry, Ownership] | None:
    """The entry and who may change it, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        "SELECT edit_token_hash, submitted_by FROM entry WHERE id = $1 FOR UPDATE", entry_id
    )
    entries = await get_entries(conn, [entry_id])
    if row is None or entry_id not in entries:
        return None
    return entries[entry_id], Ownership(row["edit_token_hash"], row["submitted_by"])


async def ownerships(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, Ownership]:
    """Who may change each entry, read without locking."""
    rows = await conn.fetch(
        "SELECT id, edit_token_hash, submitted_by FROM entry WHERE id = ANY($1::uuid[])", list(ids)
    )
    return {r["id"]: Ownership(r["edit_token_hash"], r["submitted_by"]) for r in rows}


_ORDER_BY = {
    EntryOrder.URGENCY: "e.urgency_rank, e.updated_at DESC, e.id DESC",
    EntryOrder.RECENTLY_UPDATED: "e.updated_at DESC, e.id DESC",
    EntryOrder.NEWEST: "e.created_at DESC, e.id DESC",
    EntryOrder.OLDEST: "e.created_at, e.id",
}


def rank_key(key: CursorKey) -> tuple[int, datetime, UUID]:
    """An URGENCY-shaped cursor key (rank, time, id) with its values typed."""
    return int(key[0]), datetime.fromisoformat(str(key[1])), UUID(str(key[2]))


def keyset(where: Where, order: EntryOrder, after: CursorKey | None) -> str:
    """The ORDER BY clause of a list in `order`; the page after the key `after` (if any) is
    added to `where`. Lists, and the compiled reads (hub/store/compiled_reads.py), page alike."""
    if after is not None:
        _after(where, order, after)
    return f"ORDER BY {_ORDER_BY[order]}"


def _after(where: Where, order: EntryOrder, key: CursorKey) -> None:
    if order is EntryOrder.URGENCY:
        rank, updated, entry_id = rank_key(key)
        where.add(
            "(e.urgency_rank > {} OR (e.urgency_rank = {} AND (e.updated_at, e.id) < ({}, {})))",
            rank,
            rank,
            updated,
            entry_id,
        )
        return
    moment, entry_id = datetime.fromisoformat(str(key[0])), UUID(str(key[1]))
    if order is EntryOrder.RECENTLY_UPDATED:
        where.add("(e.updated_at, e.id) < ({}, {})", moment, entry_id)
    elif order is EntryOrder.NEWEST:
        where.add("(e.created_at, e.id) < ({}, {})", moment, entry_id)
    else:
        where.add("(e.created_at, e.id) > ({}, {})", moment, entry_id)


async def list_entries(
    conn: Connection,
    kind: EntryKind,
    flt: EntryFilter,
    order: EntryOrder,
    after: CursorKey | None,
    limit: int,
    *,
    contacts_too: bool = True,
) -> list[Entry]:
    """One page of entries of one kind after the cursor key `after` (without their contacts
    unless `contacts_too`)."""
    where = entry_where(kind, flt)
    order_by = keyset(where, order, after)
    sql = select_sql(where, f"{order_by} LIMIT {int(limit)}")
    rows = await conn.fetch(sql, *where.params)
    return await _hydrate(conn, rows, contacts_too=contacts_too)


def priority_sql(as_of: str) -> str:
    """A need's priority score (hub/domain/priority.py) at the time in placeholder `as_of`:
    the stored, clock-free part (priority_base, kept by triggers: migration 0018) times the
    waiting factor. Plain float8 arithmetic: it runs for every matching need on each page."""
    waiting = f"greatest(date_part('epoch', {as_of}::timestamptz - e.created_at) / 3600, 0)"
    return f"(e.priority_base * (1 + least({waiting}, 168) / 72.0))"


async def list_needs_by_priority(
    conn: Connection,
    flt: EntryFilter,
    as_of: datetime,
    after: tuple[float, UUID] | None,
    limit: int,
    *,
    contacts_too: bool = True,
) -> list[tuple[Entry, float]]:
    """One page of needs, highest priority at `as_of` first, with their scores.

    The score depends on time; a cursor carries the time of its first page, so that every
    page of one listing ranks by the same clock.
    """
    where = entry_where(EntryKind.NEED, flt)
    score = priority_sql(where.param(as_of))
    sql = f"SELECT {ENTRY_COLUMNS}, {score} AS priority_score {ENTRY_FROM} {where.sql()}"
    tail = ""
    if after is not None:
        score, entry_id = where.param(after[0]), where.param(after[1])
        tail = f"WHERE (priority_score, id) < ({score}::float8, {entry_id})"
    rows = await conn.fetch(
        f"SELECT * FROM ({sql}) ranked {tail} "
        f"ORDER BY priority_score DESC, id DESC LIMIT {int(limit)}",
        *where.params,
    )
    entries = await _hydrate(conn, rows, contacts_too=contacts_too)
    return [(entry, row["priority_score"]) for entry, row in zip(entries, rows, strict=True)]


async def count_entries(conn: Connection, kind: EntryKind, flt: EntryFilter) -> int:
    """How many entries of one kind match the filter."""
    where = entry_where(kind, flt)
    count: int = await conn.fetchval(f"SELECT count(*) {ENTRY_FROM} {where.sql()}", *where.params)
    return count
