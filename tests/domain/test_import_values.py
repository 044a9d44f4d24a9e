"""Messy spreadsheet values read into the hub's types (no database)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from hub.domain.enums import Urgency, VehicleType
from hub.domain.imports.regions import UnknownProvince, canonical_region
from hub.domain.imports.values import (
    CHINA,
    Unreadable,
    parse_boolean,
    parse_datetime,
    parse_number,
    parse_quantity,
    parse_urgency,
    parse_vehicle,
    plain_text,
)
from hub.domain.units import Unit


@pytest.mark.parametrize(
    ("raw", "amount", "unit"),
    [
        ("2000个", Decimal(2000), Unit.PIECE),
        ("5箱", Decimal(5), Unit.CARTON),
        ("1万", Decimal(10000), None),
        ("1.5万只", Decimal(15000), Unit.ITEM),
        ("3千", Decimal(3000), None),
        ("两千", Decimal(2000), None),
        ("2,000", Decimal(2000), None),
        ("５００个", Decimal(500), Unit.PIECE),
        ("约500只", Decimal(500), Unit.ITEM),
        ("3000左右", Decimal(3000), None),
        ("1000副", Decimal(1000), Unit.ITEM),
        ("200 pcs", Decimal(200), Unit.PIECE),
        (3000.0, Decimal(3000), None),
        (12, Decimal(12), None),
    ],
)
def test_quantities(raw: object, amount: Decimal, unit: Unit | None) -> None:
    quantity = parse_quantity(raw)
    assert (quantity.amount, quantity.unit) == (amount, unit)
    assert str(quantity.amount) == str(amount)  # 10000, not 1E+4
    assert not quantity.was_range


@pytest.mark.parametrize("raw", ["若干", "大量", "不限", "越多越好", "", None, "unknown"])
def test_unknown_quantities(raw: object) -> None:
    assert parse_quantity(raw).amount is None


def test_a_range_takes_the_larger_number_and_says_so() -> None:
    quantity = parse_quantity("2000-3000双")
    assert (quantity.amount, quantity.unit, quantity.was_range) == (
        Decimal(3000),
        Unit.PAIR,
        True,
    )


def test_a_package_size_beside_the_quantity() -> None:
    quantity = parse_quantity("50箱（每箱24瓶）")
    assert (quantity.amount, quantity.unit, quantity.package_size) == (
        Decimal(50),
        Unit.CARTON,
        24,
    )


@pytest.mark.parametrize("raw", ["很多吧?", "一些口罩和手套之类的东西", "abc", "1.2.3"])
def test_unreadable_quantities(raw: str) -> None:
    with pytest.raises(Unreadable):
        parse_quantity(raw)


def test_numbers_with_measure_words() -> None:
    assert parse_number("5吨") == Decimal(5000)
    assert parse_number("1500kg") == Decimal(1500)
    assert parse_number("10方") == Decimal(10)
    assert parse_number("") is None
    with pytest.raises(Unreadable):
        parse_number("五辆车")


@pytest.mark.parametrize(
    ("province", "city", "expected"),
    [
        ("湖北", "武汉", ("湖北省", "武汉市")),
        ("湖北省", None, ("湖北省", None)),
        ("武汉市", None, ("湖北省", "武汉市")),
        ("孝感市", "", ("湖北省", "孝感市")),
        ("", "黄冈市", ("湖北省", "黄冈市")),
        ("Hubei", "Wuhan", ("湖北省", "武汉市")),
        ("北京", None, ("北京市", "北京市")),
        # A municipality is its own city; the district goes to the district (as the demo data).
        ("北京市", "朝阳区", ("北京市", "北京市")),
        ("广西", None, ("广西壮族自治区", None)),
        ("内蒙古", None, ("内蒙古自治区", None)),
        ("湖北省武汉市", None, ("湖北省", "武汉市")),
        ("guangdong", "Shenzhen", ("广东省", "深圳市")),
    ],
)
def test_provinces(province: str, city: str | None, expected: tuple[str, str | None]) -> None:
    assert canonical_region(province, city) == expected


def test_an_unknown_province() -> None:
    with pytest.raises(UnknownProvince):
        canonical_region("火星省", None)


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020/1/28", datetime(2020, 1, 28, tzinfo=CHINA)),
        ("2020-01-28 14:00", datetime(2020, 1, 28, 14, 0, tzinfo=CHINA)),
        ("2020年1月28日", datetime(2020, 1, 28, tzinfo=CHINA)),
        ("2020.1.28", datetime(2020, 1, 28, tzinfo=CHINA)),
        ("1月28日", datetime(2026, 1, 28, tzinfo=CHINA)),
        ("12月28日", datetime(2025, 12, 28, tzinfo=CHINA)),  # not in the future
        (43858, datetime(2020, 1, 28, tzinfo=CHINA)),  # an Excel serial number
        (datetime(2020, 1, 27, 9, 30), datetime(2020, 1, 27, 9, 30, tzinfo=CHINA)),
        ("2020-01-28T06:00:00+00:00", datetime.fromisoformat("2020-01-28T06:00:00+00:00")),
    ],
)
def test_dates(raw: object, expected: datetime) -> None:
    assert parse_datetime(raw, TODAY) == expected


@pytest.mark.parametrize("raw", ["昨天", "2020/13/45", "soon"])
def test_unreadable_dates(raw: str) -> None:
    with pytest.raises(Unreadable):
        parse_datetime(raw, TODAY)


@pytest.mark.parametrize(
    ("raw", "urgency"),
    [
        ("特别紧急", Urgency.CRITICAL),
        ("非常紧急", Urgency.CRITICAL),
        ("紧急", Urgency.HIGH),
        ("一般", Urgency.MEDIUM),
        ("不急", Urgency.LOW),
        ("critical", Urgency.CRITICAL),
        ("High", Urgency.HIGH),
        ("", None),
    ],
)
def test_urgency_words(raw: str, urgency: Urgency | None) -> None:
    assert parse_urgency(raw) is urgency


def test_yes_no_and_vehicles() -> None:
    assert parse_boolean("是") is True
    assert parse_boolean("免费") is True
    assert parse_boolean("收费") is False
    assert parse_boolean("No") is False
    assert parse_boolean("") is None
    with pytest.raises(Unreadable):
        parse_boolean("看情况")
    assert parse_vehicle("4.2米厢式货车") is VehicleType.TRUCK
    assert parse_vehicle("冷藏车") is VehicleType.REFRIGERATED_TRUCK
    assert parse_vehicle("面包车") is VehicleType.VAN
    assert parse_vehicle("拖拉机") is VehicleType.OTHER


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_quote_exports_put_before_a_formula_is_taken_off(start: str) -> None:
    # The same characters the CSV export guards (hub/domain/open_data.FORMULA_START).
    assert plain_text(f"'{start}x") == f"{start}x"
    assert plain_text("'plain") == "'plain"
