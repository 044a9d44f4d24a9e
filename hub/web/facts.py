"""A kind's details as the pages show them: each field's label and its value in words, made
from the kind's declaration (hub/domain/kinds) rather than spelt out per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from hub.domain.enums import EntryKind
from hub.domain.kinds import kind_of
from hub.domain.kinds.spec import Disclosure, FieldSpec
from hub.domain.region import Region
from hub.web.i18n import (
    LANGUAGES,
    enum_label_prefix,
    format_quantity,
    labels,
    local_time,
    translator,
)


@dataclass(frozen=True)
class Fact:
    """One field of an entry, shown: its label, its value in words, and whether the value is
    masked until verified (shown as code, with a hint when it is)."""

    label: str
    text: str
    masked: bool


def shown(spec: FieldSpec, value: Any, language: str) -> str:
    """A field's value (as the API gives it) in words: yes/no, an enum's label, a place's
    parts, a time in China Standard Time, a quantity without a needless ".0"; "not stated"
    (未说明) for a value the source left unstated, rather than nothing or a guess."""
    if value is None:
        return translator(language)("value.not_stated") if spec.may_be_unstated else ""
    kind = spec.value_type
    if kind is bool:
        return translator(language)("value.yes" if value else "value.no")
    if kind is Region:
        return " ".join(value.get(part) or "" for part in ("province", "city", "district")).strip()
    if kind is datetime:
        return local_time(value)
    if kind in (int, Decimal):
        return format_quantity(value)
    if spec.is_choice:
        key = enum_label_prefix(kind) + str(value)
        return labels(language).get(key, str(value))
    return str(value)


def _fact(spec: FieldSpec, entry: Mapping[str, Any], language: str) -> Fact:
    return Fact(
        spec.label[LANGUAGES.index(language)],
        shown(spec, entry.get(spec.public_name), language),
        spec.meta.disclosure is not Disclosure.PLAIN,
    )


def _has_fact(spec: FieldSpec, entry: Mapping[str, Any]) -> bool:
    # An optional field without a value has nothing to say, unless null means "not stated".
    return entry.get(spec.public_name) is not None or not spec.optional or spec.may_be_unstated


def facts(entry: Mapping[str, Any], language: str) -> list[Fact]:
    """The entry's details, label and value; an optional field without a value is left out,
    but for one the source left unstated, shown as such."""
    kind = kind_of(EntryKind(entry["kind"]))
    return [_fact(spec, entry, language) for spec in kind.fields if _has_fact(spec, entry)]


def choices(entry: Mapping[str, Any], language: str) -> str:
    """What kind of a thing the entry is, in words: the labels of its choice fields (a
    carrier's vehicle), joined."""
    kind = kind_of(EntryKind(entry["kind"]))
    return " · ".join(
        _labelled_if_unstated(spec, entry, language) for spec in kind.fields if spec.is_choice
    )


def _labelled_if_unstated(spec: FieldSpec, entry: Mapping[str, Any], language: str) -> str:
    # Alone, "not stated" says nothing: "vehicle: not stated" does.
    text = shown(spec, entry.get(spec.public_name), language)
    if entry.get(spec.public_name) is None and spec.may_be_unstated:
        label = spec.label[LANGUAGES.index(language)]
        return translator(language)("value.label_not_stated", label=label)
    return text


def row_facts(entry: Mapping[str, Any], language: str) -> list[Fact]:
    """What a list row shows of the entry's details (its kind's row_fields), or nothing when
    the first of them has no value (and is not merely unstated: a hotel that gives no room
    count shows "rooms available: not stated", never 0)."""
    kind = kind_of(EntryKind(entry["kind"]))
    specs = [kind.field(name) for name in kind.row_fields]
    if not specs or not (entry.get(specs[0].public_name) or specs[0].may_be_unstated):
        return []
    return [
        Fact(
            spec.label[LANGUAGES.index(language)],
            _labelled_if_unstated(spec, entry, language),
            False,
        )
        for spec in specs
    ]
