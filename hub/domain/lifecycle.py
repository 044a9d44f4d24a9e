"""How entries move between statuses at the submitter's hand, and when they go stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from hub.domain.enums import EntryKind, EntryStatus, EventType
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Entry, EntryDraft

# What a submitter may set with an update; CLOSED only through close, and never undone.
SETTABLE_STATUSES = frozenset(
    {EntryStatus.OPEN, EntryStatus.PARTIALLY_FULFILLED, EntryStatus.FULFILLED}
)


def check_editable(entry: Entry, version: int) -> UserError | None:
    """Whether the submitter may change `entry`, having read it at `version`."""
    if entry.version != version:
        return UserError("version", ErrorCode.CONFLICT, {"current": entry.version})
    if entry.status is EntryStatus.CLOSED:
        return UserError(
            "id",
            ErrorCode.INVALID_STATE,
            {
                "reason_zh": "该记录已关闭，不能再修改。",
                "reason_en": "This entry is closed and can no longer change.",
            },
        )
    return None


def check_status_change(new_status: EntryStatus) -> UserError | None:
    """Whether an update may set `new_status`."""
    if new_status in SETTABLE_STATUSES:
        return None
    return UserError(
        "status",
        ErrorCode.INVALID_STATE,
        {
            "reason_zh": "请使用关闭操作来关闭记录。",
            "reason_en": "Use the close mutation to close an entry.",
        },
    )


def expires_at(
    kind: EntryKind, confirmed_at: datetime, lifetimes: dict[EntryKind, int]
) -> datetime:
    """When an entry confirmed at `confirmed_at` becomes stale; `lifetimes` is in hours."""
    return confirmed_at + timedelta(hours=lifetimes[kind])


def substance_changed(before: EntryDraft, after: EntryDraft) -> bool:
    """Whether a change touches what reviewers vouch for (not just fulfilled quantities)."""
    return _without_fulfilment(before) != _without_fulfilment(after)


def _without_fulfilment(draft: EntryDraft) -> EntryDraft:
    items = tuple(replace(item, fulfilled_quantity=Decimal(0)) for item in draft.items)
    return replace(draft, items=items)


def event_for_update(before: Entry, after: EntryDraft, status: EntryStatus) -> EventType:
    """The outbox event an update emits."""
    if substance_changed(before.draft, after):
        return EventType.UPDATED
    if status is EntryStatus.FULFILLED and before.status is not EntryStatus.FULFILLED:
        return EventType.FULFILLED
    if status is not before.status:
        return EventType.STATUS_CHANGED
    return EventType.UPDATED
