"""Webhooks over GraphQL: a signed-in user's own webhooks, their delivery log, and the
mutations that manage them. The secret is in the payloads of createWebhook and
rotateWebhookSecret only; no query can return it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLError

from hub.domain import enums as domain
from hub.domain.accounts import Role
from hub.domain.errors import ErrorCode as UserErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.live import EventFilter
from hub.domain.webhooks import DeliveryOutcome
from hub.graphql.common import PageInfo, UserError
from hub.graphql.connections import Connection, Edge, page_size
from hub.graphql.context import Info
from hub.graphql.entries import TYPE_NAMES
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id, to_global_id
from hub.graphql.permissions import guarded_field, guarded_mutation
from hub.graphql.subscriptions import EntryEventFilter
from hub.services import webhooks as service
from hub.services.outcome import Forbidden, Outcome
from hub.store.webhooks import DeliveryRecord, WebhookRecord

strawberry.enum(DeliveryOutcome, name="WebhookDeliveryOutcome")
UNSET: Any = strawberry.UNSET


@strawberry.type(description="The events a webhook receives; empty lists mean no restriction.")
class WebhookFilter:
    kinds: list[domain.EntryKind]
    types: list[domain.EventType]
    provinces: list[str]
    cities: list[str]
    category_codes: list[str]
    urgencies: list[domain.Urgency]
    verification_statuses: list[domain.VerificationStatus]
    organization_ids: list[strawberry.ID]
    entry_ids: list[strawberry.ID] = strawberry.field(
        description="Entries that no longer exist are left out."
    )


async def _filter_of(info: Info, wanted: EventFilter) -> WebhookFilter:
    # The stored filter holds bare uuids; an entry's global id needs its kind.
    found = await info.context.loaders.entry.load_many(list(wanted.entry_ids))
    return WebhookFilter(
        kinds=list(wanted.kinds),
        types=list(wanted.event_types),
        provinces=list(wanted.provinces),
        cities=list(wanted.cities),
        category_codes=list(wanted.category_codes),
        urgencies=list(wanted.urgencies),
        verification_statuses=list(wanted.verification_statuses),
        organization_ids=[
            strawberry.ID(to_global_id("Organization", i)) for i in wanted.organization_ids
        ],
        entry_ids=[
            strawberry.ID(to_global_id(TYPE_NAMES[e.kind], e.id)) for e in found if e is not None
        ],
    )


@strawberry.type(description="One attempt to deliver one event.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Sent as the X-Hub-Delivery-Id header.")
    event_id: str = strawberry.field(description="The event's id (X-Hub-Event-Id).")
    attempt: int = strawberry.field(description="1 for the first attempt at this event.")
    started_at: datetime
    duration_ms: int
    http_status: int | None = strawberry.field(description="Null when no answer came.")
    error: str | None = strawberry.field(
        description="What went wrong, with the start of the receiver's answer."
    )
    outcome: DeliveryOutcome = strawberry.field(
        description="RETRYING: tried again at nextAttemptAt. FAILED: given up; the next event "
        "follows."
    )
    next_attempt_at: datetime | None

    @classmethod
    def of(cls, record: DeliveryRecord) -> WebhookDelivery:
        """The GraphQL view of a logged attempt."""
        return cls(
            id=strawberry.ID(str(record.id)),
            event_id=str(record.event_position),
            attempt=record.attempt,
            started_at=record.started_at,
            duration_ms=record.duration_ms,
            http_status=record.http_status,
            error=record.error,
            outcome=record.outcome,
            next_attempt_at=record.next_attempt_at,
        )


def _before(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit() or len(after) > 18:
        raise hub_error(ErrorCode.INVALID_CURSOR, "after must be a cursor from this log.")
    return int(after)


@strawberry.type(
    description="Entry events POSTed to a URL as signed JSON (see the README, 'Webhooks')."
)
class Webhook:
    id: strawberry.ID
    url: str
    description: str
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None = strawberry.field(
        description="Why it was disabled: switched off, or failing too often or too long."
    )
    consecutive_failures: int = strawberry.field(
        description="Events given up on in a row (HUB_WEBHOOK_DISABLE_AFTER_FAILURES disables)."
    )
    failing_since: datetime | None
    last_event_id: str = strawberry.field(
        description="The last event handled: delivered, given up on, or left out by the filter."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="When a failed event is tried again."
    )
    created_at: datetime
    updated_at: datetime
    record: strawberry.Private[WebhookRecord]

    @classmethod
    def of(cls, record: WebhookRecord) -> Webhook:
        """The GraphQL view of a webhook (its secret is not in the record)."""
        return cls(
            id=strawberry.ID(to_global_id("Webhook", record.id)),
            url=record.url,
            description=record.description,
            enabled=record.enabled,
            disabled_at=record.disabled_at,
            disabled_reason=record.disabled_reason,
            consecutive_failures=record.consecutive_failures,
            failing_since=record.failing_since,
            last_event_id=str(record.position),
            next_attempt_at=record.next_attempt_at,
            created_at=record.created_at,
            updated_at=record.updated_at,
            record=record,
        )

    @strawberry.field(description="The events it receives.")
    async def filter(self, info: Info) -> WebhookFilter:
        return await _filter_of(info, self.record.event_filter)

    @strawberry.field(description="Every delivery attempt, newest first.")
    async def deliveries(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        ctx = info.context
        size = page_size(first, ctx.settings.max_page_size)
        before = _before(after)
        found = await service.deliveries(ctx.db, self.record.id, before, size + 1)
        edges = [Edge(cursor=str(r.seq), node=WebhookDelivery.of(r)) for r in found[:size]]

        async def count() -> int:
            return await service.count_deliveries(ctx.db, self.record.id)

        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                has_previous_page=before is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            counter=count,
        )


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


def _errors(info: Info, errors: list[DomainUserError]) -> list[UserError]:
    return UserError.list_of(errors, info.context.language)


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


def _webhook_id(info: Info, id: strawberry.ID) -> UUID | None:
    return expect_global_id(id, "Webhook")


def _secret_payload(info: Info, outcome: Outcome[service.WithSecret]) -> WebhookSecretPayload:
    if outcome.value is None:
        return WebhookSecretPayload(
            webhook=None, secret=None, user_errors=_errors(info, outcome.errors)
        )
    return WebhookSecretPayload(
        webhook=Webhook.of(outcome.value.webhook), secret=outcome.value.secret, user_errors=[]
    )


def _signed_in() -> GraphQLError:
    return hub_error(ErrorCode.UNAUTHENTICATED, "Sign in to do this.")


_BAD_ID = [DomainUserError("id", UserErrorCode.INVALID_ID)]


@strawberry.type
class WebhookQuery:
    @guarded_field("Your webhooks, oldest first; admins may ask for everyone's.")
    async def webhooks(self, info: Info, all_users: bool = False) -> list[Webhook]:
        ctx = info.context
        if all_users and not ctx.viewer.has(Role.ADMIN):
            raise hub_error(ErrorCode.FORBIDDEN, "Only admins see everyone's webhooks.")
        try:
            found = await service.webhooks_of(ctx.db, ctx.viewer, everyone=all_users)
        except Forbidden:
            raise _signed_in() from None
        return [Webhook.of(record) for record in found]

    @guarded_field("One of your webhooks (admins: anyone's); null when there is none.")
    async def webhook(self, info: Info, id: strawberry.ID) -> Webhook | None:
        ctx = info.context
        local = _webhook_id(info, id)
        if local is None:
            raise hub_error(ErrorCode.INVALID_ID, "Not a webhook id.")
        try:
            found = await service.webhook(ctx.db, ctx.viewer, local)
        except Forbidden:
            raise _signed_in() from None
        return Webhook.of(found) if found else None


@strawberry.type
class WebhookMutation:
    @guarded_mutation("Have entry events POSTed to a URL as signed JSON; returns the secret once.")
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> WebhookSecretPayload:
        ctx = info.context
        wanted = _filter(input.filter)
        if isinstance(wanted, DomainUserError):
            return _secret_payload(info, Outcome.failed([wanted]))
        try:
            outcome = await service.create_webhook(
                ctx.db, ctx.settings, ctx.viewer, input.url, wanted, input.description
            )
        except Forbidden:
            raise _signed_in() from None
        return _secret_payload(info, outcome)

    @guarded_mutation("Change a webhook's URL, filter or description, or switch it off or on.")
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> WebhookPayload:
        ctx = info.context
        local = _webhook_id(info, input.id)
        if local is None:
            return WebhookPayload(webhook=None, user_errors=_errors(info, _BAD_ID))
        wanted: EventFilter | None = None
        if input.filter is not UNSET:
            parsed = _filter(input.filter)
            if isinstance(parsed, DomainUserError):
                return WebhookPayload(webhook=None, user_errors=_errors(info, [parsed]))
            wanted = parsed
        try:
            outcome = await service.update_webhook(
                ctx.db,
                ctx.settings,
                ctx.viewer,
                local,
                url=input.url if isinstance(input.url, str) else None,
                event_filter=wanted,
                description=input.description if isinstance(input.description, str) else None,
                enabled=input.enabled if isinstance(input.enabled, bool) else None,
            )
        except Forbidden:
            raise _signed_in() from None
        return WebhookPayload(
            webhook=Webhook.of(outcome.value) if outcome.value else None,
            user_errors=_errors(info, outcome.errors),
        )

    @guarded_mutation("Delete a webhook and its delivery log.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> DeleteWebhookPayload:
        ctx = info.context
        local = _webhook_id(info, id)
        if local is None:
            return DeleteWebhookPayload(deleted=False, user_errors=_errors(info, _BAD_ID))
        try:
            outcome = await service.delete_webhook(ctx.db, ctx.viewer, local)
        except Forbidden:
            raise _signed_in() from None
        return DeleteWebhookPayload(
            deleted=bool(outcome.value), user_errors=_errors(info, outcome.errors)
        )

    @guarded_mutation("A new signing secret for one of your webhooks; returned this once.")
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookSecretPayload:
        ctx = info.context
        local = _webhook_id(info, id)
        if local is None:
            return _secret_payload(info, Outcome.failed(_BAD_ID))
        try:
            outcome = await service.rotate_secret(ctx.db, ctx.viewer, local)
        except Forbidden:
            raise _signed_in() from None
        return _secret_payload(info, outcome)
