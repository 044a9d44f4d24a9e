"""Units, languages, cursors, privacy, edit tokens and lifecycle rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from hub.domain.edit_tokens import new_edit_token, token_matches
from hub.domain.enums import ContactVisibility, EntryStatus, EventType, Urgency, VerificationStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.lifecycle import check_editable, check_status_change, event_for_update
from hub.domain.listing import BadCursor, EntryOrder, decode_cursor, encode_cursor
from hub.domain.messages import message, pick_language
from hub.domain.model import Contact, Entry, EntryDraft, Item, NeedDetails, Region
from hub.domain.privacy import mask_phone, visible_contact
from hub.domain.units import Unit, to_base


def test_units_convert_to_their_base() -> None:
    assert to_base(Decimal(3), Unit.CARTON, 400) == (Decimal(1200), Unit.PIECE)
    assert to_base(Decimal(2), Unit.TONNE, None) == (Decimal(2000), Unit.KILOGRAM)
    assert to_base(Decimal(7), Unit.ITEM, None) == (Decimal(7), Unit.PIECE)
    assert to_base(Decimal(3), Unit.BOX, None) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR, en;q=0.5", "en"),
        ("en;q=0.3, zh-TW;q=0.7", "zh"),
        ("de", "zh"),
        ("en;q=0", "zh"),
    ],
)
def test_language_follows_accept_language(header: str | None, expected: str) -> None:
    assert pick_language(header, "zh") == expected


def test_messages_differ_by_language_but_not_code() -> None:
    error = UserError("notes", ErrorCode.TOO_LONG, {"max": 10})
    assert message(error, "en") == "At most 10 characters."
    assert message(error, "zh") == "最多 10 个字符。"


def test_cursor_round_trip_and_refusals() -> None:
    key = (0, datetime(2020, 1, 25, tzinfo=UTC).isoformat(), str(uuid4()))
    cursor = encode_cursor(EntryOrder.URGENCY, key)
    assert decode_cursor(cursor, EntryOrder.URGENCY) == key
    with pytest.raises(BadCursor):
        decode_cursor(cursor, EntryOrder.NEWEST)
    with pytest.raises(BadCursor):
        decode_cursor("not-a-cursor!", EntryOrder.URGENCY)
    with pytest.raises(BadCursor):
        decode_cursor(encode_cursor(EntryOrder.URGENCY, ("x", "y", "z")), EntryOrder.URGENCY)


def test_protected_contacts_are_redacted() -> None:
    contact = Contact("王小明", "13800001234", "wx_wang", ContactVisibility.PROTECTED)
    shown = visible_contact(contact, may_see_protected=False)
    assert (shown.name, shown.phone, shown.other_channel, shown.redacted) == (
        "王**",
        "138****1234",
        None,
        True,
    )
    assert mask_phone("027-8572 6114") == "027****6114"
    assert mask_phone("12345") == "*****"  # too short to show any part of it
    hotline = Contact("医务科", "027-85726114", None, ContactVisibility.PUBLIC)
    assert visible_contact(hotline, may_see_protected=False).phone == "027-85726114"


def test_edit_tokens() -> None:
    token, stored = new_edit_token()
    assert token_matches(token, stored)
    assert not token_matches(token + "x", stored)
    assert not token_matches(None, stored)
    assert not token_matches(token, None)


def _entry(status: EntryStatus = EntryStatus.OPEN, version: int = 3) -> Entry:
    now = datetime.now(UTC)
    draft = EntryDraft(
        region=Region("湖北省"),
        details=NeedDetails(urgency=Urgency.HIGH),
        items=(Item("body.gloves", "手套", Decimal(10), Unit.PAIR),),
    )
    return Entry(uuid4(), draft, status, VerificationStatus.VERIFIED, now, now, version)


def test_editing_rules() -> None:
    assert check_editable(_entry(), 3) is None
    stale = check_editable(_entry(), 2)
    assert stale is not None and stale.code is ErrorCode.CONFLICT and stale.params == {"current": 3}
    closed = check_editable(_entry(EntryStatus.CLOSED), 3)
    assert closed is not None and closed.code is ErrorCode.INVALID_STATE
    assert check_status_change(EntryStatus.FULFILLED) is None
    assert check_status_change(EntryStatus.CLOSED) is not None


def test_update_events_tell_substance_from_progress() -> None:
    before = _entry()
    progressed = EntryDraft(
        region=before.draft.region,
        details=before.draft.details,
        items=(Item("body.gloves", "手套", Decimal(10), Unit.PAIR, fulfilled_quantity=Decimal(4)),),
    )
    assert (
        event_for_update(before, progressed, EntryStatus.PARTIALLY_FULFILLED)
        is EventType.STATUS_CHANGED
    )
    assert event_for_update(before, progressed, EntryStatus.FULFILLED) is EventType.FULFILLED
    moved = EntryDraft(
        region=Region("湖南省"), details=before.draft.details, items=before.draft.items
    )
    assert event_for_update(before, moved, EntryStatus.OPEN) is EventType.UPDATED
