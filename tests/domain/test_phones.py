"""One number as people write it (hub/domain/phones.py), and masking on the national number.

Every number here is a placeholder: mobiles 138 0013 8000 / 1380000xxxx-style, landlines
027-8xxxxxxx-style; no real person's number.
"""

from __future__ import annotations

import pytest

from hub.domain.phones import PhoneKind, parse_phone
from hub.domain.privacy import mask_phone
from hub.domain.validation import is_valid_phone


@pytest.mark.parametrize(
    ("raw", "display", "e164", "kind"),
    [
        ("13800138000", "138 0013 8000", "+8613800138000", PhoneKind.MOBILE),
        ("138-0013-8000", "138 0013 8000", "+8613800138000", PhoneKind.MOBILE),
        (
            "１３８００１３８０００",
            "138 0013 8000",
            "+8613800138000",
            PhoneKind.MOBILE,
        ),  # full width
        # Country codes, however written.
        ("+86 199 1234 5678", "199 1234 5678", "+8619912345678", PhoneKind.MOBILE),
        ("（+86）19912345678", "199 1234 5678", "+8619912345678", PhoneKind.MOBILE),
        ("(+86) 199 1234 5678", "199 1234 5678", "+8619912345678", PhoneKind.MOBILE),
        ("008613800138000", "138 0013 8000", "+8613800138000", PhoneKind.MOBILE),
        ("8613800138000", "138 0013 8000", "+8613800138000", PhoneKind.MOBILE),
        ("86-633-1234567", "0633-123 4567", "+866331234567", PhoneKind.LANDLINE),
        ("0086 27 85726114", "027-8572 6114", "+862785726114", PhoneKind.LANDLINE),
        ("+86 27 8572 6114", "027-8572 6114", "+862785726114", PhoneKind.LANDLINE),
        # Landlines, with every dash people type.
        ("027-85726114", "027-8572 6114", "+862785726114", PhoneKind.LANDLINE),
        ("(027) 8572 6114", "027-8572 6114", "+862785726114", PhoneKind.LANDLINE),
        ("0719—8123456", "0719-812 3456", "+867198123456", PhoneKind.LANDLINE),  # em dash
        ("0719－8123456", "0719-812 3456", "+867198123456", PhoneKind.LANDLINE),  # full width
        ("0719–8123456", "0719-812 3456", "+867198123456", PhoneKind.LANDLINE),  # en dash
        ("010-12345678", "010-1234 5678", "+861012345678", PhoneKind.LANDLINE),
        ("+86 10 1234 5678", "010-1234 5678", "+861012345678", PhoneKind.LANDLINE),
        # Ranges libphonenumber's metadata does not know: the right shape is enough.
        ("021-8000 0101", "021-8000 0101", "+862180000101", PhoneKind.LANDLINE),
        ("0373-80000101", "0373-8000 0101", "+8637380000101", PhoneKind.LANDLINE),
        ("+86 10 8000 0101", "010-8000 0101", "+861080000101", PhoneKind.LANDLINE),
        # 400/800 and service numbers: national only.
        ("400-820-8820", "400-820-8820", None, PhoneKind.HOTLINE),
        ("8001234567", "800-123-4567", None, PhoneKind.HOTLINE),
        ("120", "120", None, PhoneKind.SERVICE),
        ("110", "110", None, PhoneKind.SERVICE),
        ("12345", "12345", None, PhoneKind.SERVICE),
        ("12320", "12320", None, PhoneKind.SERVICE),
        ("95588", "95588", None, PhoneKind.SERVICE),
        ("96120", "96120", None, PhoneKind.SERVICE),
        ("10103636", "10103636", None, PhoneKind.SERVICE),
        ("95105888", "95105888", None, PhoneKind.SERVICE),
        ("96332883", "96332883", None, PhoneKind.SERVICE),
        # Local numbers without their area code: kept, national.
        ("85726114", "8572 6114", None, PhoneKind.LOCAL),
        ("8572 6114", "8572 6114", None, PhoneKind.LOCAL),
        ("8123456", "812 3456", None, PhoneKind.LOCAL),
        # Abroad.
        ("+1 415 555 0100", "+1 415-555-0100", "+14155550100", PhoneKind.INTERNATIONAL),
        ("0044 20 7946 0958", "+44 20 7946 0958", "+442079460958", PhoneKind.INTERNATIONAL),
    ],
)
def test_numbers_as_written(raw: str, display: str, e164: str | None, kind: PhoneKind) -> None:
    phone = parse_phone(raw)
    assert phone is not None
    assert (phone.display, phone.e164, phone.kind, phone.extension) == (display, e164, kind, None)
    # The display form reads back as itself: storing it again changes nothing.
    assert parse_phone(phone.display) == phone


@pytest.mark.parametrize(
    ("raw", "display", "extension"),
    [
        ("4001234567转0", "400-123-4567 转 0", "0"),
        ("400-123-4567 转 0", "400-123-4567 转 0", "0"),
        ("010-12345678转123", "010-1234 5678 转 123", "123"),
        ("027-85726114#8001", "027-8572 6114 转 8001", "8001"),
        ("027-85726114 ext. 8001", "027-8572 6114 转 8001", "8001"),
        ("027-85726114分机8001", "027-8572 6114 转 8001", "8001"),
        # A dash after a complete landline: nothing else it could be.
        ("027-85726114-8001", "027-8572 6114 转 8001", "8001"),
    ],
)
def test_extensions_are_kept(raw: str, display: str, extension: str) -> None:
    phone = parse_phone(raw)
    assert phone is not None
    assert (phone.display, phone.extension) == (display, extension)
    assert parse_phone(phone.display) == phone


def test_a_grouped_landline_is_no_extension() -> None:
    phone = parse_phone("027-8572-6114")
    assert phone is not None
    assert (phone.display, phone.extension) == ("027-8572 6114", None)


@pytest.mark.parametrize(
    "raw", ["12", "abc", "138000012345678", "1380000123", "+86", "02", "138-0000", "138xxxx1234"]
)
def test_what_is_no_number(raw: str) -> None:
    assert parse_phone(raw) is None
    assert not is_valid_phone(raw)


def test_control_characters_are_no_number() -> None:
    assert parse_phone("138\x1f0013 8000") is not None  # \x1f counts as a space to Python...
    assert not is_valid_phone("138\x1f0013 8000")  # ...never to the hub


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+86 199 1234 5678", "199****5678"),  # the national number: never 861****5678
        ("+8619912345678", "199****5678"),
        ("008619912345678", "199****5678"),
        ("（+86）199 1234 5678", "199****5678"),
        ("199 1234 5678", "199****5678"),
        ("027-8572 6114", "027****6114"),
        ("+86 27 8572 6114", "027****6114"),
        ("027-8572 6114 转 8001", "027****6114"),  # the extension is no part of it
        ("12345", "*****"),
        ("8572 6114", "********"),
    ],
)
def test_masking_reads_the_national_number(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
