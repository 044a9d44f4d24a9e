"""Reading the entry forms (post and edit) into the API's inputs, and an entry back into a form.

The API validates; the one check made here is that numbers and times are ones GraphQL's Float,
Int and DateTime can even receive (otherwise the whole operation would fail with no field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from starlette.datastructures import FormData

from hub.web.i18n import format_quantity, parse_time

MAX_ITEMS_IN_FORM = 3
# The API's own caps (hub.domain.validation): a form never has more lines than these.
MAX_ITEMS = 50
MAX_CONTACTS = 10
# Times in the forms are China Standard Time (no daylight saving), and labelled so: a volunteer
# types the hours they see on the wall, whatever zone the browser or the server is in.
FORM_TIMEZONE = timezone(timedelta(hours=8))
INT32 = 2**31 - 1
ORGANIZATION_KINDS = {
    "needs": ("HOSPITAL", "CLINIC", "COMMUNITY", "GOVERNMENT", "CHARITY", "OTHER"),
    "offers": ("FACTORY", "CHARITY", "COMMUNITY", "LOGISTICS", "OTHER"),
    "logistics": ("LOGISTICS", "COMMUNITY", "CHARITY", "OTHER"),
    "lodging": ("HOTEL", "COMMUNITY", "CHARITY", "OTHER"),
}
# The form's name of each kind of entry (its URL), by the API's EntryKind.
KIND_LISTS = {"NEED": "needs", "OFFER": "offers", "LOGISTICS_OFFER": "logistics",
              "LODGING": "lodging", "DONATION_CHANNEL": "donation-channels"}  # fmt: skip
# What the edit form may change of each kind, besides status, notes and contacts: the keys of
# `entry_input` the update<Type> input takes too.
EDITABLE_FIELDS = {
    "needs": ("region", "address", "urgency", "items"),
    "offers": ("region", "address", "items", "canDeliver", "isFree", "leadTimeDays", "priceNote"),
    "logistics": ("origin", "address", "destination", "vehicleType", "capacityKg", "capacityM3",
                  "coldChain", "isFree", "availableFrom", "availableUntil"),
    "lodging": ("region", "address", "roomsAvailable", "eligibility", "isFree", "priceNote",
                "availableFrom", "availableUntil"),
}  # fmt: skip
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


def entry_input(form: FormData, kind: str) -> dict[str, Any]:
    """The submit mutation's input for `kind` from the form's fields (the API validates it)."""
    text = partial(field, form)
    where = region(text)
    contact = {
        "name": text("contact_name"),
        "phone": text("contact_phone"),
        "visibility": "PUBLIC" if form.get("contact_public") else "PROTECTED",
    }
    value: dict[str, Any] = {
        "address": text("address"),
        "contacts": [contact] if contact["phone"] or contact["name"] else [],
        "notes": text("notes"),
    }
    if text("source_note"):
        value["source"] = {"note": text("source_note")}
    if kind == "needs" or text("organization_name"):
        value["organization"] = {
            "name": text("organization_name") or "",
            "kind": text("organization_kind") or ORGANIZATION_KINDS[kind][0],
            "region": {"province": where["province"], "city": where["city"]},
        }
    else:
        # Donors, drivers and hosts may be people: no organization then, but a name.
        value["providerName"] = text("provider_name")
    if kind in ("needs", "offers"):
        value["items"] = items(text)
    if kind == "needs":
        value["urgency"] = text("urgency") or "HIGH"
    else:
        value["isFree"] = bool(form.get("is_free"))
    if kind == "offers":
        value["canDeliver"] = bool(form.get("can_deliver"))
        value["leadTimeDays"] = number(text("lead_time_days"))
    if kind in ("offers", "lodging"):
        value["priceNote"] = text("price_note")
    if kind in ("logistics", "lodging"):
        value["availableFrom"] = local_time(text("available_from"))
        value["availableUntil"] = local_time(text("available_until"))
    if kind == "logistics":
        value["origin"] = where
        destination = region(text, "destination_")
        value["destination"] = destination if destination["province"] else None
        value["vehicleType"] = text("vehicle_type") or "VAN"
        value["capacityKg"] = number(text("capacity_kg"))
        value["capacityM3"] = number(text("capacity_m3"))
        value["coldChain"] = bool(form.get("cold_chain"))
    else:
        value["region"] = where
    if kind == "lodging":
        value["roomsAvailable"] = number(text("rooms_available"))
        value["eligibility"] = text("eligibility") or ""
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


def not_numbers(value: dict[str, Any], t: Callable[..., str]) -> dict[str, str]:
    """The one check made here: numbers and times the API's Float, Int and DateTime cannot even
    receive, by the API's field name; whole numbers are made ints on the way."""
    found = {
        f"items.{n}.quantity": t("form.not_a_number")
        for n, item in enumerate(value.get("items") or [])
        if isinstance(item.get("quantity"), str)
    }
    for name in ("capacityKg", "capacityM3"):
        if isinstance(value.get(name), str):
            found[name] = t("form.not_a_number")
    for name in ("availableFrom", "availableUntil"):
        if value.get(name) is not None and parse_time_or_none(value[name]) is None:
            found[name] = t("form.not_a_time")
    if "roomsAvailable" in value and value["roomsAvailable"] is None:
        value["roomsAvailable"] = 0  # the API says how many are needed
    for name in ("roomsAvailable", "leadTimeDays"):
        whole = value.get(name)
        if whole is None:
            continue
        if isinstance(whole, str) or not float(whole).is_integer():
            found[name] = t("form.not_a_number")
        else:
            # Beyond GraphQL's 32-bit Int: still a number, so the API's range message fits.
            value[name] = max(-INT32, min(INT32, int(whole)))
    return found


