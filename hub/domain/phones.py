"""One phone number as people in China write it, read into a display form and E.164.

`phonenumbers` (Google's libphonenumber metadata) knows mobiles, landlines and foreign numbers;
what it does not know, or knows as "possible" only, is ruled here: public service short codes
(110, 120, 12345, 12320), company service numbers (95xxx, 96xxx), 8-digit national hotlines
(10103636), 400/800 numbers, and local numbers written without their area code. None of those
can be dialled from abroad, so they have no E.164 form: they are kept in their national form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

import phonenumbers


class PhoneKind(Enum):
    """What sort of number it is, as far as its digits tell."""

    MOBILE = "MOBILE"
    LANDLINE = "LANDLINE"
    # 400/800 numbers: national only.
    HOTLINE = "HOTLINE"
    # 110, 120, 12345, 95588, 10103636...: national only.
    SERVICE = "SERVICE"
    # 7 or 8 digits without an area code: valid where they are, not elsewhere.
    LOCAL = "LOCAL"
    INTERNATIONAL = "INTERNATIONAL"


@dataclass(frozen=True)
class Phone:
    """A number read: `display` its clean form (national for Chinese numbers, with the
    extension), `e164` None for numbers that cannot be dialled from abroad, `national` the
    digits of the number without country code or extension (what masking shows part of)."""

    display: str
    e164: str | None
    extension: str | None
    kind: PhoneKind
    national: str


# Every dash people type between digits: em and en dashes, the full-width hyphen-minus
# (NFKC maps it already), the minus sign, the small hyphen.
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―－﹣−"), "-")


def normalised_text(raw: str) -> str:
    """`raw` with full-width digits, letters and brackets as ASCII and every dash as '-'."""
    return unicodedata.normalize("NFKC", raw).translate(_DASHES)


_EXTENSION = re.compile(r"\s*(?:转|轉|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
# "027-85726114-8001": a dash after a complete landline is an extension (the middle part has
# the 7 or 8 digits of a local number, so no grouping of the number itself looks like it).
_DASHED_EXTENSION = re.compile(r"^(0\d{2,3}-\d{7,8})-(\d{1,6})$")
_CHINA_PREFIX = re.compile(r"^(?:\(\s*\+?\s*86\s*\)|\+\s*86|0086|86(?=[\s-]))[\s-]*")
_FOREIGN_PREFIX = re.compile(r"^(?:\+\s*|00)(?!86)\d")
_SHAPE = re.compile(r"[\d\s\-+()]+")
_NON_DIGIT = re.compile(r"\D")

_SERVICE = (
    re.compile(r"1[0-2]\d"),  # 110, 119, 120, 122
    re.compile(r"1[0-2]\d{3}"),  # 12345, 12320, 10086, 11185
    re.compile(r"9[56]\d{3,4}"),  # 95588, 955xx, 96xxx
    re.compile(r"9[56]\d{6}"),  # 95105xxx, 9633xxxx: 8-digit service hotlines
    re.compile(r"10[01]\d{5}"),  # 10103636, 10016666: 8-digit national hotlines
)
_HOTLINE = re.compile(r"[48]00\d{7}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")


def _grouped(digits: str) -> str:
    # 8 digits as 4+4, 7 as 3+4: how Chinese numbers are read aloud.
    return f"{digits[:-4]} {digits[-4:]}" if len(digits) > 5 else digits


def _with_extension(display: str, extension: str | None) -> str:
    return f"{display} 转 {extension}" if extension else display


def _national_only(digits: str, extension: str | None, country_given: bool) -> Phone | None:
    """Numbers phonenumbers does not rule: service codes, 400/800, local numbers."""
    if extension is None and any(p.fullmatch(digits) for p in _SERVICE):
        return Phone(digits, None, None, PhoneKind.SERVICE, digits)
    if _HOTLINE.fullmatch(digits):
        display = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        return Phone(
            _with_extension(display, extension), None, extension, PhoneKind.HOTLINE, digits
        )
    if not country_given and _LOCAL.fullmatch(digits):
        display = _with_extension(_grouped(digits), extension)
        return Phone(display, None, extension, PhoneKind.LOCAL, digits)
    return None


_LANDLINES = (
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def _chinese(digits: str, extension: str | None) -> Phone | None:
    """A mobile or a landline with its area code, by phonenumbers' metadata."""
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return _shaped(digits, extension)
    kind = phonenumbers.number_type(number)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        display = _with_extension(national, extension)
        return Phone(display, e164, extension, PhoneKind.MOBILE, e164[3:])
    if kind in _LANDLINES:
        # "027 8572 6114" -> "027-8572 6114": the area code set off as people write it.
        display = _with_extension(national.replace(" ", "-", 1), extension)
        return Phone(display, e164, extension, PhoneKind.LANDLINE, "0" + e164[3:])
    return None


