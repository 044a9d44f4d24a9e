"""The named queries of entries, shared by lists, reviews, duplicates and exports: which
columns an entry row has, where they come from, how a filter narrows them, and each kind's
details read from and written to its table.

The details' SQL is derived from the kind registry (hub/domain/kinds) once, at import: a kind
with a table joins it under the table's own name, its columns read back as
`<table>__<column>`; a kind without one (needs' urgency) keeps its columns on `entry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import asyncpg

from hub.domain.donations import normalize_account
from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, kind_of_details
from hub.domain.kinds.spec import REGION_PARTS, AccountNumber, FieldSpec, Kind, Text
from hub.domain.listing import EntryFilter
from hub.domain.region import Region
from hub.domain.regions import NATIONWIDE
from hub.store.sql import Where

_ENTRY_COLUMNS = (
    "id", "kind", "organization_id", "provider_name", "province", "city", "district",
    "admin_code", "address", "notes", "source_url", "source_note", "status",
    "verification_status", "close_reason", "created_at", "updated_at", "verified_at",
    "expires_at", "version", "review_round", "queued_at", "claimed_by", "lease_until",
    "rejection_reason", "submitted_by", "self_reported", "merged_into", "recheck_requested_at",
)  # fmt: skip


@dataclass(frozen=True)
class _DetailColumns:
    """Where one kind's details live: its table (None: `entry`) and its fields' columns."""

    kind: Kind

    @property
    def table(self) -> str | None:
        """The kind's table, None when its details are columns of `entry`."""
        return self.kind.table

    def selected(self, column: str) -> str:
        """The column's name in a row read with ENTRY_COLUMNS."""
        return f"{self.table}__{column}" if self.table else column

    def qualified(self, column: str) -> str:
        """The column as a query's condition names it."""
        return f"{self.table or 'e'}.{column}"

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of the details, in field order."""
        return tuple(column for spec in self.kind.fields for column in spec.columns)


_DETAILS = {kind.kind: _DetailColumns(kind) for kind in KINDS}
_SELECTED = [
    f"{d.qualified(c)} AS {d.selected(c)}" if d.table else f"e.{c}"
    for d in _DETAILS.values()
    for c in d.columns
]

# Every column an entry row is read with (hydrated by hub.store.entries).
ENTRY_COLUMNS = ", ".join([*(f"e.{c}" for c in _ENTRY_COLUMNS), *_SELECTED])
# The entry and the tables of its details.
ENTRY_FROM = "FROM entry e " + " ".join(
    f"LEFT JOIN {d.table} ON {d.table}.entry_id = e.id" for d in _DETAILS.values() if d.table
)
# Details kept on `entry` itself, written with the entry row (in this order).
ENTRY_DETAIL_COLUMNS = tuple(c for d in _DETAILS.values() if d.table is None for c in d.columns)


def select_sql(where: Where, tail: str = "") -> str:
    """Entry rows matching `where`, with `tail` (ORDER BY, LIMIT) appended."""
    return f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} {where.sql()} {tail}".rstrip()


def _stored(spec: FieldSpec, value: Any) -> list[Any]:
    """A field's value as its columns hold it."""
    if spec.is_region:
        return [getattr(value, part) if value else None for part in REGION_PARTS]
    if isinstance(value, Enum):
        return [value.value]
    check = spec.meta.check
    if isinstance(check, AccountNumber):
        return [normalize_account(value)]
    # Required text is stored as checked: without the spaces around it.
    if isinstance(check, Text) and check.required and isinstance(value, str):
        return [value.strip()]
    return [value]


def _read(spec: FieldSpec, values: Sequence[Any]) -> Any:
    """A field's value from its columns."""
    if spec.is_region:
        return None if values[0] is None else Region(*values)
    value = values[0]
    if value is not None and spec.is_choice:
        return spec.value_type(value)
    return value


def details_of(row: asyncpg.Record) -> Any:
    """The details of the entry in `row` (a row read with ENTRY_COLUMNS)."""
    own = _DETAILS[EntryKind(row["kind"])]
    return own.kind.make(
        {
            spec.name: _read(spec, [row[own.selected(c)] for c in spec.columns])
            for spec in own.kind.fields
        }
    )


