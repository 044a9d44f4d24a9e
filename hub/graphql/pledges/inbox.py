"""The poster's inbox: messages left for an entry's poster, and sending one."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.entries import Entry, entry_id_of, entry_of
from hub.graphql.ids import node_id
from hub.graphql.payloads import on_id
from hub.graphql.permissions import guarded_mutation
from hub.graphql.throttle import rate_limited
from hub.graphql.views import view_of
from hub.services import messages
from hub.services.outcome import Outcome

# The hourly limits are counted in the database; their refusals ask for at most an hour.
HOUR = 3600


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


@strawberry.type
class InboxQuery:
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
                view_of(InboxMessage, m, id=node_id("Message", m.id), sent_at=m.created_at)
                for m in found.messages
            ],
        )


@strawberry.input(description="A message for an entry's poster; their number stays protected.")
class SendMessageInput:
    entry_id: strawberry.ID
    body: str
    reply_to: str | None = strawberry.field(
        default=None, description="How the poster can answer you (phone, e-mail, WeChat)."
    )


@strawberry.type
class SendMessagePayload:
    sent: bool
    user_errors: list[UserError]


@strawberry.type
class InboxMutation:
    @guarded_mutation(
        "Leave a message for an entry's poster, delivered to the inbox behind their "
        "reconfirmation link: their protected number is never shown. Rate-limited "
        "(RATE_LIMITED) and audited."
    )
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload:
        ctx = info.context

        async def send(entry: UUID) -> Outcome[UUID]:
            return await messages.send_message(
                ctx.db,
                entry,
                input.body,
                input.reply_to,
                ctx.viewer,
                ctx.client_key,
                ctx.settings.messages_per_hour,
            )

        try:
            outcome = await on_id(entry_id_of(input.entry_id), "entryId", send)
        except messages.RateLimited:
            raise rate_limited(ctx, HOUR, "Too many messages; try again in an hour.") from None
        return SendMessagePayload(
            sent=outcome.value is not None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )
