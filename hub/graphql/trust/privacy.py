"""Revealing a protected contact, for approved users, on the record."""

from __future__ import annotations

from uuid import UUID

import strawberry

from hub.domain import model
from hub.graphql.common import Contact, UserError
from hub.graphql.context import Info
from hub.graphql.errors import signed_in_only
from hub.graphql.payloads import on_node, payload
from hub.graphql.permissions import guarded_mutation
from hub.graphql.throttle import rate_limited
from hub.services import privacy as service
from hub.services.outcome import Outcome


@strawberry.type
class RevealContactPayload:
    contact: Contact | None = strawberry.field(description="In full; the reveal is audited.")
    user_errors: list[UserError]


@strawberry.type
class PrivacyMutation:
    @guarded_mutation("Show a protected contact in full (approved users; audited, rate-limited).")
    async def reveal_contact(self, info: Info, contact_id: strawberry.ID) -> RevealContactPayload:
        ctx = info.context

        async def reveal(contact: UUID) -> Outcome[model.Contact]:
            return await service.reveal_contact(
                ctx.db, ctx.viewer, contact, ctx.settings.reveals_per_hour
            )

        try:
            with signed_in_only():
                outcome = await on_node(contact_id, "Contact", "contactId", reveal)
        except service.RateLimited:
            raise rate_limited(
                ctx, 3600, "Too many contacts revealed in the last hour; try again later."
            ) from None
        # In full: the reveal is what this mutation is for.
        return payload(
            RevealContactPayload, info, outcome, contact=lambda c: Contact.list_of((c,), True)[0]
        )
