"""What the compiled path answers, type by type, and how each field is read from a row.

The entry types' fields are the Entry interface's (hub/graphql/entries/types.py, _common) and
each kind's details, derived from its declaration (hub/domain/kinds) as derive.entry_type
derives the GraphQL type: a place is a Region, a decimal a Float, a choice its enum, a field
masked until verified goes through the declaration's own FieldSpec.disclosed. Fields computed
in Python from other rows (priority, pledges, verification, contacts, duplicates, account
changes) are outside the vocabulary: a document selecting one is run by strawberry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from graphql import FieldNode

from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    OrganizationKind,
    VerificationStatus,
)
from hub.domain.global_ids import to_global_id
from hub.domain.kinds import Kind
from hub.domain.kinds.spec import REGION_PARTS, Disclosure, FieldSpec
from hub.domain.organization_trust import shows_organization
from hub.domain.units import UNITS, Unit, to_base
from hub.domain.verification import ReviewMethod
from hub.graphql.compiled.build import (
    Builder,
    Getter,
    Maker,
    Run,
    enum_keyed,
    enum_names,
    iso,
    keyed,
)
from hub.store.compiled_reads import DETAIL, ITEMS, ORGANIZATION, VERIFY_METHOD

# Region's fields and the columns of a place's parts (REGION_PARTS), in order.
REGION_FIELDS = dict(zip(("province", "city", "district", "adminCode"), REGION_PARTS, strict=True))


def _entry_column(column: str, convert: Callable[[Any], Any] | None = None) -> Maker:
    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        builder.reads.entry.add(column)
        return keyed(column, convert)

    return make


def _entry_enum(column: str, enum: type[Any]) -> Maker:
    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        builder.reads.entry.add(column)
        return enum_keyed(builder.schema, column, enum)

    return make


def _entry_id(type_name: str, column: str) -> Maker:
    return _entry_column(column, lambda value: to_global_id(type_name, value))


def _region(columns: Mapping[str, str], register: Callable[[Builder, str], str]) -> Maker:
    """A Region from four columns (graphql name -> column); null when the province is."""

    def make(builder: Builder, nodes: list[FieldNode]) -> Getter:
        keys = {name: register(builder, column) for name, column in columns.items()}
        vocabulary = {name: _source_key(key) for name, key in keys.items()}
        region = builder.obj("Region", vocabulary, nodes)
        province = keys["province"]

        def get(source: Any, run: Run) -> Any:
            return None if source[province] is None else region(source, run)

        return get

    return make


def _source_key(key: str, convert: Callable[[Any], Any] | None = None) -> Maker:
    return lambda _builder, _nodes: keyed(key, convert)


def _on_entry(builder: Builder, column: str) -> str:
    builder.reads.entry.add(column)
    return column


def _on_organization(builder: Builder, column: str) -> str:
    builder.reads.organization.add(column)
    return ORGANIZATION + column


def _source(builder: Builder, nodes: list[FieldNode]) -> Getter:
    builder.reads.entry.update(("source_url", "source_note"))
    vocabulary = {"url": _source_key("source_url"), "note": _source_key("source_note")}
    return builder.obj("Source", vocabulary, nodes)


def _org(column: str, convert: Callable[[Any], Any] | None = None) -> Maker:
    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        return keyed(_on_organization(builder, column), convert)

    return make


def _org_enum(column: str, enum: type[Any]) -> Maker:
    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        return enum_keyed(builder.schema, _on_organization(builder, column), enum)

    return make


# Organization's fields but its contacts (masked per reader: left to strawberry).
_ORGANIZATION: dict[str, Maker] = {
    "id": _org("id", lambda value: to_global_id("Organization", value)),
    "name": _org("name"),
    "kind": _org_enum("kind", OrganizationKind),
    "region": _region(REGION_FIELDS, _on_organization),
    "address": _org("address"),
    "latitude": _org("latitude", float),
    "longitude": _org("longitude", float),
    "website": _org("website"),
    "verificationStatus": _org_enum("verification_status", VerificationStatus),
    "createdAt": _org("created_at", iso),
    "updatedAt": _org("updated_at", iso),
    "version": _org("version"),
    "mergedInto": _org("merged_into", lambda value: to_global_id("Organization", value)),
}


def _organization(builder: Builder, nodes: list[FieldNode]) -> Getter:
    # The organization's id tells a missing organization (null) from a present one.
    key = _on_organization(builder, "id")
    organization_status = _on_organization(builder, "verification_status")
    entry_status = _on_entry(builder, "verification_status")
    self_reported = _on_entry(builder, "self_reported")
    organization = builder.obj("Organization", _ORGANIZATION, nodes)

    def get(source: Any, run: Run) -> Any:
        if source[key] is None or not shows_organization(
            VerificationStatus(source[organization_status]),
            VerificationStatus(source[entry_status]),
            source[self_reported],
        ):
            return None
        return organization(source, run)

    return get


# -- items and categories ----------------------------------------------------------------------


def _quantity(item: Mapping[str, Any]) -> Decimal | None:
    value = item["quantity"]
    return None if value is None else Decimal(value)


def _float(value: Any) -> float:
    return float(value)


def _remaining(item: Mapping[str, Any], _run: Run) -> float | None:
    quantity = _quantity(item)
    if quantity is None:
        return None
    return float(max(quantity - Decimal(item["fulfilled_quantity"]), Decimal(0)))


def _base_quantity(item: Mapping[str, Any], _run: Run) -> float | None:
    # As SupplyItem.of: no base quantity for a zero or unknown quantity.
    quantity = _quantity(item)
    base = to_base(quantity, Unit(item["unit"]), item["package_size"]) if quantity else None
    return float(base[0]) if base else None


def _category_name(category: Any, run: Run) -> str:
    return str(category.name_zh if run.language == "zh" else category.name_en)


def _attribute(name: str, convert: Callable[[Any], Any] | None = None) -> Maker:
    def get(source: Any, _run: Run) -> Any:
        value = getattr(source, name)
        return value if convert is None else convert(value)

    return lambda _builder, _nodes: get


# SupplyCategory, read from the taxonomy the context holds (as its resolvers read it).
CATEGORY: dict[str, Maker] = {
    "code": _attribute("code"),
    "groupCode": _attribute("group_code"),
    "nameZh": _attribute("name_zh"),
    "nameEn": _attribute("name_en"),
    "standards": _attribute("standards", list),
    "taxonomyVersion": _attribute("taxonomy_version"),
    "deprecated": _attribute("deprecated"),
    "name": lambda _b, _n: _category_name,
    "defaultUnit": lambda b, _n: _enum_attribute(b, "default_unit"),
}


def _enum_attribute(builder: Builder, name: str) -> Getter:
    names = enum_names(builder.schema, Unit)
    return lambda source, _run: names[getattr(source, name).value]


def _category(builder: Builder, nodes: list[FieldNode]) -> Getter:
    category = builder.obj("SupplyCategory", CATEGORY, nodes)

    def get(item: Mapping[str, Any], run: Run) -> Any:
        found = run.categories.get(item["category_code"])
        return None if found is None else category(found, run)

    return get


def _item_key(*columns: str, getter: Callable[[Builder], Getter]) -> Maker:
    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        builder.reads.items.update(columns)
        return getter(builder)

    return make


def _base_unit(builder: Builder) -> Getter:
    names = enum_names(builder.schema, Unit)
    return lambda item, _run: names[UNITS[Unit(item["unit"])].base.value]


_ITEM: dict[str, Maker] = {
    "categoryCode": _item_key("category_code", getter=lambda _b: keyed("category_code")),
    "name": _item_key("name", getter=lambda _b: keyed("name")),
    "spec": _item_key("spec", getter=lambda _b: keyed("spec")),
    "packageSize": _item_key("package_size", getter=lambda _b: keyed("package_size")),
    "certifications": _item_key("certifications", getter=lambda _b: keyed("certifications")),
    "quantity": _item_key("quantity", getter=lambda _b: keyed("quantity", _float)),
    "quantityUnknown": _item_key(
        "quantity", getter=lambda _b: lambda item, _run: item["quantity"] is None
    ),
    "fulfilledQuantity": _item_key(
        "fulfilled_quantity", getter=lambda _b: keyed("fulfilled_quantity", _float)
    ),
    "remainingQuantity": _item_key("quantity", "fulfilled_quantity", getter=lambda _b: _remaining),
    "baseQuantity": _item_key("quantity", "unit", "package_size", getter=lambda _b: _base_quantity),
    "unit": _item_key("unit", getter=lambda b: enum_keyed(b.schema, "unit", Unit)),
    "baseUnit": _item_key("unit", getter=_base_unit),
}


def _category_field(builder: Builder, nodes: list[FieldNode]) -> Getter:
    builder.reads.items.add("category_code")
    return _category(builder, nodes)


_ITEM["category"] = _category_field


# Decimals stay exact: floats and base quantities are derived from them as SupplyItem.of
# derives them from the stored numerics. One decoder for all (json.loads makes one per call).
_ITEMS_JSON = json.JSONDecoder(parse_float=Decimal)


def _items(builder: Builder, nodes: list[FieldNode]) -> Getter:
    builder.reads.with_items = True
    item = builder.obj("SupplyItem", _ITEM, nodes)

    def get(row: Any, run: Run) -> list[dict[str, Any]]:
        raw = row[ITEMS]
        if raw is None:
            return []
        return [item(line, run) for line in _ITEMS_JSON.decode(raw)]

    return get


# -- verification ------------------------------------------------------------------------------


def _age_hours(verified_at: datetime) -> float:
    # As Verification.age_hours: the wall clock, not the request's.
    return round((datetime.now(UTC) - verified_at).total_seconds() / 3600, 1)


def _in_review_until(row: Any, _run: Run) -> Any:
    in_review = row["verification_status"] == VerificationStatus.IN_REVIEW.value
    return iso(row["lease_until"]) if in_review else None


def _method(builder: Builder, _nodes: list[FieldNode]) -> Getter:
    builder.reads.verify_method = True
    return enum_keyed(builder.schema, VERIFY_METHOD, ReviewMethod)


_VERIFICATION: dict[str, Maker] = {
    "status": _entry_enum("verification_status", VerificationStatus),
    "verifiedAt": _entry_column("verified_at", iso),
    "ageHours": _entry_column("verified_at", _age_hours),
    "method": _method,
}


def _in_review(builder: Builder, _nodes: list[FieldNode]) -> Getter:
    builder.reads.entry.update(("verification_status", "lease_until"))
    return _in_review_until


_VERIFICATION["inReviewUntil"] = _in_review


def _verification(builder: Builder, nodes: list[FieldNode]) -> Getter:
    """An entry's Verification without its reviews and flags (lists left to strawberry)."""
    return builder.obj("Verification", _VERIFICATION, nodes)


