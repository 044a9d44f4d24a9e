"""Registering and changing organizations: their payloads and mutations."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import strawberry

from hub.domain import model
from hub.graphql.common import WARNINGS, InputWarning, UserError
from hub.graphql.context import Info
from hub.graphql.ids import expect_global_id
from hub.graphql.organizations.inputs import (
    OrganizationInput,
    UpdateOrganizationInput,
    VerifyOrganizationInput,
)
from hub.graphql.organizations.types import Organization
from hub.graphql.payloads import invalid_id, on_node, payload
from hub.graphql.permissions import edit_refused, guarded_mutation
from hub.services import organization_merges
from hub.services import organizations as organization_service
from hub.services.outcome import Outcome


@strawberry.type
class RegisterOrganizationPayload:
    organization: Organization | None
    edit_token: str | None = strawberry.field(
        description="Keep it: it is needed to change the organization. Shown only once. "
        "Null when the organization was registered already (reusedExisting)."
    )
    user_errors: list[UserError]
    warnings: list[InputWarning] = strawberry.field(description=WARNINGS, default_factory=list)
    reused_existing: bool = strawberry.field(
        default=False,
        description="True when an organization of the same name (spaces, punctuation and "
        "case ignored), kind, province and city was registered already: it is the one returned, "
        "unchanged, and no copy is made. Its staff or a coordinator change it.",
    )
    similar_organizations: list[Organization] = strawberry.field(
        default_factory=list,
        description="Registered organizations that may be this one under another spelling "
        "(武汉汉口医院 for 武汉市汉口医院, a name with its alias): ask a coordinator to merge "
        "them (mergeOrganizations) if they are.",
    )


@strawberry.type
class MergeOrganizationsPayload:
    organization: Organization | None = strawberry.field(description="The organization kept.")
    user_errors: list[UserError]


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
        draft = input.to_domain()
        outcome = await organization_service.register_organization(ctx.db, draft, ctx.viewer)
        similar: list[Organization] = []
        if outcome.value is not None:
            view = _view(info)
            # Read from what was stored: its region is the normalised one (湖北 → 湖北省).
            stored = outcome.value.draft
            found = await organization_service.similar_to(
                ctx.db, stored.name, stored.region.province, stored.region.city
            )
            similar = [view(o) for o in found if o.id != outcome.value.id]
        answer = payload(
            RegisterOrganizationPayload,
            info,
            outcome,
            warned=True,
            organization=_view(info),
            # Handed out with the new organization, once.
            edit_token=lambda _: outcome.edit_token,
        )
        answer.reused_existing = outcome.reused_organization
        answer.similar_organizations = similar
        return answer

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

    @guarded_mutation(
        "Merge an organization registered twice into the one kept (coordinators): its "
        "entries, staff, pending claims, pledges and the contacts the kept one lacks move "
        "there; it stays, with mergedInto set and its history, out of the directory."
    )
    async def merge_organizations(
        self, info: Info, from_id: strawberry.ID, into_id: strawberry.ID
    ) -> MergeOrganizationsPayload:
        ctx = info.context
        merged = expect_global_id(from_id, "Organization")
        kept = expect_global_id(into_id, "Organization")
        if merged is None:
            outcome: Outcome[model.Organization] = invalid_id("fromId")
        elif kept is None:
            outcome = invalid_id("intoId")
        else:
            outcome = await organization_merges.merge_organizations(
                ctx.db, ctx.viewer, merged, kept
            )
        return payload(MergeOrganizationsPayload, info, outcome, organization=_view(info))
