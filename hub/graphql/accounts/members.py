"""Organization staff over GraphQL: claims and decisions."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.ids import node_id
from hub.graphql.payloads import on_node, payload
from hub.graphql.permissions import guarded_field, guarded_mutation
from hub.graphql.views import view_of
from hub.services import members as service
from hub.services.outcome import Outcome
from hub.store import members as store
from hub.store.members import Claim


@strawberry.enum(description="Where a claim to speak for an organization stands.")
class ClaimStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


@strawberry.type(description="A user's claim to be staff of an organization.")
class OrganizationClaim:
    id: strawberry.ID
    organization_id: strawberry.ID
    claimant: str = strawberry.field(description="The claimant's public handle.")
    evidence: str
    evidence_url: str | None
    status: ClaimStatus
    created_at: datetime
    decided_at: datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, claim: Claim) -> OrganizationClaim:
        """The GraphQL view of a claim."""
        return view_of(
            cls,
            claim,
            id=node_id("OrganizationClaim", claim.id),
            organization_id=node_id("Organization", claim.organization_id),
            claimant=claim.user_handle,
            status=ClaimStatus(claim.status),
        )


@strawberry.input
class ClaimOrganizationInput:
    organization_id: strawberry.ID
    evidence: str = strawberry.field(description="e.g. 'I am the head nurse; call the switchboard'")
    evidence_url: str | None = None


@strawberry.input
class DecideOrganizationClaimInput:
    claim_id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.type
class ClaimPayload:
    claim: OrganizationClaim | None
    user_errors: list[UserError]


@strawberry.type
class MemberQuery:
    @guarded_field("Claims to speak for organizations, oldest first (coordinators).")
    async def organization_claims(
        self, info: Info, status: ClaimStatus | None = ClaimStatus.PENDING
    ) -> list[OrganizationClaim]:
        async with info.context.db.connection() as conn:
            found = await store.claims(conn, status.value if status else None)
        return [OrganizationClaim.of(c) for c in found]


@strawberry.type
class MemberMutation:
    @guarded_mutation("Ask to be recognised as staff of an organization (with evidence).")
    async def claim_organization(self, info: Info, input: ClaimOrganizationInput) -> ClaimPayload:
        ctx = info.context

        async def claim(organization: UUID) -> Outcome[Claim]:
            return await service.claim_organization(
                ctx.db, ctx.viewer, organization, input.evidence, input.evidence_url
            )

        outcome = await on_node(input.organization_id, "Organization", "organizationId", claim)
        return payload(ClaimPayload, info, outcome, claim=OrganizationClaim.of)

    @guarded_mutation("Approve or refuse a claim; approval makes the claimant staff.")
    async def decide_organization_claim(
        self, info: Info, input: DecideOrganizationClaimInput
    ) -> ClaimPayload:
        ctx = info.context
        outcome = await on_node(
            input.claim_id,
            "OrganizationClaim",
            "claimId",
            lambda claim: service.decide_claim(
                ctx.db, ctx.viewer, claim, input.approve, input.note
            ),
        )
        return payload(ClaimPayload, info, outcome, claim=OrganizationClaim.of)
