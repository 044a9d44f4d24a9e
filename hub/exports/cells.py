"""One exported value, written as CSV text or as a JSON value."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from hub.domain.open_data import FALSE, FORMULA_START, TRUE
from hub.domain.units import decimal_text

Cell = str | int | float | Decimal | bool | datetime | UUID | Enum | None
Json = str | int | float | bool | None

# Every text cell here was typed by someone on the internet (FORMULA_START: open_data).
_FORMULA_START = FORMULA_START
# Phone numbers and signed numbers are no formulas: they stay as they are.
_NUMBER_LIKE = re.compile(r"[+-][\d\s().-]*")


def defused(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula: a leading quote where needed."""
    if value.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def _empty(_: None) -> str:
    return ""


def _boolean(value: bool) -> str:
    return TRUE if value else FALSE


# By exact type: an export writes millions of cells, and one lookup beats a chain of checks.
_TEXT: dict[type, Callable[[Any], str]] = {
    str: defused,
    type(None): _empty,
    bool: _boolean,
    int: str,
    float: str,
    Decimal: decimal_text,
    datetime: datetime.isoformat,
    UUID: str,
}
_JSON: dict[type, Callable[[Any], Json]] = {
    str: str,
    type(None): lambda _: None,
    bool: bool,
    int: int,
    float: float,
    Decimal: lambda d: int(d) if d == d.to_integral_value() else float(d),
    datetime: datetime.isoformat,
    UUID: str,
}


def _write(writers: dict[type, Callable[[Any], Any]], value: Cell) -> Any:
    writer = writers.get(type(value))
    if writer is not None:
        return writer(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def text(value: Cell) -> str:
    """The value as a CSV cell (see the value rules in hub/domain/open_data.py)."""
    written: str = _write(_TEXT, value)
    return written


def json_value(value: Cell) -> Json:
    """The value as a JSON value: numbers and booleans as such, times as ISO 8601 text."""
    written: Json = _write(_JSON, value)
    return written
