"""The contact lines of the edit form: the entry's contacts as lines, what the form changes of
them, and the API's errors about them put back on the lines they came from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# The API's own cap (hub.domain.validation): a form never has more lines than this.
MAX_CONTACTS = 10


CONTACT_KEYS = ("name", "phone", "other", "visibility", "remove")


BLANK_CONTACT = {"name": "", "phone": "", "other": "", "visibility": "PROTECTED", "remove": ""}


def contact_rows(existing: int, asked: object = None) -> int:
    """How many contact lines the form shows: the entry's, one empty, or as many as asked."""
    try:
        wanted = int(str(asked))
    except ValueError:
        wanted = 0
    return max(existing + 1, min(wanted, MAX_CONTACTS), 1)


def contact_lines_of(contacts: list[dict[str, Any]]) -> list[dict[str, str]]:
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
    before = contact_lines_of(current)
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
