"""Search results are kept while the index has not moved, and never past it (issue 16)."""

from __future__ import annotations

import asyncio

import pytest

from hub.domain.search import ParsedQuery, SearchFilter, parse_query
from hub.search.backend import EVERYTHING, BackendUnavailable, Extras, SearchPage
from hub.search.cache import CachedSearch
from hub.search.postgres import PostgresSearch
from hub.store.db import Database
from tests.search.conftest import search_document


class CountingSearch(PostgresSearch):
    """The real backend, counting the searches that reach it; `gate` holds them when set."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.searches = 0
        self.gate: asyncio.Event | None = None
        self.fail = False
        self.positions = 0
        self.positions_read = asyncio.Event()
        self.expected_positions = 0

    async def position(self) -> int:
        found = await super().position()
        self.positions += 1
        if self.positions == self.expected_positions:
            self.positions_read.set()
        return found

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        self.searches += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise BackendUnavailable("down for the test")
        return await super().search(query, wanted, limit, offset, extras)


@pytest.fixture
async def counting(db: Database) -> CountingSearch:
    counting = CountingSearch(db)
    await counting.apply([search_document("医用口罩")], [], 1)
    return counting


async def test_a_repeated_search_is_answered_until_the_index_moves(
    counting: CountingSearch,
) -> None:
    cached = CachedSearch(counting)
    query = parse_query("口罩")
    first = await cached.search(query, SearchFilter(), 10, 0)
    again = await cached.search(query, SearchFilter(), 10, 0)
    assert again is first and counting.searches == 1
    # Another page, filter or set of extras is another search.
    await cached.search(query, SearchFilter(), 10, 10)
    await cached.search(query, SearchFilter(provinces=("湖北省",)), 10, 0)
    await cached.search(query, SearchFilter(), 10, 0, Extras(total=False, facets=False))
    assert counting.searches == 4
    # A new document moves the position: the next search sees it.
    await cached.apply([search_document("KN95口罩")], [], 2)
    moved = await cached.search(query, SearchFilter(), 10, 0)
    assert counting.searches == 5 and moved.total == 2
    assert cached.counters.hits == 1


async def test_concurrent_misses_wait_for_one_search(counting: CountingSearch) -> None:
    cached = CachedSearch(counting)
    counting.gate = asyncio.Event()
    query = parse_query("口罩")
    counting.expected_positions = 20
    waiting = [asyncio.create_task(cached.search(query, SearchFilter(), 10, 0)) for _ in range(20)]
    # Each caller goes from reading the position to waiting without yielding in between.
    await counting.positions_read.wait()
    assert cached.counters.shared == 19
    counting.gate.set()
    pages = await asyncio.gather(*waiting)
    assert counting.searches == 1 and all(p is pages[0] for p in pages)


async def test_a_failed_search_is_not_kept(counting: CountingSearch) -> None:
    cached = CachedSearch(counting)
    counting.fail = True
    with pytest.raises(BackendUnavailable):
        await cached.search(parse_query("口罩"), SearchFilter(), 10, 0)
    counting.fail = False
    page = await cached.search(parse_query("口罩"), SearchFilter(), 10, 0)
    assert page.total == 1 and counting.searches == 2


async def test_the_cache_holds_at_most_its_entries(counting: CountingSearch) -> None:
    cached = CachedSearch(counting, entries=2)
    for text in ("口罩", "医用", "防护"):
        await cached.search(parse_query(text), SearchFilter(), 10, 0)
    await cached.search(parse_query("口罩"), SearchFilter(), 10, 0)
    assert counting.searches == 4  # the oldest went first
