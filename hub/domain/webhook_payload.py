"""The JSON body of a webhook delivery: the event and the entry as the public API shows it.

Field names and values are those of the GraphQL API (camelCase, enum names, global ids), and
contacts go through the masking every public response goes through (`visible_contact` with
`may_see_protected=False`): a PROTECTED contact keeps a masked name and a masked number, and
its other channel is withheld. No I/O.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hub.domain.enums import EntryKind
from hub.domain.global_ids import entry_global_id, to_global_id
from hub.domain.kinds import kind_of
from hub.domain.kinds.spec import plain
from hub.domain.live import LiveEvent
from hub.domain.model import Contact, Entry, Item, Organization
from hub.domain.organization_trust import shows_organization
from hub.domain.privacy import visible_contact
from hub.domain.public import details_json
from hub.domain.units import UNITS, to_base
from hub.domain.webhooks import SCHEMA_VERSION


def public_contact(contact: Contact) -> dict[str, Any]:
    """A contact as anyone may see it."""
    shown = visible_contact(contact, may_see_protected=False)
    return {
        "id": to_global_id("Contact", contact.id) if contact.id else None,
        "name": shown.name,
        "phone": shown.phone,
        "otherChannel": shown.other_channel,
        "visibility": shown.visibility.value,
        "redacted": shown.redacted,
        "phoneE164": shown.phone_e164,
        "phoneExtension": shown.phone_extension,
    }


def _item(item: Item) -> dict[str, Any]:
    # As the API's SupplyItem (hub/graphql/entries/items.py) computes them.
    base = to_base(item.quantity, item.unit, item.package_size) if item.quantity else None
    remaining = (
        None if item.quantity is None else max(item.quantity - item.fulfilled_quantity, Decimal(0))
    )
    return {
        "categoryCode": item.category_code,
        "name": item.name,
        "spec": item.spec,
        "quantity": plain(item.quantity),
        "quantityUnknown": item.quantity is None,
        "unit": item.unit.value,
        "packageSize": item.package_size,
        "fulfilledQuantity": float(item.fulfilled_quantity),
        "remainingQuantity": plain(remaining),
        "baseQuantity": plain(base[0]) if base else None,
        "baseUnit": UNITS[item.unit].base.value,
        "certifications": list(item.certifications),
    }


def _organization(organization: Organization | None, entry: Entry) -> dict[str, Any] | None:
    # As the API shows it: not on an entry that would borrow a verified organization's badge.
    if organization is None or not shows_organization(
        organization.verification_status, entry.verification_status, entry.self_reported
    ):
        return None
    return {
        "id": to_global_id("Organization", organization.id),
        "name": organization.draft.name,
        "kind": organization.draft.kind.value,
    }


def public_entry(entry: Entry, organization: Organization | None) -> dict[str, Any]:
    """The entry's public fields, named as the API names them."""
    draft = entry.draft
    fields: dict[str, Any] = {
        "id": entry_global_id(entry.kind, entry.id),
        "kind": entry.kind.value,
        "status": entry.status.value,
        "verificationStatus": entry.verification_status.value,
        "providerName": draft.provider_name,
        "organization": _organization(organization, entry),
        "region": plain(draft.region),
        "address": draft.address,
        "notes": draft.notes,
        "source": {"url": draft.source_url, "note": draft.source_note},
        "contacts": [public_contact(c) for c in draft.contacts],
        "createdAt": plain(entry.created_at),
        "updatedAt": plain(entry.updated_at),
        "verifiedAt": plain(entry.verified_at),
        "expiresAt": plain(entry.expires_at),
        "closeReason": entry.close_reason,
        "version": entry.version,
        "selfReported": entry.self_reported,
        "mergedInto": entry_global_id(entry.kind, entry.merged_into) if entry.merged_into else None,
    }
    kind = kind_of(entry.kind)
    if kind.region_name != "region":
        fields[kind.region_name] = plain(draft.region)
    items = {"items": [_item(i) for i in draft.items]} if kind.has_items else {}
    if kind.items_first:
        fields.update(items)
    fields.update(details_json(entry))
    if not kind.items_first:
        fields.update(items)
    return fields


def event_payload(event: LiveEvent, entry: Entry, organization: Organization | None) -> bytes:
    """The body POSTed for `event`: UTF-8 JSON, `id` being the event's position."""
    kind = EntryKind(event.entry_kind)
    body = {
        "schemaVersion": SCHEMA_VERSION,
        "id": str(event.position),
        "type": event.event_type.value,
        "kind": kind.value,
        "entryId": entry_global_id(kind, event.entry_id),
        "occurredAt": plain(event.occurred_at),
        "entry": public_entry(entry, organization),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
