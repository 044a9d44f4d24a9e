"""The `search` query: full-text search over entries and organizations (hub/search)."""

from __future__ import annotations

from typing import Annotated

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import enums as domain
from hub.domain.listing import BadCursor
from hub.domain.regions import NATIONWIDE, filter_places
from hub.domain.search import (
    MAX_SEARCH_DEPTH,
    ORGANIZATION,
    cursor_offset,
    parse_query,
    search_cursor,
)
from hub.domain.search import SearchFilter as SearchFilterRecord
from hub.graphql.common import PageInfo
from hub.graphql.connections import page_size
from hub.graphql.context import Info
from hub.graphql.entries import DonationChannel, Lodging, LogisticsOffer, Need, Offer, entry_of
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.filters import MAX_FILTER_VALUES
from hub.graphql.organizations.types import Organization
from hub.graphql.selection import selected_fields
from hub.search.backend import COUNT_BOUND, Extras, SearchHit
from hub.search.service import SearchUnavailable

SearchResult = Annotated[
    Need | Offer | LogisticsOffer | Lodging | DonationChannel | Organization,
    strawberry.union("SearchResult", description="What a search finds."),
]


@strawberry.input(description="Narrows a search; all given must hold.")
class SearchFilter:
    provinces: list[str] | None = None
    cities: list[str] | None = None
    category_codes: list[str] | None = None
    urgencies: list[domain.Urgency] | None = None
    verification_statuses: list[domain.VerificationStatus] | None = strawberry.field(
        default=None,
        description="Defaults to entries that are VERIFIED (and organizations whatever their "
        "status), as lists do.",
    )

    def to_domain(self, kinds: list[str]) -> SearchFilterRecord:
        """The domain filter."""
        for name, values in (
            ("provinces", self.provinces),
            ("cities", self.cities),
            ("categoryCodes", self.category_codes),
        ):
            if values is not None and len(values) > MAX_FILTER_VALUES:
                raise hub_error(
                    ErrorCode.BAD_USER_INPUT, f"{name} takes at most {MAX_FILTER_VALUES} values."
                )
        provinces, cities = filter_places(self.provinces or (), self.cities or ())
        if provinces and NATIONWIDE not in provinces:
            # Nationwide entries answer every province, as in lists (hub/domain/regions.py).
            provinces += (NATIONWIDE,)
        return SearchFilterRecord(
            kinds=tuple(kinds),
            provinces=provinces,
            cities=cities,
            category_codes=tuple(self.category_codes or ()),
            urgencies=tuple(u.value for u in self.urgencies or ()),
            verification_statuses=tuple(v.value for v in self.verification_statuses or ()),
            verified_entries_only=self.verification_statuses is None,
        )


@strawberry.type(description="Where a result matched: a snippet and the matched character ranges.")
class SearchHighlight:
    field: str = strawberry.field(description="title or body")
    snippet: str
    ranges: list[list[int]] = strawberry.field(
        description="[start, length] pairs, in characters of the snippet."
    )


@strawberry.type
class SearchEdge:
    cursor: str
    node: SearchResult
    score: float
    highlights: list[SearchHighlight]


@strawberry.type(description="How many results have each value.")
class FacetCount:
    value: str
    count: int


@strawberry.type(description="Counts of the whole result (not just this page) by field.")
class SearchFacets:
    counts_are_exact: bool = strawberry.field(
        description="False when not every match was counted: the counts are then those of "
        f"the first {COUNT_BOUND:,} matches (PostgreSQL), or a facet had more values than are "
        "listed (Meilisearch)."
    )
    kinds: list[FacetCount]
    provinces: list[FacetCount]
    cities: list[FacetCount]
    categories: list[FacetCount]
    urgencies: list[FacetCount]
    verification_statuses: list[FacetCount]


