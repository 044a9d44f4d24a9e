"""What of a contact the public may see."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.enums import ContactVisibility
from hub.domain.model import Contact
from hub.domain.phones import national_digits


@dataclass(frozen=True)
class VisibleContact:
    """A contact as one reader may see it; `redacted` says that details were withheld."""

    name: str | None
    phone: str | None
    other_channel: str | None
    visibility: ContactVisibility
    redacted: bool
    phone_e164: str | None = None
    phone_extension: str | None = None


def mask_name(name: str | None) -> str | None:
    """Keep the first character only: 王小明 -> 王**, Alice -> A****."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits of a long number: 138****5678.

    Masking reads the national number (hub/domain/phones.py): "+86 199 1234 5678" is
    199****5678, never 861****5678, and an extension is dropped. Shorter numbers (service and
    local numbers) keep nothing: four digits of a seven-digit number would be most of it.
    """
    if not phone:
        return phone
    digits = national_digits(phone)
    if len(digits) < 10:
        return "*" * len(digits) if digits else None
    return digits[:3] + "****" + digits[-4:]


def visible_contact(contact: Contact, *, may_see_protected: bool) -> VisibleContact:
    """The contact as a reader sees it: protected details only for those allowed."""
    if contact.visibility is ContactVisibility.PUBLIC or may_see_protected:
        return VisibleContact(
            contact.name,
            contact.phone,
            contact.other_channel,
            contact.visibility,
            False,
            contact.phone_e164,
            contact.phone_extension,
        )
    return VisibleContact(
        mask_name(contact.name), mask_phone(contact.phone), None, contact.visibility, True
    )
