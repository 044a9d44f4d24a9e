"""Reading the entry forms (post and edit) into the API's inputs, and an entry back into a form.

The API validates; the one check made here is that numbers and times are ones GraphQL's Float,
Int and DateTime can even receive (otherwise the whole operation would fail with no field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any

from hub.domain.enums import MissingDetail
from hub.domain.kinds import Kind
from hub.domain.kinds.spec import FieldSpec
from hub.domain.region import Region
from hub.web.contact_forms import contact_lines_of, contact_rows
from hub.web.form_layout import (
    NO,
    NOT_STATED,
    YES,
    enum_options,
    is_tristate,
    masked_fields,
    organization_required,
    source_required,
)
from hub.web.i18n import (
    format_quantity,
    parse_time,
)

MAX_ITEMS_IN_FORM = 3
# The API's own cap (hub.domain.validation): a form never has more lines than this.
MAX_ITEMS = 50
# Times in the forms are China Standard Time (no daylight saving), and labelled so: a volunteer
# types the hours they see on the wall, whatever zone the browser or the server is in.
FORM_TIMEZONE = timezone(timedelta(hours=8))
INT32 = 2**31 - 1
# What a new form shows chosen before anyone types: nothing. A need's urgency, whether what
# is offered is free and the like start at "not stated" (form_layout.NOT_STATED), so that a
# poster who does not know is not made to guess.
FORM_DEFAULTS: dict[str, str] = {}
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
    if source["note"] or source["url"] or source_required(kind):
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
        if MissingDetail.ITEMS in kind.completed_by_reviewers:
            # A need may be posted without a list (a reviewer asks for it): a line left
            # blank is no item, not an item without a name.
            value["items"] = [i for i in value["items"] if i["name"] or "quantity" in i]
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


def _read(form: Mapping[str, Any], text: Text, spec: FieldSpec) -> Any:
    """One details field from the form, as the API's input takes it."""
    kind = spec.value_type
    if is_tristate(spec):
        chosen = text(spec.name)
        return None if chosen is None else chosen == YES
    if kind is bool:
        return bool(form.get(spec.name))
    if kind is Region:
        place = region(text, f"{spec.name}_")
        return place if place["province"] or not spec.optional else None
    if kind is datetime:
        return local_time(text(spec.name))
    if kind in (int, Decimal):
        return number(text(spec.name))
    if spec.is_choice:
        if spec.may_be_unstated:
            return text(spec.name)
        return text(spec.name) or FORM_DEFAULTS.get(spec.name) or enum_options(spec)[0]
    return text(spec.name) if spec.optional else text(spec.name) or ""


def editable_fields(kind: Kind) -> tuple[str, ...]:
    """What the edit form may change of `kind`, besides status, notes and contacts: the keys of
    `entry_input` its update input takes too."""
    found = [kind.region_name, "address"]
    if kind.has_items:
        found.append("items")
    if source_required(kind):
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
    for n, line in enumerate(contact_lines_of(contacts)):
        form.update({f"contact{n}_{key}": value for key, value in line.items()})
    form["contact_rows"] = str(contact_rows(len(contacts)))
    return form


def _shown(spec: FieldSpec, value: Any) -> dict[str, str]:
    """A details field's form inputs as the API's value fills them."""
    if spec.value_type is Region:
        return {f"{spec.name}_{part}": (value or {}).get(part) or "" for part in REGION_FORM}
    if is_tristate(spec):
        return {spec.name: NOT_STATED if value is None else YES if value else NO}
    if spec.value_type is bool:
        return {spec.name: "1" if value else ""}
    if spec.value_type is datetime:
        return {spec.name: form_time(value)}
    if spec.value_type in (int, Decimal):
        return {spec.name: "" if value is None else format_quantity(value)}
    return {spec.name: value or ""}
