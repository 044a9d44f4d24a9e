"""Warnings: what the hub changed or could not read in what was submitted, without refusing it.

A warning is the counterpart of a user error (hub/domain/errors.py) for input that was stored:
the same field path, a stable code and a message in Chinese and English.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from hub.domain.messages import localized


class WarningCode(Enum):
    """Stable codes of warnings; the message changes with the language, the code never."""

    # Text in a phone field that is no number the hub can read: kept in otherChannel.
    PHONE_KEPT_AS_WRITTEN = "PHONE_KEPT_AS_WRITTEN"
    # One contact as sent held several numbers (or people): stored as several contacts.
    CONTACT_SPLIT = "CONTACT_SPLIT"
    # A 7- or 8-digit number without its area code: callers elsewhere cannot dial it.
    LOCAL_NUMBER = "LOCAL_NUMBER"
    # A city or district not on the division list under its parent: kept as written (the list
    # lags county-level changes).
    REGION_NOT_LISTED = "REGION_NOT_LISTED"


_MESSAGES: dict[WarningCode, tuple[str, str]] = {
    WarningCode.PHONE_KEPT_AS_WRITTEN: (
        "无法识别为电话号码，已原样保存在“其他联系方式”中，请核对。",
        "Not readable as a phone number; kept as written under otherChannel: please check it.",
    ),
    WarningCode.CONTACT_SPLIT: (
        "一个联系人中有 {count} 个号码，已分为 {count} 个联系人。",
        "The contact held {count} numbers; stored as {count} contacts.",
    ),
    WarningCode.LOCAL_NUMBER: (
        "号码没有区号，外地来电无法拨通；请补上区号（如 027-）。",
        "The number has no area code, so callers elsewhere cannot dial it; add it (e.g. 027-).",
    ),
    WarningCode.REGION_NOT_LISTED: (
        "“{name}”不在{parent}的行政区划列表中，已按原样保存。最接近的有：{suggestions}。",
        "'{name}' is not on the division list under {parent}; kept as written. "
        "Closest: {suggestions}.",
    ),
}


@dataclass(frozen=True)
class InputWarning:
    """One note about one input field (`field` is its camelCase path, e.g. contacts.0.phone)."""

    field: str
    code: WarningCode
    params: dict[str, str | int] = dataclasses.field(default_factory=dict)


def warning_message(warning: InputWarning, language: str) -> str:
    """The warning's message in `language` ("zh" or "en")."""
    return localized(_MESSAGES[warning.code], language, warning.params)


def nested(warnings: list[InputWarning], prefix: str) -> list[InputWarning]:
    """`warnings` with their field paths under `prefix` (organization.contacts.0.phone)."""
    return [dataclasses.replace(w, field=f"{prefix}.{w.field}") for w in warnings]
