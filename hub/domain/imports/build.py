"""Rows to the drafts the API builds, checked by the API's own rules (hub.domain.validation).

Needs and offers take one row per supply item: rows sharing an `id` are one entry (as exports
write them); without ids, consecutive rows that agree on every column but the item columns are
one entry (a hospital's merged name cell over its list of needs). An entry with a problem on
any of its rows is rejected whole. Organizations named by entries are matched by the service
(by id, then by name and province) or created PENDING.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from hub.domain.enums import OrganizationKind, Urgency, VehicleType
from hub.domain.errors import ErrorCode
from hub.domain.imports.categories import category_from_cell, guess_category
from hub.domain.imports.cells import RowReader
from hub.domain.imports.fields import add_user_errors
from hub.domain.imports.plan import (
    EntryPlan,
    ImportContext,
    OrganizationPlan,
    OrganizationRef,
    Plan,
)
from hub.domain.imports.problems import ImportCode, RowProblem
from hub.domain.imports.sheet import Sheet, SheetRow
from hub.domain.imports.values import (
    URGENCY_WORDS,
    VEHICLE_WORDS,
    Unreadable,
    parse_quantity,
    parse_urgency,
    parse_vehicle,
    unit_named,
)
from hub.domain.kinds.spec import FieldSpec
from hub.domain.model import Details, EntryDraft, Item, OrganizationDraft, Region
from hub.domain.open_data import ITEM_COLUMNS, Dataset
from hub.domain.region_drafts import place_entry, place_organization
from hub.domain.regions import normalize_region
from hub.domain.units import Unit, is_package
from hub.domain.validation import validate_entry, validate_organization

ITEM_KEYS = frozenset(column.key for column in ITEM_COLUMNS)
# Columns that may differ between the rows of one entry: the item's, and notes (sheets put a
# remark on the row it concerns; an entry's notes are its rows' notes, joined).
PER_ROW_KEYS = ITEM_KEYS | {"notes"}
NOTES_SEPARATOR = "；"
_KIND_WORDS = (
    (OrganizationKind.CLINIC, ("诊所", "卫生院", "卫生室", "社区卫生服务", "clinic")),
    (OrganizationKind.HOSPITAL, ("医院", "医疗", "妇幼", "疾控", "hospital")),
    (OrganizationKind.HOTEL, ("酒店", "宾馆", "旅馆", "饭店", "民宿", "hotel", "inn")),
    (OrganizationKind.LOGISTICS, ("物流", "快递", "运输", "货运", "logistics")),
    (OrganizationKind.CHARITY, ("基金会", "慈善", "红十字", "公益", "志愿", "charity")),
    (OrganizationKind.COMMUNITY, ("社区", "村委", "居委", "街道", "community")),
    (OrganizationKind.GOVERNMENT, ("政府", "委员会", "指挥部", "卫健委", "局", "government")),
    (OrganizationKind.FACTORY, ("厂", "公司", "集团", "企业", "factory", "ltd", "co.")),
)


def organization_kind(name: str, cell: str | None = None) -> OrganizationKind:
    """The kind a kind cell names (HOSPITAL, 医院, ...), else the kind the name suggests."""
    text = (cell or "").strip().casefold()
    for kind in OrganizationKind:
        if text == kind.value.casefold():
            return kind
    folded = f"{text} {name.casefold()}" if text else name.casefold()
    for kind, words in _KIND_WORDS:
        if any(word in folded for word in words):
            return kind
    return OrganizationKind.OTHER


def _uuid(text: str | None) -> UUID | None:
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        return None


def _item(reader: RowReader, ctx: ImportContext) -> Item | None:
    row = reader.row
    if not any(key in row.cells for key in ITEM_KEYS):
        return None
    name = reader.text("item") or ""
    spec = reader.text("spec")
    category_cell = reader.text("category")
    if category_cell:
        code = category_from_cell(category_cell, ctx.categories) or category_cell
    else:
        code, guessed = guess_category(name, spec, ctx.categories)
        if guessed and name:
            reader.warn("item", ImportCode.GUESSED_CATEGORY)
    try:
        quantity = parse_quantity(row.cells.get("quantity"))
    except Unreadable:
        reader.problem("quantity", ImportCode.UNREADABLE_QUANTITY)
        quantity = None
    if quantity is not None and quantity.was_range:
        reader.warn("quantity", ImportCode.QUANTITY_RANGE, value=str(quantity.amount))
    unit = None
    if reader.text("unit"):
        unit = unit_named(reader.text("unit") or "")
        if unit is None:
            reader.warn("unit", ImportCode.UNKNOWN_UNIT, value=reader.text("unit") or "")
    if unit is None and quantity is not None:
        unit = quantity.unit
        if quantity.unit_text:
            reader.warn("quantity", ImportCode.UNKNOWN_UNIT, value=quantity.unit_text)
    if unit is None:
        category = ctx.categories.get(code) or ctx.categories.get("other.other")
        unit = category.default_unit if category else None
    if unit is None:
        unit = Unit.PIECE
    package_size = reader.whole_number("package_size")
    if package_size is None and quantity is not None and is_package(unit):
        package_size = quantity.package_size
    fulfilled = reader.number("fulfilled")
    amount = quantity.amount if quantity is not None else None
    return Item(
        category_code=code,
        name=name,
        quantity=amount,
        unit=unit,
        spec=spec,
        package_size=package_size,
        fulfilled_quantity=fulfilled if fulfilled is not None else Decimal(0),
        certifications=reader.items_list("certifications"),
        # An unreadable quantity is already a problem: not "unknown" on top of it.
        quantity_unknown=amount is None and quantity is not None,
    )


# How a cell names an enum value, and what the problem says a cell should hold.
_ENUMS: dict[type, tuple[Callable[[object], Enum | None], str]] = {
    Urgency: (parse_urgency, URGENCY_WORDS),
    VehicleType: (parse_vehicle, VEHICLE_WORDS),
}


def _cell(reader: RowReader, spec: FieldSpec) -> Any:
    """One detail's cell read as its type says; None when blank."""
    key, value_type = spec.name, spec.value_type
    if spec.is_region:
        province, city, district = (column.key for column in spec.export_columns)
        if reader.text(province) or reader.text(city):
            return reader.region(province, city, district)
        return None
    if value_type is bool:
        return reader.flag(key)
    if value_type is int:
        return reader.whole_number(key)
    if value_type is Decimal:
        return reader.number(key)
    if value_type is datetime:
        return reader.moment(key)
    if value_type in _ENUMS:
        parse, words = _ENUMS[value_type]
        return reader.read(key, parse, ImportCode.UNREADABLE_VALUE, expected=words)
    return reader.text(key)


