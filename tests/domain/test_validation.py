"""Validation rules in plain Python, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from hub.domain.enums import OrganizationKind, Urgency, VehicleType
from hub.domain.errors import ErrorCode
from hub.domain.model import (
    Contact,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OrganizationDraft,
    Region,
)
from hub.domain.units import Unit
from hub.domain.validation import (
    is_valid_phone,
    is_valid_url,
    validate_entry,
    validate_organization,
)

CODES = {"face.medical_respirator", "body.gloves"}
WUHAN = Region("湖北省", "武汉市")
PHONE = (Contact("王医生", "13800001234"),)


def need(**changes: object) -> EntryDraft:
    values: dict[str, object] = {
        "region": WUHAN,
        "details": NeedDetails(urgency=Urgency.HIGH),
        "items": (Item("face.medical_respirator", "N95", Decimal(100), Unit.ITEM),),
        "contacts": PHONE,
    }
    values.update(changes)
    return EntryDraft(**values)  # type: ignore[arg-type]


def codes(errors: list) -> set[tuple[str, ErrorCode]]:
    return {(e.field, e.code) for e in errors}


@pytest.mark.parametrize(
    "phone",
    [
        "13800001234",
        "+86 138 0000 1234",
        "027-85726114",
        "(027) 8572 6114",
        "0086 27 85726114",
        "400-820-8820",
        "120",
        "12345",
        "95533",
        "+1 415 555 0100",
        "010-12345678转123",
    ],
)
def test_accepts_real_phone_formats(phone: str) -> None:
    assert is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["12", "abc", "138000012345678", "1380000123", "+86", "02"])
def test_rejects_malformed_phones(phone: str) -> None:
    assert not is_valid_phone(phone)


@pytest.mark.parametrize("url", ["https://wjw.hubei.gov.cn/notice", "http://example.org/a?b=c"])
def test_accepts_urls(url: str) -> None:
    assert is_valid_url(url)


@pytest.mark.parametrize("url", ["ftp://x.org", "weibo.com/x", "https://", "javascript:alert(1)"])
def test_rejects_urls(url: str) -> None:
    assert not is_valid_url(url)


def test_valid_need_has_no_errors() -> None:
    assert validate_entry(need(), CODES, has_organization=True) == []


def test_need_requires_an_organization_but_not_items_or_contacts() -> None:
    # A notice "urgently short of protective supplies" with no list, or with no phone, is a
    # real need: accepted, and completed by a reviewer (tests/domain/test_completeness.py).
    errors = validate_entry(need(items=(), contacts=()), CODES, has_organization=False)
    assert codes(errors) == {("organizationId", ErrorCode.REQUIRED)}


def test_unknown_quantity_must_be_said_not_assumed() -> None:
    silent = Item("body.gloves", "手套", None, Unit.PAIR)
    said = Item("body.gloves", "手套", None, Unit.PAIR, quantity_unknown=True)
    both = Item("body.gloves", "手套", Decimal(5), Unit.PAIR, quantity_unknown=True)
    assert codes(validate_entry(need(items=(silent,)), CODES, has_organization=True)) == {
        ("items.0.quantity", ErrorCode.REQUIRED)
    }
    assert validate_entry(need(items=(said,)), CODES, has_organization=True) == []
    assert codes(validate_entry(need(items=(both,)), CODES, has_organization=True)) == {
        ("items.0.quantityUnknown", ErrorCode.INVALID_COMBINATION)
    }


def test_item_rules() -> None:
    items = (
        Item("nope", "x", Decimal(0), Unit.ITEM),
        Item(
            "body.gloves",
            "手套",
            Decimal(10),
            Unit.PAIR,
            package_size=10,
            fulfilled_quantity=Decimal(11),
        ),
        Item("body.gloves", "手套", Decimal(2), Unit.CARTON, package_size=0),
    )
    errors = validate_entry(need(items=items), CODES, has_organization=True)
    assert codes(errors) == {
        ("items.0.categoryCode", ErrorCode.UNKNOWN_CATEGORY),
        ("items.0.quantity", ErrorCode.NOT_POSITIVE),
        ("items.1.packageSize", ErrorCode.INVALID_COMBINATION),
        ("items.1.fulfilledQuantity", ErrorCode.OUT_OF_RANGE),
        ("items.2.packageSize", ErrorCode.OUT_OF_RANGE),
    }


def test_lengths_and_counts_are_capped() -> None:
    many = tuple(Item("body.gloves", "手套", Decimal(1), Unit.PAIR) for _ in range(51))
    errors = validate_entry(need(items=many, notes="字" * 5001), CODES, has_organization=True)
    assert ("items", ErrorCode.TOO_MANY) in codes(errors)
    assert ("notes", ErrorCode.TOO_LONG) in codes(errors)


def test_logistics_dates_must_be_ordered_and_capacity_positive() -> None:
    start = datetime(2020, 2, 1, tzinfo=UTC)
    draft = EntryDraft(
        region=WUHAN,
        provider_name="张师傅",
        contacts=PHONE,
        details=LogisticsDetails(
            vehicle_type=VehicleType.VAN,
            cold_chain=False,
            is_free=True,
            capacity_kg=Decimal(-1),
            available_from=start,
            available_until=start,
        ),
    )
    assert codes(validate_entry(draft, CODES, has_organization=False)) == {
        ("capacityKg", ErrorCode.NOT_POSITIVE),
        ("availableUntil", ErrorCode.INVALID_DATE_RANGE),
    }


def test_offer_without_organization_needs_a_provider_name() -> None:
    draft = EntryDraft(
        region=WUHAN,
        details=LodgingDetails(rooms_available=3, eligibility="医护人员", is_free=True),
    )
    assert ("organizationId", ErrorCode.REQUIRED) in codes(
        validate_entry(draft, CODES, has_organization=False)
    )


def test_organization_rules() -> None:
    draft = OrganizationDraft(
        name=" ",
        kind=OrganizationKind.HOSPITAL,
        region=Region("湖北省", admin_code="42A"),
        website="not a url",
        latitude=91.0,
        contacts=(Contact("x", "123x"), Contact("y", None)),
    )
    assert codes(validate_organization(draft, prefix="organization")) == {
        ("organization.name", ErrorCode.REQUIRED),
        ("organization.region.adminCode", ErrorCode.INVALID_FORMAT),
        ("organization.website", ErrorCode.INVALID_URL),
        ("organization.latitude", ErrorCode.INVALID_COMBINATION),
        ("organization.latitude", ErrorCode.OUT_OF_RANGE),
        ("organization.contacts.0.phone", ErrorCode.INVALID_PHONE),
        ("organization.contacts.1.phone", ErrorCode.REQUIRED),
    }
