"""Suggesting offers for a need and needs for an offer, ranked and explained.

One call is bounded (`hub.domain.match_budget`): only VERIFIED candidates, at most
`MatchLimits.candidates` of them, those holding an item of a category that can match (chosen in
SQL), at most `MatchLimits.pairs` item pairs compared and `MatchLimits.seconds` spent. The
scoring is pure CPU, so it runs in a worker thread (`hub.services.match_runner`), never on the
event loop, and no pooled connection is held meanwhile. What does not change between calls is
kept: each entry version's parsed standards, and each answer per data version.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.match_budget import MatchLimits, WorkBudget
from hub.domain.matching import (
    ALSO_ANSWERS,
    MATCHABLE,
    Match,
    Side,
    comparisons,
    match,
    side_standards,
)
from hub.domain.model import Entry, NeedDetails, Organization
from hub.domain.pledges import available, promised_by_position
from hub.services.match_runner import MatchRunner, runner_for
from hub.settings import Settings
from hub.store import entries as entry_store
from hub.store import matching as store
from hub.store import organizations as organization_store
from hub.store import pledges as pledge_store
from hub.store.db import Connection, Database

# How many suggestions an answer keeps (the API's largest `first`).
KEPT = 50


@dataclass(frozen=True)
class Suggestion:
    """A candidate entry and how well it matches."""

    entry: Entry
    match: Match


@dataclass(frozen=True)
class Suggestions:
    """The best matches found, best first, and whether the budget cut the search short."""

    found: tuple[Suggestion, ...]
    # Candidates read, and how many of them were scored before the budget ran out.
    candidates: int
    scored: int

    @property
    def complete(self) -> bool:
        """Whether every candidate was scored."""
        return self.scored == self.candidates


def limits_of(settings: Settings) -> MatchLimits:
    """The matching limits the settings set."""
    return MatchLimits(
        candidates=settings.matching_candidates,
        pairs=settings.matching_max_pairs,
        seconds=settings.matching_budget_ms / 1000,
    )


def _answering(need_categories: set[str]) -> set[str]:
    """Categories whose supply answers needs in `need_categories`."""
    found = set(need_categories)
    for code in need_categories:
        found |= ALSO_ANSWERS.get(code, frozenset())
    return found


def _answered_by(offer_categories: set[str]) -> set[str]:
    """Categories of needs that supply in `offer_categories` answers."""
    found = set(offer_categories)
    for need_code, offered in ALSO_ANSWERS.items():
        if offered & offer_categories:
            found.add(need_code)
    return found


async def _sides(conn: Connection, entries: list[Entry], *, offers: bool) -> dict[UUID, Side]:
    """What matching needs of each entry; standards are parsed later, in the worker thread."""
    pledges = await pledge_store.pledges_of(conn, [e.id for e in entries], offers=offers)
    org_ids = [e.draft.organization_id for e in entries if e.draft.organization_id]
    organizations = await organization_store.get_organizations(conn, org_ids)
    sides = {}
    for entry in entries:
        promised = promised_by_position(pledges.get(entry.id, []), offer=offers)
        org_id = entry.draft.organization_id
        org: Organization | None = organizations.get(org_id) if org_id else None
        details = entry.draft.details
        sides[entry.id] = Side(
            items=entry.draft.items,
            left={
                pos: available(item, promised.get(pos, Decimal(0)))
                for pos, item in enumerate(entry.draft.items)
            },
            region=entry.draft.region,
            verification=entry.verification_status,
            updated_at=entry.updated_at,
            urgency=details.urgency if isinstance(details, NeedDetails) else None,
            latitude=org.draft.latitude if org else None,
            longitude=org.draft.longitude if org else None,
        )
    return sides


@dataclass(frozen=True)
class _Work:
    """What one call scores: read on the event loop, scored in the worker thread."""

    target: Entry
    target_side: Side
    candidates: list[Entry]
    sides: dict[UUID, Side]
    suggesting_offers: bool
    now: datetime


async def _read(
    db: Database, entry_id: UUID, kind: EntryKind, limits: MatchLimits
) -> _Work | None:
    other = EntryKind.OFFER if kind is EntryKind.NEED else EntryKind.NEED
    async with db.connection() as conn:
        target = (await entry_store.get_entries(conn, [entry_id])).get(entry_id)
        if target is None or target.kind is not kind:
            return None
        categories = {item.category_code for item in target.draft.items}
        wanted = _answering(categories) if kind is EntryKind.NEED else _answered_by(categories)
        ids = await store.candidate_ids(
            conn,
            other,
            sorted(wanted),
            sorted(MATCHABLE, key=lambda s: s.value),
            entry_id,
            limits.candidates,
        )
        candidates = list((await entry_store.get_entries(conn, ids)).values())
        target_side = (await _sides(conn, [target], offers=kind is EntryKind.OFFER))[target.id]
        sides = await _sides(conn, candidates, offers=other is EntryKind.OFFER)
    # The order the SQL chose (most recently updated first): the budget keeps the freshest.
    order = {entry_id: i for i, entry_id in enumerate(ids)}
    candidates.sort(key=lambda e: order[e.id])
    return _Work(
        target, target_side, candidates, sides, kind is EntryKind.NEED, datetime.now(UTC)
    )


def _with_standards(runner: MatchRunner, entry: Entry, side: Side) -> Side:
    """`side` with its items' standards, parsed once per entry version."""
    key = (entry.id, entry.version)
    stated = runner.standards.get(key)
    if stated is None:
        stated = side_standards(side.items)
        runner.standards.put(key, stated)
    return Side(
        items=side.items,
        left=side.left,
        region=side.region,
        verification=side.verification,
        updated_at=side.updated_at,
        urgency=side.urgency,
        latitude=side.latitude,
        longitude=side.longitude,
        stated=stated,
    )


def score(runner: MatchRunner, work: _Work, limits: MatchLimits) -> Suggestions:
    """Rank the candidates within the budget (CPU only: runs in the worker thread)."""
    budget = WorkBudget(limits, time.monotonic)
    target = _with_standards(runner, work.target, work.target_side)
    found = []
    scored = 0
    for candidate in work.candidates:
        if budget.exhausted:
            break
        side = _with_standards(runner, candidate, work.sides[candidate.id])
        need, offer = (target, side) if work.suggesting_offers else (side, target)
        if not budget.spend(comparisons(need, offer)):
            break
        scored += 1
        result = match(need, offer, work.now, suggesting_offers=work.suggesting_offers)
        if result is not None:
            found.append(Suggestion(candidate, result))
    found.sort(key=lambda s: (-s.match.score, str(s.entry.id)))
    return Suggestions(tuple(found[:KEPT]), len(work.candidates), scored)


async def suggestions(
    db: Database,
    settings: Settings,
    entry_id: UUID,
    kind: EntryKind,
    data_version: int | None,
) -> Suggestions | None:
    """The best matches for a need (offers) or an offer (needs), best first; None when there is
    no such entry. Answers are kept per data version (`None`: not kept), and concurrent calls
    for the same entry share one computation. Raises `MatchingBusy` when no worker thread
    frees up in time."""
    limits = limits_of(settings)
    runner = runner_for(db, settings)

    async def compute() -> Suggestions | None:
        work = await _read(db, entry_id, kind, limits)
        if work is None:
            return None
        return await runner.run(score, runner, work, limits)

    return await runner.shared((kind, entry_id, data_version), compute, keep=data_version is not None)


def best(found: Suggestions, first: int) -> Sequence[Suggestion]:
    """The `first` best suggestions."""
    return found.found[:first]
