"""How lists of entries and organizations are filtered, ordered and paged (keyset cursors)."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    OrganizationKind,
    Urgency,
    VerificationStatus,
)
from hub.domain.model import Entry, Organization
from hub.domain.priority import ranked_urgency
from hub.domain.regions import filter_place


class EntryOrder(Enum):
    """Orders of entry lists. PRIORITY (needs only): highest priority score first (urgency
    raised by neglect, hub/domain/priority.py). URGENCY: most urgent first, then most recently
    updated."""

    PRIORITY = "PRIORITY"
    URGENCY = "URGENCY"
    RECENTLY_UPDATED = "RECENTLY_UPDATED"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


class OrganizationOrder(Enum):
    """Orders of organization lists."""

    NAME = "NAME"
    NEWEST = "NEWEST"


URGENCY_RANK = {Urgency.CRITICAL: 0, Urgency.HIGH: 1, Urgency.MEDIUM: 2, Urgency.LOW: 3}


@dataclass(frozen=True)
class EntryFilter:
    """Which entries a list holds; empty collections mean no restriction."""

    province: str | None = None
    city: str | None = None
    district: str | None = None
    destination_province: str | None = None
    destination_city: str | None = None
    category_codes: tuple[str, ...] = ()
    urgencies: tuple[Urgency, ...] = ()
    statuses: tuple[EntryStatus, ...] = ()
    verification_statuses: tuple[VerificationStatus, ...] = ()
    organization_kinds: tuple[OrganizationKind, ...] = ()
    organization_id: UUID | None = None
    updated_since: datetime | None = None

    def __post_init__(self) -> None:
        # Places read as submissions are ("四川" finds "四川省", "武汉" finds "武汉市"), whoever
        # builds the filter: list queries, exports, compiled reads.
        _set_places(self, ("province", "city", "district"))
        _set_places(self, ("destination_province", "destination_city"))


@dataclass(frozen=True)
class OrganizationFilter:
    """Which organizations a list holds."""

    kinds: tuple[OrganizationKind, ...] = ()
    province: str | None = None
    city: str | None = None
    name_contains: str | None = None

    def __post_init__(self) -> None:
        _set_places(self, ("province", "city"))


def _set_places(flt: object, names: tuple[str, ...]) -> None:
    """Put the place fields `names` (province, city[, district]) of a frozen filter in the
    stored spelling (hub.domain.regions.filter_place); blank ones become None."""
    values = [getattr(flt, name) or None for name in names]
    if not any(values):
        for name in names:
            object.__setattr__(flt, name, None)
        return
    for name, value in zip(names, filter_place(*values), strict=False):
        object.__setattr__(flt, name, value)


CursorKey = tuple[str | int, ...]


class BadCursor(ValueError):
    """A cursor that this list did not hand out."""


def urgency_rank(entry: Entry) -> int:
    """0 for CRITICAL needs to 3 for LOW ones (a need's urgency not stated ranks as
    RANKED_WHEN_NOT_STATED); 4 for other kinds (as the SQL does, migration 0031)."""
    if entry.kind is not EntryKind.NEED:
        return 4
    return URGENCY_RANK[ranked_urgency(getattr(entry.draft.details, "urgency", None))]


def entry_key(entry: Entry, order: EntryOrder) -> CursorKey:
    """The values an entry is sorted by in `order`, as JSON-friendly values."""
    if order is EntryOrder.URGENCY:
        return (urgency_rank(entry), entry.updated_at.isoformat(), str(entry.id))
    if order is EntryOrder.RECENTLY_UPDATED:
        return (entry.updated_at.isoformat(), str(entry.id))
    return (entry.created_at.isoformat(), str(entry.id))


def queue_key(entry: Entry) -> CursorKey:
    """The review queue's sort values: urgency, then time in the queue (the URGENCY shape)."""
    queued = entry.review.queued_at if entry.review else entry.created_at
    return (urgency_rank(entry), queued.isoformat(), str(entry.id))


def organization_key(organization: Organization, order: OrganizationOrder) -> CursorKey:
    """The values an organization is sorted by in `order`."""
    if order is OrganizationOrder.NAME:
        return (organization.draft.name, str(organization.id))
    return (organization.created_at.isoformat(), str(organization.id))


def encode_cursor(order: Enum, key: CursorKey) -> str:
    """An opaque cursor for the item with `key` in a list sorted by `order`."""
    raw = json.dumps([order.value, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: Enum) -> CursorKey:
    """The key inside a cursor; BadCursor when it is malformed or from another order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("malformed cursor") from None
    if not isinstance(values, list) or not values or values[0] != order.value:
        raise BadCursor("the cursor belongs to another order")
    key = tuple(values[1:])
    if not all(isinstance(v, str | int) for v in key):
        raise BadCursor("malformed cursor")
    expected = 3 if order in (EntryOrder.URGENCY, EntryOrder.PRIORITY) else 2
    if len(key) != expected:
        raise BadCursor("malformed cursor")
    try:
        UUID(str(key[-1]))
        if order is EntryOrder.PRIORITY:
            datetime.fromisoformat(str(key[0]))
            if not math.isfinite(float(str(key[1]))):
                raise ValueError
        elif order is EntryOrder.URGENCY:
            int(key[0])
            datetime.fromisoformat(str(key[1]))
        elif order is not OrganizationOrder.NAME:
            datetime.fromisoformat(str(key[0]))
    except (ValueError, TypeError, ArithmeticError):
        raise BadCursor("malformed cursor") from None
    return key


def priority_key(as_of: datetime, score: float, entry_id: UUID) -> CursorKey:
    """A PRIORITY cursor key: the listing's clock, the score at that time (repr: exact), the
    id."""
    return (as_of.isoformat(), repr(score), str(entry_id))


def read_priority_key(key: CursorKey) -> tuple[datetime, float, UUID]:
    """The typed values of a PRIORITY cursor key (checked by decode_cursor)."""
    return datetime.fromisoformat(str(key[0])), float(str(key[1])), UUID(str(key[2]))
