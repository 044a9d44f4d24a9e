"""The interface every search backend implements, and what a search returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from hub.domain.search import Highlight, ParsedQuery, SearchDocument, SearchFilter

FACETS = ("kinds", "provinces", "cities", "categories", "urgencies", "verificationStatuses")


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
    """A page of hits, the total and the facet counts of the whole result."""

    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


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
        self, query: ParsedQuery, wanted: SearchFilter, limit: int, offset: int
    ) -> SearchPage:
        """Matching documents, best first; BackendUnavailable when it cannot answer."""
