"""Building the search service a hub process uses, from its database (and settings), and
rebuilding the PostgreSQL index."""

from __future__ import annotations

from hub.search.backend import SearchBackend
from hub.search.meili import (
    DEFAULT_INDEX,
    MeiliSearch,
    Progress,
    document_batches,
    outbox_position,
    subject_count,
)
from hub.search.postgres import PostgresSearch
from hub.search.service import SearchService
from hub.settings import Settings
from hub.store import search as store
from hub.store.db import Database


def meili_backend(
    db: Database, settings: Settings, *, index: str = DEFAULT_INDEX
) -> MeiliSearch | None:
    """The Meilisearch backend of these settings, or None when HUB_MEILI_URL is not set."""
    if not settings.meili_url:
        return None
    return MeiliSearch(db, settings.meili_url, settings.meili_key, index=index)


def search_service(db: Database, settings: Settings | None = None) -> SearchService:
    """Meilisearch when configured, answering from PostgreSQL whenever it cannot; PostgreSQL
    alone otherwise. PostgreSQL searches are refused on a database whose locale would make
    Chinese search blind."""

    async def check() -> str | None:
        async with db.connection() as conn:
            problem = await store.chinese_search_problem(conn)
        return problem

    preferred: SearchBackend | None = None
    if settings is not None:
        preferred = meili_backend(db, settings)
    return SearchService(PostgresSearch(db), preferred, check=check)


async def rebuild_postgres(db: Database, progress: Progress | None = None) -> int:
    """Rebuild the PostgreSQL index from the entries and organizations: every document
    recomputed, every document that should not be there removed, in one transaction (searches
    see the old index until it commits: no downtime). Returns how many documents it holds.

    The position becomes the outbox position read before the rebuild started, so the indexer
    replays whatever changed while it ran.
    """
    started_at = await outbox_position(db)
    documents = []
    async with db.connection() as conn:
        total = await subject_count(conn)
        before = await store.indexed_ids(conn)
        done = 0
        if progress is not None:
            progress(0, total)
        async for batch, _removed, read in document_batches(conn):
            documents += batch
            done += read
            total = max(total, done)
            if progress is not None:
                progress(done, total)
    kept = {d.subject_id for d in documents}
    await PostgresSearch(db).apply(documents, sorted(before - kept), started_at)
    return len(documents)
