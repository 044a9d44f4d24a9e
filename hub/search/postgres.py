"""The PostgreSQL search backend: the embedded default, no service beside the database."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from uuid import UUID

from hub.domain.search import (
    Highlight,
    ParsedQuery,
    SearchDocument,
    SearchFilter,
    highlight,
)
from hub.search.backend import EVERYTHING, Extras, SearchHit, SearchPage
from hub.search.segment import index_words, latin_words, query_words
from hub.store import search as store
from hub.store.db import Database

NAME = "postgres"
# Latin words shorter than this match exactly (as words or substrings), never by similarity.
MIN_TYPO_LENGTH = 4
# pg_trgm's index can serve a substring of three characters or more; a shorter one (口罩, 协和)
# would read every document, so it matches through the segmented words alone.
MIN_SUBSTRING_LENGTH = 3


def indexed(document: SearchDocument) -> store.IndexedDocument:
    """A document with its words cut for the tsvector."""
    return store.IndexedDocument(
        document,
        " ".join(index_words(document.title)),
        " ".join(index_words(document.body)),
        latin_words(f"{document.title} {document.body}"),
    )


def term_match(term: str) -> store.TermMatch:
    """How one query word may match (see hub.store.search.TermMatch)."""
    words = query_words(term)
    latin = term.lower() if term.isascii() and len(term) >= MIN_TYPO_LENGTH else None
    # The last word may be a prefix still being typed: "vent" finds "ventilator".
    tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else None
    substring = store.like_pattern(term) if len(term) >= MIN_SUBSTRING_LENGTH or not words else None
    return store.TermMatch(tsquery, substring, latin)


def highlights_of(title: str, body: str, query: ParsedQuery) -> tuple[Highlight, ...]:
    """Snippets of the title and body around what matched."""
    needles = query.needles + tuple(w for t in query.terms for w in query_words(t))
    found = (highlight("title", title, needles), highlight("body", body, needles))
    return tuple(h for h in found if h is not None)


class PostgresSearch:
    """Documents in `search_document`, found by words, substrings and trigram similarity."""

    name = NAME

    def __init__(self, db: Database) -> None:
        self._db = db

    async def position(self) -> int:
        """How far this index has read the outbox."""
        async with self._db.connection() as conn:
            return await store.get_position(conn, NAME)

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        """Documents, removals and the new position in one transaction: a crash loses nothing."""
        # Cutting words is CPU work (jieba): off the event loop.
        rows = await asyncio.to_thread(lambda: [indexed(d) for d in documents])
        async with self._db.transaction() as conn:
            if rows:
                await store.upsert_documents(conn, rows)
            if removed:
                await store.delete_documents(conn, removed)
            await store.set_position(conn, NAME, position)

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """Matching documents, best first, with the total and facets when asked for."""
        terms = [term_match(t) for t in query.terms]
        words = [w for t in query.terms for w in query_words(t)]
        rank_query = " | ".join(words) if words else None
        facets: dict[str, dict[str, int]] = {}
        async with self._db.transaction() as conn:
            await store.prefer_custom_plans(conn)
            hits, total, has_more = await store.search(
                conn, terms, query.phrases, rank_query, wanted, limit, offset, count=extras.total
            )
            if extras.facets:
                facets = await store.facets(conn, terms, query.phrases, wanted)
        return SearchPage(
            [
                SearchHit(h.subject_id, h.kind, h.score, highlights_of(h.title, h.body, query))
                for h in hits
            ],
            total,
            facets,
            has_more,
        )