def _details(reader: RowReader, dataset: Dataset) -> Details:
    kind = dataset.kind
    if kind is None:
        raise ValueError(f"no import of {dataset.value} entries")
    read: dict[str, Any] = {}
    # In declaration order: a default may depend on a value read before it (cold chain on a
    # refrigerated truck).
    for spec in kind.fields:
        value = _cell(reader, spec)
        if value is None:
            value = spec.import_default(read)
        if value is None and not spec.optional:
            if not reader.text(spec.name):
                reader.problem(spec.name, ErrorCode.REQUIRED)
            value = spec.value_type()
        read[spec.name] = value
    details: Details = kind.make(read)
    return details


def _entry_region(reader: RowReader) -> Region:
    return reader.region("province", "city", "district")


def _organization_ref(reader: RowReader, region: Region) -> OrganizationRef | None:
    name = reader.text("organization")
    given = _uuid(reader.text("organization_id"))
    if not name:
        return None
    draft = OrganizationDraft(
        name=name,
        kind=organization_kind(name),
        region=Region(region.province, region.city, region.district, region.admin_code),
        address=reader.text("address"),
    )
    return OrganizationRef(draft, given)


def _groups(sheet: Sheet) -> list[list[SheetRow]]:
    """Rows grouped into entries (see the module's docstring)."""
    with_items = sheet.dataset.has_items
    by_id: dict[str, list[SheetRow]] = {}
    groups: list[list[SheetRow]] = []
    previous: tuple[tuple[str, str], ...] | None = None
    for row in sheet.rows:
        given = row.text("id")
        if given and with_items:
            if given not in by_id:
                by_id[given] = []
                groups.append(by_id[given])
            by_id[given].append(row)
            previous = None
            continue
        head = tuple(sorted((k, row.text(k)) for k in row.cells if k not in PER_ROW_KEYS))
        if with_items and groups and head == previous and not given:
            groups[-1].append(row)
        else:
            groups.append([row])
        previous = head
    return groups


