"""Building the search service a hub process uses, from its database (and settings)."""

from __future__ import annotations

from hub.search.postgres import PostgresSearch
from hub.search.service import SearchService
from hub.store import search as store
from hub.store.db import Database


def search_service(db: Database) -> SearchService:
    """PostgreSQL search, refused on a database whose locale would make Chinese search blind."""

    async def check() -> str | None:
        async with db.connection() as conn:
            problem = await store.chinese_search_problem(conn)
        return problem

    return SearchService(PostgresSearch(db), check=check)