@strawberry.type
class SearchResults:
    edges: list[SearchEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many results match; at least this many when totalCountIsExact is "
        f"false (the PostgreSQL index stops counting past {COUNT_BOUND:,})."
    )
    total_count_is_exact: bool = strawberry.field(
        description=f"False when more than {COUNT_BOUND:,} results match and the index did not "
        "count them all: totalCount is then a lower bound, as large search engines report."
    )
    facets: SearchFacets
    backend: str = strawberry.field(description="Which index answered: postgres or meilisearch.")


def _counts(values: dict[str, int]) -> list[FacetCount]:
    return [FacetCount(value=v, count=n) for v, n in sorted(values.items(), key=lambda i: -i[1])]


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    try:
        return cursor_offset(after) + 1
    except BadCursor as error:
        raise hub_error(ErrorCode.INVALID_CURSOR, f"Invalid cursor: {error}.") from None


async def _nodes(info: Info, hits: list[SearchHit]) -> dict[object, SearchResult]:
    ctx = info.context
    entry_ids = [h.subject_id for h in hits if h.kind != ORGANIZATION]
    organization_ids = [h.subject_id for h in hits if h.kind == ORGANIZATION]
    found: dict[object, SearchResult] = {}
    for entry in await ctx.loaders.entry.load_many(entry_ids):
        if entry is not None:
            found[entry.id] = entry_of(entry, ctx.may_see_protected_contacts)
    for organization in await ctx.loaders.organization.load_many(organization_ids):
        if organization is not None:
            found[organization.id] = Organization.of(organization, ctx.may_see_protected_contacts)
    return found


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Entries and organizations matching `query` (Chinese or English; words, "
        '"exact phrases", prefixes and, in Latin script, typos), best first, with facets.'
    )
    async def search(
        self,
        info: Info,
        query: str,
        kinds: Annotated[
            list[domain.EntryKind] | None,
            strawberry.argument(
                description="Only these kinds of entry; null: every kind and organizations too."
            ),
        ] = None,
        filter: SearchFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SearchResults:
        ctx = info.context
        size = page_size(first, ctx.settings.max_page_size)
        offset = _offset(after)
        size = max(0, min(size, MAX_SEARCH_DEPTH - offset))
        wanted = (filter or SearchFilter()).to_domain([k.value for k in kinds or ()])
        if ctx.search is None:
            raise hub_error(ErrorCode.SEARCH_UNAVAILABLE, "Search is not set up on this hub.")
        selected = selected_fields(info)
        extras = Extras(total="totalCount" in selected, facets="facets" in selected)
        try:
            page = await ctx.search.search(parse_query(query), wanted, size, offset, extras)
        except SearchUnavailable as error:
            raise hub_error(ErrorCode.SEARCH_UNAVAILABLE, str(error)) from None
        if page.fallback_reason:
            ctx.notices["search"] = {"backend": page.backend, "fallback": page.fallback_reason}
        nodes = await _nodes(info, page.result.hits)
        edges = [
            SearchEdge(
                cursor=search_cursor(offset + i),
                node=nodes[hit.subject_id],
                score=round(hit.score, 4),
                highlights=[
                    SearchHighlight(
                        field=h.field, snippet=h.snippet, ranges=[list(r) for r in h.ranges]
                    )
                    for h in hit.highlights
                ],
            )
            for i, hit in enumerate(page.result.hits)
            if hit.subject_id in nodes
        ]
        facets = page.result.facets
        return SearchResults(
            edges=edges,
            page_info=PageInfo(
                has_next_page=bool(page.result.has_more)
                and offset + len(page.result.hits) < MAX_SEARCH_DEPTH,
                has_previous_page=offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.result.total,
            total_count_is_exact=page.result.total_is_exact,
            facets=SearchFacets(
                counts_are_exact=page.result.facets_are_exact,
                kinds=_counts(facets.get("kinds", {})),
                provinces=_counts(facets.get("provinces", {})),
                cities=_counts(facets.get("cities", {})),
                categories=_counts(facets.get("categories", {})),
                urgencies=_counts(facets.get("urgencies", {})),
                verification_statuses=_counts(facets.get("verificationStatuses", {})),
            ),
            backend=page.backend,
        )
