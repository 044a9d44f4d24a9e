"""Reading the entry forms (post and edit) into the API's inputs, and an entry back into a form.

The API validates; the one check made here is that numbers and times are ones GraphQL's Float,
Int and DateTime can even receive (otherwise the whole operation would fail with no field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any

from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, Kind
from hub.domain.kinds.spec import Disclosure, FieldSpec, Period, SourceRequired
from hub.domain.region import Region
from hub.web.i18n import (
    ENUM_LABELS,
    LANGUAGES,
    MESSAGES,
    enum_label_prefix,
    format_quantity,
    parse_time,
)

MAX_ITEMS_IN_FORM = 3
# The API's own caps (hub.domain.validation): a form never has more lines than these.
MAX_ITEMS = 50
MAX_CONTACTS = 10
# Times in the forms are China Standard Time (no daylight saving), and labelled so: a volunteer
# types the hours they see on the wall, whatever zone the browser or the server is in.
FORM_TIMEZONE = timezone(timedelta(hours=8))
INT32 = 2**31 - 1
# What a new form shows chosen before anyone types: needs are urgent, and what is offered is
# free unless the poster says otherwise (a choice sent empty falls back to these too).
FORM_DEFAULTS = {"urgency": "HIGH", "is_free": "1"}
# A place's parts as a form has them (a details field's place shows only the first two).
REGION_FORM = ("province", "city", "district")
Text = Callable[[str], str | None]


def field(form: Mapping[str, Any], name: str) -> str | None:
    """A form field, trimmed; None when empty."""
    value = str(form.get(name) or "").strip()
    return value or None


def number(value: str | None) -> float | str | None:
    """A quantity as a number; text that is not one is passed on for the API to refuse."""
    if value is None:
        return None
    try:
        parsed = float(value.replace(",", ""))
    except ValueError:
        return value
    return parsed if parsed == parsed and abs(parsed) != float("inf") else value


def local_time(value: str | None) -> str | None:
    """A time typed in the form (China Standard Time unless it says its zone), as ISO 8601;
    text that is not a time is passed on as it is (see `not_numbers`)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=FORM_TIMEZONE)
    return parsed.isoformat()


def form_time(value: str | None) -> str:
    """An API DateTime as a datetime-local input's value, in China Standard Time."""
    parsed = parse_time(value)
    return parsed.astimezone(FORM_TIMEZONE).strftime("%Y-%m-%dT%H:%M") if parsed else ""


def region(text: Text, prefix: str = "") -> dict[str, Any]:
    """A RegionInput from the province, city and district fields (`prefix` for a second one)."""
    return {
        "province": text(f"{prefix}province") or "",
        "city": text(f"{prefix}city"),
        "district": text(f"{prefix}district"),
    }


def entry_input(form: Mapping[str, Any], kind: Kind) -> dict[str, Any]:
    """The submit mutation's input for `kind` from the form's fields (the API validates it)."""
    text = partial(field, form)
    where = region(text)
    value: dict[str, Any] = {
        "address": text("address"),
        "contacts": _first_contact(form, text),
        "notes": text("notes"),
    }
    source = {"url": text("notice_url"), "note": text("source_note")}
    if source["note"] or source["url"] or _source_required(kind):
        value["source"] = source if source["url"] else {"note": source["note"]}
    if organization_required(kind) or text("organization_name"):
        value["organization"] = {
            "name": text("organization_name") or "",
            "kind": text("organization_kind") or kind.organization_kinds[0].value,
            "region": {"province": where["province"], "city": where["city"]},
        }
    else:
        # Donors, drivers and hosts may be people: no organization then, but a name.
        value["providerName"] = text("provider_name")
    if kind.has_items:
        value["items"] = items(text)
    value[kind.region_name] = where
    for spec in kind.fields:
        value[spec.public_name] = _read(form, text, spec)
    return value


