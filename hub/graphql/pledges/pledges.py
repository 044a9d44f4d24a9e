"""Pledging: the `pledge` query, making a pledge and moving it on."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry

from hub.domain import pledges as domain
from hub.domain.enums import PledgeStatus
from hub.graphql.common import UserError, decimal
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id
from hub.graphql.payloads import invalid_id, on_node, payload
from hub.graphql.pledges.errors import pledge_mutation
from hub.graphql.pledges.types import Pledge
from hub.services import pledges as service
from hub.services.outcome import Outcome


@strawberry.type
class PledgeQuery:
    @strawberry.field(description="A pledge by id.")
    async def pledge(self, info: Info, id: strawberry.ID) -> Pledge | None:
        pledge_id = expect_global_id(id, "Pledge")
        if pledge_id is None:
            raise hub_error(ErrorCode.INVALID_ID, "Not a Pledge id.")
        found = await info.context.loaders.pledge.load(pledge_id)
        return Pledge.of(found) if found else None


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


@strawberry.type
class PledgePayload:
    pledge: Pledge | None
    edit_token: str | None = strawberry.field(
        description="A new pledge by an anonymous donor: keep it to act on the pledge. Once."
    )
    user_errors: list[UserError]

    @classmethod
    def of(cls, info: Info, outcome: Outcome[domain.Pledge]) -> PledgePayload:
        """The payload of a service's outcome."""
        # The edit token of a new pledge by an anonymous donor is handed out with it, once.
        return payload(
            cls, info, outcome, pledge=Pledge.of, edit_token=lambda _: outcome.edit_token
        )


@strawberry.type
class PledgeMutation:
    @pledge_mutation(
        "Commit supply to a need (PROPOSED until the needing side accepts it). More than the "
        "need still lacks beyond accepted pledges, or than the offer still holds, is refused "
        "with OVER_PLEDGED; an offered item that cannot answer the needed one (another "
        "category, or a standard that does not satisfy the need's) with INCOMPATIBLE; more open "
        "proposals on one need than allowed per pledger with TOO_MANY. Proposals not accepted "
        "in time are cancelled."
    )
    async def pledge(self, info: Info, input: PledgeInput) -> PledgePayload:
        ctx = info.context
        need_id = expect_global_id(input.need_id, "Need")
        if need_id is None:
            return PledgePayload.of(info, invalid_id("needId"))
        offer_id = expect_global_id(input.offer_id, "Offer") if input.offer_id else None
        if input.offer_id and offer_id is None:
            return PledgePayload.of(info, invalid_id("offerId"))
        org_id = (
            expect_global_id(input.donor_organization_id, "Organization")
            if input.donor_organization_id
            else None
        )
        if input.donor_organization_id and org_id is None:
            return PledgePayload.of(info, invalid_id("donorOrganizationId"))
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
        outcome = await service.make_pledge(
            ctx.db,
            request,
            ctx.viewer,
            input.edit_token,
            client=ctx.client_key,
            open_proposals=ctx.settings.pledge_open_proposals,
        )
        return PledgePayload.of(info, outcome)

    @pledge_mutation(
        "Move a pledge on: ACCEPTED (the needing side or a coordinator; OVER_PLEDGED beyond "
        "what the need still lacks), IN_TRANSIT (donor, carrier), DELIVERED (the receiver "
        "confirms), CANCELLED."
    )
    async def set_pledge_status(self, info: Info, input: SetPledgeStatusInput) -> PledgePayload:
        ctx = info.context

        async def move(pledge: UUID) -> Outcome[domain.Pledge]:
            return await service.set_pledge_status(
                ctx.db, pledge, input.status, ctx.viewer, input.edit_token, input.reason
            )

        return PledgePayload.of(info, await on_node(input.id, "Pledge", "id", move))
