"""Pledge rules without a database: the state machine, over-pledging, fulfilment arithmetic,
spec compatibility, priority."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from hub.domain.enums import EntryStatus, PledgeStatus, ShipmentStatus, Urgency, VerificationStatus
from hub.domain.errors import ErrorCode
from hub.domain.matching import Factor, Side, item_satisfies, match, standards_in
from hub.domain.model import Item, Region
from hub.domain.pledges import (
    Party,
    Pledge,
    PledgeLine,
    TransitionRefused,
    check_acceptance,
    check_item_edit,
    check_lines,
    check_open_proposals,
    check_transition,
    delivered,
    promised_by_position,
    proposed_by_position,
    reserved_by_position,
    status_of,
    weighty,
)
from hub.domain.priority import priority
from hub.domain.shipments import ASSIGNERS, MoveRefused, check_capacity, check_move
from hub.domain.units import Unit

NOW = datetime(2020, 2, 1, 12, tzinfo=UTC)


def item(category: str, quantity: int | None, spec: str | None = None, fulfilled: int = 0) -> Item:
    return Item(
        category_code=category,
        name=category,
        quantity=Decimal(quantity) if quantity is not None else None,
        unit=Unit.ITEM,
        spec=spec,
        fulfilled_quantity=Decimal(fulfilled),
        quantity_unknown=quantity is None,
    )


def pledge(status: PledgeStatus, *lines: PledgeLine) -> Pledge:
    return Pledge(
        id=uuid4(),
        need_id=uuid4(),
        offer_id=None,
        donor_name="x",
        donor_organization_id=None,
        status=status,
        lines=lines,
        note=None,
        cancel_reason=None,
        created_by=None,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


@pytest.mark.parametrize(
    ("current", "target", "parties", "outcome"),
    [
        (PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED, {Party.RECEIVER}, "ok"),
        (PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED, {Party.COORDINATOR}, "ok"),
        (PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED, {Party.DONOR}, "refused"),
        (PledgeStatus.ACCEPTED, PledgeStatus.DELIVERED, {Party.DONOR}, "refused"),
        (PledgeStatus.ACCEPTED, PledgeStatus.DELIVERED, {Party.RECEIVER}, "ok"),
        (PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT, {Party.CARRIER}, "ok"),
        (PledgeStatus.IN_TRANSIT, PledgeStatus.DELIVERED, {Party.RECEIVER}, "ok"),
        (PledgeStatus.IN_TRANSIT, PledgeStatus.CANCELLED, {Party.DONOR}, "refused"),
        (PledgeStatus.PROPOSED, PledgeStatus.DELIVERED, {Party.COORDINATOR}, "invalid"),
        (PledgeStatus.DELIVERED, PledgeStatus.CANCELLED, {Party.COORDINATOR}, "invalid"),
        (PledgeStatus.CANCELLED, PledgeStatus.ACCEPTED, {Party.COORDINATOR}, "invalid"),
    ],
)
def test_pledge_state_machine(
    current: PledgeStatus, target: PledgeStatus, parties: set[Party], outcome: str
) -> None:
    if outcome == "refused":
        with pytest.raises(TransitionRefused):
            check_transition(current, target, parties)
        return
    error = check_transition(current, target, parties)
    assert (error is None) is (outcome == "ok")
    if error is not None:
        assert error.code is ErrorCode.INVALID_STATE


def test_a_pledge_takes_at_most_what_is_left_after_deliveries_and_live_pledges() -> None:
    need = [item("face.medical_respirator", 1000, fulfilled=300)]
    promised = promised_by_position(
        [
            pledge(PledgeStatus.ACCEPTED, PledgeLine(0, Decimal(500))),
            pledge(PledgeStatus.CANCELLED, PledgeLine(0, Decimal(900))),
        ]
    )
    assert promised == {0: Decimal(500)}
    assert check_lines([PledgeLine(0, Decimal(200))], need, promised) == []
    [error] = check_lines([PledgeLine(0, Decimal(201))], need, promised)
    assert error.code is ErrorCode.OVER_PLEDGED
    assert error.field == "items.0.quantity"
    assert error.params == {"available": "200"}


def test_lines_are_checked_one_by_one() -> None:
    need = [item("face.medical_respirator", 10), item("body.gloves", None)]
    errors = check_lines(
        [
            PledgeLine(5, Decimal(1)),
            PledgeLine(1, Decimal(0)),
            PledgeLine(1, Decimal(99999)),
        ],
        need,
        {},
    )
    assert [(e.field, e.code) for e in errors] == [
        ("items.0.needItem", ErrorCode.NOT_FOUND),
        ("items.1.quantity", ErrorCode.NOT_POSITIVE),
        ("items.2.needItem", ErrorCode.INVALID_COMBINATION),
    ]
    # Unknown quantity ("as many as possible"): any amount may be pledged.
    assert check_lines([PledgeLine(1, Decimal(99999))], need, {}) == []
    assert check_lines([], need, {})[0].code is ErrorCode.REQUIRED


def test_an_offer_line_must_answer_the_need_and_fit_the_stock() -> None:
    need = [item("face.medical_respirator", 1000, spec="GB 19083-2010")]
    kn95 = [item("face.kn95_respirator", 5000, spec="GB 2626-2019")]
    medical = [item("face.medical_respirator", 100, spec="GB 19083")]
    [wrong] = check_lines([PledgeLine(0, Decimal(10), 0)], need, {}, kn95, {})
    assert wrong.code is ErrorCode.INCOMPATIBLE
    assert check_lines([PledgeLine(0, Decimal(60), 0)], need, {}, medical, {0: Decimal(40)}) == []
    [over] = check_lines([PledgeLine(0, Decimal(61), 0)], need, {}, medical, {0: Decimal(40)})
    assert (over.code, over.params) == (ErrorCode.OVER_PLEDGED, {"available": "60"})
    [missing] = check_lines([PledgeLine(0, Decimal(1))], need, {}, medical, {})
    assert (missing.field, missing.code) == ("items.0.offerItem", ErrorCode.REQUIRED)


def test_delivery_fills_the_need_and_sets_its_status() -> None:
    items = (item("a", 100), item("b", 50))
    after_one = delivered(items, [PledgeLine(0, Decimal(100))])
    assert [i.fulfilled_quantity for i in after_one] == [100, 0]
    assert status_of(after_one, EntryStatus.OPEN) is EntryStatus.PARTIALLY_FULFILLED
    after_two = delivered(after_one, [PledgeLine(1, Decimal(80))])
    # Never beyond what was asked.
    assert [i.fulfilled_quantity for i in after_two] == [100, 50]
    assert status_of(after_two, EntryStatus.PARTIALLY_FULFILLED) is EntryStatus.FULFILLED
    assert status_of(items, EntryStatus.OPEN) is EntryStatus.OPEN
    assert status_of(after_two, EntryStatus.CLOSED) is EntryStatus.CLOSED
    unknown = delivered((item("c", None),), [PledgeLine(0, Decimal(5))])
    assert status_of(unknown, EntryStatus.OPEN) is EntryStatus.PARTIALLY_FULFILLED
    offer = delivered((item("a", 30),), [PledgeLine(4, Decimal(10), 0)], offer=True)
    assert offer[0].fulfilled_quantity == 10


def test_pledged_items_keep_their_place_category_and_enough_quantity() -> None:
    before = [item("a", 100), item("b", 50)]
    reserved = {0: Decimal(60)}
    assert check_item_edit(before, [item("a", 60), item("b", 1)], reserved, {}) == []
    assert check_item_edit(before, [item("b", 50)], reserved, {})[0].code is ErrorCode.INVALID_STATE
    [low] = check_item_edit(before, [item("a", 59), item("b", 50)], reserved, {})
    assert (low.field, low.code) == ("items.0.quantity", ErrorCode.OUT_OF_RANGE)
    [undo] = check_item_edit(before, [item("a", 100), item("b", 50)], {}, {0: Decimal(10)})
    assert (undo.field, undo.code) == ("items.0.fulfilledQuantity", ErrorCode.OUT_OF_RANGE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB 19083-2010", {"GB 19083"}),
        ("GB2626-2019 KN95", {"GB 2626"}),
        ("KN95", {"GB 2626"}),
        ("N95 (NIOSH)", {"NIOSH N95"}),
        ("FFP2 EN 149", {"EN 149"}),
        ("YY/T 0969-2013", {"YY/T 0969"}),
        ("医用外科 YY 0469", {"YY 0469"}),
        ("普通口罩", set()),
    ],
)
def test_standards_are_read_from_specs(text: str, expected: set[str]) -> None:
    assert standards_in(text) == expected


def test_a_kn95_offer_does_not_answer_a_need_that_insists_on_medical_gb_19083() -> None:
    need = item("face.medical_respirator", 100, spec="GB 19083-2010")
    assert item_satisfies(need, item("face.kn95_respirator", 100, spec="GB 2626-2019"))[0] is False
    assert item_satisfies(need, item("face.medical_respirator", 100, spec="GB 2626"))[0] is False
    assert item_satisfies(need, item("face.medical_respirator", 100, spec="GB 19083"))[0] is True
    # Unstated, the category's own standard stands in.
    assert item_satisfies(need, item("face.medical_respirator", 100))[0] is True
    # A medical respirator answers a KN95 need; not the other way round.
    kn95_need = item("face.kn95_respirator", 100, spec="KN95")
    assert item_satisfies(kn95_need, item("face.medical_respirator", 100))[0] is True
    assert item_satisfies(item("body.gloves", 1), item("face.goggles", 1))[0] is False


def side(region: Region, *items: Item, verified: bool = True, hours: float = 1) -> Side:
    return Side(
        items=items,
        left={pos: i.quantity for pos, i in enumerate(items)},
        region=region,
        verification=VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING,
        updated_at=NOW - timedelta(hours=hours),
        urgency=Urgency.HIGH,
    )


WUHAN = Region("湖北省", "武汉市")


def test_matches_rank_by_place_quantity_verification_and_freshness_and_say_why() -> None:
    need = side(WUHAN, item("face.medical_respirator", 1000, spec="GB 19083"))
    near = match(need, side(WUHAN, item("face.medical_respirator", 1000)), NOW)
    province = match(
        need, side(Region("湖北省", "宜昌市"), item("face.medical_respirator", 1000)), NOW
    )
    far = match(need, side(Region("广东省", "深圳市"), item("face.medical_respirator", 1000)), NOW)
    small = match(need, side(WUHAN, item("face.medical_respirator", 10)), NOW)
    unverified = match(
        need, side(WUHAN, item("face.medical_respirator", 1000), verified=False), NOW
    )
    stale = match(need, side(WUHAN, item("face.medical_respirator", 1000), hours=240), NOW)
    assert near and province and far and small and unverified and stale
    assert near.score > province.score > far.score
    assert near.score > small.score and near.score > unverified.score and near.score > stale.score
    assert {f.factor for f in near.factors} == set(Factor)
    distance = next(f for f in far.factors if f.factor is Factor.DISTANCE)
    assert (distance.note_en, distance.value) == ("Another province.", 0.2)
    assert near.lines[0].quantity == 1000
    assert small.lines[0].quantity == 10
    assert match(need, side(WUHAN, item("face.kn95_respirator", 1000, spec="KN95")), NOW) is None


def test_priority_lifts_the_neglected_township_above_the_nearly_supplied_city() -> None:
    township = priority(
        Urgency.HIGH, [item("a", 500)], EntryStatus.OPEN, NOW - timedelta(days=3), 0, NOW
    )
    city = priority(
        Urgency.CRITICAL,
        [item("a", 1000, fulfilled=900)],
        EntryStatus.PARTIALLY_FULFILLED,
        NOW - timedelta(hours=12),
        3,
        NOW,
    )
    assert township.score > city.score
    assert (township.unmet_share, township.waiting_hours, township.pledges) == (1.0, 72.0, 0)
    assert (city.unmet_share, city.pledges) == (0.1, 3)
    # Waiting counts up to a week.
    week = priority(Urgency.LOW, [], EntryStatus.OPEN, NOW - timedelta(days=7), 0, NOW)
    month = priority(Urgency.LOW, [], EntryStatus.OPEN, NOW - timedelta(days=30), 0, NOW)
    assert week.score == month.score


def test_shipment_moves_and_capacity() -> None:
    assert check_move(ShipmentStatus.ASSIGNED, ShipmentStatus.PICKED_UP) is None
    assert check_move(ShipmentStatus.IN_TRANSIT, ShipmentStatus.IN_TRANSIT) is None
    assert check_move(ShipmentStatus.DELIVERED, ShipmentStatus.DELIVERED) is not None
    assert check_move(ShipmentStatus.ASSIGNED, ShipmentStatus.DELIVERED) is not None
    assert check_capacity("weightKg", Decimal(300), Decimal(500), Decimal(200)) is None
    over = check_capacity("weightKg", Decimal(301), Decimal(500), Decimal(200))
    assert over is not None and over.code is ErrorCode.OVER_CAPACITY
    assert over.params == {"available": "300"}
    missing = check_capacity("weightKg", None, Decimal(500), Decimal(0))
    assert missing is not None and missing.code is ErrorCode.REQUIRED
    assert check_capacity("volumeM3", None, None, Decimal(0)) is None


def test_an_item_with_nothing_left_does_not_count_against_compatibility() -> None:
    masks, gowns = item("face.medical_respirator", 100), item("body.isolation_gown", 50)
    need = Side(
        items=(masks, gowns),
        # The masks are all pledged already; only the gowns are still wanted.
        left={0: Decimal(0), 1: Decimal(50)},
        region=WUHAN,
        verification=VerificationStatus.VERIFIED,
        updated_at=NOW,
        urgency=Urgency.HIGH,
    )
    found = match(need, side(WUHAN, item("body.isolation_gown", 50)), NOW)
    assert found is not None
    compatibility = next(f for f in found.factors if f.factor is Factor.COMPATIBILITY)
    assert compatibility.value == 1.0
    assert compatibility.note_en == "Answers 1 of 1 needed items (category and standard)."


def test_standards_are_found_in_linear_time_whatever_the_whitespace() -> None:
    # "GB" and hundreds of spaces made the GB patterns backtrack cubically (400 spaces: 1.3 s,
    # 5,000: hours); collapsed whitespace and patterns without nested repeats make it instant.
    done = threading.Event()
    texts = ["GB" + " " * 5_000, "GB" + "\u3000 \t" * 2_000 + "19083", "YY" + " " * 5_000 + "/"]

    def scan() -> None:
        standards_in(*texts)
        done.set()

    threading.Thread(target=scan, daemon=True).start()
    # A margin of thousands over the time the scan takes; the old patterns never finished.
    assert done.wait(timeout=20)
    assert standards_in("GB" + " " * 400 + "19083") == frozenset({"GB 19083"})
    assert standards_in("GB /  T\u3000 2626-2019", "YY / T 0969") == {"GB 2626", "YY/T 0969"}


def test_only_accepted_pledges_reserve_a_need_and_weigh_on_its_priority() -> None:
    need = [item("face.medical_respirator", 1000)]
    pledges = [
        pledge(PledgeStatus.PROPOSED, PledgeLine(0, Decimal(1000))),
        pledge(PledgeStatus.ACCEPTED, PledgeLine(0, Decimal(300))),
        pledge(PledgeStatus.IN_TRANSIT, PledgeLine(0, Decimal(100))),
        pledge(PledgeStatus.DELIVERED, PledgeLine(0, Decimal(50))),
        pledge(PledgeStatus.CANCELLED, PledgeLine(0, Decimal(900))),
    ]
    reserved = reserved_by_position(pledges)
    assert reserved == {0: Decimal(400)}
    assert proposed_by_position(pledges) == {0: Decimal(1000)}
    # The proposal of everything does not stop another donor.
    assert check_lines([PledgeLine(0, Decimal(600))], need, reserved) == []
    assert weighty(pledges) == 3
    [over] = check_acceptance(pledges[0], need, reserved)
    assert (over.field, over.code, over.params) == (
        "items.0.quantity",
        ErrorCode.OVER_PLEDGED,
        {"available": "600"},
    )
    fits = pledge(PledgeStatus.PROPOSED, PledgeLine(0, Decimal(600)))
    assert check_acceptance(fits, need, reserved) == []


def test_open_proposals_are_capped() -> None:
    assert check_open_proposals(2, 3) is None
    capped = check_open_proposals(3, 3)
    assert capped is not None
    assert (capped.field, capped.code, capped.params) == ("needId", ErrorCode.TOO_MANY, {"max": 3})


def test_proposals_keep_positions_but_set_no_quantity_floor() -> None:
    before = [item("face.medical_respirator", 1000)]
    lowered = [item("face.medical_respirator", 500)]
    assert check_item_edit(before, lowered, {}, {}, {0: Decimal(3000)}) == []
    assert check_item_edit(before, [], {}, {}, {0: Decimal(10)})[0].code is ErrorCode.INVALID_STATE
    [floor] = check_item_edit(before, lowered, {0: Decimal(600)}, {}, {0: Decimal(3000)})
    assert floor.code is ErrorCode.OUT_OF_RANGE


_SS = ShipmentStatus


@pytest.mark.parametrize(
    ("current", "target", "party", "allowed"),
    [
        (_SS.ASSIGNED, _SS.PICKED_UP, Party.CARRIER, True),
        (_SS.ASSIGNED, _SS.PICKED_UP, Party.DONOR, True),
        (_SS.ASSIGNED, _SS.PICKED_UP, Party.RECEIVER, False),
        (_SS.ASSIGNED, _SS.CANCELLED, Party.RECEIVER, True),
        (_SS.ASSIGNED, _SS.ASSIGNED, Party.DONOR, False),  # a note is the carrier's
        (_SS.ASSIGNED, _SS.ASSIGNED, Party.CARRIER, True),
        (_SS.PICKED_UP, _SS.IN_TRANSIT, Party.DONOR, False),
        (_SS.PICKED_UP, _SS.CANCELLED, Party.DONOR, False),
        (_SS.PICKED_UP, _SS.CANCELLED, Party.CARRIER, True),
        (_SS.IN_TRANSIT, _SS.DELIVERED, Party.RECEIVER, True),
        (_SS.IN_TRANSIT, _SS.DELIVERED, Party.DONOR, False),
        (_SS.IN_TRANSIT, _SS.CANCELLED, Party.COORDINATOR, True),
    ],
)
def test_each_shipment_step_is_its_partys(
    current: ShipmentStatus, target: ShipmentStatus, party: Party, allowed: bool
) -> None:
    if allowed:
        assert check_move(current, target, {party}) is None
    else:
        with pytest.raises(MoveRefused):
            check_move(current, target, {party})


def test_a_carrier_does_not_assign_itself() -> None:
    assert Party.CARRIER not in ASSIGNERS
    assert {Party.DONOR, Party.RECEIVER, Party.COORDINATOR} <= ASSIGNERS