def _first_contact(form: Mapping[str, Any], text: Text) -> list[dict[str, Any]]:
    contact = {
        "name": text("contact_name"),
        "phone": text("contact_phone"),
        "visibility": "PUBLIC" if form.get("contact_public") else "PROTECTED",
    }
    return [contact] if contact["phone"] or contact["name"] else []


def _source_required(kind: Kind) -> bool:
    return any(isinstance(check, SourceRequired) for check in kind.checks)


def organization_required(kind: Kind) -> bool:
    """Whether the post form asks for an organization rather than offering a person's name.

    Lodging is the exception the pages have always made: its form offers a host's name too,
    though the API then asks for an organization (hub.domain.validation says which kinds
    need one)."""
    return not kind.individuals_may_post and kind.kind is not EntryKind.LODGING


def _read(form: Mapping[str, Any], text: Text, spec: FieldSpec) -> Any:
    """One details field from the form, as the API's input takes it."""
    kind = spec.value_type
    if kind is bool:
        return bool(form.get(spec.name))
    if kind is Region:
        place = region(text, f"{spec.name}_")
        return place if place["province"] or not spec.optional else None
    if kind is datetime:
        return local_time(text(spec.name))
    if kind in (int, Decimal):
        return number(text(spec.name))
    if issubclass(kind, Enum):
        return text(spec.name) or FORM_DEFAULTS.get(spec.name) or enum_options(spec)[0]
    return text(spec.name) if spec.optional else text(spec.name) or ""


def enum_options(spec: FieldSpec) -> tuple[str, ...]:
    """An enum field's values in the order the forms offer them (that of their labels); none
    for a field of another type."""
    if not issubclass(spec.value_type, Enum):
        return ()
    keys = list(ENUM_LABELS)
    prefix = enum_label_prefix(spec.value_type)
    enum: type[Enum] = spec.value_type
    values = [str(member.value) for member in enum]
    return tuple(sorted(values, key=lambda v: keys.index(prefix + v) if prefix + v in keys
                        else len(keys)))  # fmt: skip


def editable_fields(kind: Kind) -> tuple[str, ...]:
    """What the edit form may change of `kind`, besides status, notes and contacts: the keys of
    `entry_input` its update input takes too."""
    found = [kind.region_name, "address"]
    if kind.has_items:
        found.append("items")
    if _source_required(kind):
        found.append("source")
    return (*found, *(spec.public_name for spec in kind.fields))


def changes_from_form(
    form: Mapping[str, Any], kind: Kind, current: Mapping[str, Any]
) -> dict[str, Any]:
    """What the edit form changes of an entry of `kind`: every field it shows, as it is now.

    A kind with a masked field (a donation channel's account number) is the exception: only
    what differs is sent, since any change of what reviewers vouched for sends it back to
    review, and a masked field only when typed (the form never shows it back)."""
    fields = entry_input(form, kind)
    if not masked_fields(kind):
        return {key: fields[key] for key in editable_fields(kind)}
    masked = {spec.public_name for spec in masked_fields(kind)}
    changes = {
        key: fields.get(key)
        for key in editable_fields(kind)
        if key not in masked and fields.get(key) != _as_sent(current, key)
    }
    changes.update({key: fields[key] for key in masked if fields[key]})
    return changes


def masked_fields(kind: Kind) -> tuple[FieldSpec, ...]:
    """The fields the public sees masked until verified (never shown back in a form)."""
    return tuple(spec for spec in kind.fields if spec.meta.disclosure is not Disclosure.PLAIN)


def _as_sent(current: Mapping[str, Any], key: str) -> Any:
    """The entry's value of `key` as the form would send it unchanged."""
    value = current.get(key)
    if key == "region":
        return {k: (value or {}).get(k) for k in ("province", "city", "district")}
    if key == "source":
        return {k: (value or {}).get(k) for k in ("url", "note")}
    return value


