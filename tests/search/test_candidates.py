"""How the PostgreSQL backend reads candidates, counts and facets (issue 16).

A broad word is ranked among its most urgent and recent matches, read in that order through a
window; a narrow one among all its matches. Both ways must give the same candidates, whatever
the window: the window only decides how they are read. Counts stop at a bound and say so.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hub.domain.search import SearchDocument, SearchFilter, parse_query
from hub.search.estimate import LexemeStats, matches_at_most
from hub.search.postgres import WINDOW, PostgresSearch, window_for
from hub.search.tsquery import term_query
from hub.store import search as store
from hub.store.db import Database

URGENCIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _document(i: int, title: str, kind: str = "NEED") -> SearchDocument:
    return SearchDocument(
        subject_id=uuid.UUID(int=i + 1),
        kind=kind,
        organization_id=None,
        province=("湖北省", "广东省", None)[i % 3],
        city=("武汉市", "深圳市", None)[i % 3],
        category_codes=(("face.medical_mask",), ("face.medical_mask", "face.goggles"), ())[i % 3],
        urgency=URGENCIES[i % 4] if kind != "ORGANIZATION" else None,
        verification_status="VERIFIED",
        title=title,
        body="武汉 需求" if i % 2 else "深圳 捐赠",
        updated_at=NOW - timedelta(hours=i),
    )


@pytest.fixture
async def corpus(db: Database) -> list[SearchDocument]:
    documents = [_document(i, "医用口罩" if i % 3 else "防护服") for i in range(60)]
    documents += [_document(100 + i, f"口罩厂{i}", "ORGANIZATION") for i in range(5)]
    await PostgresSearch(db).apply(documents, [], 1)
    return documents


@pytest.mark.parametrize("query", ["口罩", "武汉", "口罩 武汉", "防护服", "", "不存在"])
async def test_every_window_gives_the_candidates_of_every_match(
    db: Database, corpus: list[SearchDocument], query: str
) -> None:
    terms = parse_query(query).terms
    tsqueries = tuple(q for q in (term_query(t).match.tsquery() for t in terms) if q)
    match = store.TextMatch(tsqueries=tsqueries)
    wanted = SearchFilter(verified_entries_only=True)
    async with db.transaction() as conn:
        await store.plan_for_search(conn)
        every, _ = await store.ranked(conn, match, None, wanted, (50, 0), (7, 7), None)
        for window in (1, 5, 7, 12, 30, 1000):
            windowed, _ = await store.ranked(conn, match, None, wanted, (50, 0), (7, 7), window)
            assert windowed == every, window
    # Seven entries at most, the most recent, and organizations apart.
    entries = [h for h in every if h.kind != "ORGANIZATION"]
    assert len(entries) == min(7, sum(1 for d in corpus if d.kind == "NEED" and _holds(d, terms)))


@pytest.mark.parametrize("window", [None, 10, 1000])
async def test_pages_follow_one_order_however_deep(
    db: Database, corpus: list[SearchDocument], window: int | None
) -> None:
    match = store.TextMatch(tsqueries=(term_query("口罩").match.tsquery() or "",))
    rank = term_query("口罩").rank()
    wanted = SearchFilter(kinds=("NEED",))
    async with db.transaction() as conn:
        await store.plan_for_search(conn)
        whole, _ = await store.ranked(conn, match, rank, wanted, (40, 0), (40, 5), window)
        paged = []
        for offset in range(0, 40, 3):
            pool = 5 * -(-(offset + 4) // 5)
            hits, _ = await store.ranked(
                conn, match, rank, wanted, (3, offset), (pool, 5), window and window * pool // 5
            )
            paged += hits
    assert [h.subject_id for h in paged][:40] == [h.subject_id for h in whole]
    assert len(whole) == 40  # every need holding 口罩, each once


def _holds(document: SearchDocument, terms: tuple[str, ...]) -> bool:
    return all(t in document.title or t in document.body for t in terms)


async def test_counts_stop_at_the_bound_and_say_so(
    db: Database, corpus: list[SearchDocument]
) -> None:
    match = store.TextMatch(tsqueries=(term_query("口罩").match.tsquery() or "",))
    async with db.transaction() as conn:
        exact = await store.counts(conn, match, SearchFilter(), total=True, facets=True, bound=100)
        bounded = await store.counts(conn, match, SearchFilter(), total=True, facets=True, bound=9)
    holding = [d for d in corpus if "口罩" in d.title]
    assert (exact.total, exact.total_is_exact, exact.facets_are_exact) == (len(holding), True, True)
    assert exact.facets is not None
    assert exact.facets["kinds"] == {"NEED": 40, "ORGANIZATION": 5}
    assert exact.facets["categories"]["face.medical_mask"] == sum(
        1 for d in holding if "face.medical_mask" in d.category_codes
    )
    assert None not in exact.facets["provinces"]
    assert (bounded.total, bounded.total_is_exact, bounded.facets_are_exact) == (9, False, False)
    assert bounded.facets is not None
    assert sum(bounded.facets["kinds"].values()) == 10  # the bound and one more, no further


async def test_the_backend_says_when_totals_are_bounded(
    db: Database, corpus: list[SearchDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hub.search.postgres.COUNT_BOUND", 10)
    page = await PostgresSearch(db).search(parse_query("口罩"), SearchFilter(), 5, 0)
    assert (page.total, page.total_is_exact, page.facets_are_exact) == (10, False, False)
    page = await PostgresSearch(db).search(parse_query("深圳"), SearchFilter(), 5, 0)
    assert (page.total, page.total_is_exact) == (10, False)
    page = await PostgresSearch(db).search(parse_query("厂3"), SearchFilter(), 5, 0)
    assert (page.total, page.total_is_exact, len(page.hits)) == (1, True, 1)


def test_an_upper_bound_takes_the_rarest_part_and_every_widening() -> None:
    stats = LexemeStats(100_000, {"口罩": 0.37, "武汉": 0.4, "防护": 0.08, "护服": 0.09}, 0.001)
    assert matches_at_most([term_query("口罩").match], stats) == 37_000
    # A phrase is no more frequent than its rarest bigram, however the planner multiplies.
    assert matches_at_most([term_query("防护服").match], stats) == 8_000
    assert matches_at_most([term_query("防护服").match, term_query("武汉").match], stats) == 8_000
    assert matches_at_most([term_query("中南").match], stats) == 100
    widened = {"mask": ["masks", "facemask"]}
    assert matches_at_most([term_query("mask", widened).match], stats) == 300
    assert matches_at_most([], stats) == 100_000


def test_broad_searches_read_a_window_and_narrow_ones_every_match() -> None:
    stats = LexemeStats(100_000, {"口罩": 0.37, "呼吸": 0.03}, 0.001)
    assert window_for([term_query("口罩").match], stats) == WINDOW
    assert window_for([term_query("呼吸").match], stats) is None
    assert window_for([term_query("中南").match], stats) is None
    assert window_for([], stats) == WINDOW  # filters alone: read in prior order
    assert window_for([term_query("中南").match], None) == WINDOW


@pytest.mark.parametrize("query", ["口罩", "武汉 需求", "防护服", "不存在"])
@pytest.mark.parametrize(("limit", "offset"), [(5, 0), (3, 6), (10, 60)])
async def test_one_pass_ranks_and_counts_as_the_two_statements_do(
    db: Database, corpus: list[SearchDocument], query: str, limit: int, offset: int
) -> None:
    terms = parse_query(query).terms
    match = store.TextMatch(tsqueries=tuple(term_query(t).match.tsquery() or "" for t in terms))
    rank = " | ".join(f"({term_query(t).rank()})" for t in terms)
    wanted = SearchFilter(verified_entries_only=True)
    async with db.transaction() as conn:
        await store.plan_for_search(conn)
        pool = (7 * -(-(offset + limit + 1) // 7), 7)
        hits, more = await store.ranked(conn, match, rank, wanted, (limit, offset), pool, None)
        counted = await store.counts(conn, match, wanted, total=True, facets=True, bound=30)
        together = await store.ranked_and_counted(
            conn, match, rank, wanted, (limit, offset), pool, total=True, facets=True, bound=30
        )
    assert together == (hits, more, counted)
