"""Entries and organizations as export records: their column values, by the open data keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.domain.enums import ContactVisibility
from hub.domain.kinds.spec import REGION_PARTS
from hub.domain.model import Contact, Entry, Item, Organization
from hub.domain.open_data import CONTACT_SEPARATOR, ITEM_COLUMNS, admin_levels
from hub.domain.public import public_details
from hub.exports.cells import Cell

# The item columns of needs and offers: one row per item in CSV, an `items` array in JSON.
ITEM_KEYS = tuple(column.key for column in ITEM_COLUMNS)


@dataclass(frozen=True)
class Record:
    """One exported entry or organization: its own values and, for needs and offers, its items."""

    values: dict[str, Cell]
    items: list[dict[str, Cell]] = field(default_factory=list)


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
    # The public representation, each field spread over its columns (a place over its parts).
    cells: dict[str, Cell] = {}
    for spec, value in public_details(entry).items():
        columns = spec.export_columns
        if spec.is_region:
            parts = zip(columns, REGION_PARTS[: len(columns)], strict=True)
            cells.update(
                (column.key, getattr(value, part) if value else None) for column, part in parts
            )
        else:
            cells.update((column.key, value) for column in columns)
    return cells


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
        **admin_levels(region.admin_code),
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
            **admin_levels(region.admin_code),
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
