"""A need's priority: urgency, raised by neglect.

The score rises with the need's urgency, with the share of it still unmet, with how long it has
waited, and falls with every pledge the needing side accepted (hub.domain.pledges.WEIGHTY: a
proposal is anyone's claim, so junk proposals cannot bury a need), so that a township hospital
nobody has answered for three days rises above a city hospital that is nearly supplied:

    score = URGENCY_WEIGHT × (0.2 + 0.8 × unmetShare) × (1 + min(waitingHours, 168) / 72)
            / (1 + 0.5 × pledges)

The same formula runs in SQL for the `needs` list's PRIORITY order (hub/store/priority.py);
a test holds the two to the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from hub.domain.enums import EntryStatus, Urgency
from hub.domain.model import Item

URGENCY_WEIGHT: dict[Urgency, int] = {
    Urgency.CRITICAL: 8,
    Urgency.HIGH: 4,
    Urgency.MEDIUM: 2,
    Urgency.LOW: 1,
}
# A need whose source states no urgency ranks as this one (here, in the URGENCY order and the
# review queue, migration 0031): neither above real emergencies nor below them. It is still
# shown as not stated.
RANKED_WHEN_NOT_STATED = Urgency.MEDIUM
UNMET_FLOOR = 0.2
# Waiting counts up to a week; three days double the score.
WAIT_CAP_HOURS = 168
WAIT_DOUBLING_HOURS = 72
PLEDGE_DAMPING = 0.5
DIGITS = 6


@dataclass(frozen=True)
class Priority:
    """A need's priority score and the parts it is made of."""

    score: float
    # The urgency the score weighs: the need's own, or RANKED_WHEN_NOT_STATED.
    urgency: Urgency
    unmet_share: float
    waiting_hours: float
    pledges: int


def unmet_share(items: Sequence[Item], status: EntryStatus) -> float:
    """The mean share of each item still unmet; an item of unknown quantity counts as unmet
    until the need is FULFILLED. A need with no items is all unmet."""
    if status is EntryStatus.FULFILLED:
        return 0.0
    if not items:
        return 1.0
    shares = []
    for item in items:
        if item.quantity is None or item.quantity <= 0:
            shares.append(1.0)
        else:
            left = max(Decimal(1) - item.fulfilled_quantity / item.quantity, Decimal(0))
            shares.append(float(left))
    return sum(shares) / len(shares)


def ranked_urgency(urgency: Urgency | None) -> Urgency:
    """The urgency a need ranks by: its own, or RANKED_WHEN_NOT_STATED when not stated."""
    return RANKED_WHEN_NOT_STATED if urgency is None else urgency


def priority(
    urgency: Urgency | None,
    items: Sequence[Item],
    status: EntryStatus,
    created_at: datetime,
    pledges: int,
    now: datetime,
) -> Priority:
    """The need's priority at `now` (an urgency not stated weighs as RANKED_WHEN_NOT_STATED)."""
    urgency = ranked_urgency(urgency)
    unmet = unmet_share(items, status)
    waiting = max((now - created_at).total_seconds() / 3600.0, 0.0)
    score = (
        URGENCY_WEIGHT[urgency]
        * (UNMET_FLOOR + (1 - UNMET_FLOOR) * unmet)
        * (1 + min(waiting, WAIT_CAP_HOURS) / WAIT_DOUBLING_HOURS)
        / (1 + PLEDGE_DAMPING * pledges)
    )
    return Priority(round(score, DIGITS), urgency, round(unmet, 4), round(waiting, 2), pledges)
