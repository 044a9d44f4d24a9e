"""Registering and changing organizations: their payloads and mutations."""

from __future__ import annotations

import strawberry

from hub.domain.errors import ErrorCode as UserErrorCode
from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id
from hub.graphql.organizations.inputs import OrganizationInput, UpdateOrganizationInput
from hub.graphql.organizations.types import Organization
from hub.graphql.permissions import FORBIDDEN_EDIT, guarded_mutation
from hub.services import organizations as organization_service
from hub.services.outcome import Forbidden


@strawberry.type
class RegisterOrganizationPayload:
    organization: Organization | None
    edit_token: str | None = strawberry.field(
        description="Keep it: it is needed to change the organization. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class UpdateOrganizationPayload:
    organization: Organization | None
    user_errors: list[UserError]


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
        return RegisterOrganizationPayload(
            organization=Organization.of(outcome.value, ctx.may_see_protected_contacts)
            if outcome.value
            else None,
            edit_token=outcome.edit_token,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )

    @guarded_mutation("Change an organization (needs its editToken).")
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> UpdateOrganizationPayload:
        ctx = info.context
        organization_id = expect_global_id(input.id, "Organization")
        if organization_id is None:
            return UpdateOrganizationPayload(
                organization=None,
                user_errors=UserError.single("id", UserErrorCode.INVALID_ID, ctx.language),
            )
        try:
            outcome = await organization_service.update_organization(
                ctx.db, organization_id, input.version, input.edit_token, input.apply, ctx.viewer
            )
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, FORBIDDEN_EDIT) from None
        return UpdateOrganizationPayload(
            organization=Organization.of(outcome.value, ctx.may_see_protected_contacts)
            if outcome.value
            else None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )
