"""Registering and changing organizations: their payloads and mutations."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import strawberry

from hub.domain import model
from hub.graphql.common import WARNINGS, InputWarning, UserError
from hub.graphql.context import Info
from hub.graphql.organizations.inputs import (
    OrganizationInput,
    UpdateOrganizationInput,
    VerifyOrganizationInput,
)
from hub.graphql.organizations.types import Organization
from hub.graphql.payloads import on_node, payload
from hub.graphql.permissions import edit_refused, guarded_mutation
from hub.services import organizations as organization_service
from hub.services.outcome import Outcome


@strawberry.type
class RegisterOrganizationPayload:
    organization: Organization | None
    edit_token: str | None = strawberry.field(
        description="Keep it: it is needed to change the organization. Shown only once."
    )
    user_errors: list[UserError]
    warnings: list[InputWarning] = strawberry.field(description=WARNINGS, default_factory=list)


@strawberry.type
class UpdateOrganizationPayload:
    organization: Organization | None
    user_errors: list[UserError]
    warnings: list[InputWarning] = strawberry.field(description=WARNINGS, default_factory=list)


def _view(info: Info) -> Callable[[model.Organization], Organization]:
    """An organization as this reader may see it."""
    return lambda found: Organization.of(found, info.context.may_see_protected_contacts)


@strawberry.type
class OrganizationMutation:
    @guarded_mutation("Register an organization; it starts PENDING.")
    async def register_organization(
        self, info: Info, input: OrganizationInput
    ) -> RegisterOrganizationPayload:
        ctx = info.context
        outcome = await organization_service.register_organization(
            ctx.db, input.to_domain(), ctx.viewer
        )
        return payload(
            RegisterOrganizationPayload,
            info,
            outcome,
            warned=True,
            organization=_view(info),
            # Handed out with the new organization, once.
            edit_token=lambda _: outcome.edit_token,
        )

    @guarded_mutation(
        "Change an organization: with its editToken until it is first verified, then as its "
        "staff (or a coordinator). An edit of a verified organization by its staff makes it "
        "PENDING until a reviewer verifies it again.",
        refused=edit_refused,
    )
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> UpdateOrganizationPayload:
        ctx = info.context

        async def update(organization: UUID) -> Outcome[model.Organization]:
            return await organization_service.update_organization(
                ctx.db, organization, input.version, input.edit_token, input.apply, ctx.viewer
            )

        outcome = await on_node(input.id, "Organization", "id", update)
        return payload(
            UpdateOrganizationPayload, info, outcome, warned=True, organization=_view(info)
        )

    @guarded_mutation(
        "Verify an organization as it is at `version` (reviewers; not its own staff). Edits "
        "by its staff make a verified organization PENDING until this is done again."
    )
    async def verify_organization(
        self, info: Info, input: VerifyOrganizationInput
    ) -> UpdateOrganizationPayload:
        ctx = info.context

        async def verify(organization: UUID) -> Outcome[model.Organization]:
            return await organization_service.verify_organization(
                ctx.db, ctx.viewer, organization, input.version
            )

        outcome = await on_node(input.id, "Organization", "id", verify)
        return payload(UpdateOrganizationPayload, info, outcome, organization=_view(info))
