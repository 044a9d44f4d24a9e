"""Shipments: a carrier's leg of transport for a pledge, as plain rules."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from hub.domain.enums import PledgeStatus, ShipmentStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.pledges import Party
from hub.domain.units import decimal_text

_S = ShipmentStatus
_D, _R, _K, _C = Party.DONOR, Party.RECEIVER, Party.CARRIER, Party.COORDINATOR
# Each step of a shipment belongs to the party who does it, and only that party (or a
# coordinator) may report it. Pickup is the carrier's, or the donor's who handed the goods
# over; carrying is the carrier's (the carrier of this shipment, not of another leg of the
# pledge); arrival is the carrier's or the receiver's word.
# Before pickup, either side of the pledge may turn the carrier down, and the carrier may
# decline the job; once the goods are on the road, only the carrier (who holds them) or a
# coordinator may call the leg off.
MOVES: dict[tuple[ShipmentStatus, ShipmentStatus], frozenset[Party]] = {
    (_S.ASSIGNED, _S.PICKED_UP): frozenset({_K, _D, _C}),
    (_S.ASSIGNED, _S.CANCELLED): frozenset({_D, _R, _K, _C}),
    (_S.PICKED_UP, _S.IN_TRANSIT): frozenset({_K, _C}),
    (_S.PICKED_UP, _S.DELIVERED): frozenset({_K, _R, _C}),
    (_S.PICKED_UP, _S.CANCELLED): frozenset({_K, _C}),
    (_S.IN_TRANSIT, _S.DELIVERED): frozenset({_K, _R, _C}),
    (_S.IN_TRANSIT, _S.CANCELLED): frozenset({_K, _C}),
}
NEXT: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    status: frozenset(target for (source, target) in MOVES if source is status) for status in _S
}
# A tracking note without a move is the carrier's (or a coordinator's).
NOTE_TAKERS = frozenset({_K, _C})
# Who may put a carrier on a pledge: either side of the pledge, or a coordinator. A carrier
# may not put itself on someone's pledge; it consents by picking the goods up (or declines by
# cancelling), and the other side of the pledge may turn it down before pickup.
ASSIGNERS = frozenset({_D, _R, _C})
# A pledge can be carried once it is accepted, and until it is delivered.
CARRIABLE = frozenset({PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT})
# Once goods are on the road, the pledge is in transit.
MOVING = frozenset({_S.PICKED_UP, _S.IN_TRANSIT})
MAX_NOTE = 1000


class MoveRefused(Exception):
    """The actor is not the party whose step this is."""


def check_move(
    current: ShipmentStatus, target: ShipmentStatus, parties: Iterable[Party] | None = None
) -> UserError | None:
    """Whether a shipment may go from `current` to `target` (staying put adds a note, unless the
    shipment is over). With `parties`, MoveRefused when none of them owns the step."""
    if target is current and NEXT[current]:
        allowed: frozenset[Party] = NOTE_TAKERS
    elif (current, target) in MOVES:
        allowed = MOVES[(current, target)]
    else:
        return UserError(
            "status",
            ErrorCode.INVALID_STATE,
            {
                "reason_zh": f"运输状态不能从 {current.value} 变为 {target.value}。",
                "reason_en": f"A shipment cannot go from {current.value} to {target.value}.",
            },
        )
    if parties is not None and not allowed.intersection(parties):
        raise MoveRefused
    return None


def check_capacity(
    field: str, asked: Decimal | None, capacity: Decimal | None, taken: Decimal
) -> UserError | None:
    """A shipment must fit in what the carrier has left; when the carrier states a capacity,
    the shipment must state how much it takes of it."""
    if capacity is None:
        if asked is not None and asked <= 0:
            return UserError(field, ErrorCode.NOT_POSITIVE)
        return None
    if asked is None:
        return UserError(field, ErrorCode.REQUIRED)
    if asked <= 0:
        return UserError(field, ErrorCode.NOT_POSITIVE)
    left = max(capacity - taken, Decimal(0))
    if asked > left:
        return UserError(field, ErrorCode.OVER_CAPACITY, {"available": decimal_text(left)})
    return None
