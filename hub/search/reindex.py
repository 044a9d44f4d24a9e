"""Rebuilding a search index from PostgreSQL: the documents of every entry and organization,
read in batches, and the two rebuilds (PostgreSQL's in one transaction, Meilisearch's by swap).

Either rebuild leaves the index at the outbox position read before it started, so the indexer
replays whatever changed while it ran (replays are idempotent).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.listing import EntryFilter, EntryOrder, OrganizationFilter, OrganizationOrder
from hub.domain.search import SearchDocument
from hub.search.meili import MeiliSearch
from hub.search.postgres import PostgresSearch
from hub.services.search_documents import documents_of
from hub.store import entries, live, organizations
from hub.store import search_index as store
from hub.store.db import Connection, Database

REINDEX_BATCH = 500
# Progress of a rebuild: (subjects done, subjects in all).
Progress = Callable[[int, int], None]


async def _every_subject(
    conn: Connection, batch: int
) -> AsyncIterator[tuple[list[UUID], list[UUID]]]:
    """Every entry id and organization id, in batches (entry ids, organization ids)."""
    for kind in EntryKind:
        after: tuple[str, ...] | None = None
        while True:
            found = await entries.list_entries(
                conn, kind, EntryFilter(), EntryOrder.OLDEST, after, batch
            )
            if not found:
                break
            yield [e.id for e in found], []
            after = (found[-1].created_at.isoformat(), str(found[-1].id))
    after = None
    while True:
        orgs = await organizations.list_organizations(
            conn, OrganizationFilter(), OrganizationOrder.NEWEST, after, batch
        )
        if not orgs:
            break
        yield [], [o.id for o in orgs]
        after = (orgs[-1].created_at.isoformat(), str(orgs[-1].id))


async def subject_count(conn: Connection) -> int:
    """How many entries and organizations there are (each may give one document)."""
    total = await organizations.count_organizations(conn, OrganizationFilter())
    for kind in EntryKind:
        total += await entries.count_entries(conn, kind, EntryFilter())
    return total


async def every_document(
    conn: Connection, progress: Progress | None = None, batch: int = REINDEX_BATCH
) -> AsyncIterator[list[SearchDocument]]:
    """The documents of every entry and organization as the database has them now, in
    batches; `progress` hears how far the batches got after each one is used."""
    total = await subject_count(conn)
    done = 0
    if progress is not None:
        progress(0, total)
    async for entry_ids, organization_ids in _every_subject(conn, batch):
        documents, _removed = await documents_of(conn, entry_ids, organization_ids)
        yield documents
        done += len(entry_ids) + len(organization_ids)
        total = max(total, done)  # entries added during the rebuild
        if progress is not None:
            progress(done, total)


async def outbox_position(db: Database) -> int:
    """The newest outbox position, after numbering what has committed (as the indexer does)."""
    async with db.transaction() as conn:
        await live.stamp_committed(conn)
    async with db.connection() as conn:
        return await live.last_position(conn)


async def rebuild_postgres(db: Database, progress: Progress | None = None) -> int:
    """Rebuild the PostgreSQL index: every document recomputed, every document that should not
    be there removed, in one transaction (searches see the old index until it commits: no
    downtime). Returns how many documents it holds."""
    started_at = await outbox_position(db)
    documents = []
    async with db.connection() as conn:
        before = await store.indexed_ids(conn)
        async for batch in every_document(conn, progress):
            documents += batch
    kept = {d.subject_id for d in documents}
    await PostgresSearch(db).apply(documents, sorted(before - kept), started_at)
    return len(documents)


async def rebuild_meilisearch(backend: MeiliSearch, progress: Progress | None = None) -> int:
    """Rebuild a Meilisearch index without downtime: fill a new index, swap it with the live
    one, delete the old one. Returns how many documents the new index holds."""
    started_at = await outbox_position(backend.db)
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    new = f"{backend.index}_{stamp}_{time.time_ns() % 1_000_000:06d}"
    await backend.setup(new)
    indexed = 0
    try:
        async with backend.db.connection() as conn:
            async for documents in every_document(conn, progress):
                await backend.write(new, documents, ())
                indexed += len(documents)
        live_exists = await backend.swap_in(new, started_at)
    except BaseException:
        await backend.drop(new)
        raise
    if live_exists:
        await backend.drop(new)  # `new` names the old documents now
    return indexed