# -- entries -----------------------------------------------------------------------------------


def _detail_column(kind: Kind, builder: Builder, column: str) -> str:
    if kind.table is None:
        builder.reads.entry.add(column)
        return column
    builder.reads.details.add(column)
    return DETAIL + column


def _detail(kind: Kind, spec: FieldSpec) -> Maker:
    """A details field, as derive.entry_type types it and entry_values / disclosed_field show it."""
    if spec.is_region:
        parts = dict(zip(REGION_FIELDS, spec.columns, strict=True))
        return _region(parts, lambda b, c: _detail_column(kind, b, c))
    (column,) = spec.columns

    def make(builder: Builder, _nodes: list[FieldNode]) -> Getter:
        key = _detail_column(kind, builder, column)
        convert = _converter(builder, spec)
        if spec.meta.disclosure is Disclosure.PLAIN:
            return keyed(key, convert)
        builder.reads.entry.add("verification_status")

        def disclosed(row: Any, run: Run) -> Any:
            value = row[key]
            status = VerificationStatus(row["verification_status"])
            shown = spec.disclosed(value, status, run.sees_undisclosed)
            return None if shown is None or convert is None else convert(shown)

        return disclosed if convert is not None else _disclosed_plain(key, spec)

    return make


def _disclosed_plain(key: str, spec: FieldSpec) -> Getter:
    def get(row: Any, run: Run) -> Any:
        status = VerificationStatus(row["verification_status"])
        return spec.disclosed(row[key], status, run.sees_undisclosed)

    return get


