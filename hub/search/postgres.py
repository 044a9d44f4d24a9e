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
from hub.search.segment import latin_words, query_words
from hub.search.tokens import FORMAT, document_tsvector, normalized, pieces, term_query
from hub.store import search as store
from hub.store import search_index
from hub.store.db import Database

NAME = "postgres"
# Latin words shorter than this match exactly (as words or substrings), never by similarity.
MIN_TYPO_LENGTH = 4
# pg_trgm's index can serve a substring of three characters or more. CJK substrings are
# lexemes (hub.search.tokens); this is for Latin ones inside words: "9501" in "kn9501".
MIN_SUBSTRING_LENGTH = 3
# Up to this many documents' lexemes are made on the event loop (about 60 µs each); more go to
# a thread.
INLINE_DOCUMENTS = 16


def indexed(document: SearchDocument) -> search_index.IndexedDocument:
    """A document with its lexemes for the tsvector."""
    return search_index.IndexedDocument(
        document,
        document_tsvector(document.title, document.body),
        latin_words(f"{document.title} {document.body}"),
    )


def indexed_all(documents: Sequence[SearchDocument]) -> list[search_index.IndexedDocument]:
    """`indexed` of each document (CPU work: callers run it off the event loop)."""
    return [indexed(d) for d in documents]


def term_match(term: str) -> store.TermMatch:
    """How one query word may match (see hub.store.search.TermMatch)."""
    lexemes = term_query(term)
    latin = term.lower() if term.isascii() and len(term) >= MIN_TYPO_LENGTH else None
    has_cjk = any(piece.cjk for piece in pieces(normalized(term)))
    substring = (
        store.like_pattern(term)
        if lexemes.match is None or (not has_cjk and len(term) >= MIN_SUBSTRING_LENGTH)
        else None
    )
    return store.TermMatch(lexemes.match, substring, latin)


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
        """Matching documents, best first, with the total and facets when asked for."""
        terms = [term_match(t) for t in query.terms]
        ranks = [r for r in (term_query(t).rank for t in query.terms) if r]
        rank_query = " | ".join(f"({r})" for r in ranks) if ranks else None
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