_MOBILE_SHAPE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_SHAPE = re.compile(r"0(?:[12]\d|[3-9]\d{2})[2-9]\d{6,7}")


def _shaped(digits: str, extension: str | None) -> Phone | None:
    """A mobile or landline of the right shape that phonenumbers' metadata does not (yet) know:
    its ranges lag behind new allocations and miss some of every city's, and a real number is
    never refused for that."""
    if _MOBILE_SHAPE.fullmatch(digits):
        display = _with_extension(f"{digits[:3]} {digits[3:7]} {digits[7:]}", extension)
        return Phone(display, "+86" + digits, extension, PhoneKind.MOBILE, digits)
    if _LANDLINE_SHAPE.fullmatch(digits):
        # Beijing, Tianjin and the 02x cities have 2-digit area codes after the 0.
        area = 3 if digits[1] in "12" else 4
        display = _with_extension(f"{digits[:area]}-{_grouped(digits[area:])}", extension)
        return Phone(display, "+86" + digits[1:], extension, PhoneKind.LANDLINE, digits)
    return None


def _foreign(text: str, extension: str | None) -> Phone | None:
    try:
        number = phonenumbers.parse("+" + text.lstrip("+").removeprefix("00"), None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = str(number.national_number)
    display = _with_extension(display, extension)
    return Phone(display, e164, extension, PhoneKind.INTERNATIONAL, national)


def parse_phone(raw: str) -> Phone | None:
    """One number as written ("138 0013 8000", "+86 199 1234 5678", "(+86)199...",
    "86-633-1234567", "0719—8123456", "027-85726114-8001", "400-123-4567转0", "120",
    "12345", "95588", "10103636", "8572 6114", "+1 415 555 0100"); None when it is not one."""
    text = normalised_text(raw).strip()
    extension = None
    if found := _EXTENSION.search(text):
        extension, text = found.group(1), text[: found.start()].strip()
    if not text or not _SHAPE.fullmatch(text):
        return None
    if extension is None and (dashed := _DASHED_EXTENSION.fullmatch(re.sub(r"\s", "", text))):
        text, extension = dashed.group(1), dashed.group(2)
    if _FOREIGN_PREFIX.match(text):
        return _foreign(_NON_DIGIT.sub("", text), extension)
    national = _CHINA_PREFIX.sub("", text)
    country_given = national != text
    digits = _NON_DIGIT.sub("", national)
    if not country_given and len(digits) == 13 and digits.startswith("861"):
        digits, country_given = digits[2:], True  # 8613800138000: the + left out
    if not digits:
        return None
    if found_national := _national_only(digits, extension, country_given):
        return found_national
    if country_given and not digits.startswith("0") and not _MOBILE_SHAPE.fullmatch(digits):
        digits = "0" + digits  # +86 27 8572 6114 is 027-8572 6114, +86 10 ... is 010-...
    return _chinese(digits, extension)


def national_digits(raw: str) -> str:
    """The digits of a number without its country code or extension (what masking keeps part
    of): "+86 199 1234 5678" -> "19912345678"; for text that is no number, its digits as they
    are, a leading +86/0086 dropped."""
    phone = parse_phone(raw)
    if phone is not None:
        return phone.national
    text = normalised_text(raw).strip()
    return _NON_DIGIT.sub("", _CHINA_PREFIX.sub("", text))
