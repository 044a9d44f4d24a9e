"""Entries and organizations as export records: their column values, by the open data keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.domain.donations import mask_account, shows_account
from hub.domain.enums import ContactVisibility, VerificationStatus
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
)
from hub.domain.open_data import CONTACT_SEPARATOR, Dataset
from hub.exports.cells import Cell

# The item columns of needs and offers: one row per item in CSV, an `items` array in JSON.
ITEM_KEYS = (
    "category",
    "item",
    "spec",
    "certifications",
    "quantity",
    "unit",
    "package_size",
    "fulfilled",
)


@dataclass(frozen=True)
class Record:
    """One exported entry or organization: its own values and, for needs and offers, its items."""

    values: dict[str, Cell]
    items: list[dict[str, Cell]] = field(default_factory=list)


def has_items(dataset: Dataset) -> bool:
    """Whether the dataset's rows are supply items (needs and offers)."""
    return dataset in (Dataset.NEEDS, Dataset.OFFERS)


def _joined(values: Sequence[str | None]) -> str | None:
    # Positions line up between the name and phone columns, so a missing part stays empty.
    if not any(values):
        return None
    return CONTACT_SEPARATOR.join(value or "" for value in values)


def public_contacts(contacts: Sequence[Contact]) -> dict[str, Cell]:
    """The contact columns: PUBLIC contacts only, never a protected one."""
    public = [c for c in contacts if c.visibility is ContactVisibility.PUBLIC]
    return {
        "contact_name": _joined([c.name for c in public]),
        "contact_phone": _joined([c.phone for c in public]),
    }


def _item(item: Item) -> dict[str, Cell]:
    return {
        "category": item.category_code,
        "item": item.name,
        "spec": item.spec,
        "certifications": CONTACT_SEPARATOR.join(item.certifications) or None,
        "quantity": item.quantity,
        "unit": item.unit,
        "package_size": item.package_size,
        "fulfilled": item.fulfilled_quantity,
    }


def _details(entry: Entry) -> dict[str, Cell]:
    details = entry.draft.details
    if isinstance(details, NeedDetails):
        return {"urgency": details.urgency}
    if isinstance(details, OfferDetails):
        return {
            "can_deliver": details.can_deliver,
            "is_free": details.is_free,
            "lead_time_days": details.lead_time_days,
            "price_note": details.price_note,
        }
    if isinstance(details, LogisticsDetails):
        destination = details.destination
        return {
            "destination_province": destination.province if destination else None,
            "destination_city": destination.city if destination else None,
            "destination_district": destination.district if destination else None,
            "vehicle_type": details.vehicle_type,
            "capacity_kg": details.capacity_kg,
            "capacity_m3": details.capacity_m3,
            "cold_chain": details.cold_chain,
            "is_free": details.is_free,
            "available_from": details.available_from,
            "available_until": details.available_until,
        }
    if isinstance(details, LodgingDetails):
        return _lodging(details)
    if isinstance(details, DonationChannelDetails):
        return _channel(details, entry.verification_status)
    return {}


def _channel(details: DonationChannelDetails, status: VerificationStatus) -> dict[str, Cell]:
    # As the public API shows it: an unverified account number must not spread.
    shown = shows_account(status, reviewer=False)
    return {
        "account_name": details.account_name,
        "bank": details.bank,
        "account_number": details.account_number if shown else mask_account(details.account_number),
        "remittance_note": details.remittance_note,
        "purpose": details.purpose,
    }


def _lodging(details: LodgingDetails) -> dict[str, Cell]:
    return {
        "rooms_available": details.rooms_available,
        "eligibility": details.eligibility,
        "is_free": details.is_free,
        "price_note": details.price_note,
        "available_from": details.available_from,
        "available_until": details.available_until,
    }


def entry_record(entry: Entry, organization_name: str | None) -> Record:
    """An entry's export record; `organization_name` is the name of its organization, if any."""
    draft = entry.draft
    region = draft.region
    values: dict[str, Cell] = {
        "id": entry.id,
        "organization_id": draft.organization_id,
        "organization": organization_name,
        "provider": draft.provider_name,
        "province": region.province,
        "city": region.city,
        "district": region.district,
        "admin_code": region.admin_code,
        "address": draft.address,
        **_details(entry),
        "status": entry.status,
        "verification": entry.verification_status,
        "verified_at": entry.verified_at,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "expires_at": entry.expires_at,
        "source_url": draft.source_url,
        "source_note": draft.source_note,
        "notes": draft.notes,
        **public_contacts(draft.contacts),
    }
    return Record(values, [_item(item) for item in draft.items])


def organization_record(organization: Organization) -> Record:
    """An organization's export record: its public fields and PUBLIC contacts."""
    draft = organization.draft
    region = draft.region
    return Record(
        {
            "id": organization.id,
            "name": draft.name,
            "kind": draft.kind,
            "province": region.province,
            "city": region.city,
            "district": region.district,
            "admin_code": region.admin_code,
            "address": draft.address,
            "latitude": draft.latitude,
            "longitude": draft.longitude,
            "website": draft.website,
            "verification": organization.verification_status,
            "created_at": organization.created_at,
            "updated_at": organization.updated_at,
            **public_contacts(draft.contacts),
        }
    )
