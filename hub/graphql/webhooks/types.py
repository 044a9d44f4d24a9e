"""A webhook as GraphQL sees it: its filter and its delivery log. The secret is in no type
here: only the payloads of createWebhook and rotateWebhookSecret carry it, once."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.domain import enums as domain
from hub.domain.live import EventFilter
from hub.domain.webhooks import DeliveryOutcome
from hub.graphql.connections import Connection, Edge, number_cursor, page_of, page_size
from hub.graphql.context import Info
from hub.graphql.entries import TYPE_NAMES
from hub.graphql.ids import node_id
from hub.graphql.views import view_of
from hub.services import webhooks as service
from hub.store.webhooks import DeliveryRecord, WebhookRecord

strawberry.enum(DeliveryOutcome, name="WebhookDeliveryOutcome")


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
        organization_ids=[node_id("Organization", i) for i in wanted.organization_ids],
        entry_ids=[node_id(TYPE_NAMES[e.kind], e.id) for e in found if e is not None],
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
        return view_of(
            cls, record, id=strawberry.ID(str(record.id)), event_id=str(record.event_position)
        )


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
        webhook_id = node_id("Webhook", record.id)
        return view_of(
            cls, record, id=webhook_id, last_event_id=str(record.position), record=record
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
        before = number_cursor(after, "after must be a cursor from this log.")
        found = await service.deliveries(ctx.db, self.record.id, before, size + 1)

        async def count() -> int:
            return await service.count_deliveries(ctx.db, self.record.id)

        edges = [Edge(cursor=str(r.seq), node=WebhookDelivery.of(r)) for r in found[:size]]
        return page_of(edges, len(found) > size, before is not None, count)
