"""SQL of the open data exports: public entries and organizations, read in batches.

Each batch is one short read-only transaction on a pooled connection, given back before the
batch is sent: a client reading slowly never holds a connection (or a snapshot that keeps
VACUUM from cleaning up) while the bytes trickle out. Batches follow each other by keyset
(created_at, id), so an entry appears once, in order, even when others are added meanwhile; what
changes during a long download is read as it is when its batch is read.

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
async def _batch(db: Database) -> AsyncIterator[Connection]:
    """A connection inside a read-only REPEATABLE READ transaction: an entry, its items, contacts
    and organization name are read from one committed state."""
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
    db: Database, kind: EntryKind, flt: EntryFilter, batch_size: int
) -> AsyncGenerator[EntryBatch, None]:
    """The public entries of one kind matching `flt`, oldest first, `batch_size` at a time, each
    with the name of its organization.

    Per batch: one statement for the entries, then one each for items, contacts and
    organization names, whatever the batch holds; no connection is held between batches.
    """
    after: tuple[datetime, UUID] | None = None
    while True:
        where = _public_entries(kind, flt)
        if after is not None:
            where.add("(e.created_at, e.id) > ({}, {})", *after)
        async with _batch(db) as conn:
            rows = await conn.fetch(
                select_sql(where, f"{_ENTRY_ORDER} LIMIT {int(batch_size)}"), *where.params
            )
            hydrated = await entries.hydrate_rows(conn, rows)
            names = await _organization_names(conn, [e.draft.organization_id for e in hydrated])
        if not hydrated:
            return
        yield [
            (entry, names.get(entry.draft.organization_id) if entry.draft.organization_id else None)
            for entry in hydrated
        ]
        if len(rows) < batch_size:
            return
        after = (rows[-1]["created_at"], rows[-1]["id"])


async def organization_batches(
    db: Database, flt: OrganizationFilter, updated_since: datetime | None, batch_size: int
) -> AsyncGenerator[list[Organization], None]:
    """Organizations matching `flt` (and changed since `updated_since`), oldest first,
    `batch_size` at a time, with their contacts; no connection is held between batches."""
    after: tuple[datetime, UUID] | None = None
    while True:
        where = organizations.organization_where(flt)
        if updated_since is not None:
            where.add("o.updated_at >= {}", updated_since)
        where.add("o.verification_status <> 'REJECTED'")
        if after is not None:
            where.add("(o.created_at, o.id) > ({}, {})", *after)
        columns = organizations.ORGANIZATION_COLUMNS
        sql = (
            f"SELECT {columns} FROM organization o {where.sql()} {_ORGANIZATION_ORDER} "
            f"LIMIT {int(batch_size)}"
        )
        async with _batch(db) as conn:
            rows = await conn.fetch(sql, *where.params)
            batch = await organizations.hydrate_organizations(conn, rows)
        if not batch:
            return
        yield batch
        if len(rows) < batch_size:
            return
        after = (rows[-1]["created_at"], rows[-1]["id"])
