"""Shipments: a carrier's leg of transport for a pledge, as plain rules."""

from __future__ import annotations

from decimal import Decimal

from hub.domain.enums import PledgeStatus, ShipmentStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.pledges import Party
from hub.domain.units import decimal_text

_S = ShipmentStatus
NEXT: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    _S.ASSIGNED: frozenset({_S.PICKED_UP, _S.CANCELLED}),
    _S.PICKED_UP: frozenset({_S.IN_TRANSIT, _S.DELIVERED, _S.CANCELLED}),
    _S.IN_TRANSIT: frozenset({_S.DELIVERED, _S.CANCELLED}),
    _S.DELIVERED: frozenset(),
    _S.CANCELLED: frozenset(),
}
# Who may report a shipment's progress: the carrier above all; the donor who handed it over;
# the receiver who got it; coordinators.
REPORTERS = frozenset({Party.CARRIER, Party.DONOR, Party.RECEIVER, Party.COORDINATOR})
# Who may put a carrier on a pledge.
ASSIGNERS = frozenset({Party.DONOR, Party.RECEIVER, Party.CARRIER, Party.COORDINATOR})
# A pledge can be carried once it is accepted, and until it is delivered.
CARRIABLE = frozenset({PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT})
# Once goods are on the road, the pledge is in transit.
MOVING = frozenset({_S.PICKED_UP, _S.IN_TRANSIT})
MAX_NOTE = 1000


def check_move(current: ShipmentStatus, target: ShipmentStatus) -> UserError | None:
    """Whether a shipment may go from `current` to `target` (staying put adds a note, unless the
    shipment is over)."""
    if target is current and NEXT[current]:
        return None
    if target in NEXT[current]:
        return None
    return UserError(
        "status",
        ErrorCode.INVALID_STATE,
        {
            "reason_zh": f"运输状态不能从 {current.value} 变为 {target.value}。",
            "reason_en": f"A shipment cannot go from {current.value} to {target.value}.",
        },
    )


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
