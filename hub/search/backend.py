"""The interface every search backend implements, and what a search returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from hub.domain.search import Highlight, ParsedQuery, SearchDocument, SearchFilter

FACETS = ("kinds", "provinces", "cities", "categories", "urgencies", "verificationStatuses")
# Totals and facet counts are exact up to this many matches; past it a backend may stop
# counting and say so (`total_is_exact`, `facets_are_exact`), as large search engines do.
# Results page to MAX_SEARCH_DEPTH (1,000) anyway, Meilisearch counts to 1,000 by default
# (maxTotalHits), and on two cores counting the first 10,000 matches of 口罩 cost PostgreSQL
# 25-60 ms, several times what finding the best 20 does (bench/search.py).
COUNT_BOUND = 1_000


class BackendUnavailable(Exception):
    """The backend cannot be reached right now (the caller may fall back or retry)."""


@dataclass(frozen=True)
class SearchHit:
    """One matching entry or organization."""

    subject_id: UUID
    kind: str
    score: float
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class SearchPage:
    """A page of hits, the total and the facet counts of the whole result.

    `total` is 0 and `facets` empty when the search was asked not to count them (Extras);
    `has_more` says whether hits follow this page either way. When more than COUNT_BOUND
    documents match, `total` may be a lower bound and the facets counts of part of the matches:
    `total_is_exact` and `facets_are_exact` say so.
    """

    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    has_more: bool | None = None
    total_is_exact: bool = True
    facets_are_exact: bool = True


@dataclass(frozen=True)
class Extras:
    """What a search computes beyond its page of hits: each reads every match."""

    total: bool = True
    facets: bool = True


EVERYTHING = Extras()


class SearchBackend(Protocol):
    """A search index fed by the indexer (workers/search_indexer.py) and read by `search`."""

    name: str

    async def position(self) -> int:
        """How far the index has read the outbox (a position, see hub.store.live)."""

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        """Put `documents` in, take `removed` out, then record `position`; idempotent."""

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """Matching documents, best first, with the `extras` asked for; BackendUnavailable
        when it cannot answer."""
