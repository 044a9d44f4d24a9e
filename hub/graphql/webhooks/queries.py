"""The webhook queries: a signed-in user's own webhooks (admins: everyone's)."""

from __future__ import annotations

import strawberry

from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, hub_error, signed_in_only
from hub.graphql.ids import expect_global_id
from hub.graphql.permissions import guarded_field, require_everyones_webhooks
from hub.graphql.webhooks.types import Webhook
from hub.services import webhooks as service


@strawberry.type
class WebhookQuery:
    @guarded_field("Your webhooks, oldest first; admins may ask for everyone's.")
    async def webhooks(self, info: Info, all_users: bool = False) -> list[Webhook]:
        ctx = info.context
        if all_users:
            require_everyones_webhooks(info)
        with signed_in_only():
            found = await service.webhooks_of(ctx.db, ctx.viewer, everyone=all_users)
        return [Webhook.of(record) for record in found]

    @guarded_field("One of your webhooks (admins: anyone's); null when there is none.")
    async def webhook(self, info: Info, id: strawberry.ID) -> Webhook | None:
        ctx = info.context
        local = expect_global_id(id, "Webhook")
        if local is None:
            raise hub_error(ErrorCode.INVALID_ID, "Not a webhook id.")
        with signed_in_only():
            found = await service.webhook(ctx.db, ctx.viewer, local)
        return Webhook.of(found) if found else None