def _converter(builder: Builder, spec: FieldSpec) -> Callable[[Any], Any] | None:
    if spec.value_type is Decimal:
        return _float
    if spec.is_choice:
        return enum_names(builder.schema, spec.value_type).__getitem__
    if spec.value_type is datetime:
        return iso
    return None


def entry_vocabulary(kind: Kind) -> dict[str, Maker]:
    """The fields of a kind's type the compiled path answers."""
    type_name = kind.type_name
    region = _region(REGION_FIELDS, _on_entry)
    vocabulary: dict[str, Maker] = {
        "id": _entry_id(type_name, "id"),
        "kind": _entry_enum("kind", EntryKind),
        "providerName": _entry_column("provider_name"),
        "region": region,
        "address": _entry_column("address"),
        "notes": _entry_column("notes"),
        "source": _source,
        "status": _entry_enum("status", EntryStatus),
        "closeReason": _entry_column("close_reason"),
        "verificationStatus": _entry_enum("verification_status", VerificationStatus),
        "createdAt": _entry_column("created_at", iso),
        "updatedAt": _entry_column("updated_at", iso),
        "verifiedAt": _entry_column("verified_at", iso),
        "expiresAt": _entry_column("expires_at", iso),
        "version": _entry_column("version"),
        "selfReported": _entry_column("self_reported"),
        "mergedInto": _entry_id(type_name, "merged_into"),
        "organization": _organization,
        "verification": _verification,
    }
    if kind.region_name != "region":
        vocabulary[_camel(kind.region_name)] = region
    if kind.has_items:
        vocabulary["items"] = _items
    for spec in kind.fields:
        vocabulary[spec.public_name] = _detail(kind, spec)
    if kind.kind is EntryKind.DONATION_CHANNEL:
        # DonationChannel.officialNoticeUrl is its source's url.
        vocabulary["officialNoticeUrl"] = _entry_column("source_url")
    return vocabulary


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
