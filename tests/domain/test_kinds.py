"""The kind registry is complete: every kind of entry is declared once, fully, and the database
and the published API have what each declaration names.

These checks replace tests that kept hand-written copies of the kinds equal: with one
declaration per kind, what is left to check is that the declaration and the world agree.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, build_schema

from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, Kind, kind_by_slug, kind_by_type_name, kind_of
from hub.domain.kinds.spec import FieldMeta

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "schema" / "migrations"
SDL = ROOT / "schema" / "hub.graphql"
# The columns every kind keeps on `entry`: a kind without a table of its own stores its details
# there too (a need's urgency).
ENTRY_TABLE = "entry"
_CONSTRAINTS = {"check", "constraint", "primary", "unique", "foreign", "exclude", "like"}


def _kind_id(kind: Kind) -> str:
    return kind.type_name


def _without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _parenthesised(sql: str, start: int) -> str:
    """The text inside the parenthesis opening at `start`."""
    depth = 0
    for at in range(start, len(sql)):
        if sql[at] == "(":
            depth += 1
        elif sql[at] == ")":
            depth -= 1
            if depth == 0:
                return sql[start + 1 : at]
    raise ValueError("unbalanced parentheses")


def _top_level_parts(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in body:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


@cache
def _tables() -> dict[str, set[str]]:
    """Every table's columns once the migrations have all run, read from their SQL text."""
    tables: dict[str, set[str]] = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        sql = _without_comments(path.read_text(encoding="utf-8"))
        for found in re.finditer(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)\s*\(", sql, re.I):
            columns = tables.setdefault(found.group(1), set())
            for part in _top_level_parts(_parenthesised(sql, found.end() - 1)):
                word = part.split()[0].strip('"')
                if word.lower() not in _CONSTRAINTS:
                    columns.add(word)
        for statement in re.finditer(r"ALTER TABLE (?:ONLY )?(\w+)\s+([^;]*);", sql, re.I):
            columns = tables.setdefault(statement.group(1), set())
            for action in _top_level_parts(statement.group(2)):
                added = re.match(r"ADD COLUMN (?:IF NOT EXISTS )?(\w+)", action, re.I)
                dropped = re.match(r"DROP COLUMN (?:IF EXISTS )?(\w+)", action, re.I)
                renamed = re.match(r"RENAME COLUMN (\w+) TO (\w+)", action, re.I)
                if added:
                    columns.add(added.group(1))
                elif dropped:
                    columns.discard(dropped.group(1))
                elif renamed:
                    columns.discard(renamed.group(1))
                    columns.add(renamed.group(2))
    return tables


@cache
def _api() -> GraphQLSchema:
    return build_schema(SDL.read_text(encoding="utf-8"))


def _object_type(name: str) -> GraphQLObjectType:
    found = _api().type_map.get(name)
    assert isinstance(found, GraphQLObjectType), f"no object type {name} in {SDL.name}"
    return found


def test_every_entry_kind_has_exactly_one_declaration() -> None:
    declared = Counter(kind.kind for kind in KINDS)
    assert declared == Counter(EntryKind)
    assert all(kind_of(kind.kind) is kind for kind in KINDS)


@pytest.mark.parametrize(
    "name",
    ["type_name", "slug", "list_field", "snake_name", "payload_field", "details", "table"],
)
def test_names_are_unique(name: str) -> None:
    values = [getattr(kind, name) for kind in KINDS]
    if name == "table":
        values = [v for v in values if v is not None]
    assert len(values) == len(set(values)), values


def test_lookups_find_every_kind() -> None:
    for kind in KINDS:
        assert kind_by_slug(kind.slug) is kind
        assert kind_by_type_name(kind.type_name) is kind


@pytest.mark.parametrize("kind", KINDS, ids=_kind_id)
def test_every_details_field_is_declared_with_detail(kind: Kind) -> None:
    fields = dataclasses.fields(kind.details)
    undeclared = [
        f.name for f in fields if not isinstance(f.metadata.get("hub.kind.field"), FieldMeta)
    ]
    assert undeclared == []
    assert [spec.name for spec in kind.fields] == [f.name for f in fields]


@pytest.mark.parametrize("kind", KINDS, ids=_kind_id)
def test_every_field_has_labels_and_an_hxl_tag(kind: Kind) -> None:
    for spec in kind.fields:
        zh, en = spec.label
        assert zh.strip() and en.strip(), spec.name
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{spec.name}: {zh!r} is not Chinese"
        # A region's tag is an attribute its three #adm columns add (+dest); others a hashtag.
        pattern = r"\+[a-z][a-z0-9_]*" if spec.is_region else r"#[a-z][a-z0-9_]*(\+[a-z0-9_]+)*"
        assert re.fullmatch(pattern, spec.meta.hxl), f"{spec.name}: {spec.meta.hxl!r}"


@pytest.mark.parametrize("kind", KINDS, ids=_kind_id)
def test_the_kind_and_its_labels_are_named_in_both_languages(kind: Kind) -> None:
    zh, en = kind.noun
    assert zh.strip() and en.strip()
    assert kind.description and kind.submit_description and kind.update_description


@pytest.mark.parametrize("kind", KINDS, ids=_kind_id)
def test_every_column_exists_in_the_migrations(kind: Kind) -> None:
    table = kind.table or ENTRY_TABLE
    columns = _tables().get(table)
    assert columns is not None, f"no CREATE TABLE {table} in {MIGRATIONS}"
    if kind.table is not None:
        assert "entry_id" in columns
    missing = [c for spec in kind.fields for c in spec.columns if c not in columns]
    assert missing == []


def test_the_migration_reader_reads_tables_and_later_changes() -> None:
    entry = _tables()[ENTRY_TABLE]
    assert {"id", "kind", "province", "urgency", "merged_into", "priority_base"} <= entry
    assert "check" not in {c.lower() for c in entry}


@pytest.mark.parametrize("kind", KINDS, ids=_kind_id)
def test_every_kind_has_its_type_and_list_in_the_api(kind: Kind) -> None:
    type_ = _object_type(kind.type_name)
    assert kind.list_field in _object_type("Query").fields
    missing = [spec.public_name for spec in kind.fields if spec.public_name not in type_.fields]
    assert missing == []
