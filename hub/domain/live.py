"""Live entry events: what one is, and which subscribers it is for. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from hub.domain.enums import EntryKind, EventType, Urgency, VerificationStatus
from hub.domain.model import Entry
from hub.domain.regions import answers_places

# Outbox rows about organizations are stamped too (search follows them) but are not entry events.
ENTRY_KINDS = frozenset(kind.value for kind in EntryKind)


@dataclass(frozen=True)
class LiveEvent:
    """One committed outbox event, numbered in commit order.

    `position` is the event id clients see and resume from: the relay stamps positions densely
    (1, 2, 3, ...) in the order transactions became visible, so a gap means a missed event.
    """

    position: int
    outbox_id: int
    entry_id: UUID
    entry_kind: str
    event_type: EventType
    occurred_at: datetime

    @property
    def is_entry_event(self) -> bool:
        """Whether this is about a need, offer, logistics offer or lodging."""
        return self.entry_kind in ENTRY_KINDS


@dataclass(frozen=True)
class EventFilter:
    """Which entry events a subscriber wants; empty collections mean no restriction.

    Region, category, urgency and verification are matched against the entry as it is when the
    event is delivered, the state the subscriber is shown.
    """

    kinds: tuple[EntryKind, ...] = ()
    event_types: tuple[EventType, ...] = ()
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    category_codes: tuple[str, ...] = ()
    urgencies: tuple[Urgency, ...] = ()
    verification_statuses: tuple[VerificationStatus, ...] = ()
    organization_ids: tuple[UUID, ...] = ()
    entry_ids: tuple[UUID, ...] = ()


def matches(wanted: EventFilter, event: LiveEvent, entry: Entry | None) -> bool:
    """Whether `event` (about `entry`, None when it no longer exists) passes `wanted`."""
    if not event.is_entry_event or entry is None:
        return False
    if wanted.kinds and entry.kind not in wanted.kinds:
        return False
    if wanted.event_types and event.event_type not in wanted.event_types:
        return False
    if wanted.entry_ids and entry.id not in wanted.entry_ids:
        return False
    draft = entry.draft
    if wanted.organization_ids and draft.organization_id not in wanted.organization_ids:
        return False
    if not answers_places(draft.region, wanted.provinces, wanted.cities):
        return False
    if wanted.category_codes and not any(
        item.category_code in wanted.category_codes for item in draft.items
    ):
        return False
    if wanted.urgencies and getattr(draft.details, "urgency", None) not in wanted.urgencies:
        return False
    return not (
        wanted.verification_statuses
        and entry.verification_status not in wanted.verification_statuses
    )


def replay_too_old(oldest_missed: datetime | None, now: datetime, retention_hours: int) -> bool:
    """Whether the oldest event a resuming client missed is beyond the replay window."""
    if oldest_missed is None:
        return False
    return (now - oldest_missed).total_seconds() > retention_hours * 3600


class ReplayTooOld(Exception):
    """The events after a resume point are older than the replay window: refetch instead."""


class UnknownPosition(Exception):
    """A resume point beyond the newest event: it did not come from this hub."""


class TooFarBehind(Exception):
    """A subscriber's queue overflowed; it must reconnect and resume from its last event."""
