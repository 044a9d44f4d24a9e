"""Matching suggestions: offers for a need and needs for an offer, each score explained."""

from __future__ import annotations

from typing import Any

import strawberry

from hub.domain.enums import EntryKind
from hub.domain.matching import Factor, FactorScore
from hub.domain.matching import MatchLine as DomainMatchLine
from hub.graphql.context import Info
from hub.graphql.entries import AnyEntry, Need, Offer, entry_of
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id
from hub.graphql.pledges.types import as_float
from hub.services import matching
from hub.services.outcome import MatchingBusy

strawberry.enum(Factor, name="MatchFactor")

MAX_SUGGESTIONS = 50


@strawberry.type(description="One part of a match score: value 0 to 1, its weight, and why.")
class MatchFactorScore:
    factor: Factor
    value: float
    weight: float
    explanation: str = strawberry.field(description="In the language of Accept-Language.")

    @classmethod
    def of(cls, factor: FactorScore, language: str) -> MatchFactorScore:
        """The GraphQL view of a factor."""
        return cls(
            factor=factor.factor,
            value=round(factor.value, 4),
            weight=factor.weight,
            explanation=factor.note_zh if language == "zh" else factor.note_en,
        )


@strawberry.type(description="A needed item answered by an offered item; pass it to pledge.")
class MatchLine:
    need_item: int
    offer_item: int
    quantity: float | None = strawberry.field(
        description="How much fits both sides; null when neither says how much."
    )

    @classmethod
    def of(cls, line: DomainMatchLine) -> MatchLine:
        """The GraphQL view of a line."""
        return cls(
            need_item=line.need_position,
            offer_item=line.offer_position,
            quantity=as_float(line.quantity),
        )


@strawberry.type(description="An offer suggested for a need.")
class OfferMatch:
    offer: Offer
    score: float = strawberry.field(description="0 to 1: the weighted sum of the factors.")
    factors: list[MatchFactorScore]
    lines: list[MatchLine]


@strawberry.type(description="A need suggested for an offer.")
class NeedMatch:
    need: Need
    score: float = strawberry.field(description="0 to 1: the weighted sum of the factors.")
    factors: list[MatchFactorScore]
    lines: list[MatchLine]


async def _suggest(
    info: Info, global_id: str, kind: EntryKind, first: int
) -> list[matching.Suggestion]:
    type_name = "Need" if kind is EntryKind.NEED else "Offer"
    entry_id = expect_global_id(global_id, type_name)
    if entry_id is None:
        raise hub_error(ErrorCode.INVALID_ID, f"Not a {type_name} id.")
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise hub_error(ErrorCode.PAGE_SIZE_EXCEEDED, f"first must be 1 to {MAX_SUGGESTIONS}.")
    ctx = info.context
    version = ctx.data_version.current if ctx.data_version is not None else None
    try:
        found = await matching.suggestions(ctx.db, ctx.settings, entry_id, kind, version)
    except MatchingBusy:
        raise hub_error(
            ErrorCode.MATCHING_BUSY, "Matching is busy; try again in a few seconds."
        ) from None
    if found is None:
        raise hub_error(ErrorCode.BAD_USER_INPUT, f"No such {type_name}.")
    if not found.complete:
        # Said to the client (and keeps the partial answer out of the response cache).
        ctx.notices["matching"] = {"candidates": found.candidates, "scored": found.scored}
    return list(matching.best(found, first))


def _explained(
    info: Info, found: list[matching.Suggestion]
) -> list[tuple[AnyEntry, dict[str, Any]]]:
    """Each suggested entry with its score, explained factors and lines."""
    ctx = info.context
    return [
        (
            entry_of(s.entry, ctx.may_see_protected_contacts),
            {
                "score": s.match.score,
                "factors": [MatchFactorScore.of(f, ctx.language) for f in s.match.factors],
                "lines": [MatchLine.of(line) for line in s.match.lines],
            },
        )
        for s in found
    ]


@strawberry.type
class MatchingQuery:
    @strawberry.field(
        description="Offers that can answer a need, best first, each score explained: category "
        "and standard compatibility, quantity, distance, urgency, verification, freshness."
    )
    async def matching_offers(
        self, info: Info, need_id: strawberry.ID, first: int = 10
    ) -> list[OfferMatch]:
        found = await _suggest(info, need_id, EntryKind.NEED, first)
        return [OfferMatch(offer=e, **parts) for e, parts in _explained(info, found)]  # type: ignore[arg-type]

    @strawberry.field(description="Needs an offer can answer, best first, each score explained.")
    async def matching_needs(
        self, info: Info, offer_id: strawberry.ID, first: int = 10
    ) -> list[NeedMatch]:
        found = await _suggest(info, offer_id, EntryKind.OFFER, first)
        return [NeedMatch(need=e, **parts) for e, parts in _explained(info, found)]  # type: ignore[arg-type]
