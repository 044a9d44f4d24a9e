"""SQL of the open data exports: public entries and organizations, read in batches through a
server-side cursor inside one read-only snapshot.

The filters are the list queries' own where-builders (hub/store/entry_sql.py, organizations.py),
with the rules of open data added on top: entries REJECTED or merged into another never leave,
whatever the filter says.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.listing import EntryFilter, OrganizationFilter
from hub.domain.model import Entry, Organization
from hub.store import entries, organizations
from hub.store.db import Connection, Database
from hub.store.entry_sql import entry_where, select_sql
from hub.store.sql import Where

# Oldest first: a stable order, and rows added while a long download runs come last (they are
# not in the snapshot anyway). entry_created_order_idx serves it, read backwards.
_ENTRY_ORDER = "ORDER BY e.created_at, e.id"
_ORGANIZATION_ORDER = "ORDER BY o.created_at, o.id"

EntryBatch = list[tuple[Entry, str | None]]


@asynccontextmanager
async def snapshot(db: Database) -> AsyncIterator[Connection]:
    """A connection inside a read-only REPEATABLE READ transaction: every batch of one export
    sees the same committed state, however long the download takes."""
    async with (
        db.connection() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        yield conn


def _public_entries(kind: EntryKind, flt: EntryFilter) -> Where:
    # One where-builder for lists and exports: the filters mean the same in both.
    where = entry_where(kind, flt)
    where.add("e.verification_status <> 'REJECTED'")
    where.add("e.merged_into IS NULL")
    return where


async def _organization_names(conn: Connection, ids: Collection[UUID | None]) -> dict[UUID, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    rows = await conn.fetch("SELECT id, name FROM organization WHERE id = ANY($1::uuid[])", wanted)
    return {r["id"]: r["name"] for r in rows}


async def entry_batches(
    conn: Connection, kind: EntryKind, flt: EntryFilter, batch_size: int
) -> AsyncGenerator[EntryBatch, None]:
    """The public entries of one kind matching `flt`, `batch_size` at a time, each with the
    name of its organization. `conn` must be inside a transaction (see `snapshot`).

    Per batch: one fetch from the cursor, then one statement each for items, contacts and
    organization names, whatever the batch holds.
    """
    where = _public_entries(kind, flt)
    sql = select_sql(where, _ENTRY_ORDER)
    cursor = await conn.cursor(sql, *where.params)
    while rows := await cursor.fetch(batch_size):
        hydrated = await entries.hydrate_rows(conn, rows)
        names = await _organization_names(conn, [e.draft.organization_id for e in hydrated])
        yield [
            (entry, names.get(entry.draft.organization_id) if entry.draft.organization_id else None)
            for entry in hydrated
        ]


async def organization_batches(
    conn: Connection, flt: OrganizationFilter, updated_since: datetime | None, batch_size: int
) -> AsyncGenerator[list[Organization], None]:
    """Organizations matching `flt` (and changed since `updated_since`), `batch_size` at a
    time, with their contacts. `conn` must be inside a transaction (see `snapshot`)."""
    where = organizations.organization_where(flt)
    if updated_since is not None:
        where.add("o.updated_at >= {}", updated_since)
    where.add("o.verification_status <> 'REJECTED'")
    columns = organizations.ORGANIZATION_COLUMNS
    sql = f"SELECT {columns} FROM organization o {where.sql()} {_ORGANIZATION_ORDER}"
    cursor = await conn.cursor(sql, *where.params)
    while rows := await cursor.fetch(batch_size):
        yield await organizations.hydrate_organizations(conn, rows)
