"""Revealing a protected contact, for approved users, on the record."""

from __future__ import annotations

import strawberry

from hub.domain.errors import ErrorCode as UserErrorCode
from hub.graphql.common import Contact, UserError
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id
from hub.graphql.permissions import guarded_mutation
from hub.services import privacy as service
from hub.services.outcome import Forbidden


@strawberry.type
class RevealContactPayload:
    contact: Contact | None = strawberry.field(description="In full; the reveal is audited.")
    user_errors: list[UserError]


@strawberry.type
class PrivacyMutation:
    @guarded_mutation("Show a protected contact in full (approved users; audited, rate-limited).")
    async def reveal_contact(self, info: Info, contact_id: strawberry.ID) -> RevealContactPayload:
        ctx = info.context
        local = expect_global_id(contact_id, "Contact")
        if local is None:
            return RevealContactPayload(
                contact=None,
                user_errors=UserError.single("contactId", UserErrorCode.INVALID_ID, ctx.language),
            )
        try:
            outcome = await service.reveal_contact(
                ctx.db, ctx.viewer, local, ctx.settings.reveals_per_hour
            )
        except Forbidden:
            raise hub_error(ErrorCode.UNAUTHENTICATED, "Sign in to do this.") from None
        except service.RateLimited:
            raise hub_error(
                ErrorCode.RATE_LIMITED,
                "Too many contacts revealed in the last hour; try again later.",
            ) from None
        contacts = Contact.list_of((outcome.value,), True) if outcome.value else []
        return RevealContactPayload(
            contact=contacts[0] if contacts else None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )
