"""Which backend answers a search: the configured one, or PostgreSQL when it cannot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from hub.domain.search import ParsedQuery, SearchFilter
from hub.search.backend import EVERYTHING, BackendUnavailable, Extras, SearchBackend, SearchPage
from hub.store.db import DATABASE_ERRORS

log = logging.getLogger(__name__)


class SearchUnavailable(Exception):
    """No backend can answer (its message says why)."""


@dataclass(frozen=True)
class SearchAnswer:
    """A page of results, which backend gave it, and why not the preferred one."""

    result: SearchPage
    backend: str
    fallback_reason: str | None = None


class SearchService:
    """The preferred backend (Meilisearch when configured) and the PostgreSQL fallback.

    `check` says why the PostgreSQL index cannot work on this database (a locale where pg_trgm
    sees no Chinese), or None; searches are then refused rather than silently finding nothing.
    It runs until it has answered once (the database may be migrated after the hub started).
    """

    def __init__(
        self,
        postgres: SearchBackend,
        preferred: SearchBackend | None = None,
        check: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        self._postgres = postgres
        self._preferred = preferred
        self._check = check
        self._problem: str | None = None

    async def aclose(self) -> None:
        """Close the preferred backend's connections, if it holds any."""
        close = getattr(self._preferred, "aclose", None)
        if close is not None:
            await close()

    async def check_at_startup(self) -> None:
        """Say at startup, in the log, when Chinese search would be blind on this database.

        An unmigrated database cannot answer yet: the check then runs at the first search.
        """
        try:
            problem = await self._postgres_problem()
        except DATABASE_ERRORS:
            return
        if problem is not None:
            log.error("search is refused on this database: %s", problem)

    async def _postgres_problem(self) -> str | None:
        if self._check is not None:
            self._problem = await self._check()
            self._check = None
        return self._problem

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchAnswer:
        """Ask the preferred backend, or PostgreSQL when it is unreachable."""
        reason = None
        if self._preferred is not None:
            try:
                page = await self._preferred.search(query, wanted, limit, offset, extras)
                return SearchAnswer(page, self._preferred.name)
            except BackendUnavailable as error:
                log.warning(
                    "search: %s unavailable (%s); answering from postgres",
                    self._preferred.name,
                    error,
                )
                reason = f"{self._preferred.name} is unreachable"
        problem = await self._postgres_problem()
        if problem is not None:
            raise SearchUnavailable(f"Search is off on this database: {problem}.")
        page = await self._postgres.search(query, wanted, limit, offset, extras)
        return SearchAnswer(page, self._postgres.name, reason)
