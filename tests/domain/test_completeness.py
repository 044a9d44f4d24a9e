"""Issue 17 in plain Python: what a source may leave unstated is declared once as `X | None`,
ranks sensibly when unstated, and a need accepted without items or a contact lists what a
reviewer must complete before verifying it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from hub.domain.accounts import ANONYMOUS, Role, Viewer
from hub.domain.completeness import incomplete_errors, may_complete, missing_details
from hub.domain.enums import EntryKind, EntryStatus, MissingDetail, Urgency, VerificationStatus
from hub.domain.errors import ErrorCode
from hub.domain.kinds import KINDS, kind_of
from hub.domain.listing import urgency_rank
from hub.domain.matching import Factor, Side, match
from hub.domain.messages import message
from hub.domain.model import (
    Contact,
    Entry,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Region,
)
from hub.domain.priority import RANKED_WHEN_NOT_STATED, priority
from hub.domain.units import Unit

WUHAN = Region("湖北省", "武汉市")
NOW = datetime(2020, 2, 1, tzinfo=UTC)
ITEM = Item("face.medical_respirator", "N95", Decimal(100), Unit.ITEM)
PHONE = Contact("医务科", "027-85550004")
# What the issue names as possibly unstated, by kind: each must be `X | None`, shown as such.
UNSTATED = {
    EntryKind.NEED: {"urgency"},
    EntryKind.OFFER: {"can_deliver", "is_free"},
    EntryKind.LOGISTICS_OFFER: {"vehicle_type", "is_free"},
    EntryKind.LODGING: {"rooms_available", "eligibility", "is_free"},
    EntryKind.DONATION_CHANNEL: set(),
}


@pytest.mark.parametrize("kind", KINDS, ids=[k.slug for k in KINDS])
def test_what_a_source_may_not_state_is_declared_unknown_once(kind: object) -> None:
    declared = kind_of(kind.kind)  # type: ignore[attr-defined]
    unstated = {spec.name for spec in declared.fields if spec.may_be_unstated}
    assert unstated == UNSTATED[declared.kind]
    for spec in declared.fields:
        if spec.meta.may_be_unstated:
            assert spec.optional, spec.name  # "may be unstated" only on an `X | None` field
    # And nothing invents a value for it, neither the submit input nor an import.
    for name in unstated:
        spec = declared.field(name)
        assert spec.input_default is None and spec.import_default({}) is None, name


def test_details_left_unstated_are_none_by_default() -> None:
    assert NeedDetails().urgency is None
    assert (OfferDetails().can_deliver, OfferDetails().is_free) == (None, None)
    carrier = LogisticsDetails(cold_chain=False)
    assert (carrier.vehicle_type, carrier.is_free) == (None, None)
    lodging = LodgingDetails()
    assert (lodging.rooms_available, lodging.eligibility, lodging.is_free) == (None, None, None)


def _need(urgency: Urgency | None, **changes: object) -> Entry:
    values: dict[str, object] = {
        "region": WUHAN,
        "details": NeedDetails(urgency=urgency),
        "items": (ITEM,),
        "contacts": (PHONE,),
    }
    values.update(changes)
    draft = EntryDraft(**values)  # type: ignore[arg-type]
    return Entry(uuid4(), draft, EntryStatus.OPEN, VerificationStatus.PENDING, NOW, NOW, 1)


def test_an_unstated_urgency_ranks_and_weighs_as_medium() -> None:
    assert RANKED_WHEN_NOT_STATED is Urgency.MEDIUM
    ranks = {u: urgency_rank(_need(u)) for u in (*Urgency, None)}
    assert ranks[None] == ranks[Urgency.MEDIUM] == 2
    assert ranks[Urgency.HIGH] < ranks[None] < ranks[Urgency.LOW]
    unstated = priority(None, (ITEM,), EntryStatus.OPEN, NOW, 0, NOW)
    medium = priority(Urgency.MEDIUM, (ITEM,), EntryStatus.OPEN, NOW, 0, NOW)
    assert (unstated.score, unstated.urgency) == (medium.score, Urgency.MEDIUM)
    lodging = Entry(
        uuid4(), EntryDraft(WUHAN, LodgingDetails()), EntryStatus.OPEN,
        VerificationStatus.PENDING, NOW, NOW, 1,
    )  # fmt: skip
    assert urgency_rank(lodging) == 4  # other kinds still come after every need


def test_matching_scores_an_unstated_urgency_as_medium_and_says_so() -> None:
    offer = Side((ITEM,), {}, WUHAN, VerificationStatus.VERIFIED, NOW)
    found = {}
    for urgency in (None, Urgency.MEDIUM):
        need = Side((ITEM,), {}, WUHAN, VerificationStatus.VERIFIED, NOW, urgency=urgency)
        suggestion = match(need, offer, NOW)
        assert suggestion is not None
        found[urgency] = suggestion
    assert found[None].score == found[Urgency.MEDIUM].score
    factor = next(f for f in found[None].factors if f.factor is Factor.URGENCY)
    assert "未说明" in factor.note_zh and "not stated" in factor.note_en


def test_a_need_lacking_items_or_contact_lists_what_is_missing() -> None:
    assert missing_details(_need(Urgency.HIGH).draft) == ()
    bare = _need(None, items=(), contacts=()).draft
    assert missing_details(bare) == (MissingDetail.ITEMS, MissingDetail.CONTACT)
    errors = incomplete_errors(bare)
    assert [(e.field, e.code, e.params["missing"]) for e in errors] == [
        ("items", ErrorCode.INCOMPLETE, "ITEMS"),
        ("contacts", ErrorCode.INCOMPLETE, "CONTACT"),
    ]
    assert "请索取物资清单" in message(errors[0], "zh")
    assert "find a phone" in message(errors[1], "en")


def test_other_kinds_are_never_incomplete() -> None:
    # Their rules stay as they were: an offer must list items, and contacts were never asked.
    offer = EntryDraft(WUHAN, OfferDetails(), provider_name="李先生")
    assert missing_details(offer) == ()
    assert kind_of(EntryKind.OFFER).completed_by_reviewers == ()


def test_only_reviewers_may_complete_and_only_what_is_incomplete() -> None:
    reviewer = Viewer(uuid4(), "r", Role.REVIEWER, True)
    volunteer = Viewer(uuid4(), "v", Role.VOLUNTEER, True)
    incomplete = _need(None, items=()).draft
    assert may_complete(reviewer, incomplete)
    assert not may_complete(volunteer, incomplete) and not may_complete(ANONYMOUS, incomplete)
    assert not may_complete(reviewer, _need(None).draft)
