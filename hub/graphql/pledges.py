"""Pledges, shipments, matching suggestions and messages to posters: types, queries, mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import strawberry

from hub.domain import pledges as domain
from hub.domain.enums import EntryKind, PledgeStatus, ShipmentStatus
from hub.domain.errors import ErrorCode as UserErrorCode
from hub.domain.matching import Factor, FactorScore
from hub.domain.matching import MatchLine as DomainMatchLine
from hub.graphql.common import Region, UserError
from hub.graphql.context import Info
from hub.graphql.entries import (
    TYPE_NAMES,
    AnyEntry,
    Entry,
    LogisticsOffer,
    Need,
    Offer,
    SupplyItem,
    entry_of,
)
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id, parse_global_id, to_global_id
from hub.graphql.inputs import RegionInput, decimal
from hub.graphql.organizations import Organization
from hub.graphql.permissions import guarded_mutation
from hub.services import matching, messages
from hub.services import pledges as service
from hub.services.outcome import Forbidden, Outcome
from hub.store import audit as audit_store
from hub.store import shipments as shipment_store

strawberry.enum(PledgeStatus, name="PledgeStatus")
strawberry.enum(ShipmentStatus, name="ShipmentStatus")
strawberry.enum(Factor, name="MatchFactor")

_FORBIDDEN = (
    "Only the donor, the receiving side, the carrier or a coordinator may do this "
    "(pass the editToken you were given, or sign in)."
)
MAX_SUGGESTIONS = 50


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="One line of a pledge.")
class PledgeItem:
    need_item: int = strawberry.field(description="Position of the need's item (0-based).")
    offer_item: int | None = strawberry.field(description="Position of the offer's item.")
    quantity: float
    need_id: strawberry.Private[UUID]

    @strawberry.field(description="The needed item this line answers.")
    async def item(self, info: Info) -> SupplyItem | None:
        need = await info.context.loaders.entry.load(self.need_id)
        if need is None or self.need_item >= len(need.draft.items):
            return None
        return SupplyItem.of(need.draft.items[self.need_item])


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
    async def carrier(self, info: Info) -> LogisticsOffer | None:
        found = await info.context.loaders.entry.load(self.carrier_id)
        entry = entry_of(found, info.context.may_see_protected_contacts) if found else None
        return entry if isinstance(entry, LogisticsOffer) else None

    @strawberry.field
    async def pledge(self, info: Info) -> Pledge | None:
        found = await info.context.loaders.pledge.load(self.pledge_id)
        return Pledge.of(found) if found else None

    @classmethod
    def of(cls, shipment: shipment_store.Shipment) -> Shipment:
        """The GraphQL view of a shipment."""
        return cls(
            id=strawberry.ID(to_global_id("Shipment", shipment.id)),
            status=shipment.status,
            pickup=Region.of(shipment.pickup),
            dropoff=Region.of(shipment.dropoff),
            weight_kg=_float(shipment.weight_kg),
            volume_m3=_float(shipment.volume_m3),
            tracking_note=shipment.tracking_note,
            updates=[
                TrackingUpdate(status=u.status, note=u.note, at=u.at) for u in shipment.updates
            ],
            created_at=shipment.created_at,
            updated_at=shipment.updated_at,
            version=shipment.version,
            carrier_id=shipment.carrier_id,
            pledge_id=shipment.pledge_id,
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
    async def need(self, info: Info) -> Need | None:
        found = await info.context.loaders.entry.load(self.need_id)
        entry = entry_of(found, info.context.may_see_protected_contacts) if found else None
        return entry if isinstance(entry, Need) else None

    @strawberry.field(description="The offer the supply comes from, if the donor published one.")
    async def offer(self, info: Info) -> Offer | None:
        if self.offer_id is None:
            return None
        found = await info.context.loaders.entry.load(self.offer_id)
        entry = entry_of(found, info.context.may_see_protected_contacts) if found else None
        return entry if isinstance(entry, Offer) else None

    @strawberry.field
    async def donor_organization(self, info: Info) -> Organization | None:
        if self.donor_organization_id is None:
            return None
        found = await info.context.loaders.organization.load(self.donor_organization_id)
        return Organization.of(found, info.context.may_see_protected_contacts) if found else None

    @strawberry.field(description="Every step of the pledge, oldest first (from the audit trail).")
    async def history(self, info: Info) -> list[PledgeStep]:
        async with info.context.db.connection() as conn:
            trail = await audit_store.history(conn, self.pledge_id)
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
        return cls(
            id=strawberry.ID(to_global_id("Pledge", pledge.id)),
            status=pledge.status,
            donor_name=pledge.donor_name,
            items=[
                PledgeItem(
                    need_item=line.need_position,
                    offer_item=line.offer_position,
                    quantity=float(line.quantity),
                    need_id=pledge.need_id,
                )
                for line in pledge.lines
            ],
            note=pledge.note,
            cancel_reason=pledge.cancel_reason,
            created_at=pledge.created_at,
            updated_at=pledge.updated_at,
            version=pledge.version,
            need_id=pledge.need_id,
            offer_id=pledge.offer_id,
            donor_organization_id=pledge.donor_organization_id,
            pledge_id=pledge.id,
        )


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
            quantity=_float(line.quantity),
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


@strawberry.type(description="A message left for an entry's poster.")
class InboxMessage:
    id: strawberry.ID
    body: str
    reply_to: str | None = strawberry.field(description="How the sender asked to be answered.")
    sent_at: datetime


@strawberry.type(
    description="What the poster's reconfirmation link opens: the entry and its "
    "messages, newest first."
)
class Inbox:
    entry: Entry
    messages: list[InboxMessage]


async def _suggest(
    info: Info, global_id: str, kind: EntryKind, first: int
) -> list[matching.Suggestion]:
    type_name = "Need" if kind is EntryKind.NEED else "Offer"
    entry_id = expect_global_id(global_id, type_name)
    if entry_id is None:
        raise hub_error(ErrorCode.INVALID_ID, f"Not a {type_name} id.")
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise hub_error(ErrorCode.PAGE_SIZE_EXCEEDED, f"first must be 1 to {MAX_SUGGESTIONS}.")
    found = await matching.suggestions(info.context.db, entry_id, kind, first)
    if found is None:
        raise hub_error(ErrorCode.BAD_USER_INPUT, f"No such {type_name}.")
    return found


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
class PledgeQuery:
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

    @strawberry.field(description="A pledge by id.")
    async def pledge(self, info: Info, id: strawberry.ID) -> Pledge | None:
        pledge_id = expect_global_id(id, "Pledge")
        if pledge_id is None:
            raise hub_error(ErrorCode.INVALID_ID, "Not a Pledge id.")
        found = await info.context.loaders.pledge.load(pledge_id)
        return Pledge.of(found) if found else None

    @strawberry.field(
        description="The poster's inbox, opened with the reconfirmationToken: messages donors "
        "sent through sendMessage. Null for an unknown or expired token."
    )
    async def inbox(self, info: Info, token: str) -> Inbox | None:
        ctx = info.context
        found = await messages.read_inbox(ctx.db, token)
        if found is None:
            return None
        return Inbox(
            entry=entry_of(found.entry, ctx.may_see_protected_contacts),
            messages=[
                InboxMessage(
                    id=strawberry.ID(to_global_id("Message", m.id)),
                    body=m.body,
                    reply_to=m.reply_to,
                    sent_at=m.created_at,
                )
                for m in found.messages
            ],
        )


@strawberry.input(description="One line of a pledge.")
class PledgeItemInput:
    need_item: int = strawberry.field(description="Position of the need's item (0-based).")
    quantity: float
    offer_item: int | None = strawberry.field(
        default=None, description="Position of the offer's item; required with offerId."
    )


@strawberry.input(description="Commit supply to a need: from a published offer, or as a donor.")
class PledgeInput:
    need_id: strawberry.ID
    items: list[PledgeItemInput]
    offer_id: strawberry.ID | None = None
    donor_name: str | None = strawberry.field(
        default=None, description="Who gives, when there is no offer or organization."
    )
    donor_organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Your organization (you must be its member)."
    )
    note: str | None = None
    edit_token: str | None = strawberry.field(
        default=None, description="The offer's editToken, when pledging from an offer."
    )


@strawberry.input(description="Move a pledge on (see Pledge for who may do what).")
class SetPledgeStatusInput:
    id: strawberry.ID
    status: PledgeStatus
    reason: str | None = None
    edit_token: str | None = strawberry.field(
        default=None,
        description="The pledge's editToken (donor), the need's (receiver) or the carrier's.",
    )


@strawberry.input(description="Put a logistics offer on an accepted pledge.")
class AssignCarrierInput:
    pledge_id: strawberry.ID
    logistics_offer_id: strawberry.ID
    pickup: RegionInput
    dropoff: RegionInput
    weight_kg: float | None = strawberry.field(
        default=None, description="Required when the carrier states a capacity in kg."
    )
    volume_m3: float | None = strawberry.field(
        default=None, description="Required when the carrier states a capacity in m³."
    )
    tracking_note: str | None = None
    edit_token: str | None = None


@strawberry.input(description="Report a shipment's progress, or add a tracking note.")
class UpdateShipmentInput:
    id: strawberry.ID
    status: ShipmentStatus
    tracking_note: str | None = None
    edit_token: str | None = None


@strawberry.input(description="A message for an entry's poster; their number stays protected.")
class SendMessageInput:
    entry_id: strawberry.ID
    body: str
    reply_to: str | None = strawberry.field(
        default=None, description="How the poster can answer you (phone, e-mail, WeChat)."
    )


@strawberry.type
class PledgePayload:
    pledge: Pledge | None
    edit_token: str | None = strawberry.field(
        description="A new pledge by an anonymous donor: keep it to act on the pledge. Once."
    )
    user_errors: list[UserError]


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    user_errors: list[UserError]


@strawberry.type
class SendMessagePayload:
    sent: bool
    user_errors: list[UserError]


def _pledge_payload(info: Info, outcome: Outcome[domain.Pledge]) -> PledgePayload:
    return PledgePayload(
        pledge=Pledge.of(outcome.value) if outcome.value else None,
        edit_token=outcome.edit_token,
        user_errors=UserError.list_of(outcome.errors, info.context.language),
    )


def _invalid(info: Info, field: str) -> list[UserError]:
    return UserError.single(field, UserErrorCode.INVALID_ID, info.context.language)


@strawberry.type
class PledgeMutation:
    @guarded_mutation(
        "Commit supply to a need. More than the need still lacks, or than the offer still "
        "holds, is refused with OVER_PLEDGED; an offered item that cannot answer the needed one "
        "(another category, or a standard that does not satisfy the need's) with INCOMPATIBLE."
    )
    async def pledge(self, info: Info, input: PledgeInput) -> PledgePayload:
        ctx = info.context
        need_id = expect_global_id(input.need_id, "Need")
        if need_id is None:
            return PledgePayload(pledge=None, edit_token=None, user_errors=_invalid(info, "needId"))
        offer_id = expect_global_id(input.offer_id, "Offer") if input.offer_id else None
        if input.offer_id and offer_id is None:
            return PledgePayload(
                pledge=None, edit_token=None, user_errors=_invalid(info, "offerId")
            )
        org_id = (
            expect_global_id(input.donor_organization_id, "Organization")
            if input.donor_organization_id
            else None
        )
        if input.donor_organization_id and org_id is None:
            return PledgePayload(
                pledge=None, edit_token=None, user_errors=_invalid(info, "donorOrganizationId")
            )
        request = service.PledgeRequest(
            need_id=need_id,
            lines=tuple(
                domain.PledgeLine(i.need_item, decimal(i.quantity) or Decimal(0), i.offer_item)
                for i in input.items
            ),
            offer_id=offer_id,
            donor_name=input.donor_name,
            donor_organization_id=org_id,
            note=input.note,
        )
        try:
            outcome = await service.make_pledge(ctx.db, request, ctx.viewer, input.edit_token)
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
        return _pledge_payload(info, outcome)

    @guarded_mutation(
        "Move a pledge on: ACCEPTED (the needing side or a coordinator), IN_TRANSIT (donor, "
        "carrier), DELIVERED (the receiver confirms), CANCELLED."
    )
    async def set_pledge_status(self, info: Info, input: SetPledgeStatusInput) -> PledgePayload:
        ctx = info.context
        pledge_id = expect_global_id(input.id, "Pledge")
        if pledge_id is None:
            return PledgePayload(pledge=None, edit_token=None, user_errors=_invalid(info, "id"))
        try:
            outcome = await service.set_pledge_status(
                ctx.db, pledge_id, input.status, ctx.viewer, input.edit_token, input.reason
            )
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
        return _pledge_payload(info, outcome)

    @guarded_mutation(
        "Put a logistics offer on an accepted pledge, within the carrier's remaining capacity "
        "(OVER_CAPACITY otherwise)."
    )
    async def assign_carrier(self, info: Info, input: AssignCarrierInput) -> ShipmentPayload:
        ctx = info.context
        pledge_id = expect_global_id(input.pledge_id, "Pledge")
        carrier_id = expect_global_id(input.logistics_offer_id, "LogisticsOffer")
        if pledge_id is None or carrier_id is None:
            field = "pledgeId" if pledge_id is None else "logisticsOfferId"
            return ShipmentPayload(shipment=None, user_errors=_invalid(info, field))
        request = service.CarrierRequest(
            pledge_id=pledge_id,
            carrier_id=carrier_id,
            pickup=input.pickup.to_domain(),
            dropoff=input.dropoff.to_domain(),
            weight_kg=decimal(input.weight_kg),
            volume_m3=decimal(input.volume_m3),
            tracking_note=input.tracking_note,
        )
        try:
            outcome = await service.assign_carrier(ctx.db, request, ctx.viewer, input.edit_token)
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
        return ShipmentPayload(
            shipment=Shipment.of(outcome.value) if outcome.value else None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )

    @guarded_mutation(
        "Report a shipment's progress (the carrier, donor, receiver or a coordinator). Goods "
        "PICKED_UP or IN_TRANSIT put an accepted pledge IN_TRANSIT."
    )
    async def update_shipment(self, info: Info, input: UpdateShipmentInput) -> ShipmentPayload:
        ctx = info.context
        shipment_id = expect_global_id(input.id, "Shipment")
        if shipment_id is None:
            return ShipmentPayload(shipment=None, user_errors=_invalid(info, "id"))
        try:
            outcome = await service.update_shipment(
                ctx.db, shipment_id, input.status, input.tracking_note, ctx.viewer, input.edit_token
            )
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
        return ShipmentPayload(
            shipment=Shipment.of(outcome.value) if outcome.value else None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )

    @guarded_mutation(
        "Leave a message for an entry's poster, delivered to the inbox behind their "
        "reconfirmation link: their protected number is never shown. Rate-limited "
        "(RATE_LIMITED) and audited."
    )
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload:
        ctx = info.context
        parsed = parse_global_id(input.entry_id)
        if parsed is None or parsed[0] not in TYPE_NAMES.values():
            return SendMessagePayload(sent=False, user_errors=_invalid(info, "entryId"))
        entry_id = parsed[1]
        try:
            outcome = await messages.send_message(
                ctx.db,
                entry_id,
                input.body,
                input.reply_to,
                ctx.viewer,
                ctx.client,
                ctx.settings.messages_per_hour,
            )
        except messages.RateLimited:
            raise hub_error(
                ErrorCode.RATE_LIMITED, "Too many messages; try again in an hour."
            ) from None
        return SendMessagePayload(
            sent=outcome.value is not None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )
