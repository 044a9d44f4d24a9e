"""Contacts as people publish them, made into the contacts the hub stores
(hub/domain/contacts.py). Placeholder numbers only."""

from __future__ import annotations

import pytest

from hub.domain.contacts import normalised_contacts
from hub.domain.enums import ContactVisibility
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Contact
from hub.domain.user_warnings import WarningCode
from hub.domain.validation import MAX_CONTACT_FIELD

PUBLIC = ContactVisibility.PUBLIC
PROTECTED = ContactVisibility.PROTECTED


def _made(
    phone: str, name: str | None = None, visibility: ContactVisibility = PROTECTED
) -> list[tuple[str | None, str | None, str | None]]:
    found = normalised_contacts([Contact(name, phone, visibility=visibility)])
    return [(c.name, c.phone, c.other_channel) for c in found.contacts]


def _codes(phone: str, name: str | None = None) -> list[WarningCode]:
    return [w.code for w in normalised_contacts([Contact(name, phone)]).warnings]


@pytest.mark.parametrize(
    ("phone", "numbers"),
    [
        ("13900001111;18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111；18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("027-85726114/027-85726115", ["027-8572 6114", "027-8572 6115"]),
        ("13900001111\n18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111\r\n18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111、18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111，18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111,18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("13900001111 18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("138 0013 8000 139 0013 8000", ["138 0013 8000", "139 0013 8000"]),
        ("13900001111或18000002222", ["139 0000 1111", "180 0000 2222"]),
        ("0719—8123456、0719－8123457", ["0719-812 3456", "0719-812 3457"]),
    ],
)
def test_several_numbers_in_one_field_are_several_contacts(phone: str, numbers: list[str]) -> None:
    found = normalised_contacts([Contact("王老师", phone, visibility=PUBLIC)])
    assert [c.phone for c in found.contacts] == numbers
    assert all(c.name == "王老师" and c.visibility is PUBLIC for c in found.contacts)
    assert [(w.field, w.code, w.params) for w in found.warnings] == [
        ("contacts.0.phone", WarningCode.CONTACT_SPLIT, {"count": len(numbers)})
    ]


@pytest.mark.parametrize(
    ("phone", "name"),
    [
        ("王老师 13800001234", "王老师"),
        ("张13800001234", "张"),
        ("王老师：13800001234", "王老师"),
        ("联系人：王老师 电话：138 0013 8000", "王老师"),
        ("医院总值班电话：027-85726114", "医院总值班"),
        ("3号楼值班室 027-85726114", "3号楼值班室"),
        ("电话：13800001234", None),
        ("Tel: 13800001234", None),
    ],
)
def test_a_name_before_the_number_is_the_contacts_name(phone: str, name: str | None) -> None:
    (contact,) = normalised_contacts([Contact("", phone)]).contacts
    assert contact.name == (name or "")
    assert contact.phone_e164 is not None
    assert contact.other_channel is None


def test_several_people_with_roles_and_notes_in_one_cell() -> None:
    sent = Contact(
        "",
        "余主任13900001111，周科长13900002222，医院总值班027-85726114（24小时值守）",
        visibility=PROTECTED,
    )
    found = normalised_contacts([sent])
    assert [(c.name, c.phone, c.other_channel, c.phone_e164) for c in found.contacts] == [
        ("余主任", "139 0000 1111", None, "+8613900001111"),
        ("周科长", "139 0000 2222", None, "+8613900002222"),
        ("医院总值班", "027-8572 6114", "24小时值守", "+862785726114"),
    ]
    # The visibility the submitter chose holds for every contact split off.
    assert {c.visibility for c in found.contacts} == {PROTECTED}
    assert [w.code for w in found.warnings] == [WarningCode.CONTACT_SPLIT]


def test_names_are_paired_with_numbers_when_there_are_as_many() -> None:
    assert _made("13800001234、13900001234", "王老师、李老师") == [
        ("王老师", "138 0000 1234", None),
        ("李老师", "139 0000 1234", None),
    ]
    # Not as many: the whole name for each.
    assert _made("13800001234、13900001234", "王老师、李老师、赵老师") == [
        ("王老师、李老师、赵老师", "138 0000 1234", None),
        ("王老师、李老师、赵老师", "139 0000 1234", None),
    ]


def test_remarks_after_a_number_are_kept() -> None:
    assert _made("13800138000（微信同号）", "医务科") == [("医务科", "138 0013 8000", "微信同号")]
    assert _made("027-85726114 8:00-22:00") == [(None, "027-8572 6114", "8:00-22:00")]


@pytest.mark.parametrize(
    ("phone", "display", "e164"),
    [
        ("86-633-1234567", "0633-123 4567", "+866331234567"),
        ("（+86）19912345678", "199 1234 5678", "+8619912345678"),
        ("+86 199 1234 5678", "199 1234 5678", "+8619912345678"),
        ("0086 138 0013 8000", "138 0013 8000", "+8613800138000"),
        ("4001234567转0", "400-123-4567 转 0", None),
        ("12345", "12345", None),
    ],
)
def test_numbers_are_stored_in_display_form_with_e164(
    phone: str, display: str, e164: str | None
) -> None:
    (contact,) = normalised_contacts([Contact("王老师", phone)]).contacts
    assert (contact.phone, contact.phone_e164) == (display, e164)


@pytest.mark.parametrize(
    "phone", ["138-0000", "138xxxx1234", "微信 abc123", "见官网", "1380000123", "+86"]
)
def test_what_is_no_number_is_kept_as_written_with_a_warning(phone: str) -> None:
    found = normalised_contacts([Contact("张三", phone, visibility=PUBLIC)])
    (contact,) = found.contacts
    assert (contact.name, contact.phone, contact.other_channel) == ("张三", None, phone)
    assert contact.visibility is PUBLIC
    assert [(w.field, w.code) for w in found.warnings] == [
        ("contacts.0.phone", WarningCode.PHONE_KEPT_AS_WRITTEN)
    ]


def test_text_kept_joins_the_channel_the_contact_gave() -> None:
    assert _made("见官网", "张三") == [("张三", None, "见官网")]
    found = normalised_contacts([Contact("张三", "13800138000、微信同号abc", "wx_zhang")])
    assert [(c.phone, c.other_channel) for c in found.contacts] == [
        ("138 0013 8000", "wx_zhang; 微信同号abc")
    ]
    assert [w.code for w in found.warnings] == [WarningCode.PHONE_KEPT_AS_WRITTEN]


def test_a_local_number_is_kept_with_a_warning() -> None:
    (contact,) = normalised_contacts([Contact("总机", "85726114")]).contacts
    assert (contact.phone, contact.phone_e164) == ("8572 6114", None)
    assert _codes("85726114") == [WarningCode.LOCAL_NUMBER]


def test_hostile_text_is_left_for_validation_to_refuse() -> None:
    too_long = "1" * (MAX_CONTACT_FIELD + 1)
    control = "138\x0b0013 8000"
    for phone in (too_long, control):
        (contact,) = normalised_contacts([Contact(None, phone)]).contacts
        assert contact.phone == phone


def test_normalising_twice_changes_nothing() -> None:
    once = normalised_contacts(
        [
            Contact("", "余主任13900001111，医院总值班027-85726114（24小时值守）"),
            Contact("张三", "见官网"),
            Contact("总机", "4001234567转0", "wx"),
        ]
    )
    twice = normalised_contacts(once.contacts)
    assert twice.contacts == once.contacts
    assert [c.phone_e164 for c in twice.contacts] == [c.phone_e164 for c in once.contacts]
    assert not [w for w in twice.warnings if w.code is not WarningCode.PHONE_KEPT_AS_WRITTEN]


def test_errors_name_the_contacts_as_sent() -> None:
    found = normalised_contacts(
        [Contact("", "13900001111；18000002222"), Contact("x" * 200, "13800138000")]
    )
    assert found.origins == (0, 0, 1)
    errors = [
        UserError("contacts.2.name", ErrorCode.TOO_LONG),
        UserError("notes", ErrorCode.REQUIRED),
    ]
    assert [e.field for e in found.as_sent(errors)] == ["contacts.1.name", "notes"]


def test_a_label_joins_the_name_given_without_passing_its_limit() -> None:
    assert [
        name for name, _, _ in _made("余主任13900001111，周科长13900002222", "湖北省中医院")
    ] == [
        "湖北省中医院 余主任",
        "湖北省中医院 周科长",
    ]
    long_name = "院" * MAX_CONTACT_FIELD
    assert [name for name, _, _ in _made("余主任13900001111", long_name)] == ["余主任"]
