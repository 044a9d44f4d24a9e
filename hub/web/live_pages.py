"""What a page's live updates listen to, and what they may do with an event (web.js reads it).

A page subscribes with the filter of what it shows, so that the hub sends it only events it
could show: an anonymous list of verified entries never receives a PENDING submission. Every
browser on the same page sends the same variables, so the hub can execute one shape for all of
them. The filter goes in variables of one fixed document (web.js's LIVE_DOCUMENT); nothing
here builds document text.

Rows already shown are followed by a second subscription of the script's own (their ids), so
that a row whose entry stops matching (expired, rejected, back to PENDING after an edit) is
removed without a request, although the page's filter no longer lets that event through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from hub.domain.enums import EntryKind, EventType, VerificationStatus
from hub.domain.kinds import Kind
from hub.domain.listing import BadCursor, EntryOrder, decode_cursor, read_priority_key
from hub.domain.regions import NATIONWIDE, filter_place

# What a page does with an event about a matching entry it does not show yet:
# "time": fetch its row and insert it by last update (the lists of every kind but needs);
# "rank": fetch its row and insert it by priority score (needs), only for events that make an
# entry new to the list (a score the event does not carry cannot tell whether a change moved
# another need up onto this page); "none": nothing (a later page, a search); "refresh": fetch
# the page again (the review queue: few reviewers, an order of the server's and per-viewer
# forms on each row).
Insert = Literal["time", "rank", "none", "refresh"]

PUBLIC_STATUSES = (VerificationStatus.VERIFIED.value,)
# The verification states the list's "any" choice shows (lists.py's `_list_filter`).
ANY_STATUSES = ("PENDING", "IN_REVIEW", "VERIFIED", "NEEDS_CHANGES")
# Events that can move a count of verified entries (an entry verified or reconfirmed, created
# verified, expired). Edits, pledges and flags leave a verified entry verified (an edit of
# substance sends it back to PENDING: its row's own subscription sees that).
COUNT_EVENTS = tuple(
    t.value
    for t in (EventType.CREATED, EventType.VERIFIED, EventType.EXPIRED, EventType.STATUS_CHANGED)
)
# Events that make an entry new to a list (web.js adds one to the list's count for them).
NEW_EVENTS = (EventType.CREATED.value, EventType.VERIFIED.value)
# An EXPIRED entry left the verified counts; only a verified one can expire.
_COUNT_STATUSES = (VerificationStatus.VERIFIED.value, VerificationStatus.EXPIRED.value)
# The home page's most urgent needs (documents.HOME).
HOME_NEEDS = 10


def rank_of(cursor: str | None) -> float | None:
    """The priority score inside a needs list's cursor (the order a live page inserts a new
    need's row by); None for a cursor of another order."""
    if not cursor:
        return None
    try:
        return read_priority_key(decode_cursor(cursor, EntryOrder.PRIORITY))[1]
    except BadCursor:
        return None


def list_live(
    kind: Kind, flt: Mapping[str, Any], *, searching: bool, first_page: bool, more: bool
) -> dict[str, Any]:
    """The live settings of a list page showing `kind` filtered by `flt` (the list query's
    filter), `searching` when a query narrows it, `first_page` unless it was paged to, `more`
    when later pages exist."""
    statuses = list(flt.get("verificationStatuses") or PUBLIC_STATUSES)
    event_filter: dict[str, Any] = {"kinds": [kind.kind.value]}
    # The page's place as stored ("四川" is "四川省"), so that its rows compare (web.js).
    province, city, _district = filter_place(flt.get("province"), flt.get("city"))
    for event_key, value in (("provinces", province), ("cities", city)):
        if value:
            event_filter[event_key] = [value]
    for key in ("categoryCodes", "urgencies"):
        if flt.get(key):
            event_filter[key] = list(flt[key])
    event_filter["verificationStatuses"] = statuses
    insert: Insert
    if searching or not first_page:
        insert = "none"
    elif kind.kind is EntryKind.NEED:
        insert = "rank"
        event_filter["types"] = list(NEW_EVENTS)
    else:
        insert = "time"
    fragment = {} if statuses == list(PUBLIC_STATUSES) else {"verification": _verification(flt)}
    return {
        # No list subscription where nothing new could be shown: the shown rows' own suffices.
        "filter": event_filter if insert != "none" else None,
        "statuses": statuses,
        "province": province,
        "city": city,
        "nationwide": NATIONWIDE,
        "insert": insert,
        "more": more,
        "fragment": fragment,
        "newEvents": list(NEW_EVENTS),
    }


def _verification(flt: Mapping[str, Any]) -> str:
    """The list page's ?verification= for its filter, which the row fragment takes too."""
    statuses = list(flt.get("verificationStatuses") or PUBLIC_STATUSES)
    return "ANY" if statuses == list(ANY_STATUSES) else statuses[0]


def home_live() -> dict[str, Any]:
    """The home page: every kind's count of verified entries, and the most urgent needs."""
    return {
        "filter": {"verificationStatuses": list(_COUNT_STATUSES), "types": list(COUNT_EVENTS)},
        "statuses": list(PUBLIC_STATUSES),
        "province": None,
        "city": None,
        "insert": "rank",
        # Not "more": fewer than HOME_NEEDS shown means every verified need is.
        "more": False,
        "limit": HOME_NEEDS,
        "fragment": {},
        "newEvents": list(NEW_EVENTS),
        "counts": list(COUNT_EVENTS),
        # Events about any kind move the counts; only needs are rows here.
        "kinds": [EntryKind.NEED.value],
    }


def review_live() -> dict[str, Any]:
    """The review queue: every kind, every state (reviewers want new submissions)."""
    return {
        "filter": {},
        "statuses": [],
        "province": None,
        "city": None,
        "insert": "refresh",
        "more": False,
        "fragment": {},
        "newEvents": [],
    }


def fragment_statuses(verification: str | None) -> tuple[str, ...] | None:
    """The verification states a row fragment may show for `?verification=` as a list page
    takes it; None for a value no list takes."""
    if not verification:
        return PUBLIC_STATUSES
    if verification == "ANY":
        return ANY_STATUSES
    if verification in (*ANY_STATUSES, VerificationStatus.EXPIRED.value):
        return (verification,)
    return None
