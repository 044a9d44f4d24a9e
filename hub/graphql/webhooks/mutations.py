"""The webhook mutations: create, change, delete, rotate the secret (returned once)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError

from hub.domain.accounts import Viewer
from hub.domain.errors import ErrorCode as UserErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.live import EventFilter
from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, signed_in_only
from hub.graphql.live.subscriptions import EntryEventFilter
from hub.graphql.payloads import on_node, payload
from hub.graphql.permissions import guarded_mutation
from hub.graphql.webhooks.types import Webhook
from hub.services import webhooks as service
from hub.services.outcome import Outcome
from hub.store.db import Database
from hub.store.webhooks import WebhookRecord

T = TypeVar("T")
UNSET: Any = strawberry.UNSET


@strawberry.input
class CreateWebhookInput:
    url: str = strawberry.field(
        description="https:// (http:// only where HUB_WEBHOOK_ALLOW_HTTP is set); a public address."
    )
    filter: EntryEventFilter | None = strawberry.field(
        default=None, description="Which events to send; none: every entry event."
    )
    description: str = strawberry.field(default="", description="What it is for (200 at most).")


@strawberry.input
class UpdateWebhookInput:
    id: strawberry.ID
    url: str | None = UNSET
    filter: EntryEventFilter | None = strawberry.field(
        default=UNSET, description="Replaces the filter; null: every entry event."
    )
    description: str | None = UNSET
    enabled: bool | None = strawberry.field(
        default=UNSET,
        description="true re-enables a disabled webhook with a clean failure count; it receives "
        "events from then on (not those in between).",
    )


@strawberry.type
class WebhookPayload:
    webhook: Webhook | None
    user_errors: list[UserError]


@strawberry.type
class WebhookSecretPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(
        description="Verify X-Hub-Signature-256 with it. Shown only this once."
    )
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookPayload:
    deleted: bool
    user_errors: list[UserError]


def _filter(given: EntryEventFilter | None) -> EventFilter | DomainUserError:
    """The domain filter, or the user error that its ids or sizes are."""
    if given is None:
        return EventFilter()
    try:
        return given.to_domain()
    except GraphQLError as error:
        code = (error.extensions or {}).get("code")
        if code == ErrorCode.INVALID_ID.value:
            return DomainUserError("filter", UserErrorCode.INVALID_ID)
        return DomainUserError(
            "filter",
            UserErrorCode.INVALID_COMBINATION,
            {"reason_zh": "筛选条件的取值过多。", "reason_en": error.message},
        )


def _secret_payload(info: Info, outcome: Outcome[service.WithSecret]) -> WebhookSecretPayload:
    return payload(
        WebhookSecretPayload,
        info,
        outcome,
        webhook=lambda made: Webhook.of(made.webhook),
        secret=lambda made: made.secret,
    )


async def _on_webhook(
    info: Info, global_id: str, act: Callable[[Database, Viewer, UUID], Awaitable[Outcome[T]]]
) -> Outcome[T]:
    """`act`, a service of a webhook's owner, on the webhook `global_id` names."""
    ctx = info.context
    with signed_in_only():
        return await on_node(
            global_id, "Webhook", "id", lambda webhook: act(ctx.db, ctx.viewer, webhook)
        )


@strawberry.type
class WebhookMutation:
    @guarded_mutation("Have entry events POSTed to a URL as signed JSON; returns the secret once.")
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> WebhookSecretPayload:
        ctx = info.context
        wanted = _filter(input.filter)
        if isinstance(wanted, DomainUserError):
            return _secret_payload(info, Outcome.failed([wanted]))
        with signed_in_only():
            outcome = await service.create_webhook(
                ctx.db, ctx.settings, ctx.viewer, input.url, wanted, input.description
            )
        return _secret_payload(info, outcome)

    @guarded_mutation("Change a webhook's URL, filter or description, or switch it off or on.")
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> WebhookPayload:
        ctx = info.context

        async def update(webhook: UUID) -> Outcome[WebhookRecord]:
            wanted = None if input.filter is UNSET else _filter(input.filter)
            if isinstance(wanted, DomainUserError):
                return Outcome.failed([wanted])
            with signed_in_only():
                return await service.update_webhook(
                    ctx.db,
                    ctx.settings,
                    ctx.viewer,
                    webhook,
                    url=input.url if isinstance(input.url, str) else None,
                    event_filter=wanted,
                    description=input.description if isinstance(input.description, str) else None,
                    enabled=input.enabled if isinstance(input.enabled, bool) else None,
                )

        outcome = await on_node(input.id, "Webhook", "id", update)
        return payload(WebhookPayload, info, outcome, webhook=Webhook.of)

    @guarded_mutation("Delete a webhook and its delivery log.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> DeleteWebhookPayload:
        outcome = await _on_webhook(info, id, service.delete_webhook)
        return DeleteWebhookPayload(
            deleted=bool(outcome.value),
            user_errors=UserError.list_of(outcome.errors, info.context.language),
        )

    @guarded_mutation("A new signing secret for one of your webhooks; returned this once.")
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookSecretPayload:
        return _secret_payload(info, await _on_webhook(info, id, service.rotate_secret))
