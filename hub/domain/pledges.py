"""Pledges: a donor's commitment of supply to a need, as plain rules.

The arithmetic lives here so that the service can apply it under row locks: a pledge may take
at most what a need still lacks (its quantity, less what was delivered, less what other live
pledges already promise), and at most what the offer it draws on still holds. A need's
fulfilled quantities and status follow from its delivered pledges; an offer's given-out
quantities (its items' `fulfilled_quantity`) likewise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

from hub.domain.enums import EntryStatus, PledgeStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.matching import item_satisfies
from hub.domain.model import Item
from hub.domain.units import decimal_text

# Pledges still under way: they hold supply back from their offer (only the offer's own side
# may pledge its stock, so its proposals are its own word).
LIVE = frozenset({PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT})
# Pledges the receiving side agreed to: only these hold a need's units back. A proposal is
# anyone's claim (an anonymous one too), so proposals never block another donor; the receiver
# cannot accept beyond what the need still lacks (check_acceptance).
RESERVING = frozenset({PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT})
# Pledges that lower a need's priority (hub/domain/priority.py): the ones the receiving side
# accepted at some point. Junk proposals leave a need's rank alone.
WEIGHTY = frozenset({PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT, PledgeStatus.DELIVERED})
MAX_LINES = 50
MAX_NOTE = 1000


class Party(Enum):
    """Who is acting on a pledge."""

    DONOR = "DONOR"
    RECEIVER = "RECEIVER"
    CARRIER = "CARRIER"
    COORDINATOR = "COORDINATOR"


_D, _R, _K, _C = Party.DONOR, Party.RECEIVER, Party.CARRIER, Party.COORDINATOR
# Who may move a pledge from one state to another. ACCEPTED is the needing side's (or a
# coordinator's) word; DELIVERED is the receiver's confirmation, never the donor's claim.
TRANSITIONS: dict[tuple[PledgeStatus, PledgeStatus], frozenset[Party]] = {
    (PledgeStatus.PROPOSED, PledgeStatus.ACCEPTED): frozenset({_R, _C}),
    (PledgeStatus.PROPOSED, PledgeStatus.CANCELLED): frozenset({_D, _R, _C}),
    (PledgeStatus.ACCEPTED, PledgeStatus.IN_TRANSIT): frozenset({_D, _K, _C}),
    (PledgeStatus.ACCEPTED, PledgeStatus.DELIVERED): frozenset({_R, _C}),
    (PledgeStatus.ACCEPTED, PledgeStatus.CANCELLED): frozenset({_D, _R, _C}),
    (PledgeStatus.IN_TRANSIT, PledgeStatus.DELIVERED): frozenset({_R, _C}),
    (PledgeStatus.IN_TRANSIT, PledgeStatus.CANCELLED): frozenset({_C}),
}


class TransitionRefused(Exception):
    """The actor is not a party who may make this move."""


@dataclass(frozen=True)
class PledgeLine:
    """One line of a pledge: how much of the need's item at `need_position`, and from which
    item of the offer (when the pledge draws on an offer)."""

    need_position: int
    quantity: Decimal
    offer_position: int | None = None


@dataclass(frozen=True)
class Pledge:
    """A stored pledge."""

    id: UUID
    need_id: UUID
    offer_id: UUID | None
    donor_name: str | None
    donor_organization_id: UUID | None
    status: PledgeStatus
    lines: tuple[PledgeLine, ...]
    note: str | None
    cancel_reason: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int


def check_transition(
    current: PledgeStatus, target: PledgeStatus, parties: Iterable[Party]
) -> UserError | None:
    """A user error when the move does not exist; TransitionRefused when these parties may not
    make it."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        return UserError(
            "status",
            ErrorCode.INVALID_STATE,
            {
                "reason_zh": f"认捐状态不能从 {current.value} 变为 {target.value}。",
                "reason_en": f"A pledge cannot go from {current.value} to {target.value}.",
            },
        )
    if not allowed.intersection(parties):
        raise TransitionRefused
    return None


