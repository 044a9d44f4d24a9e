"""Where a validation error points in a sheet: the API's field paths (`items.2.quantity`,
`organization.region.province`) to a row and a column of the file."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hub.domain.errors import UserError
from hub.domain.imports.cells import reported_value
from hub.domain.imports.problems import RowProblem
from hub.domain.imports.sheet import Sheet, SheetRow
from hub.domain.kinds import KINDS
from hub.domain.open_data import Dataset
from hub.domain.user_warnings import InputWarning

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
    "name": "name",
    "website": "website",
    "latitude": "latitude",
    "longitude": "longitude",
    # Each kind's details: a field's column is its Python name.
    **{spec.public_name: spec.name for kind in KINDS for spec in kind.fields},
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
# Where an entry's own place is (region, or origin for transport): the entry's columns.
_ENTRY_PLACES = {f"{name}.": "" for name in ("region", *(kind.region_name for kind in KINDS))}
# A place among the details (a transport's destination): its own columns.
_DETAIL_PLACES = {
    f"{spec.public_name}.": f"{spec.name}_"
    for kind in KINDS
    for spec in kind.fields
    if spec.is_region
}


def column_of(field: str, dataset: Dataset) -> tuple[str, int | None]:
    """The column key (and item or contact index) a validation error's field path points at."""
    if field.startswith("organization."):
        rest = field[len("organization.") :]
        if rest.startswith("region."):
            return _REGION_FIELDS.get(rest[7:], "province"), None
        if rest == "name":
            return "organization", None
        return column_of(rest, dataset)
    for prefix, column_prefix in (_ENTRY_PLACES | _DETAIL_PLACES).items():
        if field.startswith(prefix):
            return column_prefix + _REGION_FIELDS.get(field[len(prefix) :], "province"), None
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
    errors: Sequence[UserError | InputWarning],
    sheet: Sheet,
    rows: Sequence[SheetRow],
    item_rows: Sequence[SheetRow],
    problems: list[RowProblem],
) -> None:
    """Note each validation error (or warning) against the row and column it comes from (an
    item's error against that item's row, any other against the entry's first row)."""
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
