"""Shipments: putting a carrier on a pledge and reporting its progress."""

from __future__ import annotations

from uuid import UUID

import strawberry

from hub.domain.enums import ShipmentStatus
from hub.graphql.common import RegionInput, UserError, decimal
from hub.graphql.context import Info
from hub.graphql.ids import expect_global_id
from hub.graphql.payloads import invalid_id, on_node, payload
from hub.graphql.pledges.errors import pledge_mutation
from hub.graphql.pledges.types import Shipment
from hub.services import pledges as service
from hub.services.outcome import Outcome
from hub.store import shipments as shipment_store


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


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    user_errors: list[UserError]


@strawberry.type
class ShipmentMutation:
    @pledge_mutation(
        "Put a verified logistics offer on an accepted pledge, within the carrier's remaining "
        "capacity (OVER_CAPACITY otherwise). The donor's side, the receiving side or a "
        "coordinator chooses the carrier; a carrier cannot put itself on a pledge. The carrier "
        "takes the job by picking the goods up, or declines by cancelling; either side of the "
        "pledge may turn it down before pickup."
    )
    async def assign_carrier(self, info: Info, input: AssignCarrierInput) -> ShipmentPayload:
        ctx = info.context
        pledge_id = expect_global_id(input.pledge_id, "Pledge")
        carrier_id = expect_global_id(input.logistics_offer_id, "LogisticsOffer")
        if pledge_id is None or carrier_id is None:
            field = "pledgeId" if pledge_id is None else "logisticsOfferId"
            return payload(ShipmentPayload, info, invalid_id(field), shipment=Shipment.of)
        request = service.CarrierRequest(
            pledge_id=pledge_id,
            carrier_id=carrier_id,
            pickup=input.pickup.to_domain(),
            dropoff=input.dropoff.to_domain(),
            weight_kg=decimal(input.weight_kg),
            volume_m3=decimal(input.volume_m3),
            tracking_note=input.tracking_note,
        )
        outcome = await service.assign_carrier(ctx.db, request, ctx.viewer, input.edit_token)
        return payload(ShipmentPayload, info, outcome, shipment=Shipment.of)

    @pledge_mutation(
        "Report a shipment's progress; each step is its party's: PICKED_UP the shipment's "
        "carrier's or the donor's, IN_TRANSIT and tracking notes the carrier's, DELIVERED the "
        "carrier's or the receiver's, "
        "CANCELLED any party's before pickup and the carrier's after it; coordinators may make "
        "any step. Goods PICKED_UP or IN_TRANSIT put an accepted pledge IN_TRANSIT."
    )
    async def update_shipment(self, info: Info, input: UpdateShipmentInput) -> ShipmentPayload:
        ctx = info.context

        async def update(shipment: UUID) -> Outcome[shipment_store.Shipment]:
            return await service.update_shipment(
                ctx.db, shipment, input.status, input.tracking_note, ctx.viewer, input.edit_token
            )

        outcome = await on_node(input.id, "Shipment", "id", update)
        return payload(ShipmentPayload, info, outcome, shipment=Shipment.of)