def entry_detail_values(details: object) -> list[Any]:
    """The values of ENTRY_DETAIL_COLUMNS for an entry with these details."""
    kind = kind_of_details(details)
    values = dict.fromkeys(ENTRY_DETAIL_COLUMNS)
    if kind.table is None:
        for spec in kind.fields:
            stored = _stored(spec, getattr(details, spec.name))
            values.update(zip(spec.columns, stored, strict=True))
    return list(values.values())


def _upsert(table: _DetailColumns) -> str:
    columns = table.columns
    slots = ", ".join(f"${n}" for n in range(1, len(columns) + 2))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
    return (
        f"INSERT INTO {table.table} (entry_id, {', '.join(columns)}) VALUES ({slots}) "
        f"ON CONFLICT (entry_id) DO UPDATE SET {updates}"
    )


_UPSERT = {kind: _upsert(table) for kind, table in _DETAILS.items() if table.table}


def details_upsert(details: object) -> tuple[str, list[Any]] | None:
    """The statement writing details to their kind's table (entry id: $1) and its other
    parameters; None for a kind whose details live on `entry`."""
    kind = kind_of_details(details)
    sql = _UPSERT.get(kind.kind)
    if sql is None:
        return None
    values = [v for spec in kind.fields for v in _stored(spec, getattr(details, spec.name))]
    return sql, values


def with_categories(where: Where, codes: Sequence[str]) -> None:
    """Restrict `where` to entries with an item in one of the categories."""
    where.add(
        "EXISTS (SELECT 1 FROM entry_item i WHERE i.entry_id = e.id AND i.category_code = ANY({}))",
        list(codes),
    )


# Lists of transport filter on where it goes (EntryFilter.destination_*).
_DESTINATION = next(d for d in _DETAILS.values() if d.kind.has_field("destination"))


def kind_from(kind: EntryKind, flt: EntryFilter) -> str:
    """The FROM of a list of one kind: the entry, its kind's details table, and the destination's
    table when `flt` filters on it (ENTRY_FROM joins every kind's table, which costs planning)."""
    tables = {_DETAILS[kind].table}
    if flt.destination_province or flt.destination_city:
        tables.add(_DESTINATION.table)
    joins = [
        f"LEFT JOIN {d.table} ON {d.table}.entry_id = e.id"
        for d in _DETAILS.values()
        if d.table and d.table in tables
    ]
    return " ".join(["FROM entry e", *joins])


def entry_where(kind: EntryKind, flt: EntryFilter) -> Where:
    """The entries of one kind that `flt` lets through (lists and exports alike)."""
    where = Where()
    where.add("e.kind = {}", kind.value)
    # A nationwide entry answers a filter for any place (hub.domain.regions.answers_places);
    # so does a transport to any destination (none given, or "全国").
    where.given(f"e.province IN ({{}}, '{NATIONWIDE}')", flt.province)
    where.given(f"(e.city = {{}} OR e.province = '{NATIONWIDE}')", flt.city)
    where.given(f"(e.district = {{}} OR e.province = '{NATIONWIDE}')", flt.district)
    to_province = _DESTINATION.qualified("destination_province")
    to_city = _DESTINATION.qualified("destination_city")
    anywhere = f"{to_province} IS NULL OR {to_province} = '{NATIONWIDE}'"
    where.given(f"({to_province} = {{}} OR {anywhere})", flt.destination_province)
    where.given(f"({to_city} = {{}} OR {anywhere})", flt.destination_city)
    if flt.category_codes:
        with_categories(where, flt.category_codes)
    where.any_of("e.urgency", flt.urgencies)
    where.any_of("e.status", flt.statuses)
    where.any_of("e.verification_status", flt.verification_statuses)
    where.given(
        "EXISTS (SELECT 1 FROM organization org WHERE org.id = e.organization_id "
        "AND org.kind = ANY({}))",
        [k.value for k in flt.organization_kinds],
    )
    if flt.organization_id is not None:
        where.add("e.organization_id = {}", flt.organization_id)
    if flt.updated_since is not None:
        where.add("e.updated_at >= {}", flt.updated_since)
    return where
