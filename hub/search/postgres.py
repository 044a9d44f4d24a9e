"""The PostgreSQL search backend: the embedded default, no service beside the database."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

from hub.domain.search import (
    Highlight,
    ParsedQuery,
    SearchDocument,
    SearchFilter,
    highlight,
)
from hub.search.backend import COUNT_BOUND, EVERYTHING, Extras, SearchHit, SearchPage
from hub.search.estimate import LexemeStats, matches_at_most
from hub.search.segment import query_words
from hub.search.tokens import FORMAT, document_tsvector
from hub.search.tsquery import (
    MIN_TYPO_CHARS,
    MIN_WIDENED_CHARS,
    Conjunction,
    Widening,
    latin_words,
    phrase_prefilter,
    term_query,
)
from hub.search.typos import CANDIDATE_SIMILARITY, is_typo_of
from hub.store import search as store
from hub.store import search_index
from hub.store.db import Connection, Database

NAME = "postgres"
# How many indexed words one query word may widen to (containing it, or a typo of it).
WIDENED_WORDS = 32
# Each pool of candidates (hub.store.search.ranked) is scored in tiers of this many, in prior
# order; a page reads as many whole tiers as it reaches into.
CANDIDATES = 100
# Reading every match of a search costs about one row per match; reading entries in prior
# order until CANDIDATES match costs CANDIDATES * documents / matches rows. The second is
# cheaper past sqrt(CANDIDATES * documents) matches (3,100 at 100,000 documents). It reads at
# most WINDOW entries per tier of candidates: a word rarer than the statistics said (fewer
# than one entry in 20) then reads its matches.
WINDOW = 2_000
# How long the lexeme statistics are trusted before they are read again.
STATS_SECONDS = 60.0
# Up to this many documents' lexemes are made on the event loop (about 60 µs each); more go to
# a thread.
INLINE_DOCUMENTS = 16


def indexed(document: SearchDocument) -> search_index.IndexedDocument:
    """A document with its lexemes for the tsvector."""
    return search_index.IndexedDocument(document, document_tsvector(document.title, document.body))


def indexed_all(documents: Sequence[SearchDocument]) -> list[search_index.IndexedDocument]:
    """`indexed` of each document (CPU work: callers run it off the event loop)."""
    return [indexed(d) for d in documents]


@dataclass(frozen=True)
class _Plan:
    """A query turned into what the store runs: its conditions and how to rank."""

    match: store.TextMatch
    rank_query: str | None
    conjunctions: tuple[Conjunction, ...]
    # Whether some term can match no document at all.
    hopeless: bool = False


def _plan(query: ParsedQuery, widened: Widening) -> _Plan:
    terms = [term_query(t, widened) for t in query.terms]
    prefilters = [phrase_prefilter(p, widened) for p in query.phrases]
    conjunctions = tuple(c for c in (*(t.match for t in terms), *prefilters) if c.parts)
    ranks = [r for r in (t.rank() for t in terms) if r]
    match = store.TextMatch(
        tsqueries=tuple(q for q in (t.match.tsquery() for t in terms) if q),
        phrases=tuple(store.like_pattern(p) for p in query.phrases),
        phrase_tsqueries=tuple(q for q in (p.tsquery() for p in prefilters) if q),
    )
    rank_query = " | ".join(f"({r})" for r in ranks) if ranks else None
    # A term or phrase of punctuation alone (no letter, digit or CJK character) is in no
    # document's words: it matches nothing, rather than every text with a dash in it.
    hopeless = any(not c.parts for c in (*(t.match for t in terms), *prefilters))
    return _Plan(match, rank_query, conjunctions, hopeless)


def widenable(query: ParsedQuery) -> list[str]:
    """The Latin words of the query long enough to widen through the vocabulary."""
    words = (w for text in (*query.terms, *query.phrases) for w in latin_words(text))
    return sorted({w for w in words if len(w) >= MIN_WIDENED_CHARS})


def _widened(candidates: dict[str, list[store.WordCandidate]]) -> dict[str, list[str]]:
    # The words containing a query word, and those it may be a typo of.
    return {
        word: [c.word for c in found if c.contains or is_typo_of(word, c.word, c.similarity)][
            :WIDENED_WORDS
        ]
        for word, found in candidates.items()
    }


def window_for(conjunctions: Sequence[Conjunction], stats: LexemeStats | None) -> int | None:
    """How many entries to read in prior order before every match (None: every match)."""
    narrow = (
        stats is not None
        and stats.documents > 0
        and (matches_at_most(conjunctions, stats) <= math.sqrt(CANDIDATES * stats.documents))
    )
    return None if narrow else WINDOW


@lru_cache(maxsize=256)
def _needles(query: ParsedQuery) -> tuple[str, ...]:
    return query.needles + tuple(w for t in query.terms for w in query_words(t))


def highlights_of(
    title: str, body: str, query: ParsedQuery, also: tuple[str, ...] = ()
) -> tuple[Highlight, ...]:
    """Snippets of the title and body around what matched (`also`: words the query widened
    to, such as the word a typo stood for)."""
    needles = _needles(query) + also
    found = (highlight("title", title, needles), highlight("body", body, needles))
    return tuple(h for h in found if h is not None)


class PostgresSearch:
    """Documents in `search_document`, found by words, substrings and trigram similarity."""

    name = NAME

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._stats: LexemeStats | None = None
        self._stats_at = -math.inf

    async def _lexeme_stats(self, conn: Connection) -> LexemeStats | None:
        if self._clock() - self._stats_at > STATS_SECONDS:
            found = await store.lexeme_frequencies(conn)
            self._stats = LexemeStats(*found) if found else None
            self._stats_at = self._clock()
        return self._stats

    async def position(self) -> int:
        """How far this index has read the outbox."""
        async with self._db.connection() as conn:
            return await search_index.get_position(conn, NAME)

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        """Documents, removals and the new position in one transaction: a crash loses nothing."""
        # Lexemes are CPU work: off the event loop (a few documents are not worth a thread).
        if len(documents) > INLINE_DOCUMENTS:
            rows = await asyncio.to_thread(indexed_all, documents)
        else:
            rows = indexed_all(documents)
        async with self._db.transaction() as conn:
            await search_index.upsert_documents(conn, rows)
            if removed:
                await search_index.delete_documents(conn, removed)
            await search_index.set_position(conn, NAME, position, format_if_new=FORMAT)

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """Matching documents, best first, with the total and facets when asked for.

        Ranking reads only the ids and prior columns of the candidates; the text is read for
        the page alone (highlights); totals and facets read the facet columns, only when
        asked for, and stop counting at COUNT_BOUND.
        """
        counts = store.Counts()
        async with self._db.transaction() as conn:
            await store.plan_for_search(conn)
            widened = _widened(
                await store.similar_words(
                    conn,
                    widenable(query),
                    typo_from=MIN_TYPO_CHARS,
                    similarity=CANDIDATE_SIMILARITY,
                    limit=2 * WIDENED_WORDS,
                )
            )
            plan = _plan(query, widened)
            also = tuple(sorted({w for words in widened.values() for w in words}))
            if plan.hopeless:
                return SearchPage([], 0, {}, False)
            window = window_for(plan.conjunctions, await self._lexeme_stats(conn))
            page = (limit, offset)
            # Whole tiers of candidates, as many as the page reaches into.
            pool = CANDIDATES * math.ceil((offset + limit + 1) / CANDIDATES)
            candidates = (pool, CANDIDATES)
            if window is not None:
                window = window * pool // CANDIDATES
            total, facets = extras.total, extras.facets
            if window is None and (total or facets):
                # Few matches: rank and count them in one pass.
                hits, has_more, counts = await store.ranked_and_counted(
                    conn, plan.match, plan.rank_query, wanted, page, candidates,
                    total=total, facets=facets, bound=COUNT_BOUND,
                )  # fmt: skip
            else:
                hits, has_more = await store.ranked(
                    conn, plan.match, plan.rank_query, wanted, page, candidates, window
                )
                if total or facets:
                    counts = await store.counts(
                        conn, plan.match, wanted, total=total, facets=facets, bound=COUNT_BOUND
                    )
        return SearchPage(
            [
                SearchHit(
                    h.subject_id, h.kind, h.score, highlights_of(h.title, h.body, query, also)
                )
                for h in hits
            ],
            counts.total,
            counts.facets or {},
            has_more,
            total_is_exact=counts.total_is_exact,
            facets_are_exact=counts.facets_are_exact,
        )
