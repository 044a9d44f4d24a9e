"""The JSON body of a webhook delivery: the event and the entry as the public API shows it.

Field names and values are those of the GraphQL API (camelCase, enum names, global ids), and
contacts go through the masking every public response goes through (`visible_contact` with
`may_see_protected=False`): a PROTECTED contact keeps a masked name and a masked number, and
its other channel is withheld. No I/O.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from hub.domain.donations import mask_account, shows_account
from hub.domain.enums import EntryKind
from hub.domain.live import LiveEvent
from hub.domain.model import (
    Contact,
    DonationChannelDetails,
    Entry,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Organization,
    Region,
)
from hub.domain.privacy import visible_contact
from hub.domain.units import UNITS, to_base
from hub.domain.webhooks import SCHEMA_VERSION

# The GraphQL type of each kind, as in the API's global ids (hub/graphql/entries.py TYPE_NAMES;
# a test keeps the two equal).
TYPE_NAMES = {
    EntryKind.NEED: "Need",
    EntryKind.OFFER: "Offer",
    EntryKind.LOGISTICS_OFFER: "LogisticsOffer",
    EntryKind.LODGING: "Lodging",
    EntryKind.DONATION_CHANNEL: "DonationChannel",
}


def global_id(type_name: str, local_id: UUID) -> str:
    """The API's global id ("Type:uuid", URL-safe base64 without padding)."""
    return base64.urlsafe_b64encode(f"{type_name}:{local_id}".encode()).decode().rstrip("=")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _region(region: Region | None) -> dict[str, Any] | None:
    if region is None:
        return None
    return {
        "province": region.province,
        "city": region.city,
        "district": region.district,
        "adminCode": region.admin_code,
    }


def public_contact(contact: Contact) -> dict[str, Any]:
    """A contact as anyone may see it."""
    shown = visible_contact(contact, may_see_protected=False)
    return {
        "id": global_id("Contact", contact.id) if contact.id else None,
        "name": shown.name,
        "phone": shown.phone,
        "otherChannel": shown.other_channel,
        "visibility": shown.visibility.value,
        "redacted": shown.redacted,
    }


def _item(item: Item) -> dict[str, Any]:
    # As hub/graphql/entries.py SupplyItem computes them.
    base = to_base(item.quantity, item.unit, item.package_size) if item.quantity else None
    remaining = (
        None if item.quantity is None else max(item.quantity - item.fulfilled_quantity, Decimal(0))
    )
    return {
        "categoryCode": item.category_code,
        "name": item.name,
        "spec": item.spec,
        "quantity": _number(item.quantity),
        "quantityUnknown": item.quantity is None,
        "unit": item.unit.value,
        "packageSize": item.package_size,
        "fulfilledQuantity": float(item.fulfilled_quantity),
        "remainingQuantity": _number(remaining),
        "baseQuantity": _number(base[0]) if base else None,
        "baseUnit": UNITS[item.unit].base.value,
        "certifications": list(item.certifications),
    }


def _organization(organization: Organization | None) -> dict[str, Any] | None:
    if organization is None:
        return None
    return {
        "id": global_id("Organization", organization.id),
        "name": organization.draft.name,
        "kind": organization.draft.kind.value,
    }


def public_entry(entry: Entry, organization: Organization | None) -> dict[str, Any]:
    """The entry's public fields, named as the API names them."""
    draft = entry.draft
    fields: dict[str, Any] = {
        "id": global_id(TYPE_NAMES[entry.kind], entry.id),
        "kind": entry.kind.value,
        "status": entry.status.value,
        "verificationStatus": entry.verification_status.value,
        "providerName": draft.provider_name,
        "organization": _organization(organization),
        "region": _region(draft.region),
        "address": draft.address,
        "notes": draft.notes,
        "source": {"url": draft.source_url, "note": draft.source_note},
        "contacts": [public_contact(c) for c in draft.contacts],
        "createdAt": _time(entry.created_at),
        "updatedAt": _time(entry.updated_at),
        "verifiedAt": _time(entry.verified_at),
        "expiresAt": _time(entry.expires_at),
        "closeReason": entry.close_reason,
        "version": entry.version,
        "selfReported": entry.self_reported,
        "mergedInto": global_id(TYPE_NAMES[entry.kind], entry.merged_into)
        if entry.merged_into
        else None,
    }
    details = draft.details
    if isinstance(details, NeedDetails):
        fields.update(urgency=details.urgency.value, items=[_item(i) for i in draft.items])
    elif isinstance(details, OfferDetails):
        fields.update(
            items=[_item(i) for i in draft.items],
            canDeliver=details.can_deliver,
            leadTimeDays=details.lead_time_days,
            isFree=details.is_free,
            priceNote=details.price_note,
        )
    elif isinstance(details, LogisticsDetails):
        fields.update(
            origin=_region(draft.region),
            destination=_region(details.destination),
            vehicleType=details.vehicle_type.value,
            capacityKg=_number(details.capacity_kg),
            capacityM3=_number(details.capacity_m3),
            coldChain=details.cold_chain,
            isFree=details.is_free,
            availableFrom=_time(details.available_from),
            availableUntil=_time(details.available_until),
        )
    elif isinstance(details, LodgingDetails):
        fields.update(
            roomsAvailable=details.rooms_available,
            eligibility=details.eligibility,
            isFree=details.is_free,
            priceNote=details.price_note,
            availableFrom=_time(details.available_from),
            availableUntil=_time(details.available_until),
        )
    elif isinstance(details, DonationChannelDetails):
        # As the public API shows it: the number in full only once verified.
        number = details.account_number
        if not shows_account(entry.verification_status, reviewer=False):
            number = mask_account(number)
        fields.update(
            accountName=details.account_name,
            bank=details.bank,
            accountNumber=number,
            remittanceNote=details.remittance_note,
            purpose=details.purpose,
        )
    return fields


def event_payload(event: LiveEvent, entry: Entry, organization: Organization | None) -> bytes:
    """The body POSTed for `event`: UTF-8 JSON, `id` being the event's position."""
    kind = EntryKind(event.entry_kind)
    body = {
        "schemaVersion": SCHEMA_VERSION,
        "id": str(event.position),
        "type": event.event_type.value,
        "kind": kind.value,
        "entryId": global_id(TYPE_NAMES[kind], event.entry_id),
        "occurredAt": _time(event.occurred_at),
        "entry": public_entry(entry, organization),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
