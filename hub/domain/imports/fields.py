"""Where a validation error points in a sheet: the API's field paths (`items.2.quantity`,
`organization.region.province`) to a row and a column of the file."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hub.domain.errors import UserError
from hub.domain.imports.cells import reported_value
from hub.domain.imports.problems import RowProblem
from hub.domain.imports.sheet import Sheet, SheetRow
from hub.domain.open_data import Dataset

_INDEXED = re.compile(r"^(items|contacts)\.(\d+)\.?(.*)$")
_FIELD_KEYS = {
    "organizationId": "organization",
    "providerName": "provider",
    "address": "address",
    "notes": "notes",
    "source.url": "source_url",
    "source.note": "source_note",
    "contacts": "contact_phone",
    "items": "item",
    "leadTimeDays": "lead_time_days",
    "priceNote": "price_note",
    "capacityKg": "capacity_kg",
    "capacityM3": "capacity_m3",
    "availableUntil": "available_until",
    "roomsAvailable": "rooms_available",
    "eligibility": "eligibility",
    "name": "name",
    "website": "website",
    "latitude": "latitude",
    "longitude": "longitude",
}
_ITEM_FIELDS = {
    "categoryCode": "category",
    "name": "item",
    "spec": "spec",
    "quantity": "quantity",
    "quantityUnknown": "quantity",
    "packageSize": "package_size",
    "fulfilledQuantity": "fulfilled",
    "certifications": "certifications",
}
_REGION_FIELDS = {"province": "province", "city": "city", "district": "district",
                  "adminCode": "admin_code"}  # fmt: skip


def column_of(field: str, dataset: Dataset) -> tuple[str, int | None]:
    """The column key (and item or contact index) a validation error's field path points at."""
    for prefix in ("organization.", "region.", "origin.", "destination."):
        if field.startswith(prefix):
            rest = field[len(prefix) :]
            if prefix == "organization.":
                if rest.startswith("region."):
                    return _REGION_FIELDS.get(rest[7:], "province"), None
                if rest == "name":
                    return "organization", None
                return column_of(rest, dataset)
            key = _REGION_FIELDS.get(rest, "province")
            return (f"destination_{key}" if prefix == "destination." else key), None
    if match := _INDEXED.match(field):
        what, index, rest = match.groups()
        if what == "items":
            return _ITEM_FIELDS.get(rest.split(".")[0], "item"), int(index)
        return ("contact_name" if rest == "name" else "contact_phone"), None
    key = _FIELD_KEYS.get(field, field)
    if dataset is Dataset.ORGANIZATIONS and key == "organization":
        key = "name"
    return key, None


def add_user_errors(
    errors: Sequence[UserError],
    sheet: Sheet,
    rows: Sequence[SheetRow],
    item_rows: Sequence[SheetRow],
    problems: list[RowProblem],
) -> None:
    """Note each validation error against the row and column it comes from (an item's error
    against that item's row, any other against the entry's first row)."""
    for error in errors:
        key, index = column_of(error.field, sheet.dataset)
        row = item_rows[index] if index is not None and index < len(item_rows) else rows[0]
        params = dict(error.params)
        problems.append(
            RowProblem(
                row.number,
                sheet.header(key),
                reported_value(key, row.text(key)),
                error.code,
                params,
            )
        )
