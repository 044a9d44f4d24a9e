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
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hub.domain.enums import EntryKind, Urgency, VerificationStatus
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
from hub.domain.model import Entry, Item, NeedDetails
from hub.domain.pledges import Pledge, available, promised_by_position, reserved_by_position
from hub.domain.region import Region
from hub.services.match_runner import MatchRunner, runner_for
from hub.settings import Settings
from hub.store import entries as entry_store
from hub.store import matching as store
from hub.store import organizations as organization_store
from hub.store import pledges as pledge_store
from hub.store.db import Connection, Database
from hub.store.matching import Candidate

# How many suggestions an answer keeps (the API's largest `first`).
KEPT = 50
# Specs and certifications read per call, for the entries whose standards are not parsed yet
# (reading them is work on the event loop; what does not fit is read by later calls).
TEXT_BYTES = 256 * 1024


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
        items=settings.matching_max_items,
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


def _held(taken: Sequence[Pledge], *, offer: bool) -> dict[int, Decimal]:
    """What each item has promised away. What a need still lacks discounts only accepted
    pledges (a proposal of everything must not hide it from donors); an offer's own
    proposals hold its stock."""
    return promised_by_position(taken, offer=True) if offer else reserved_by_position(taken)


def _side(
    items: tuple[Item, ...],
    promised: dict[int, Decimal],
    region: Region,
    verification: VerificationStatus,
    updated_at: datetime,
    urgency: Urgency | None,
    latitude: float | None,
    longitude: float | None,
) -> Side:
    return Side(
        items=items,
        left={
            pos: available(item, promised.get(pos, Decimal(0))) for pos, item in enumerate(items)
        },
        region=region,
        verification=verification,
        updated_at=updated_at,
        urgency=urgency,
        latitude=latitude,
        longitude=longitude,
    )


async def _target_side(conn: Connection, target: Entry, *, offer: bool) -> Side:
    pledges = await pledge_store.pledges_of(conn, [target.id], offers=offer)
    org_id = target.draft.organization_id
    org = (
        (await organization_store.get_organizations(conn, [org_id])).get(org_id) if org_id else None
    )
    details = target.draft.details
    return _side(
        target.draft.items,
        _held(pledges.get(target.id, []), offer=offer),
        target.draft.region,
        target.verification_status,
        target.updated_at,
        details.urgency if isinstance(details, NeedDetails) else None,
        org.draft.latitude if org else None,
        org.draft.longitude if org else None,
    )


@dataclass(frozen=True)
class _Work:
    """What one call scores: read on the event loop, scored in the worker thread."""

    target: Entry
    target_side: Side
    # Most recently updated first: the budget keeps the freshest.
    candidates: list[Candidate]
    # How many there were before the item budget cut the list.
    before_cut: int
    sides: dict[UUID, Side]
    suggesting_offers: bool
    now: datetime


