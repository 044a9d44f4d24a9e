"""Units of supply and conversions between them (a carton of N pieces)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Unit(Enum):
    """How a quantity is counted. Package units (CARTON, BOX, PACK) hold `package_size` pieces."""

    PIECE = "PIECE"
    ITEM = "ITEM"
    GARMENT = "GARMENT"
    PAIR = "PAIR"
    SET = "SET"
    STICK = "STICK"
    DEVICE = "DEVICE"
    BOTTLE = "BOTTLE"
    BARREL = "BARREL"
    CARTON = "CARTON"
    BOX = "BOX"
    PACK = "PACK"
    LITER = "LITER"
    KILOGRAM = "KILOGRAM"
    TONNE = "TONNE"


@dataclass(frozen=True)
class UnitInfo:
    """How a unit is written and what it converts to."""

    unit: Unit
    name_zh: str
    name_en: str
    # The unit a quantity converts to, and the factor; None for package units, whose
    # factor is the package size the submitter gives.
    base: Unit
    factor: Decimal | None


_ONE = Decimal(1)
UNITS: dict[Unit, UnitInfo] = {
    info.unit: info
    for info in (
        UnitInfo(Unit.PIECE, "个", "piece", Unit.PIECE, _ONE),
        UnitInfo(Unit.ITEM, "只", "item", Unit.PIECE, _ONE),
        UnitInfo(Unit.GARMENT, "件", "garment", Unit.PIECE, _ONE),
        UnitInfo(Unit.PAIR, "双", "pair", Unit.PAIR, _ONE),
        UnitInfo(Unit.SET, "套", "set", Unit.SET, _ONE),
        UnitInfo(Unit.STICK, "支", "stick", Unit.PIECE, _ONE),
        UnitInfo(Unit.DEVICE, "台", "device", Unit.PIECE, _ONE),
        UnitInfo(Unit.BOTTLE, "瓶", "bottle", Unit.BOTTLE, _ONE),
        UnitInfo(Unit.BARREL, "桶", "barrel", Unit.BARREL, _ONE),
        UnitInfo(Unit.CARTON, "箱", "carton", Unit.PIECE, None),
        UnitInfo(Unit.BOX, "盒", "box", Unit.PIECE, None),
        UnitInfo(Unit.PACK, "包", "pack", Unit.PIECE, None),
        UnitInfo(Unit.LITER, "升", "liter", Unit.LITER, _ONE),
        UnitInfo(Unit.KILOGRAM, "千克", "kilogram", Unit.KILOGRAM, _ONE),
        UnitInfo(Unit.TONNE, "吨", "tonne", Unit.KILOGRAM, Decimal(1000)),
    )
}


def is_package(unit: Unit) -> bool:
    """Whether the unit is a package whose size the submitter states."""
    return UNITS[unit].factor is None


def to_base(quantity: Decimal, unit: Unit, package_size: int | None) -> tuple[Decimal, Unit] | None:
    """Convert to the unit's base (pieces, pairs, kilograms, ...); None when the size is unknown.

    >>> to_base(Decimal(3), Unit.CARTON, 400)
    (Decimal('1200'), <Unit.PIECE: 'PIECE'>)
    """
    info = UNITS[unit]
    if info.factor is not None:
        return quantity * info.factor, info.base
    if package_size is None:
        return None
    return quantity * package_size, info.base


def decimal_text(value: Decimal) -> str:
    """A quantity as people write it: "5000", not "5E+3" or "5000.00"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
