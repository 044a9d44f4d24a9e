"""Entry types: the Entry interface and Need, Offer, LogisticsOffer, Lodging, DonationChannel."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.accounts import Role
from hub.domain.donations import account_change, mask_account, shows_account
from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    PledgeStatus,
    Urgency,
    VehicleType,
    VerificationStatus,
)
from hub.domain.priority import priority as need_priority
from hub.domain.units import UNITS, Unit, to_base
from hub.graphql.common import Contact, Region, Source
from hub.graphql.context import Info
from hub.graphql.ids import to_global_id
from hub.graphql.node import Node
from hub.graphql.organizations.types import Organization
from hub.graphql.taxonomy.types import SupplyCategory
from hub.graphql.trust.verification import EntryFlag, PublicReview, Verification
from hub.store import audit as audit_store

if TYPE_CHECKING:
    from hub.graphql.pledges.types import Pledge


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="One line of a need (what is asked) or an offer (what is available).")
class SupplyItem:
    category_code: str
    name: str
    spec: str | None = strawberry.field(description="Specification or standard, e.g. GB 19083.")
    quantity: float | None = strawberry.field(
        description="Null when the submitter said the quantity is unknown (as many as possible)."
    )
    quantity_unknown: bool
    unit: Unit
    package_size: int | None = strawberry.field(description="Pieces per carton, box or pack.")
    fulfilled_quantity: float = strawberry.field(
        description="For a need, how much has arrived; for an offer, how much was given out."
    )
    remaining_quantity: float | None
    base_quantity: float | None = strawberry.field(
        description="The quantity in baseUnit (pieces, pairs, kilograms...), when convertible."
    )
    base_unit: Unit
    certifications: list[str]

    @strawberry.field
    def category(self, info: Info) -> SupplyCategory | None:
        # Synchronous on purpose: an async field costs an event-loop task per item.
        category = info.context.categories.get(self.category_code)
        return SupplyCategory.of(category) if category else None

    @classmethod
    def of(cls, item: model.Item) -> SupplyItem:
        """The GraphQL view of an item."""
        base = to_base(item.quantity, item.unit, item.package_size) if item.quantity else None
        remaining = (
            None
            if item.quantity is None
            else max(item.quantity - item.fulfilled_quantity, Decimal(0))
        )
        return cls(
            category_code=item.category_code,
            name=item.name,
            spec=item.spec,
            quantity=_float(item.quantity),
            quantity_unknown=item.quantity is None,
            unit=item.unit,
            package_size=item.package_size,
            fulfilled_quantity=float(item.fulfilled_quantity),
            remaining_quantity=_float(remaining),
            base_quantity=_float(base[0]) if base else None,
            base_unit=UNITS[item.unit].base,
            certifications=list(item.certifications),
        )


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
    organization_id: strawberry.Private[UUID | None]
    entry_id: strawberry.Private[UUID]
    lease_until: strawberry.Private[datetime | None]

    @strawberry.field(
        description="Recent entries this one likely repeats or is repeated by (reviewers only)."
    )
    async def possible_duplicates(self, info: Info) -> list[PossibleDuplicate]:
        ctx = info.context
        if not ctx.viewer.has(Role.REVIEWER):
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
            flags=[EntryFlag.of(f) for f in flags],
        )

    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_id is None:
            return None
        found = await info.context.loaders.organization.load(self.organization_id)
        if found is None:
            return None
        return Organization.of(found, info.context.may_see_protected_contacts)


@strawberry.type(description="An entry that is likely the same as another, and how likely.")
class PossibleDuplicate:
    entry: Entry
    score: float = strawberry.field(description="0 to 1; 0.6 and above is flagged.")


def _common(entry: model.Entry, type_name: str, may_see_protected: bool) -> dict[str, object]:
    draft = entry.draft
    return {
        "id": strawberry.ID(to_global_id(type_name, entry.id)),
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
        "merged_into": strawberry.ID(to_global_id(TYPE_NAMES[entry.kind], entry.merged_into))
        if entry.merged_into
        else None,
        "lease_until": entry.review.lease_until if entry.review else None,
    }


PledgeType = Annotated["Pledge", strawberry.lazy("hub.graphql.pledges.types")]


@strawberry.type(
    description="A need's priority: urgency raised by neglect. score = urgency weight (8, 4, 2, "
    "1) × (0.2 + 0.8 × unmetShare) × (1 + min(waitingHours, 168) / 72) / (1 + 0.5 × pledges)."
)
class NeedPriority:
    score: float = strawberry.field(description="What the needs list orders by (PRIORITY).")
    urgency: Urgency
    unmet_share: float = strawberry.field(description="0 to 1: the mean share of items unmet.")
    waiting_hours: float = strawberry.field(description="Hours since the need was posted.")
    pledges: int = strawberry.field(description="Pledges it has drawn (all but cancelled).")


@strawberry.type(description="Supplies a hospital or clinic needs.")
class Need(Entry):
    urgency: Urgency
    items: list[SupplyItem]
    domain_items: strawberry.Private[tuple[model.Item, ...]]

    @strawberry.field(description="Why the need ranks where it does (the default order).")
    async def priority(self, info: Info) -> NeedPriority:
        pledges = await info.context.loaders.pledges_to_need.load(self.entry_id)
        live = sum(1 for p in pledges if p.status is not PledgeStatus.CANCELLED)
        found = need_priority(
            self.urgency, self.domain_items, self.status, self.created_at, live, info.context.now
        )
        return NeedPriority(
            score=found.score,
            urgency=found.urgency,
            unmet_share=found.unmet_share,
            waiting_hours=found.waiting_hours,
            pledges=found.pledges,
        )

    @strawberry.field(description="Pledges made to this need, oldest first.")
    async def pledges(self, info: Info) -> list[PledgeType]:
        from hub.graphql.pledges.types import Pledge

        return [
            Pledge.of(p) for p in await info.context.loaders.pledges_to_need.load(self.entry_id)
        ]


@strawberry.type(description="Supplies a factory or donor has to give.")
class Offer(Entry):
    items: list[SupplyItem]
    can_deliver: bool = strawberry.field(description="False: pickup only.")
    lead_time_days: int | None
    is_free: bool
    price_note: str | None

    @strawberry.field(description="Pledges drawing on this offer, oldest first.")
    async def pledges(self, info: Info) -> list[PledgeType]:
        from hub.graphql.pledges.types import Pledge

        loaded = await info.context.loaders.pledges_from_offer.load(self.entry_id)
        return [Pledge.of(p) for p in loaded]


@strawberry.type(description="Transport a carrier or driver offers; region is the origin.")
class LogisticsOffer(Entry):
    origin: Region
    destination: Region | None = strawberry.field(description="Null: any destination.")
    vehicle_type: VehicleType
    capacity_kg: float | None
    capacity_m3: float | None
    cold_chain: bool
    is_free: bool
    available_from: datetime | None
    available_until: datetime | None


@strawberry.type(description="Rooms a hotel offers to medical staff.")
class Lodging(Entry):
    rooms_available: int
    eligibility: str = strawberry.field(description="Who may stay, e.g. medical staff of Wuhan.")
    is_free: bool
    price_note: str | None
    available_from: datetime | None
    available_until: datetime | None


@strawberry.type(description="The account number's change since the channel was last verified.")
class AccountNumberChange:
    before: str | None
    after: str | None
    changed_at: datetime


@strawberry.type(
    description="An organization's official account for money donations, published once "
    "verified. Until then the account number shows only its last four characters."
)
class DonationChannel(Entry):
    account_name: str
    bank: str
    remittance_note: str | None
    purpose: str | None
    official_notice_url: str | None = strawberry.field(
        description="The official notice publishing the account (the entry's source.url)."
    )
    full_account_number: strawberry.Private[str]

    @strawberry.field(
        description="In full once VERIFIED (and to reviewers); before that, masked but for the "
        "last four characters."
    )
    def account_number(self, info: Info) -> str:
        reviewer = info.context.viewer.has(Role.REVIEWER)
        if shows_account(self.verification_status, reviewer):
            return self.full_account_number
        return mask_account(self.full_account_number)

    @strawberry.field(
        description="Reviewers only: the account number before and after its latest change "
        "since the channel was last verified; null otherwise. Check it against the notice."
    )
    async def account_number_change(self, info: Info) -> AccountNumberChange | None:
        ctx = info.context
        if not ctx.viewer.has(Role.REVIEWER):
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
TYPE_NAMES = {
    EntryKind.NEED: "Need",
    EntryKind.OFFER: "Offer",
    EntryKind.LOGISTICS_OFFER: "LogisticsOffer",
    EntryKind.LODGING: "Lodging",
    EntryKind.DONATION_CHANNEL: "DonationChannel",
}


def entry_of(entry: model.Entry, may_see_protected: bool) -> AnyEntry:
    """The GraphQL type of an entry of any kind."""
    common = _common(entry, TYPE_NAMES[entry.kind], may_see_protected)
    details = entry.draft.details
    items = [SupplyItem.of(item) for item in entry.draft.items]
    if isinstance(details, model.NeedDetails):
        return Need(
            **common,  # type: ignore[arg-type]
            urgency=details.urgency,
            items=items,
            domain_items=entry.draft.items,
        )
    if isinstance(details, model.OfferDetails):
        return Offer(
            **common,  # type: ignore[arg-type]
            items=items,
            can_deliver=details.can_deliver,
            lead_time_days=details.lead_time_days,
            is_free=details.is_free,
            price_note=details.price_note,
        )
    if isinstance(details, model.LogisticsDetails):
        return LogisticsOffer(
            **common,  # type: ignore[arg-type]
            origin=Region.of(entry.draft.region),
            destination=Region.of(details.destination) if details.destination else None,
            vehicle_type=details.vehicle_type,
            capacity_kg=_float(details.capacity_kg),
            capacity_m3=_float(details.capacity_m3),
            cold_chain=details.cold_chain,
            is_free=details.is_free,
            available_from=details.available_from,
            available_until=details.available_until,
        )
    if isinstance(details, model.DonationChannelDetails):
        return DonationChannel(
            **common,  # type: ignore[arg-type]
            account_name=details.account_name,
            bank=details.bank,
            remittance_note=details.remittance_note,
            purpose=details.purpose,
            official_notice_url=entry.draft.source_url,
            full_account_number=details.account_number,
        )
    return Lodging(
        **common,  # type: ignore[arg-type]
        rooms_available=details.rooms_available,
        eligibility=details.eligibility,
        is_free=details.is_free,
        price_note=details.price_note,
        available_from=details.available_from,
        available_until=details.available_until,
    )
