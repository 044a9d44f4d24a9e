"""Rebuilding a search index from PostgreSQL: the documents of every entry and organization,
read in batches, and the two rebuilds (PostgreSQL's in one transaction, Meilisearch's by swap).

Either rebuild leaves the index at the outbox position read before it started, so the indexer
replays whatever changed while it ran (replays are idempotent).

PostgreSQL's rebuild streams: batch after batch is read and built on one connection while the
previous batch is written on another, inside the one transaction (searches see the old index
until it commits), so reading and building in Python overlap the server's writing (its GIN
indexes are most of that). Nothing holds more than a few batches in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from uuid import UUID

from hub.domain.search import SearchDocument
from hub.search.meili import MeiliSearch
from hub.search.postgres import NAME as POSTGRES
from hub.search.postgres import indexed_all
from hub.search.tokens import FORMAT
from hub.services.search_documents import ReadOnce, documents_of
from hub.store import live
from hub.store import search_index as store
from hub.store.db import Connection, Database

REINDEX_BATCH = 500
# Progress of a rebuild: (subjects done, subjects in all).
Progress = Callable[[int, int], None]


async def _every_subject(
    conn: Connection, batch: int
) -> AsyncIterator[tuple[list[UUID], list[UUID]]]:
    """Every entry id and organization id, in batches (entry ids, organization ids), in id
    order (documents_of decides which of them have a document)."""
    for table in ("entry", "organization"):
        after: UUID | None = None
        while ids := await store.subject_ids_after(conn, table, after, batch):
            yield (ids, []) if table == "entry" else ([], ids)
            after = ids[-1]


async def subject_count(conn: Connection) -> int:
    """How many entries and organizations there are (each may give one document)."""
    return await store.subject_counts(conn)


async def every_document(
    conn: Connection, progress: Progress | None = None, batch: int = REINDEX_BATCH
) -> AsyncIterator[list[SearchDocument]]:
    """The documents of every entry and organization as the database has them now, in
    batches; `progress` hears how far the batches got after each one is used."""
    total = await subject_count(conn)
    done = 0
    if progress is not None:
        progress(0, total)
    read_once = ReadOnce()
    async for entry_ids, organization_ids in _every_subject(conn, batch):
        documents, _removed = await documents_of(conn, entry_ids, organization_ids, read_once)
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


@dataclass
class RebuildFigures:
    """What a PostgreSQL rebuild did and where its time went (for bench/search.py)."""

    documents: int = 0
    removed: int = 0
    batches: int = 0
    # Reading rows and building documents and their lexemes; waiting for writes to finish.
    build_seconds: float = 0.0
    write_wait_seconds: float = 0.0
    # Each batch's write, from sending it to its end (they overlap the next batch's build).
    write_seconds: list[float] = field(default_factory=list)


async def _timed_write(conn: Connection, rows: list[store.IndexedDocument]) -> float:
    started = time.perf_counter()
    await store.upsert_documents(conn, rows)
    return time.perf_counter() - started


async def rebuild_postgres(
    db: Database,
    progress: Progress | None = None,
    *,
    batch: int = REINDEX_BATCH,
    figures: RebuildFigures | None = None,
) -> int:
    """Rebuild the PostgreSQL index: every document recomputed (in the current lexeme format,
    which it then records), every document that should not be there removed, in one
    transaction (searches see the old index until it commits: no downtime). A rebuild already
    running is waited for. Returns how many documents the index holds.

    Uses two connections of the pool when it has them (reading beside writing)."""
    done = await _rebuild_postgres(db, progress, True, batch, figures)
    return 0 if done is None else done  # never None: it waited for its turn


async def rebuild_outdated_postgres(db: Database) -> int | None:
    """Rebuild the PostgreSQL index if its documents are in an older lexeme format than the
    code writes (queries miss them until then). Returns how many documents it holds; None
    when it was current or another process is rebuilding it right now (nothing waits)."""
    async with db.connection() as conn:
        stored = await store.get_format(conn, POSTGRES)
    if stored is None or stored >= FORMAT:
        return None
    return await _rebuild_postgres(db, None, False, REINDEX_BATCH, None)


async def _rebuild_postgres(
    db: Database,
    progress: Progress | None,
    wait: bool,
    batch: int,
    figures: RebuildFigures | None,
) -> int | None:
    figures = RebuildFigures() if figures is None else figures
    started_at = await outbox_position(db)
    async with db.transaction() as writer, contextlib.AsyncExitStack() as stack:
        if wait:
            await store.lock_rebuild(writer, POSTGRES)
        elif not await store.try_lock_rebuild(writer, POSTGRES):
            return None
        elif (await store.get_format(writer, POSTGRES) or FORMAT) >= FORMAT:
            return None  # another process has just upgraded it
        before = await store.indexed_ids(writer)
        reader = writer if db.max_size < 2 else await stack.enter_async_context(db.connection())
        kept: set[UUID] = set()
        writing: asyncio.Task[float] | None = None
        try:
            mark = time.perf_counter()
            async for documents in every_document(reader, progress, batch):
                rows = await asyncio.to_thread(indexed_all, documents)
                figures.build_seconds += time.perf_counter() - mark
                kept.update(d.subject_id for d in documents)
                if writing is not None:
                    waited = time.perf_counter()
                    figures.write_seconds.append(await writing)
                    figures.write_wait_seconds += time.perf_counter() - waited
                writing = asyncio.create_task(_timed_write(writer, rows))
                figures.batches += 1
                if reader is writer:  # one connection: its next read waits for this write
                    figures.write_seconds.append(await writing)
                    writing = None
                mark = time.perf_counter()
            if writing is not None:
                figures.write_seconds.append(await writing)
                writing = None
        finally:
            if writing is not None:  # the read failed: the write must not outlive it
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writing
        removed = sorted(before - kept)
        if removed:
            await store.delete_documents(writer, removed)
        await store.set_position(writer, POSTGRES, started_at, format_if_new=FORMAT)
        await store.set_format(writer, POSTGRES, FORMAT)
    figures.documents, figures.removed = len(kept), len(removed)
    return len(kept)


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
