"""Building the search service a hub process uses, from its database (and settings)."""

from __future__ import annotations

from hub.search.backend import SearchBackend
from hub.search.cache import CachedSearch
from hub.search.meili import DEFAULT_INDEX, MeiliSearch
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
    postgres: SearchBackend = PostgresSearch(db)
    if settings is not None:
        preferred = meili_backend(db, settings)
        if settings.search_cache_entries:
            postgres = CachedSearch(postgres, settings.search_cache_entries)
            if preferred is not None:
                preferred = CachedSearch(preferred, settings.search_cache_entries)
    return SearchService(postgres, preferred, check=check)
