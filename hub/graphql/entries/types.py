"""Entry types: the Entry interface and one type per kind (Need, Offer, LogisticsOffer,
Lodging, DonationChannel).

Each kind's fields are derived from its declaration in hub/domain/kinds/ (derive.entry_type);
its class here holds only what no declaration can say, such as a need's priority.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.completeness import missing_details
from hub.domain.donations import account_change
from hub.domain.enums import EntryKind, EntryStatus, MissingDetail, Urgency, VerificationStatus
from hub.domain.kinds import KINDS, kind_of
from hub.domain.organization_trust import shows_organization
from hub.domain.pledges import weighty
from hub.domain.priority import priority as need_priority
from hub.graphql.common import Contact, Region, Source
from hub.graphql.connections import page_size
from hub.graphql.context import Info
from hub.graphql.entries.derive import disclosed_field, entry_type, entry_values
from hub.graphql.entries.kinds import shape_of
from hub.graphql.ids import node_id, parse_global_id
from hub.graphql.node import Node
from hub.graphql.organizations.types import Organization
from hub.graphql.permissions import (
    for_reviewers,
    sees_account_changes,
    sees_possible_duplicates,
)
from hub.graphql.pledges.types import Pledge
from hub.graphql.trust.verification import EntryFlag, PublicReview, Verification
from hub.graphql.views import view_of
from hub.store import audit as audit_store

# The GraphQL type of each kind, as in global ids.
TYPE_NAMES: dict[EntryKind, str] = {kind.kind: kind.type_name for kind in KINDS}


def entry_id_of(global_id: str) -> UUID | None:
    """The uuid inside the id of an entry of any kind; None when it names no entry."""
    parsed = parse_global_id(global_id)
    return parsed[1] if parsed and parsed[0] in TYPE_NAMES.values() else None


@strawberry.interface(description="What every kind of entry has.")
class Entry(Node):
    kind: EntryKind
    provider_name: str | None = strawberry.field(
        description="An individual donor or driver, when there is no organization."
    )
    region: Region
    address: str | None
    notes: str | None
    source: Source
    status: EntryStatus
    close_reason: str | None
    verification_status: VerificationStatus
    contacts: list[Contact]
    created_at: datetime
    updated_at: datetime
    verified_at: datetime | None
    expires_at: datetime | None = strawberry.field(
        description="When the information becomes stale unless confirmed again."
    )
    version: int = strawberry.field(description="Pass it back when updating (optimistic locking).")
    self_reported: bool = strawberry.field(
        description="Posted by a member of its own, verified organization."
    )
    merged_into: strawberry.ID | None = strawberry.field(
        description="The entry this duplicate was merged into."
    )
    missing_details: list[MissingDetail] = strawberry.field(
        description="What the entry was accepted without (a need's items or contact): a "
        "reviewer completes it with the update mutation before it can be verified. Empty when "
        "nothing is missing."
    )
    organization_id: strawberry.Private[UUID | None]
    entry_id: strawberry.Private[UUID]
    lease_until: strawberry.Private[datetime | None]
    recheck_requested_at: strawberry.Private[datetime | None]

    @strawberry.field(
        description="Recent entries this one likely repeats or is repeated by (reviewers only)."
    )
    async def possible_duplicates(self, info: Info) -> list[PossibleDuplicate]:
        ctx = info.context
        if not sees_possible_duplicates(ctx.viewer):
            return []
        pairs = await ctx.loaders.duplicates.load(self.entry_id)
        found = await ctx.loaders.entry.load_many([other for other, _ in pairs])
        return [
            PossibleDuplicate(entry=entry_of(entry, ctx.may_see_protected_contacts), score=score)
            for (_, score), entry in zip(pairs, found, strict=True)
            if entry is not None
        ]

    @strawberry.field(description="How far the entry can be trusted: who checked it, how, when.")
    async def verification(self, info: Info) -> Verification:
        reviews = await info.context.loaders.reviews.load(self.entry_id)
        flags = await info.context.loaders.flags.load(self.entry_id)
        in_review = self.verification_status is VerificationStatus.IN_REVIEW
        return Verification(
            status=self.verification_status,
            verified_at=self.verified_at,
            in_review_until=self.lease_until if in_review else None,
            reviews=[PublicReview.of(r) for r in reviews],
            newest_flags=[EntryFlag.of(f) for f in flags],
            private_recheck=self.recheck_requested_at,
        )

    @strawberry.field(
        description="The organization behind the entry. An entry attached to a verified "
        "organization shows it only once the entry is verified too, or when the organization's "
        "own staff posted it: until then it is null (see unconfirmedOrganization)."
    )
    async def organization(self, info: Info) -> Organization | None:
        found = await self._named_organization(info)
        if found is None or not shows_organization(
            found.verification_status, self.verification_status, self.self_reported
        ):
            return None
        return Organization.of(found, info.context.may_see_protected_contacts)

    @strawberry.field(
        description="The organization the entry names, shown or not (reviewers and above "
        "only): what a reviewer checks before the entry may show a verified organization."
    )
    async def unconfirmed_organization(self, info: Info) -> Organization | None:
        found = for_reviewers(info, await self._named_organization(info))
        if found is None:
            return None
        return Organization.of(found, info.context.may_see_protected_contacts)

    async def _named_organization(self, info: Info) -> model.Organization | None:
        if self.organization_id is None:
            return None
        return await info.context.loaders.organization.load(self.organization_id)


@strawberry.type(description="An entry that is likely the same as another, and how likely.")
class PossibleDuplicate:
    entry: Entry
    score: float = strawberry.field(description="0 to 1; 0.6 and above is flagged.")


def _common(entry: model.Entry, may_see_protected: bool) -> dict[str, object]:
    draft = entry.draft
    type_name = TYPE_NAMES[entry.kind]
    return {
        "id": node_id(type_name, entry.id),
        "kind": entry.kind,
        "provider_name": draft.provider_name,
        "region": Region.of(draft.region),
        "address": draft.address,
        "notes": draft.notes,
        "source": Source(url=draft.source_url, note=draft.source_note),
        "status": entry.status,
        "close_reason": entry.close_reason,
        "verification_status": entry.verification_status,
        "contacts": Contact.list_of(draft.contacts, may_see_protected),
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "verified_at": entry.verified_at,
        "expires_at": entry.expires_at,
        "version": entry.version,
        "organization_id": draft.organization_id,
        "entry_id": entry.id,
        "self_reported": entry.self_reported,
        "merged_into": node_id(type_name, entry.merged_into) if entry.merged_into else None,
        "missing_details": list(missing_details(draft)),
        "lease_until": entry.review.lease_until if entry.review else None,
        "recheck_requested_at": entry.review.recheck_requested_at if entry.review else None,
    }


@strawberry.type(
    description="A need's priority: urgency raised by neglect. score = urgency weight (8, 4, 2, "
    "1) × (0.2 + 0.8 × unmetShare) × (1 + min(waitingHours, 168) / 72) / (1 + 0.5 × pledges)."
)
class NeedPriority:
    score: float = strawberry.field(description="What the needs list orders by (PRIORITY).")
    urgency: Urgency = strawberry.field(
        description="The urgency the score weighs: the need's own, or MEDIUM when the need "
        "does not state one (Need.urgency is then null)."
    )
    unmet_share: float = strawberry.field(description="0 to 1: the mean share of items unmet.")
    waiting_hours: float = strawberry.field(description="Hours since the need was posted.")
    pledges: int = strawberry.field(
        description="Pledges the needing side accepted (accepted, in transit or delivered); "
        "proposals do not lower the priority."
    )


# How many pledges `pledges` lists without `first`, and at most.
DEFAULT_PLEDGES = 50
MAX_PLEDGES = 100
_PLEDGES_FIRST = strawberry.argument(
    description=f"How many, oldest first: {DEFAULT_PLEDGES} by default, at most {MAX_PLEDGES}."
)


async def _pledges(info: Info, entry_id: UUID, to_need: bool, first: int | None) -> list[Pledge]:
    size = page_size(first, MAX_PLEDGES, DEFAULT_PLEDGES)
    loaders = info.context.loaders
    loader = loaders.pledges_to_need if to_need else loaders.pledges_from_offer
    return [Pledge.of(p) for p in (await loader.load(entry_id))[:size]]


@entry_type(shape_of(EntryKind.NEED))
class Need(Entry):
    if TYPE_CHECKING:
        urgency: Urgency | None
        domain_items: tuple[model.Item, ...]

    @strawberry.field(description="Why the need ranks where it does (the default order).")
    async def priority(self, info: Info) -> NeedPriority:
        pledges = await info.context.loaders.pledges_to_need.load(self.entry_id)
        found = need_priority(
            self.urgency,
            self.domain_items,
            self.status,
            self.created_at,
            weighty(pledges),
            info.context.now,
        )
        return view_of(NeedPriority, found)

    @strawberry.field(description="Pledges made to this need, oldest first.")
    async def pledges(
        self, info: Info, first: Annotated[int | None, _PLEDGES_FIRST] = None
    ) -> list[Pledge]:
        return await _pledges(info, self.entry_id, to_need=True, first=first)


@entry_type(shape_of(EntryKind.OFFER))
class Offer(Entry):
    @strawberry.field(description="Pledges drawing on this offer, oldest first.")
    async def pledges(
        self, info: Info, first: Annotated[int | None, _PLEDGES_FIRST] = None
    ) -> list[Pledge]:
        return await _pledges(info, self.entry_id, to_need=False, first=first)


@entry_type(shape_of(EntryKind.LOGISTICS_OFFER))
class LogisticsOffer(Entry):
    pass


@entry_type(shape_of(EntryKind.LODGING))
class Lodging(Entry):
    pass


@strawberry.type(description="The account number's change since the channel was last verified.")
class AccountNumberChange:
    before: str | None
    after: str | None
    changed_at: datetime


_DONATION_CHANNEL = kind_of(EntryKind.DONATION_CHANNEL)


@entry_type(shape_of(EntryKind.DONATION_CHANNEL))
class DonationChannel(Entry):
    @strawberry.field(
        description="The official notice publishing the account (the entry's source.url)."
    )
    def official_notice_url(self) -> str | None:
        return self.source.url

    # After the notice, as the published schema has it; masked as its declaration says.
    account_number = disclosed_field(_DONATION_CHANNEL.field("account_number"))

    @strawberry.field(
        description="Reviewers only: the account number before and after its latest change "
        "since the channel was last verified; null otherwise. Check it against the notice."
    )
    async def account_number_change(self, info: Info) -> AccountNumberChange | None:
        ctx = info.context
        if not sees_account_changes(ctx.viewer):
            return None
        async with ctx.db.connection() as conn:
            trail = await audit_store.history(conn, self.entry_id)
        change = account_change([(r.at, r.record.changes) for r in trail])
        if change is None or (
            self.verified_at is not None and change.changed_at < self.verified_at
        ):
            return None
        return AccountNumberChange(
            before=change.before, after=change.after, changed_at=change.changed_at
        )


AnyEntry = Need | Offer | LogisticsOffer | Lodging | DonationChannel
# The type of each kind, by kind.
ENTRY_TYPES: dict[EntryKind, type[Any]] = {
    EntryKind.NEED: Need,
    EntryKind.OFFER: Offer,
    EntryKind.LOGISTICS_OFFER: LogisticsOffer,
    EntryKind.LODGING: Lodging,
    EntryKind.DONATION_CHANNEL: DonationChannel,
}


def entry_of(entry: model.Entry, may_see_protected: bool) -> AnyEntry:
    """The GraphQL type of an entry of any kind."""
    values = entry_values(kind_of(entry.kind), entry)
    made: AnyEntry = ENTRY_TYPES[entry.kind](**_common(entry, may_see_protected), **values)
    return made