def parse_time_or_none(value: str) -> datetime | None:
    """`value` as a datetime, or None when it is not one."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def prefill(entry: dict[str, Any]) -> dict[str, Any]:
    """The edit form's fields as the entry has them now (protected contacts left empty: the
    API shows them to nobody in full, and the form says so)."""
    where = entry.get("region") or {}
    destination = entry.get("destination") or {}
    form: dict[str, Any] = {
        "version": str(entry["version"]),
        "province": where.get("province") or "",
        "city": where.get("city") or "",
        "district": where.get("district") or "",
        "address": entry.get("address") or "",
        "destination_province": destination.get("province") or "",
        "destination_city": destination.get("city") or "",
        "destination_district": destination.get("district") or "",
        "vehicle_type": entry.get("vehicleType") or "",
        "eligibility": entry.get("eligibility") or "",
        "price_note": entry.get("priceNote") or "",
        "available_from": form_time(entry.get("availableFrom")),
        "available_until": form_time(entry.get("availableUntil")),
    }
    numbers = (("capacity_kg", "capacityKg"), ("capacity_m3", "capacityM3"),
               ("rooms_available", "roomsAvailable"),
               ("lead_time_days", "leadTimeDays"))  # fmt: skip
    for name, key in numbers:
        form[name] = "" if entry.get(key) is None else format_quantity(entry[key])
    for name, key in (("is_free", "isFree"), ("can_deliver", "canDeliver"),
                      ("cold_chain", "coldChain")):  # fmt: skip
        form[name] = "1" if entry.get(key) else ""
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


def contact_error_fields(errors: dict[str, str], origin: dict[int, int]) -> dict[str, str]:
    """userError fields `contacts.<i>.…` of the contacts sent, renamed to their form lines."""
    renamed: dict[str, str] = {}
    for name, message in errors.items():
        parts = name.split(".")
        if len(parts) > 2 and parts[0] == "contacts" and parts[1].isdigit():
            parts[1] = str(origin.get(int(parts[1]), parts[1]))
        renamed.setdefault(".".join(parts), message)
    return renamed
