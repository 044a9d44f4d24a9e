"""Pledging supply to needs, moving pledges on, and carrying them (shipments).

Every step runs in one transaction that locks the entries it reads quantities from (in id
order, so that two steps never wait on each other crosswise), writes outbox events on the need
(and the offer, and the carrier) and an audit record.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hub.domain.accounts import ANONYMOUS, Role, Viewer, speaks_for
from hub.domain.edit_tokens import new_edit_token, token_matches
from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    EventType,
    PledgeStatus,
    ShipmentStatus,
    VerificationStatus,
)
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Entry, LogisticsDetails, Region
from hub.domain.pledges import (
    MAX_NOTE,
    Party,
    Pledge,
    PledgeLine,
    TransitionRefused,
    check_acceptance,
    check_lines,
    check_open_proposals,
    check_transition,
    delivered,
    promised_by_position,
    reserved_by_position,
    status_of,
)
from hub.domain.regions import normalize_region
from hub.domain.shipments import (
    ASSIGNERS,
    CARRIABLE,
    MOVING,
    MoveRefused,
    check_capacity,
    check_move,
)
from hub.services.audit import audit
from hub.services.entries import record_change
from hub.services.messages import sender_key
from hub.services.outcome import (
    Forbidden,
    Outcome,
    explained,
    must_exist,
    refusals_fail,
    refuse_if_any,
)
from hub.store import entries as entry_store
from hub.store import members
from hub.store import organizations as organization_store
from hub.store import pledges as store
from hub.store import shipments as shipment_store
from hub.store.db import Connection, Database
from hub.store.outbox import record_event
from hub.store.ownership import Ownership
from hub.store.shipments import Shipment

MAX_NAME = 200
# Open (PROPOSED) pledges one pledger (account, else client address) may hold on one need;
# HUB_PLEDGE_OPEN_PROPOSALS sets it for the API.
OPEN_PROPOSALS = 3
# Stale proposals cancelled per transaction by the expiry job.
EXPIRY_BATCH = 100
EXPIRED_REASON = "expired: not accepted in time"
# Entries that can no longer take or give pledges.
_UNTRUSTED = frozenset({VerificationStatus.REJECTED})
_DONE = frozenset({EntryStatus.CLOSED, EntryStatus.FULFILLED})
_SHIPMENT_OVER = frozenset({ShipmentStatus.CANCELLED, ShipmentStatus.DELIVERED})


@dataclass(frozen=True)
class PledgeRequest:
    """What a donor asks to commit."""

    need_id: UUID
    lines: tuple[PledgeLine, ...]
    offer_id: UUID | None = None
    donor_name: str | None = None
    donor_organization_id: UUID | None = None
    note: str | None = None


@dataclass(frozen=True)
class CarrierRequest:
    """A carrier to put on a pledge."""

    pledge_id: UUID
    carrier_id: UUID
    pickup: Region
    dropoff: Region
    weight_kg: Decimal | None = None
    volume_m3: Decimal | None = None
    tracking_note: str | None = None


def _state_error(field: str, zh: str, en: str) -> UserError:
    return explained(field, ErrorCode.INVALID_STATE, zh, en)


Locked = tuple[Entry, Ownership]


def _usable(field: str, found: Locked | None, kind: EntryKind) -> Locked | UserError:
    """The locked entry if pledges may still involve it; else why not."""
    if found is None or found[0].kind is not kind:
        return UserError(field, ErrorCode.NOT_FOUND)
    entry = found[0]
    if entry.merged_into is not None or entry.verification_status in _UNTRUSTED:
        return _state_error(field, "该条目已被合并或驳回。", "The entry was merged or rejected.")
    if entry.status in _DONE:
        return _state_error(field, "该条目已关闭或已满足。", "The entry is closed or fulfilled.")
    return found


async def _lock_all(conn: Connection, ids: Sequence[UUID | None]) -> dict[UUID, Locked]:
    """Lock entries in id order, so that concurrent steps on the same entries queue up."""
    locked: dict[UUID, Locked] = {}
    for entry_id in sorted({i for i in ids if i is not None}):
        found = await entry_store.lock_entry(conn, entry_id)
        if found is not None:
            locked[entry_id] = found
    return locked


async def _acts_for(
    conn: Connection, actor: Viewer, token: str | None, entry: Entry, ownership: Ownership
) -> bool:
    """Whether the actor speaks for an entry: its edit token, its submitter, its staff."""
    if token_matches(token, ownership.token_hash):
        return True
    member = await members.is_member(conn, actor.user_id, entry.draft.organization_id)
    return speaks_for(actor, ownership.owner, False, member)


async def _parties(
    conn: Connection,
    actor: Viewer,
    token: str | None,
    pledge: Pledge,
    pledge_owner: Ownership,
    locked: dict[UUID, Locked],
    carrier_ids: Sequence[UUID] | None = None,
) -> set[Party]:
    """The parties the actor speaks for on this pledge. CARRIER: a carrier of `carrier_ids`
    (one shipment's), else of any shipment of the pledge still under way."""
    parties: set[Party] = set()
    if actor.has(Role.COORDINATOR):
        parties.add(Party.COORDINATOR)
    donor = token_matches(token, pledge_owner.token_hash) or (
        actor.signed_in and actor.user_id == pledge_owner.owner
    )
    donor = donor or await members.is_member(conn, actor.user_id, pledge.donor_organization_id)
    if not donor and pledge.offer_id in locked:
        donor = await _acts_for(conn, actor, token, *locked[pledge.offer_id])
    if donor:
        parties.add(Party.DONOR)
    if pledge.need_id in locked and await _acts_for(conn, actor, token, *locked[pledge.need_id]):
        parties.add(Party.RECEIVER)
    # Carriers are read, not locked: locks are taken in id order before the pledge's. A
    # carrier whose leg was cancelled or is over no longer acts on the pledge.
    if carrier_ids is None:
        carrier_ids = [
            s.carrier_id
            for s in (await shipment_store.shipments_of(conn, [pledge.id])).get(pledge.id, [])
            if s.status not in _SHIPMENT_OVER
        ]
    carriers = await entry_store.get_entries(conn, carrier_ids)
    owners = await entry_store.ownerships(conn, carrier_ids)
    for carrier_id, carrier in carriers.items():
        if await _acts_for(conn, actor, token, carrier, owners[carrier_id]):
            parties.add(Party.CARRIER)
            break
    return parties


def _pledge_state(pledge: Pledge) -> dict[str, Any]:
    return {
        "status": pledge.status.value,
        "lines": [
            {
                "needItem": ln.need_position,
                "offerItem": ln.offer_position,
                "quantity": str(ln.quantity),
            }
            for ln in pledge.lines
        ],
    }


async def _announce(conn: Connection, pledge: Pledge, *entries: Entry | None) -> None:
    """A PLEDGE_CHANGED event on every entry the pledge touches (live updates, search)."""
    payload = {"pledgeId": str(pledge.id), "pledgeStatus": pledge.status.value}
    for entry in entries:
        if entry is not None:
            await record_event(conn, entry.id, entry.kind.value, EventType.PLEDGE_CHANGED, payload)


async def make_pledge(
    db: Database,
    request: PledgeRequest,
    actor: Viewer = ANONYMOUS,
    edit_token: str | None = None,
    *,
    client: str = "client:unknown",
    open_proposals: int = OPEN_PROPOSALS,
) -> Outcome[Pledge]:
    """Commit supply to a need (PROPOSED). Pledging from an offer needs the right to speak for
    the offer (its edit token, submitter or staff, or a coordinator).

    A proposal may take what the need lacks beyond accepted pledges, whatever other proposals
    say (they reserve nothing until the receiving side accepts them), and one pledger (the
    account, else the client key of hub.limits.identity) may hold at most `open_proposals` of
    them per need.
    """
    errors = _donor_errors(request)
    pledger = sender_key(actor, client)
    async with db.transaction() as conn:
        locked = await _lock_all(conn, [request.need_id, request.offer_id])
        need_found = _usable("needId", locked.get(request.need_id), EntryKind.NEED)
        if isinstance(need_found, UserError):
            return Outcome.failed([need_found, *errors])
        need = need_found[0]
        offer: Entry | None = None
        if request.offer_id is not None:
            offer_found = _usable("offerId", locked.get(request.offer_id), EntryKind.OFFER)
            if isinstance(offer_found, UserError):
                return Outcome.failed([offer_found, *errors])
            offer = offer_found[0]
            if not actor.has(Role.COORDINATOR) and not await _acts_for(
                conn, actor, edit_token, *offer_found
            ):
                raise Forbidden
        if request.donor_organization_id is not None:
            found = await organization_store.get_organizations(
                conn, [request.donor_organization_id]
            )
            if request.donor_organization_id not in found:
                errors.append(UserError("donorOrganizationId", ErrorCode.NOT_FOUND))
            elif not actor.has(Role.COORDINATOR) and not await members.is_member(
                conn, actor.user_id, request.donor_organization_id
            ):
                raise Forbidden
        need_pledges = (await store.pledges_of(conn, [need.id])).get(need.id, [])
        offer_pledges = (
            (await store.pledges_of(conn, [offer.id], offers=True)).get(offer.id, [])
            if offer
            else []
        )
        if not actor.has(Role.COORDINATOR):
            capped = check_open_proposals(
                await store.open_proposals(conn, need.id, pledger), open_proposals
            )
            if capped is not None:
                errors.append(capped)
        errors += check_lines(
            request.lines,
            need.draft.items,
            reserved_by_position(need_pledges),
            offer.draft.items if offer else None,
            promised_by_position(offer_pledges, offer=True) if offer else None,
        )
        if errors:
            return Outcome.failed(errors)
        token, token_hash = (None, None) if actor.signed_in else new_edit_token()
        pledge = await store.insert_pledge(
            conn,
            uuid.uuid4(),
            need_id=need.id,
            offer_id=request.offer_id,
            donor_name=(request.donor_name or "").strip() or None,
            donor_organization_id=request.donor_organization_id,
            lines=request.lines,
            note=request.note,
            created_by=actor.user_id,
            edit_token_hash=token_hash,
            pledger_key=pledger,
        )
        await _announce(conn, pledge, need, offer)
        await audit(
            conn,
            actor,
            "pledge.created",
            "PLEDGE",
            pledge.id,
            after=_pledge_state(pledge),
            extra={"needId": str(need.id), "offerId": str(offer.id) if offer else None},
            via_token=edit_token is not None and not actor.signed_in,
        )
    return Outcome(pledge, edit_token=token)


def _note_errors(field: str, note: str | None) -> list[UserError]:
    if note is not None and len(note) > MAX_NOTE:
        return [UserError(field, ErrorCode.TOO_LONG, {"max": MAX_NOTE})]
    return []


def _donor_errors(request: PledgeRequest) -> list[UserError]:
    errors: list[UserError] = []
    name = (request.donor_name or "").strip()
    if request.offer_id is None and request.donor_organization_id is None and not name:
        errors.append(UserError("donorName", ErrorCode.REQUIRED))
    if len(name) > MAX_NAME:
        errors.append(UserError("donorName", ErrorCode.TOO_LONG, {"max": MAX_NAME}))
    return errors + _note_errors("note", request.note)


@refusals_fail
async def set_pledge_status(
    db: Database,
    pledge_id: UUID,
    target: PledgeStatus,
    actor: Viewer = ANONYMOUS,
    edit_token: str | None = None,
    reason: str | None = None,
) -> Outcome[Pledge]:
    """Move a pledge on. Delivery adds its quantities to the need's fulfilled quantities (and
    the offer's given-out ones) and recomputes their status, in the same transaction."""
    refuse_if_any(_note_errors("reason", reason))
    async with db.transaction() as conn:
        known = must_exist((await store.get_pledges(conn, [pledge_id])).get(pledge_id))
        locked = await _lock_all(conn, [known.need_id, known.offer_id])
        before, owner = must_exist(await store.lock_pledge(conn, pledge_id))
        parties = await _parties(conn, actor, edit_token, before, owner, locked)
        try:
            refused = check_transition(before.status, target, parties)
        except TransitionRefused:
            raise Forbidden from None
        if refused is not None:
            return Outcome.failed([refused])
        need = locked[before.need_id][0]
        if target is PledgeStatus.ACCEPTED:
            # Accepting is what reserves the need's units: never beyond what it still lacks.
            others = (await store.pledges_of(conn, [need.id])).get(need.id, [])
            over = check_acceptance(before, need.draft.items, reserved_by_position(others))
            if over:
                return Outcome.failed(over)
        pledge = await store.set_status(conn, pledge_id, target, reason)
        offer = locked[pledge.offer_id][0] if pledge.offer_id in locked else None
        if target is PledgeStatus.DELIVERED:
            await _fulfil(conn, need, pledge, actor, offer=False)
            if offer is not None:
                await _fulfil(conn, offer, pledge, actor, offer=True)
        await _announce(conn, pledge, need, offer)
        await audit(
            conn,
            actor,
            "pledge.status",
            "PLEDGE",
            pledge.id,
            before=_pledge_state(before),
            after=_pledge_state(pledge),
            reason=reason,
            extra={"parties": sorted(p.value for p in parties)},
            via_token=not actor.signed_in,
        )
    return Outcome(pledge)


async def _fulfil(
    conn: Connection, entry: Entry, pledge: Pledge, actor: Viewer, *, offer: bool
) -> None:
    items = delivered(entry.draft.items, pledge.lines, offer=offer)
    status = status_of(items, entry.status)
    await store.set_fulfilment(conn, entry.id, [i.fulfilled_quantity for i in items], status)
    after = (await entry_store.get_entries(conn, [entry.id]))[entry.id]
    event = EventType.FULFILLED if status is EntryStatus.FULFILLED else EventType.UPDATED
    if status is not entry.status and status is not EntryStatus.FULFILLED:
        event = EventType.STATUS_CHANGED
    await record_change(
        conn,
        after,
        event,
        actor,
        "entry.fulfilment",
        before=entry,
        extra={"pledgeId": str(pledge.id)},
        via_token=not actor.signed_in,
    )


async def assign_carrier(
    db: Database, request: CarrierRequest, actor: Viewer = ANONYMOUS, edit_token: str | None = None
) -> Outcome[Shipment]:
    """Put a logistics offer on an accepted pledge, within the carrier's remaining capacity."""
    # The two ends as every stored place is (hub/domain/regions.py): one building each.
    pickup = normalize_region(request.pickup, field="pickup")
    dropoff = normalize_region(request.dropoff, field="dropoff")
    request = dataclasses.replace(request, pickup=pickup.region, dropoff=dropoff.region)
    errors = [*pickup.errors, *dropoff.errors]
    errors += _region_errors("pickup", request.pickup) + _region_errors("dropoff", request.dropoff)
    errors += _note_errors("trackingNote", request.tracking_note)
    async with db.transaction() as conn:
        known = (await store.get_pledges(conn, [request.pledge_id])).get(request.pledge_id)
        if known is None:
            return Outcome.failed([UserError("pledgeId", ErrorCode.NOT_FOUND), *errors])
        locked = await _lock_all(conn, [known.need_id, known.offer_id, request.carrier_id])
        carrier_found = _usable(
            "logisticsOfferId", locked.get(request.carrier_id), EntryKind.LOGISTICS_OFFER
        )
        if isinstance(carrier_found, UserError):
            return Outcome.failed([carrier_found, *errors])
        carrier = carrier_found[0]
        if carrier.verification_status is not VerificationStatus.VERIFIED:
            # Anyone may post a logistics offer; only one a reviewer checked may carry goods.
            errors.append(
                _state_error(
                    "logisticsOfferId",
                    "只有已核实的运力才能承运。",
                    "Only a verified logistics offer can carry a pledge.",
                )
            )
        details = carrier.draft.details
        found = await store.lock_pledge(conn, request.pledge_id)
        if found is None or not isinstance(details, LogisticsDetails):
            return Outcome.failed([UserError("pledgeId", ErrorCode.NOT_FOUND)])
        pledge, owner = found
        parties = await _parties(conn, actor, edit_token, pledge, owner, locked)
        if not parties & ASSIGNERS:
            # A carrier may not put itself on someone's pledge: a side of the pledge chooses.
            raise Forbidden
        if pledge.status not in CARRIABLE:
            errors.append(
                _state_error(
                    "pledgeId",
                    "只有已接受或运输中的认捐才能安排运输。",
                    "Only an accepted or in-transit pledge can be carried.",
                )
            )
        taken_kg, taken_m3 = await shipment_store.carrier_load(conn, carrier.id)
        for error in (
            check_capacity("weightKg", request.weight_kg, details.capacity_kg, taken_kg),
            check_capacity("volumeM3", request.volume_m3, details.capacity_m3, taken_m3),
        ):
            if error is not None:
                errors.append(error)
        if errors:
            return Outcome.failed(errors)
        shipment = await shipment_store.insert_shipment(
            conn,
            uuid.uuid4(),
            pledge_id=pledge.id,
            carrier_id=carrier.id,
            pickup=request.pickup,
            dropoff=request.dropoff,
            weight_kg=request.weight_kg,
            volume_m3=request.volume_m3,
            tracking_note=request.tracking_note,
            created_by=actor.user_id,
        )
        need = locked[pledge.need_id][0]
        await _announce(conn, pledge, need, carrier)
        await audit(
            conn,
            actor,
            "shipment.assigned",
            "SHIPMENT",
            shipment.id,
            after={"status": shipment.status.value, "carrierId": str(carrier.id)},
            extra={"pledgeId": str(pledge.id)},
            via_token=not actor.signed_in,
        )
    return Outcome(shipment)


def _region_errors(field: str, region: Region) -> list[UserError]:
    errors = []
    if not region.province.strip():
        errors.append(UserError(f"{field}.province", ErrorCode.REQUIRED))
    for name, value in (
        ("province", region.province),
        ("city", region.city),
        ("district", region.district),
    ):
        if value is not None and len(value) > MAX_NAME:
            errors.append(UserError(f"{field}.{name}", ErrorCode.TOO_LONG, {"max": MAX_NAME}))
    return errors


@refusals_fail
async def update_shipment(
    db: Database,
    shipment_id: UUID,
    target: ShipmentStatus,
    note: str | None,
    actor: Viewer = ANONYMOUS,
    edit_token: str | None = None,
) -> Outcome[Shipment]:
    """Report a shipment's progress (or add a tracking note). Goods picked up or on the road
    put an accepted pledge IN_TRANSIT."""
    refuse_if_any(_note_errors("trackingNote", note))
    async with db.transaction() as conn:
        known = must_exist(
            (await shipment_store.get_shipments(conn, [shipment_id])).get(shipment_id)
        )
        pledge_known = (await store.get_pledges(conn, [known.pledge_id]))[known.pledge_id]
        locked = await _lock_all(
            conn, [pledge_known.need_id, pledge_known.offer_id, known.carrier_id]
        )
        pledge_found = await store.lock_pledge(conn, known.pledge_id)
        shipment = await shipment_store.lock_shipment(conn, shipment_id)
        if pledge_found is None or shipment is None:
            return Outcome.failed([UserError("id", ErrorCode.NOT_FOUND)])
        pledge, owner = pledge_found
        # The carrier of this leg, not of another leg of the same pledge.
        parties = await _parties(
            conn, actor, edit_token, pledge, owner, locked, [shipment.carrier_id]
        )
        try:
            refused = check_move(shipment.status, target, parties)
        except MoveRefused:
            raise Forbidden from None
        if refused is not None:
            return Outcome.failed([refused])
        updated = await shipment_store.set_status(conn, shipment.id, target, note)
        if target in MOVING and pledge.status is PledgeStatus.ACCEPTED:
            pledge = await store.set_status(conn, pledge.id, PledgeStatus.IN_TRANSIT, None)
        need = locked[pledge.need_id][0]
        carrier = locked[shipment.carrier_id][0] if shipment.carrier_id in locked else None
        await _announce(conn, pledge, need, carrier)
        await audit(
            conn,
            actor,
            "shipment.status",
            "SHIPMENT",
            shipment.id,
            before={"status": shipment.status.value},
            after={"status": updated.status.value},
            extra={"pledgeId": str(pledge.id), "note": note},
            via_token=not actor.signed_in,
        )
    return Outcome(updated)


async def expire_proposals(db: Database, older_than: timedelta) -> int:
    """Cancel PROPOSED pledges made more than `older_than` ago (a worker job), so that a
    proposal nobody accepts stops counting against its pledger's cap and its offer's stock.
    Each in its own transaction, in the steps' lock order (entries, then the pledge)."""
    before = datetime.now(UTC) - older_than
    async with db.connection() as conn:
        stale = await store.stale_proposals(conn, before, EXPIRY_BATCH)
    expired = 0
    for pledge_id in stale:
        if await _expire_one(db, pledge_id, before):
            expired += 1
    return expired


async def _expire_one(db: Database, pledge_id: UUID, before: datetime) -> bool:
    async with db.transaction() as conn:
        known = (await store.get_pledges(conn, [pledge_id])).get(pledge_id)
        if known is None:
            return False
        locked = await _lock_all(conn, [known.need_id, known.offer_id])
        found = await store.lock_pledge(conn, pledge_id)
        if found is None:
            return False
        pledge = found[0]
        # Accepted or cancelled meanwhile: nothing to do.
        if pledge.status is not PledgeStatus.PROPOSED or pledge.created_at >= before:
            return False
        after = await store.set_status(conn, pledge_id, PledgeStatus.CANCELLED, EXPIRED_REASON)
        need = locked[after.need_id][0] if after.need_id in locked else None
        offer = locked[after.offer_id][0] if after.offer_id in locked else None
        await _announce(conn, after, need, offer)
        await audit(
            conn,
            None,
            "pledge.status",
            "PLEDGE",
            pledge_id,
            before=_pledge_state(pledge),
            after=_pledge_state(after),
            reason=EXPIRED_REASON,
        )
    return True
