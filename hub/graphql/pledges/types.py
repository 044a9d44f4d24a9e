"""Pledges and shipments as GraphQL types.

hub.graphql.entries imports this module (a need and an offer list their pledges), so this one
never imports it: the entry types are named through strawberry.lazy, and the few resolvers
that build one look hub.graphql.entries up when they run (`_entries`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, cast
from uuid import UUID

import strawberry

from hub.domain import model
from hub.domain import pledges as domain
from hub.domain.enums import EntryKind, PledgeStatus, ShipmentStatus
from hub.graphql.common import Region
from hub.graphql.context import Info
from hub.graphql.ids import node_id
from hub.graphql.organizations.types import Organization
from hub.graphql.views import view_of
from hub.store import shipments as shipment_store

if TYPE_CHECKING:
    from hub.graphql.entries import AnyEntry, LogisticsOffer, Need, Offer, SupplyItem

strawberry.enum(PledgeStatus, name="PledgeStatus")
strawberry.enum(ShipmentStatus, name="ShipmentStatus")

_ENTRIES = "hub.graphql.entries"
NeedType = Annotated["Need", strawberry.lazy(_ENTRIES)]
OfferType = Annotated["Offer", strawberry.lazy(_ENTRIES)]
LogisticsOfferType = Annotated["LogisticsOffer", strawberry.lazy(_ENTRIES)]
SupplyItemType = Annotated["SupplyItem", strawberry.lazy(_ENTRIES)]


def _entries() -> ModuleType:
    """hub.graphql.entries, looked up when a resolver runs (as strawberry.lazy does)."""
    return importlib.import_module(_ENTRIES)


async def _entry_view(info: Info, entry_id: UUID | None, kind: EntryKind) -> AnyEntry | None:
    """The entry `entry_id` as its GraphQL type; None when it is gone or of another kind."""
    if entry_id is None:
        return None
    found = await info.context.loaders.entry.load(entry_id)
    if found is None or found.kind is not kind:
        return None
    view: Callable[[model.Entry, bool], AnyEntry] = _entries().entry_of
    return view(found, info.context.may_see_protected_contacts)


def as_float(value: Decimal | None) -> float | None:
    """A quantity as GraphQL's Float, keeping null."""
    return None if value is None else float(value)


@strawberry.type(description="One line of a pledge.")
class PledgeItem:
    need_item: int = strawberry.field(description="Position of the need's item (0-based).")
    offer_item: int | None = strawberry.field(description="Position of the offer's item.")
    quantity: float
    need_id: strawberry.Private[UUID]

    @strawberry.field(description="The needed item this line answers.")
    async def item(self, info: Info) -> SupplyItemType | None:
        need = await info.context.loaders.entry.load(self.need_id)
        if need is None or self.need_item >= len(need.draft.items):
            return None
        view: Callable[[model.Item], SupplyItem] = _entries().SupplyItem.of
        return view(need.draft.items[self.need_item])


@strawberry.type(description="A step of a shipment's tracking history.")
class TrackingUpdate:
    status: ShipmentStatus
    note: str | None
    at: datetime


@strawberry.type(description="A leg of transport: a logistics offer carrying a pledge.")
class Shipment:
    id: strawberry.ID
    status: ShipmentStatus
    pickup: Region
    dropoff: Region
    weight_kg: float | None
    volume_m3: float | None
    tracking_note: str | None
    updates: list[TrackingUpdate]
    created_at: datetime
    updated_at: datetime
    version: int
    carrier_id: strawberry.Private[UUID]
    pledge_id: strawberry.Private[UUID]

    @strawberry.field(description="The logistics offer carrying the goods.")
    async def carrier(self, info: Info) -> LogisticsOfferType | None:
        carrier = await _entry_view(info, self.carrier_id, EntryKind.LOGISTICS_OFFER)
        return cast("LogisticsOffer | None", carrier)

    @strawberry.field
    async def pledge(self, info: Info) -> Pledge | None:
        found = await info.context.loaders.pledge.load(self.pledge_id)
        return Pledge.of(found) if found else None

    @classmethod
    def of(cls, shipment: shipment_store.Shipment) -> Shipment:
        """The GraphQL view of a shipment."""
        return view_of(
            cls,
            shipment,
            id=node_id("Shipment", shipment.id),
            pickup=Region.of(shipment.pickup),
            dropoff=Region.of(shipment.dropoff),
            weight_kg=as_float(shipment.weight_kg),
            volume_m3=as_float(shipment.volume_m3),
            updates=[view_of(TrackingUpdate, u) for u in shipment.updates],
        )


@strawberry.type(description="A step of a pledge: made, or moved to a new status.")
class PledgeStep:
    at: datetime
    status: PledgeStatus
    actor: str = strawberry.field(
        description="Who acted: a handle, or edit-token / anonymous for people without accounts."
    )
    reason: str | None


@strawberry.type(
    description="A donor's commitment of supply to a need: PROPOSED, ACCEPTED by the needing "
    "side or a coordinator, IN_TRANSIT, DELIVERED (confirmed by the receiver), or CANCELLED. "
    "Delivered pledges make the need's fulfilled quantities and status."
)
class Pledge:
    id: strawberry.ID
    status: PledgeStatus
    donor_name: str | None
    items: list[PledgeItem]
    note: str | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    need_id: strawberry.Private[UUID]
    offer_id: strawberry.Private[UUID | None]
    donor_organization_id: strawberry.Private[UUID | None]
    pledge_id: strawberry.Private[UUID]

    @strawberry.field
    async def need(self, info: Info) -> NeedType | None:
        return cast("Need | None", await _entry_view(info, self.need_id, EntryKind.NEED))

    @strawberry.field(description="The offer the supply comes from, if the donor published one.")
    async def offer(self, info: Info) -> OfferType | None:
        return cast("Offer | None", await _entry_view(info, self.offer_id, EntryKind.OFFER))

    @strawberry.field
    async def donor_organization(self, info: Info) -> Organization | None:
        if self.donor_organization_id is None:
            return None
        found = await info.context.loaders.organization.load(self.donor_organization_id)
        return Organization.of(found, info.context.may_see_protected_contacts) if found else None

    @strawberry.field(description="Every step of the pledge, oldest first (from the audit trail).")
    async def history(self, info: Info) -> list[PledgeStep]:
        trail = await info.context.loaders.history.load(self.pledge_id)
        steps = []
        for stored in trail:
            status = stored.record.changes.get("status")
            after = status.get("after") if isinstance(status, dict) else None
            if after in PledgeStatus.__members__:
                steps.append(
                    PledgeStep(
                        at=stored.at,
                        status=PledgeStatus(after),
                        actor=stored.record.actor_label,
                        reason=stored.record.reason,
                    )
                )
        return steps

    @strawberry.field
    async def shipments(self, info: Info) -> list[Shipment]:
        return [Shipment.of(s) for s in await info.context.loaders.shipments.load(self.pledge_id)]

    @classmethod
    def of(cls, pledge: domain.Pledge) -> Pledge:
        """The GraphQL view of a pledge."""
        items = [
            PledgeItem(
                need_item=line.need_position,
                offer_item=line.offer_position,
                quantity=float(line.quantity),
                need_id=pledge.need_id,
            )
            for line in pledge.lines
        ]
        return view_of(
            cls, pledge, id=node_id("Pledge", pledge.id), items=items, pledge_id=pledge.id
        )
