"""Suggesting offers for a need and needs for an offer, ranked and explained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.matching import ALSO_ANSWERS, MATCHABLE, Match, Side, match
from hub.domain.model import Entry, NeedDetails, Organization
from hub.domain.pledges import available, promised_by_position, reserved_by_position
from hub.store import entries as entry_store
from hub.store import matching as store
from hub.store import organizations as organization_store
from hub.store import pledges as pledge_store
from hub.store.db import Connection, Database

# How many candidates are scored; the best `first` of them are returned.
CANDIDATES = 300


@dataclass(frozen=True)
class Suggestion:
    """A candidate entry and how well it matches."""

    entry: Entry
    match: Match


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
    pledges = await pledge_store.pledges_of(conn, [e.id for e in entries], offers=offers)
    org_ids = [e.draft.organization_id for e in entries if e.draft.organization_id]
    organizations = await organization_store.get_organizations(conn, org_ids)
    sides = {}
    for entry in entries:
        # What a need still lacks discounts only accepted pledges (a proposal of everything
        # must not hide it from donors); an offer's own proposals hold its stock.
        taken = pledges.get(entry.id, [])
        promised = (
            promised_by_position(taken, offer=True) if offers else reserved_by_position(taken)
        )
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


async def suggestions(
    db: Database, entry_id: UUID, kind: EntryKind, first: int
) -> list[Suggestion] | None:
    """The best matches for a need (offers) or an offer (needs); None when there is no such
    entry."""
    other = EntryKind.OFFER if kind is EntryKind.NEED else EntryKind.NEED
    now = datetime.now(UTC)
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
            CANDIDATES,
        )
        candidates = list((await entry_store.get_entries(conn, ids)).values())
        target_side = (await _sides(conn, [target], offers=kind is EntryKind.OFFER))[target.id]
        sides = await _sides(conn, candidates, offers=other is EntryKind.OFFER)
    found = []
    for candidate in candidates:
        side = sides[candidate.id]
        if kind is EntryKind.NEED:
            result = match(target_side, side, now, suggesting_offers=True)
        else:
            result = match(side, target_side, now, suggesting_offers=False)
        if result is not None:
            found.append(Suggestion(candidate, result))
    found.sort(key=lambda s: (-s.match.score, str(s.entry.id)))
    return found[:first]
