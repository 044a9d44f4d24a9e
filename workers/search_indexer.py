"""The search indexer: drains the outbox into a search backend, in batches, resumable.

Its position is the backend's own (PostgreSQL stores it with the documents in one transaction,
Meilisearch after its task succeeded), so a crash mid-batch replays that batch, and replaying
builds the same documents again from the current rows: the index converges to the database.
"""

from __future__ import annotations

import logging

from hub.search.backend import SearchBackend
from hub.search.postgres import PostgresSearch
from hub.services.search_documents import documents_for
from hub.store import live
from hub.store.db import Database

log = logging.getLogger(__name__)
# The embedded default runs this inside `hub serve`: a new entry is findable within a second.
INTERVAL_SECONDS = 0.5
BATCH = 500


async def index_round(db: Database, backend: SearchBackend, batch: int = BATCH) -> int:
    """Index everything committed since the backend's position; returns events consumed."""
    # Number what committed: no `hub serve` relay may be running beside a lone worker.
    async with db.transaction() as conn:
        await live.stamp_committed(conn)
    consumed = 0
    while True:
        position = await backend.position()
        async with db.connection() as conn:
            newest = await live.last_position(conn)
            events = await live.events_between(conn, position, newest, batch)
            if not events:
                return consumed
            documents, removed = await documents_for(conn, events)
        await backend.apply(documents, removed, events[-1].position)
        consumed += len(events)


async def index_postgres(db: Database) -> None:
    """One round for the PostgreSQL index, which is always kept (it is also the fallback)."""
    consumed = await index_round(db, PostgresSearch(db))
    if consumed:
        log.debug("indexed %d events into postgres", consumed)
