"""Which subscribers an event is for, and the replay window, in plain Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    EventType,
    Urgency,
    VerificationStatus,
)
from hub.domain.live import EventFilter, LiveEvent, matches, replay_too_old
from hub.domain.model import Entry, EntryDraft, Item, NeedDetails, OfferDetails, Region
from hub.domain.units import Unit

NOW = datetime(2020, 1, 25, 8, tzinfo=UTC)
HOSPITAL = uuid4()


def entry(kind: EntryKind = EntryKind.NEED, city: str = "武汉市") -> Entry:
    details = (
        NeedDetails(urgency=Urgency.CRITICAL)
        if kind is EntryKind.NEED
        else OfferDetails(can_deliver=True, is_free=True)
    )
    draft = EntryDraft(
        region=Region("湖北省", city),
        details=details,
        organization_id=HOSPITAL,
        items=(Item("face.medical_respirator", "N95", Decimal(100), Unit.ITEM),),
    )
    return Entry(uuid4(), draft, EntryStatus.OPEN, VerificationStatus.PENDING, NOW, NOW, 1)


def event_about(subject: Entry, event_type: EventType = EventType.CREATED) -> LiveEvent:
    return LiveEvent(1, 1, subject.id, subject.kind.value, event_type, NOW)


def test_an_empty_filter_takes_every_entry_event_but_not_organization_ones() -> None:
    need = entry()
    assert matches(EventFilter(), event_about(need), need)
    organization_event = LiveEvent(2, 2, HOSPITAL, "ORGANIZATION", EventType.CREATED, NOW)
    assert not matches(EventFilter(), organization_event, need)
    assert not matches(EventFilter(), event_about(need), None)


def test_every_given_condition_must_hold() -> None:
    need, offer = entry(), entry(EntryKind.OFFER, city="孝感市")
    cases = [
        (EventFilter(kinds=(EntryKind.OFFER,)), offer, need),
        (EventFilter(cities=("孝感市",)), offer, need),
        (EventFilter(urgencies=(Urgency.CRITICAL,)), need, offer),
        (EventFilter(entry_ids=(need.id,)), need, offer),
    ]
    for wanted, taken, left in cases:
        assert matches(wanted, event_about(taken), taken), wanted
        assert not matches(wanted, event_about(left), left), wanted
    both = EventFilter(provinces=("湖北省",), category_codes=("face.medical_respirator",))
    assert matches(both, event_about(need), need)
    assert not matches(
        EventFilter(provinces=("湖北省",), category_codes=("devices.ventilator",)),
        event_about(need),
        need,
    )
    assert not matches(
        EventFilter(event_types=(EventType.VERIFIED,)), event_about(need, EventType.UPDATED), need
    )
    assert not matches(
        EventFilter(verification_statuses=(VerificationStatus.VERIFIED,)), event_about(need), need
    )
    assert not matches(EventFilter(organization_ids=(uuid4(),)), event_about(need), need)


def test_the_replay_window() -> None:
    assert not replay_too_old(None, NOW, 24)
    assert not replay_too_old(NOW - timedelta(hours=23), NOW, 24)
    assert replay_too_old(NOW - timedelta(hours=25), NOW, 24)
