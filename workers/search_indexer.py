"""The search indexer: drains the outbox into a search backend, in batches, resumable.

Its position is the backend's own (PostgreSQL stores it with the documents in one transaction,
Meilisearch after its task succeeded), so a crash mid-batch replays that batch, and replaying
builds the same documents again from the current rows: the index converges to the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from hub.search.backend import BackendUnavailable, SearchBackend
from hub.search.meili import DEFAULT_INDEX, MeiliSearch
from hub.search.postgres import PostgresSearch
from hub.search.reindex import rebuild_meilisearch, rebuild_outdated_postgres, rebuild_postgres
from hub.search.setup import meili_backend
from hub.services.search_documents import documents_for
from hub.settings import Settings
from hub.store import live
from hub.store.db import Database
from hub.store.outbox_retention import pruned_through

log = logging.getLogger(__name__)
# The embedded default runs this inside `hub serve`: a new entry is findable within a second.
INTERVAL_SECONDS = 0.5
BATCH = 500
# While Meilisearch is down, rounds are skipped for 1 s, 2 s, 4 s ... up to this long.
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


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


async def behind_retention(db: Database, backend: SearchBackend) -> bool:
    """Whether events this index has not read were deleted by the outbox's retention (a new
    index starts at position 0): it cannot catch up from the outbox, only by a rebuild from
    the tables. The retention never deletes past an existing index's position."""
    position = await backend.position()
    async with db.connection() as conn:
        return position < await pruned_through(conn)


async def index_postgres(db: Database) -> None:
    """One round for the PostgreSQL index, which is always kept (it is also the fallback).

    An index written in an older lexeme format (an upgraded hub's) is first rebuilt, in one
    transaction that searches do not wait for: until it commits they find what the old index
    finds; new changes are indexed after it (the rebuild takes a second or so per 5,000
    entries). Of several processes, one rebuilds it."""
    rebuilt = await rebuild_outdated_postgres(db)
    if rebuilt is not None:
        log.info("search index: rebuilt %d documents in the current format", rebuilt)
    backend = PostgresSearch(db)
    if await behind_retention(db, backend):
        log.info("search index: behind the outbox's retention; rebuilding it from the tables")
        await rebuild_postgres(db)
    consumed = await index_round(db, backend)
    if consumed:
        log.debug("indexed %d events into postgres", consumed)


class MeiliIndexJob:
    """The job that keeps the Meilisearch index (see `index_meilisearch`).

    While Meilisearch cannot be reached, rounds are skipped with an exponential backoff (1 s,
    doubling, at most BACKOFF_MAX_SECONDS), and one warning is logged per outage, not one per
    round. Its position is in PostgreSQL and moves only after Meilisearch has done a batch, so
    a crash or an outage loses nothing: the next round resumes from it.
    """

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
        *,
        index: str = DEFAULT_INDEX,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._index = index
        self._backend: MeiliSearch | None = None
        self._db: Database | None = None
        self.failures = 0
        self.retry_at = 0.0

    async def _backend_for(self, db: Database) -> MeiliSearch:
        if self._backend is None or self._db is not db:
            backend = meili_backend(db, self._settings, index=self._index)
            if backend is None:
                raise RuntimeError("HUB_MEILI_URL is not set: no Meilisearch index to keep")
            if self._backend is not None:
                await self._backend.aclose()
            self._backend, self._db = backend, db
        return self._backend

    async def __call__(self, db: Database) -> None:
        """One round, unless backing off after a failure."""
        now = self._clock()
        if now < self.retry_at:
            return
        try:
            backend = await self._backend_for(db)
            if await backend.outdated() or await behind_retention(db, backend):
                # Its documents lack what queries now ask for (an upgrade), or it is new and
                # the outbox no longer holds every event: rebuild it beside the live one and
                # swap, as `hub search reindex` does.
                log.info("search index: rebuilding %s in the current format", backend.index)
                await rebuild_meilisearch(backend)
            consumed = await index_round(db, backend)
        except BackendUnavailable as error:
            self.failures += 1
            delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** (self.failures - 1))
            self.retry_at = now + delay
            if self.failures == 1:
                log.warning("search index: meilisearch is unavailable (%s); retrying", error)
            else:
                log.debug("meilisearch still unavailable; next try in %.0f s", delay)
            return
        if self.failures:
            log.info("search index: meilisearch is back after %d failed rounds", self.failures)
            self.failures, self.retry_at = 0, 0.0
        if consumed:
            log.debug("indexed %d events into meilisearch", consumed)

    async def aclose(self) -> None:
        """Close the connections to Meilisearch."""
        if self._backend is not None:
            await self._backend.aclose()


def index_meilisearch(settings: Settings | None = None) -> MeiliIndexJob | None:
    """The Meilisearch index job (a Job for workers/run.py), configured from the environment;
    None when HUB_MEILI_URL is not set."""
    settings = Settings.from_env() if settings is None else settings
    if not settings.meili_url:
        return None
    return MeiliIndexJob(settings)