def _reserved(lines: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for position, quantity in lines:
        totals[position] = totals.get(position, Decimal(0)) + quantity
    return totals


def available(item: Item, promised: Decimal) -> Decimal | None:
    """What is left of `item` to pledge (or to draw on): None when its quantity is unknown."""
    if item.quantity is None:
        return None
    return max(item.quantity - item.fulfilled_quantity - promised, Decimal(0))


def check_lines(
    lines: Sequence[PledgeLine],
    need_items: Sequence[Item],
    need_promised: Mapping[int, Decimal],
    offer_items: Sequence[Item] | None = None,
    offer_promised: Mapping[int, Decimal] | None = None,
) -> list[UserError]:
    """Problems with a pledge's lines given what other pledges already hold back.

    `need_promised` maps need item positions to what accepted pledges hold back
    (reserved_by_position), `offer_promised` offer positions to what live pledges hold back
    (promised_by_position); the caller reads them under the need's (and offer's) row lock.
    """
    errors: list[UserError] = []
    if not lines:
        return [UserError("items", ErrorCode.REQUIRED)]
    if len(lines) > MAX_LINES:
        return [UserError("items", ErrorCode.TOO_MANY, {"max": MAX_LINES})]
    seen: set[int] = set()
    offer_taken: dict[int, Decimal] = {}
    for index, line in enumerate(lines):
        field = f"items.{index}"
        if not 0 <= line.need_position < len(need_items):
            errors.append(UserError(f"{field}.needItem", ErrorCode.NOT_FOUND))
            continue
        if line.need_position in seen:
            errors.append(
                UserError(
                    f"{field}.needItem",
                    ErrorCode.INVALID_COMBINATION,
                    {
                        "reason_zh": "同一物资只能出现一次。",
                        "reason_en": "Each needed item may appear only once.",
                    },
                )
            )
            continue
        seen.add(line.need_position)
        if line.quantity <= 0:
            errors.append(UserError(f"{field}.quantity", ErrorCode.NOT_POSITIVE))
            continue
        need_item = need_items[line.need_position]
        left = available(need_item, need_promised.get(line.need_position, Decimal(0)))
        if left is not None and line.quantity > left:
            errors.append(
                UserError(
                    f"{field}.quantity", ErrorCode.OVER_PLEDGED, {"available": decimal_text(left)}
                )
            )
        errors += _check_offer_line(
            line, field, need_item, offer_items, offer_promised, offer_taken
        )
    return errors


def _check_offer_line(
    line: PledgeLine,
    field: str,
    need_item: Item,
    offer_items: Sequence[Item] | None,
    offer_promised: Mapping[int, Decimal] | None,
    offer_taken: dict[int, Decimal],
) -> list[UserError]:
    if offer_items is None:
        if line.offer_position is not None:
            return [UserError(f"{field}.offerItem", ErrorCode.NOT_FOUND)]
        return []
    if line.offer_position is None:
        return [UserError(f"{field}.offerItem", ErrorCode.REQUIRED)]
    if not 0 <= line.offer_position < len(offer_items):
        return [UserError(f"{field}.offerItem", ErrorCode.NOT_FOUND)]
    offer_item = offer_items[line.offer_position]
    fits, reason_zh, reason_en = item_satisfies(need_item, offer_item)
    if not fits:
        return [
            UserError(
                f"{field}.offerItem",
                ErrorCode.INCOMPATIBLE,
                {"reason_zh": reason_zh, "reason_en": reason_en},
            )
        ]
    if offer_item.unit is not need_item.unit:
        return [
            UserError(
                f"{field}.offerItem",
                ErrorCode.INCOMPATIBLE,
                {
                    "reason_zh": "供应与需求的计量单位不同。",
                    "reason_en": "The offer counts this item in another unit than the need.",
                },
            )
        ]
    promised = (offer_promised or {}).get(line.offer_position, Decimal(0))
    promised += offer_taken.get(line.offer_position, Decimal(0))
    offer_taken[line.offer_position] = (
        offer_taken.get(line.offer_position, Decimal(0)) + line.quantity
    )
    left = available(offer_item, promised)
    if left is not None and line.quantity > left:
        return [
            UserError(
                f"{field}.quantity", ErrorCode.OVER_PLEDGED, {"available": decimal_text(left)}
            )
        ]
    return []


def promised_by_position(pledges: Iterable[Pledge], *, offer: bool = False) -> dict[int, Decimal]:
    """What live pledges hold back, per need item position (or per offer item position)."""
    return _by_position(pledges, LIVE, offer)


def proposed_by_position(pledges: Iterable[Pledge]) -> dict[int, Decimal]:
    """What PROPOSED pledges ask of a need, per need item position."""
    return _by_position(pledges, {PledgeStatus.PROPOSED}, False)


def reserved_by_position(pledges: Iterable[Pledge]) -> dict[int, Decimal]:
    """What accepted (and moving) pledges hold back of a need, per need item position."""
    return _by_position(pledges, RESERVING, False)


def weighty(pledges: Iterable[Pledge]) -> int:
    """How many pledges count in the need's priority (see WEIGHTY)."""
    return sum(1 for pledge in pledges if pledge.status in WEIGHTY)


def check_open_proposals(open_proposals: int, cap: int) -> UserError | None:
    """One pledger may hold at most `cap` open proposals on one need."""
    if open_proposals < cap:
        return None
    return UserError("needId", ErrorCode.TOO_MANY, {"max": cap})


def check_acceptance(
    pledge: Pledge, need_items: Sequence[Item], reserved: Mapping[int, Decimal]
) -> list[UserError]:
    """The receiving side may accept a proposal only within what the need still lacks, given
    what accepted pledges (`reserved`, read under the need's row lock) already hold back."""
    errors: list[UserError] = []
    for index, line in enumerate(pledge.lines):
        if not 0 <= line.need_position < len(need_items):
            errors.append(UserError(f"items.{index}.needItem", ErrorCode.NOT_FOUND))
            continue
        left = available(
            need_items[line.need_position], reserved.get(line.need_position, Decimal(0))
        )
        if left is not None and line.quantity > left:
            errors.append(
                UserError(
                    f"items.{index}.quantity",
                    ErrorCode.OVER_PLEDGED,
                    {"available": decimal_text(left)},
                )
            )
    return errors


def delivered_by_position(pledges: Iterable[Pledge], *, offer: bool = False) -> dict[int, Decimal]:
    """What delivered pledges brought, per need item position (or took, per offer position)."""
    return _by_position(pledges, {PledgeStatus.DELIVERED}, offer)


def _by_position(
    pledges: Iterable[Pledge], statuses: Set[PledgeStatus], offer: bool
) -> dict[int, Decimal]:
    # The quantities of the lines of pledges in `statuses`, per need (or offer) item position.
    pairs: list[tuple[int, Decimal]] = []
    for pledge in pledges:
        if pledge.status in statuses:
            for line in pledge.lines:
                position = line.offer_position if offer else line.need_position
                if position is not None:
                    pairs.append((position, line.quantity))
    return _reserved(pairs)


def delivered(
    items: Sequence[Item], lines: Iterable[PledgeLine], *, offer: bool = False
) -> tuple[Item, ...]:
    """`items` after the pledge with `lines` was delivered: their fulfilled (or, for an offer,
    given-out) quantities grow by the delivered quantities, never beyond a known quantity."""
    grown = list(items)
    for line in lines:
        position = line.offer_position if offer else line.need_position
        if position is None or not 0 <= position < len(grown):
            continue
        item = grown[position]
        total = item.fulfilled_quantity + line.quantity
        if item.quantity is not None:
            total = min(total, item.quantity)
        grown[position] = replace(item, fulfilled_quantity=total)
    return tuple(grown)


def status_of(items: Sequence[Item], current: EntryStatus) -> EntryStatus:
    """OPEN, PARTIALLY_FULFILLED or FULFILLED from the items' fulfilled quantities.

    An item of unknown quantity ("as many as possible") is never fully met. A CLOSED entry
    stays closed.
    """
    if current is EntryStatus.CLOSED:
        return current
    if not items or all(item.fulfilled_quantity <= 0 for item in items):
        return EntryStatus.OPEN
    if all(
        item.quantity is not None and item.fulfilled_quantity >= item.quantity for item in items
    ):
        return EntryStatus.FULFILLED
    return EntryStatus.PARTIALLY_FULFILLED


def check_item_edit(
    before: Sequence[Item],
    after: Sequence[Item],
    reserved: Mapping[int, Decimal],
    delivered_total: Mapping[int, Decimal],
    proposed: Mapping[int, Decimal] | None = None,
) -> list[UserError]:
    """An edit must keep what pledges refer to: a pledged item keeps its position, category and
    unit, and its quantity stays at least what pledges reserve and delivered. `proposed`
    (proposals to a need) keeps positions but sets no floor: proposals may together ask for
    more than the need lacks, and must not freeze the poster's quantities."""
    errors: list[UserError] = []
    asked = proposed or {}
    for position in sorted(set(reserved) | set(delivered_total) | set(asked)):
        field = f"items.{position}"
        held = reserved.get(position, Decimal(0)) + delivered_total.get(position, Decimal(0))
        if held + asked.get(position, Decimal(0)) <= 0:
            continue
        reason: dict[str, str | int] = {
            "reason_zh": "该物资已有认捐，不能删除、调换位置或更改类别和单位；请先取消相关认捐。",
            "reason_en": "This item has pledges: it cannot be removed, moved or change its "
            "category or unit; cancel those pledges first.",
        }
        if position >= len(after) or position >= len(before):
            errors.append(UserError(field, ErrorCode.INVALID_STATE, reason))
            continue
        old, new = before[position], after[position]
        if old.category_code != new.category_code or old.unit is not new.unit:
            errors.append(UserError(field, ErrorCode.INVALID_STATE, reason))
            continue
        if new.quantity is not None and new.quantity < held:
            errors.append(
                UserError(
                    f"{field}.quantity",
                    ErrorCode.OUT_OF_RANGE,
                    {"min": decimal_text(held), "max": "∞"},
                )
            )
        delivered_here = delivered_total.get(position, Decimal(0))
        if new.fulfilled_quantity < delivered_here:
            errors.append(
                UserError(
                    f"{field}.fulfilledQuantity",
                    ErrorCode.OUT_OF_RANGE,
                    {
                        "min": decimal_text(delivered_here),
                        "max": decimal_text(new.quantity or held),
                    },
                )
            )
    return errors