async def _read(
    db: Database, runner: MatchRunner, entry_id: UUID, kind: EntryKind, limits: MatchLimits
) -> _Work | None:
    other = EntryKind.OFFER if kind is EntryKind.NEED else EntryKind.NEED
    async with db.connection() as conn:
        target = (await entry_store.get_entries(conn, [entry_id])).get(entry_id)
        if target is None or target.kind is not kind:
            return None
        categories = {item.category_code for item in target.draft.items}
        wanted = _answering(categories) if kind is EntryKind.NEED else _answered_by(categories)
        target_side = await _target_side(conn, target, offer=kind is EntryKind.OFFER)
        read = await store.candidates(
            conn,
            other,
            sorted(wanted),
            sorted(MATCHABLE, key=lambda s: s.value),
            entry_id,
            limits.candidates,
            # Each item that can match is compared with at most every item of the target.
            min(limits.items, limits.pairs // max(len(target.draft.items), 1)),
        )
        # Standards parsed before are taken now (pinned for this call); only the other
        # entries' long texts are read.
        stated = {c.id: runner.standards.get((c.id, c.version)) for c in read.found}
        unparsed = [c.id for c in read.found if stated[c.id] is None]
        texts = await store.item_texts(conn, unparsed, TEXT_BYTES)
        offers = other is EntryKind.OFFER
        pledges = await pledge_store.pledges_of(conn, [c.id for c in read.found], offers=offers)
    sides = {
        c.id: replace(
            _side(
                _with_texts(c.items, texts.get(c.id, {})),
                _held(pledges.get(c.id, []), offer=offers),
                c.region,
                c.verification,
                c.updated_at,
                c.urgency,
                c.latitude,
                c.longitude,
            ),
            stated=stated[c.id],
        )
        for c in read.found
        # Entries whose texts did not fit this call's share are left to a later one.
        if stated[c.id] is not None or c.id in texts
    }
    found = read.found
    return _Work(
        target,
        target_side,
        found,
        read.before_cut,
        sides,
        kind is EntryKind.NEED,
        datetime.now(UTC),
    )


def _with_texts(
    items: tuple[Item, ...], texts: dict[int, tuple[str | None, tuple[str, ...]]]
) -> tuple[Item, ...]:
    """The items with the spec and certifications read for them."""
    if not texts:
        return items
    return tuple(
        replace(item, spec=texts[pos][0], certifications=texts[pos][1]) if pos in texts else item
        for pos, item in enumerate(items)
    )


def _with_standards(runner: MatchRunner, key: tuple[UUID, int], side: Side) -> Side:
    """`side` with its items' standards, parsed once per entry version (`key`)."""
    stated = side.stated if side.stated is not None else runner.standards.get(key)
    if stated is None:
        stated = side_standards(side.items)
        runner.standards.put(key, stated)
    return replace(side, stated=stated)


@dataclass(frozen=True)
class Scored:
    """The best matches by entry id, best first, and how far the budget let scoring go."""

    found: tuple[tuple[UUID, Match], ...]
    candidates: int
    scored: int


def score(runner: MatchRunner, work: _Work, limits: MatchLimits) -> Scored:
    """Rank the candidates within the budget (CPU only: runs in the worker thread)."""
    budget = WorkBudget(limits, time.monotonic)
    target = _with_standards(runner, (work.target.id, work.target.version), work.target_side)
    found: list[tuple[UUID, Match]] = []
    scored = 0
    for candidate in work.candidates:
        if budget.exhausted:
            break
        if candidate.id not in work.sides:
            # Its texts were not read (beyond this call's share): the budget ends here.
            break
        side = _with_standards(runner, (candidate.id, candidate.version), work.sides[candidate.id])
        need, offer = (target, side) if work.suggesting_offers else (side, target)
        if not budget.spend(comparisons(need, offer)):
            break
        scored += 1
        result = match(need, offer, work.now, suggesting_offers=work.suggesting_offers)
        if result is not None:
            found.append((candidate.id, result))
    found.sort(key=lambda f: (-f[1].score, str(f[0])))
    return Scored(tuple(found[:KEPT]), work.before_cut, scored)


async def _suggested(db: Database, scored: Scored) -> Suggestions:
    """The scored matches with their entries, read in full (only those: at most KEPT)."""
    async with db.connection() as conn:
        entries = await entry_store.get_entries(conn, [entry_id for entry_id, _ in scored.found])
    return Suggestions(
        tuple(Suggestion(entries[i], m) for i, m in scored.found if i in entries),
        scored.candidates,
        scored.scored,
    )


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
        work = await _read(db, runner, entry_id, kind, limits)
        if work is None:
            return None
        scored = await runner.run(score, runner, work, limits)
        return await _suggested(db, scored)

    return await runner.shared(
        (kind, entry_id, data_version), compute, keep=data_version is not None
    )


def best(found: Suggestions, first: int) -> Sequence[Suggestion]:
    """The `first` best suggestions."""
    return found.found[:first]
