"""The live event type, and what every rendering of an event shares."""

from __future__ import annotations

from datetime import datetime

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import enums as domain
from hub.domain.visibility import publicly_shown
from hub.graphql.entries import TYPE_NAMES, Entry, entry_of
from hub.graphql.ids import node_id
from hub.graphql.loaders import Loaders, make_loaders
from hub.live.fanout import Delivery
from hub.store.db import Database

strawberry.enum(domain.EventType, name="EntryEventType")


@strawberry.type(description="Something that happened to an entry, delivered in commit order.")
class EntryEvent:
    id: str = strawberry.field(
        description="The event's position: grows with every committed event. Pass the last one "
        "you received as `after` when you reconnect."
    )
    type: domain.EventType
    kind: domain.EntryKind
    entry_id: strawberry.ID
    occurred_at: datetime
    replayed: bool = strawberry.field(description="Sent from the replay of missed events.")
    entry: Entry | None = strawberry.field(
        description="The entry as a query returns it now (protected contacts masked); null "
        "once it is REJECTED or merged into another, for everyone alike (fetch it by id if "
        "you may see such entries)."
    )


def event_of(delivery: Delivery, may_see_protected: bool) -> EntryEvent:
    """The GraphQL event of `delivery`, its entry as `may_see_protected` allows."""
    event = delivery.event
    kind = domain.EntryKind(event.entry_kind)
    return EntryEvent(
        id=str(event.position),
        type=event.event_type,
        kind=kind,
        entry_id=node_id(TYPE_NAMES[kind], event.entry_id),
        occurred_at=event.occurred_at,
        replayed=delivery.replayed,
        # Not a REJECTED or merged entry (hub/domain/visibility.py): subscribing to its id or
        # to REJECTED must not hand it out. For everyone, so that every viewer of a shape is
        # sent the same bytes.
        entry=entry_of(delivery.entry, may_see_protected)
        if delivery.entry
        and publicly_shown(delivery.entry.verification_status, delivery.entry.merged_into)
        else None,
    )


def batch_loaders(db: Database, delivery: Delivery) -> Loaders:
    """The loaders every subscriber of this process shares for one delivered batch."""
    loaders: Loaders | None = delivery.shared.get("loaders")
    if loaders is None:
        loaders = make_loaders(db)
        for entry_id, entry in delivery.shared.get("entries", {}).items():
            loaders.entry.prime(entry_id, entry)
        delivery.shared["loaders"] = loaders
    return loaders