def items(text: Text) -> list[dict[str, Any]]:
    """The supply lines of a need or an offer (lines after the first without a name are left
    out); as many lines as the form had, up to the API's own cap."""
    found = []
    for n in range(MAX_ITEMS):
        name = text(f"item{n}_name")
        if name is None and n > 0:
            continue
        quantity = number(text(f"item{n}_quantity"))
        item: dict[str, Any] = {
            "name": name or "",
            "categoryCode": text(f"item{n}_category") or "",
            "unit": text(f"item{n}_unit") or "ITEM",
            "spec": text(f"item{n}_spec"),
        }
        if quantity is None:
            item["quantityUnknown"] = True
        else:
            item["quantity"] = quantity
        found.append(item)
    return found


def not_numbers(value: dict[str, Any], kind: Kind, t: Callable[..., str]) -> dict[str, str]:
    """The one check made here: numbers and times the API's Float, Int and DateTime cannot even
    receive, by the API's field name; whole numbers are made ints on the way."""
    found = {
        f"items.{n}.quantity": t("form.not_a_number")
        for n, item in enumerate(value.get("items") or [])
        if isinstance(item.get("quantity"), str)
    }
    # By type, then by field: the order the messages have always been listed in.
    by_type = sorted(kind.fields, key=lambda spec: _CHECK_ORDER.get(spec.value_type, 9))
    for spec in by_type:
        name = spec.public_name
        given = value.get(name)
        if spec.value_type is Decimal and isinstance(given, str):
            found[name] = t("form.not_a_number")
        elif spec.value_type is datetime and given is not None:
            if parse_time_or_none(given) is None:
                found[name] = t("form.not_a_time")
        elif spec.value_type is int and name in value:
            if given is None and not spec.optional:
                value[name] = given = 0  # the API says how many are needed
            if given is None:
                continue
            if isinstance(given, str) or not float(given).is_integer():
                found[name] = t("form.not_a_number")
            else:
                # Beyond GraphQL's 32-bit Int: still a number, so the API's range message fits.
                value[name] = max(-INT32, min(INT32, int(given)))
    return found


_CHECK_ORDER = {Decimal: 0, datetime: 1, int: 2}


def parse_time_or_none(value: str) -> datetime | None:
    """`value` as a datetime, or None when it is not one."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def prefill(entry: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """The edit form's fields as the entry has them now (protected contacts left empty: the
    API shows them to nobody in full, and the form says so; masked fields never shown back)."""
    where = entry.get("region") or {}
    source = entry.get("source") or {}
    form: dict[str, Any] = {
        "version": str(entry["version"]),
        "province": where.get("province") or "",
        "city": where.get("city") or "",
        "district": where.get("district") or "",
        "address": entry.get("address") or "",
        "notice_url": source.get("url") or "",
        "source_note": source.get("note") or "",
    }
    masked = masked_fields(kind)
    for spec in kind.fields:
        if spec not in masked:
            form.update(_shown(spec, entry.get(spec.public_name)))
    for n, item in enumerate(entry.get("items") or []):
        quantity = None if item["quantityUnknown"] else item["quantity"]
        form.update(
            {
                f"item{n}_name": item["name"],
                f"item{n}_category": item["categoryCode"],
                f"item{n}_quantity": "" if quantity is None else format_quantity(quantity),
                f"item{n}_unit": item["unit"],
                f"item{n}_spec": item["spec"] or "",
            }
        )
    contacts = entry.get("contacts") or []
    for n, line in enumerate(_contact_lines_of(contacts)):
        form.update({f"contact{n}_{key}": value for key, value in line.items()})
    form["contact_rows"] = str(contact_rows(len(contacts)))
    return form


def _shown(spec: FieldSpec, value: Any) -> dict[str, str]:
    """A details field's form inputs as the API's value fills them."""
    if spec.value_type is Region:
        return {f"{spec.name}_{part}": (value or {}).get(part) or "" for part in REGION_FORM}
    if spec.value_type is bool:
        return {spec.name: "1" if value else ""}
    if spec.value_type is datetime:
        return {spec.name: form_time(value)}
    if spec.value_type in (int, Decimal):
        return {spec.name: "" if value is None else format_quantity(value)}
    return {spec.name: value or ""}


CONTACT_KEYS = ("name", "phone", "other", "visibility", "remove")
BLANK_CONTACT = {"name": "", "phone": "", "other": "", "visibility": "PROTECTED", "remove": ""}


def contact_rows(existing: int, asked: object = None) -> int:
    """How many contact lines the form shows: the entry's, one empty, or as many as asked."""
    try:
        wanted = int(str(asked))
    except ValueError:
        wanted = 0
    return max(existing + 1, min(wanted, MAX_CONTACTS), 1)