def _entry(sheet: Sheet, rows: list[SheetRow], ctx: ImportContext, plan: Plan) -> EntryPlan:
    problems: list[RowProblem] = []
    first = RowReader(sheet, rows[0], ctx.today, problems)
    # Read against the list once here, so that the row's organization gets the same place;
    # place_entry below adds what the kind allows (nationwide or not).
    region = normalize_region(_entry_region(first), nationwide_allowed=True).region
    head = {k: rows[0].text(k) for k in rows[0].cells if k not in PER_ROW_KEYS}
    items: list[Item] = []
    item_rows: list[SheetRow] = []
    readers = [first]
    for row in rows:
        reader = first if row is rows[0] else RowReader(sheet, row, ctx.today, problems)
        if reader is not first:
            readers.append(reader)
            other = {k: row.text(k) for k in row.cells if k not in PER_ROW_KEYS}
            if other != head:
                differing = sorted(set(other.items()) ^ set(head.items()))[0][0]
                reader.problem(differing, ImportCode.CONFLICTING_ROWS, row=rows[0].number)
        if sheet.dataset.has_items:
            item = _item(reader, ctx)
            if item is not None:
                items.append(item)
                item_rows.append(row)
    organization = _organization_ref(first, region)
    # A file with a source column says the source (even when a cell is blank, as in open data);
    # else --source, else the file and row.
    if sheet.has("source_note"):
        source_note = first.text("source_note")
    else:
        source_note = ctx.source or f"import:{ctx.file_name}#row {rows[0].number}"
    draft = EntryDraft(
        region=region,
        details=_details(first, sheet.dataset),
        provider_name=first.text("provider"),
        address=first.text("address"),
        notes=NOTES_SEPARATOR.join(dict.fromkeys(r.text("notes") for r in rows if r.text("notes")))
        or None,
        source_url=first.text("source_url"),
        source_note=source_note,
        items=tuple(items),
        contacts=first.contacts(),
    )
    placed = place_entry(draft)
    draft = placed.draft
    errors = placed.errors
    errors += validate_entry(
        draft, ctx.categories.keys(), has_organization=organization is not None
    )
    add_user_errors(placed.warnings, sheet, rows, item_rows, plan.warnings)
    if organization is not None:
        errors += validate_organization(organization.draft, prefix="organization")
    add_user_errors(errors, sheet, rows, item_rows, problems)
    for reader in readers:
        plan.warnings += reader.warnings
    entry = EntryPlan(
        rows=tuple(r.number for r in rows),
        draft=draft,
        organization=organization,
        given_id=_uuid(first.text("id")),
        problems=_deduplicated(problems),
        sheet_updated_at=first.moment("updated_at"),
    )
    if first.text("id") and entry.given_id is None:
        entry.problems.append(
            RowProblem(
                rows[0].number,
                sheet.header("id"),
                first.text("id") or "",
                ErrorCode.INVALID_ID,
            )
        )
    return entry


def _deduplicated(problems: list[RowProblem]) -> list[RowProblem]:
    # One reason per cell: the first (the reader's, more precise than validation's that
    # follows from it, e.g. an unreadable quantity is also a missing one).
    seen: set[tuple[int, str]] = set()
    kept = []
    for problem in problems:
        key = (problem.row, problem.column)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _organization(sheet: Sheet, row: SheetRow, ctx: ImportContext, plan: Plan) -> OrganizationPlan:
    problems: list[RowProblem] = []
    reader = RowReader(sheet, row, ctx.today, problems)
    name = reader.text("name") or ""
    latitude = reader.number("latitude")
    longitude = reader.number("longitude")
    draft = OrganizationDraft(
        name=name,
        kind=organization_kind(name, reader.text("kind")),
        region=_entry_region(reader),
        address=reader.text("address"),
        latitude=float(latitude) if latitude is not None else None,
        longitude=float(longitude) if longitude is not None else None,
        website=reader.text("website"),
        contacts=reader.contacts(),
    )
    placed = place_organization(draft)
    draft = placed.draft
    add_user_errors(placed.errors + validate_organization(draft), sheet, [row], [], problems)
    add_user_errors(placed.warnings, sheet, [row], [], plan.warnings)
    plan.warnings += reader.warnings  # a phone kept as written, a cell split into contacts
    given = _uuid(reader.text("id"))
    if reader.text("id") and given is None:
        reader.problem("id", ErrorCode.INVALID_ID)
    return OrganizationPlan((row.number,), draft, given, _deduplicated(problems))


def plan_import(sheet: Sheet, ctx: ImportContext) -> Plan:
    """Every entry or organization the sheet holds, each checked; nothing is decided about the
    database yet (ids already present, organizations to reuse: see hub.services.imports)."""
    plan = Plan(warnings=list(sheet.notes), rows=len(sheet.rows))
    if sheet.dataset is Dataset.ORGANIZATIONS:
        for row in sheet.rows:
            organization = _organization(sheet, row, ctx, plan)
            plan.organizations.append(organization)
        return plan
    for rows in _groups(sheet):
        plan.entries.append(_entry(sheet, rows, ctx, plan))
    for entry in plan.entries:
        if entry.problems:
            bad = min(p.row for p in entry.problems)
            for number in entry.rows:
                if number not in {p.row for p in entry.problems}:
                    entry.problems.append(
                        RowProblem(number, "", "", ImportCode.ENTRY_REJECTED, {"row": bad})
                    )
    return plan
