"""Search results kept for as long as the index has not moved.

A search is keyed on what decides its answer: the parsed query, the filter, the page and the
extras asked for. Each result also carries the index position it was computed at (how far the
indexer has read the outbox, which it advances in the transaction that writes the documents),
so a result is served again only while the index holds exactly what it held then. Reading the
position is one primary-key lookup, far cheaper than the search it may spare.

Concurrent misses of one key wait for one search (single flight): after a viral post, 500
readers of 口罩 cost one search, not 500.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from hub.domain.search import ParsedQuery, SearchDocument, SearchFilter
from hub.search.backend import EVERYTHING, Extras, SearchBackend, SearchPage

# Enough for every distinct search of a busy hour; a page of 20 hits is a few KB.
DEFAULT_ENTRIES = 2048

Key = tuple[ParsedQuery, SearchFilter, int, int, Extras]


@dataclass
class CacheCounters:
    """What the cache did, for tests and benchmarks."""

    hits: int = 0
    misses: int = 0
    # Misses answered by a search another caller had already started.
    shared: int = 0


class CachedSearch:
    """A SearchBackend that answers repeated searches from memory while the index stands still."""

    def __init__(self, backend: SearchBackend, entries: int = DEFAULT_ENTRIES) -> None:
        self.backend = backend
        self.name = backend.name
        self.counters = CacheCounters()
        self._entries = entries
        self._results: OrderedDict[Key, tuple[int, SearchPage]] = OrderedDict()
        self._running: dict[tuple[Key, int], asyncio.Future[SearchPage]] = {}

    async def aclose(self) -> None:
        """Close the backend's connections, if it holds any."""
        close = getattr(self.backend, "aclose", None)
        if close is not None:
            await close()

    async def position(self) -> int:
        """The backend's position."""
        return await self.backend.position()

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        """Write through to the backend (its new position retires every cached result)."""
        await self.backend.apply(documents, removed, position)

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """The cached page when the index has not moved since it was computed, else a search."""
        key: Key = (query, wanted, limit, offset, extras)
        position = await self.backend.position()
        cached = self._results.get(key)
        if cached is not None and cached[0] == position:
            self._results.move_to_end(key)
            self.counters.hits += 1
            return cached[1]
        self.counters.misses += 1
        running = self._running.get((key, position))
        if running is not None:
            self.counters.shared += 1
            try:
                return await asyncio.shield(running)
            except asyncio.CancelledError:
                if not running.cancelled():
                    raise  # this caller was cancelled
                # The caller that ran the search was cancelled: search for ourselves.
        future: asyncio.Future[SearchPage] = asyncio.get_running_loop().create_future()
        self._running[(key, position)] = future
        try:
            page = await self.backend.search(query, wanted, limit, offset, extras)
        except Exception as error:
            future.set_exception(error)
            # Nobody may be waiting: the exception is retrieved, never logged as lost.
            future.exception()
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            if self._running.get((key, position)) is future:
                del self._running[(key, position)]
        future.set_result(page)
        self._results[key] = (position, page)
        self._results.move_to_end(key)
        while len(self._results) > self._entries:
            self._results.popitem(last=False)
        return page