def _contact_lines_of(contacts: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The entry's contacts as form lines; a protected one is an empty line (see prefill)."""
    return [
        BLANK_CONTACT
        if c["redacted"]
        else {
            "name": c.get("name") or "",
            "phone": c.get("phone") or "",
            "other": c.get("otherChannel") or "",
            "visibility": c["visibility"],
            "remove": "",
        }
        for c in contacts
    ]


def _submitted_line(form: Mapping[str, Any], n: int) -> dict[str, str]:
    line = {key: str(form.get(f"contact{n}_{key}") or "").strip() for key in CONTACT_KEYS}
    line["visibility"] = "PUBLIC" if line["visibility"] == "PUBLIC" else "PROTECTED"
    line["remove"] = "1" if line["remove"] else ""
    return line


def contacts_change(
    form: Mapping[str, Any], current: list[dict[str, Any]], t: Callable[..., str]
) -> tuple[list[dict[str, Any]] | None, dict[str, str], dict[int, int]]:
    """The contacts to send, or None when the form leaves them as they are; errors by field;
    and which form line each contact sent came from (the API names contacts by position).

    The API replaces all of an entry's contacts at once and shows protected ones to nobody in
    full: a protected line left empty is sent by its id alone, which keeps it as it is.
    """
    before = _contact_lines_of(current)
    rows = contact_rows(len(current), form.get("contact_rows"))
    lines = [_submitted_line(form, n) for n in range(rows)]
    if all(line == (before[n] if n < len(before) else BLANK_CONTACT) for n, line in
           enumerate(lines)):  # fmt: skip
        return None, {}, {}
    sent: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    origin: dict[int, int] = {}
    for n, line in enumerate(lines):
        empty = not (line["name"] or line["phone"] or line["other"])
        if line["remove"]:
            continue
        if empty:
            if n < len(current) and current[n]["redacted"]:
                if not current[n].get("id"):
                    # Without its id it cannot be kept: never drop it silently.
                    errors[f"contacts.{n}.phone"] = t("edit.contact_retype")
                    continue
                origin[len(sent)] = n
                sent.append({"id": current[n]["id"]})
            continue
        origin[len(sent)] = n
        sent.append(
            {
                "name": line["name"] or None,
                "phone": line["phone"] or None,
                "otherChannel": line["other"] or None,
                "visibility": line["visibility"],
            }
        )
    return sent, errors, origin


def renumbered(errors: dict[str, str], lines: str, origin: dict[int, int]) -> dict[str, str]:
    """userError fields `<lines>.<i>.…` of the lines sent (contacts, a pledge's items), renamed
    to the form's lines they came from (the API names them by position in what was sent)."""
    renamed: dict[str, str] = {}
    for name, message in errors.items():
        parts = name.split(".")
        if len(parts) > 1 and parts[0] == lines and parts[1].isdigit():
            parts[1] = str(origin.get(int(parts[1]), parts[1]))
        renamed.setdefault(".".join(parts), message)
    return renamed


@dataclass(frozen=True)
class FormField:
    """A details field as the post and edit forms show it: its input comes from its type."""

    spec: FieldSpec

    @property
    def name(self) -> str:
        """The form input's name (for a place, the stem of its parts' names)."""
        return self.spec.name

    @property
    def api(self) -> str:
        """The API's name of the field: its userErrors' field, and the input's id."""
        return self.spec.public_name

    @property
    def widget(self) -> str:
        """checkbox, number, datetime-local, region, select or text."""
        kind = self.spec.value_type
        if kind is bool:
            return "checkbox"
        if kind in (int, Decimal):
            return "number"
        if kind is datetime:
            return "datetime-local"
        if kind is Region:
            return "region"
        return "select" if issubclass(kind, Enum) else "text"

    @property
    def step(self) -> str | None:
        """A decimal takes any step; a whole number the browser's own."""
        return "any" if self.spec.value_type is Decimal else None

    @property
    def masked(self) -> bool:
        """Whether the form never shows the value back (see masked_fields)."""
        return self.spec.meta.disclosure is not Disclosure.PLAIN

    def required(self, editing: bool = False) -> bool:
        """Whether the input must be filled in (a masked one only when posting)."""
        return not self.spec.has_input_default and not (editing and self.masked)

    @property
    def options(self) -> tuple[str, ...]:
        """An enum field's values, in the order the forms offer them."""
        return enum_options(self.spec)

    def option_key(self, value: str) -> str:
        """The key of an enum value's label (hub.web.i18n.ENUM_LABELS)."""
        return enum_label_prefix(self.spec.value_type) + value

    def label(self, language: str, editing: bool = False) -> str:
        """The field's label: the form's own words where it has some (`form.<name>`), else
        the kind's label; a masked field being edited asks for a new value."""
        index = LANGUAGES.index(language)
        own = MESSAGES.get(f"form.{self.name}")
        label = own[index] if own else self.spec.label[index]
        if editing and self.masked:
            text = MESSAGES["form.masked_new"][index]
            return text.format(label=label if index == 0 else label[:1].lower() + label[1:])
        return label

    def part_label(self, part: str, language: str) -> str:
        """The label of one part of a place (`form.<name>_<part>`)."""
        return MESSAGES[f"form.{self.name}_{part}"][LANGUAGES.index(language)]


@dataclass(frozen=True)
class KindForm:
    """How the forms lay out a kind's details: its own fields first (in a fieldset when the
    pages have a legend for it, `kind.details_<slug>`), then those it shares with other kinds,
    then the period it is available in."""

    kind: Kind

    @property
    def legend(self) -> str | None:
        """The message key of the own fields' fieldset, if they have one."""
        key = f"kind.details_{self.kind.slug}"
        return key if key in MESSAGES else None

    @property
    def own(self) -> tuple[FormField, ...]:
        """The fields no other kind has."""
        return tuple(
            FormField(s) for s in self.kind.fields if not _shared(s) and not _timed(self.kind, s)
        )

    @property
    def shared(self) -> tuple[FormField, ...]:
        """The fields other kinds have too (is it free, its price), outside its period."""
        return tuple(
            FormField(s) for s in self.kind.fields if _shared(s) and not _timed(self.kind, s)
        )

    @property
    def period(self) -> tuple[FormField, ...]:
        """The fields of the period it is available in (a fieldset of their own)."""
        return tuple(FormField(s) for s in self.kind.fields if _timed(self.kind, s))

    @property
    def asks_source(self) -> bool:
        """Whether the details end with the source's link (what reviewers check against)."""
        return _source_required(self.kind)

    @property
    def organization_required(self) -> bool:
        """See organization_required."""
        return organization_required(self.kind)


def _shared(spec: FieldSpec) -> bool:
    return sum(k.has_field(spec.name) for k in KINDS) > 1


def _timed(kind: Kind, spec: FieldSpec) -> bool:
    return any(
        isinstance(check, Period) and spec.name in (check.start, check.until)
        for check in kind.checks
    )
