"""Messy spreadsheet values read into the hub's types: quantities, numbers, yes/no, dates,
urgency. Each reader returns the value or raises Unreadable. Phone numbers are read as the API
reads them, by hub/domain/contacts.py.

Decisions (documented in the README): "若干"/"大量"/"不限"/blank quantities are "quantity
unknown"; a range ("2000-3000") takes its larger number and says so; "约"/"左右"/"以上" are
dropped; times without a zone are China Standard Time (UTC+8).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar

from hub.domain.enums import Urgency, VehicleType
from hub.domain.open_data import FORMULA_START
from hub.domain.units import UNITS, Unit

CHINA = timezone(timedelta(hours=8), "CST")


_FORMULA_START = FORMULA_START
E = TypeVar("E", bound=Enum)


class Unreadable(ValueError):
    """A value that cannot be read as what its column holds."""


def clean_text(raw: object) -> str:
    """A cell as text to read a value from: NFKC (full-width digits and letters to ASCII)."""
    return unicodedata.normalize("NFKC", plain_text(raw))


def plain_text(raw: object) -> str:
    """A cell as text, trimmed, as written (free text keeps its full-width punctuation)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    # Exports put a quote before text a spreadsheet would run as a formula ("'=...").
    if text[:1] == "'" and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


_UNKNOWN_QUANTITY = {
    "", "若干", "大量", "不限", "不限量", "越多越好", "多多益善", "尽量多", "越多越好!",
    "待定", "不详", "未知", "不确定", "很多", "紧缺", "急缺", "缺", "unknown", "n/a", "na",
    "tbd", "?", "-", "/", "as many as possible", "any", "lots",
}  # fmt: skip
_APPROXIMATE = re.compile(r"^(约|大约|大概|共|需要|需|缺|剩余|剩|>|≥|~|约为)|(左右|以上|余|多|\+)$")
_MULTIPLIERS = {"万": Decimal(10_000), "千": Decimal(1_000), "百": Decimal(100),
                "w": Decimal(10_000), "k": Decimal(1_000)}  # fmt: skip
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|\.\d+|[零〇一二两三四五六七八九十百千]+)"
_MULTIPLIER = r"万|千|百|w(?![a-z])|k(?![a-z])"
_QUANTITY = re.compile(rf"^(?P<num>{_NUMBER})\s*(?P<mult>{_MULTIPLIER})?\s*(?P<unit>.*)$")
_RANGE = re.compile(
    rf"^(?P<low>{_NUMBER})\s*(?P<lowmult>{_MULTIPLIER})?\s*[-~～至到]\s*(?P<num>{_NUMBER})\s*"
    rf"(?P<mult>{_MULTIPLIER})?\s*(?P<unit>.*)$"
)
# "(每箱400只)" or "400只/箱": the package size, written beside the quantity.
_PACKAGE = re.compile(
    r"[(（]?\s*每(?:箱|盒|包)\s*(\d+)\s*\D{0,2}\s*[)）]?|(\d+)\s*\D{0,2}\s*/\s*(?:箱|盒|包)"
)

UNIT_NAMES: dict[str, Unit] = {
    **{info.name_zh: unit for unit, info in UNITS.items()},
    **{info.name_en: unit for unit, info in UNITS.items()},
    **{info.name_en + "s": unit for unit, info in UNITS.items()},
    **{unit.value.casefold(): unit for unit in Unit},
    "副": Unit.ITEM, "顶": Unit.ITEM, "把": Unit.PIECE, "条": Unit.PIECE, "片": Unit.PIECE,
    "卷": Unit.PIECE, "人份": Unit.PIECE, "份": Unit.PIECE, "袋": Unit.PACK, "提": Unit.PACK,
    "只装": Unit.ITEM, "枚": Unit.PIECE, "罐": Unit.BOTTLE, "kg": Unit.KILOGRAM,
    "公斤": Unit.KILOGRAM, "t": Unit.TONNE, "l": Unit.LITER, "pcs": Unit.PIECE, "pc": Unit.PIECE,
    "pieces": Unit.PIECE, "boxes": Unit.BOX, "cartons": Unit.CARTON, "packs": Unit.PACK,
    "pairs": Unit.PAIR, "sets": Unit.SET, "bottles": Unit.BOTTLE, "units": Unit.DEVICE,
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """A quantity as read: `amount` None means unknown; `unit_text` is a unit written beside
    the number that the hub does not know (the category's default unit is used then)."""

    amount: Decimal | None
    unit: Unit | None = None
    unit_text: str | None = None
    package_size: int | None = None
    was_range: bool = False


def _chinese_number(text: str) -> Decimal:
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        else:
            raise Unreadable(text)
    return Decimal(total + current)


def _number(text: str) -> Decimal:
    if text[:1] in _CN_DIGITS or text[:1] in _CN_UNITS:
        return _chinese_number(text)
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise Unreadable(text) from None
    if not value.is_finite():
        raise Unreadable(text)
    return value


def _plain(value: Decimal) -> Decimal:
    """2000 rather than 2E+3 or 2000.0; 1.5 rather than 1.50."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def unit_named(text: str) -> Unit | None:
    """The unit a word names (个, 箱, carton, PIECE, kg, ...), if any."""
    return UNIT_NAMES.get(clean_text(text).casefold().strip("()（）"))


def _without_approximation(text: str) -> str:
    # "约 2000 左右": the words around a number that say it is a rough one.
    previous = None
    while previous != text:
        previous, text = text, _APPROXIMATE.sub("", text).strip()
    return text


def _amount(match: re.Match[str]) -> Decimal:
    # The number of a _QUANTITY (or _RANGE) match, its multiplier (万, k) applied.
    amount = _number(match.group("num"))
    if match.group("mult"):
        amount *= _MULTIPLIERS[match.group("mult")]
    return amount


def parse_quantity(raw: object) -> Quantity:
    """ "2000个", "5箱", "1万", "1.5万只", "3千", "若干", a number from a numeric cell, ..."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return Quantity(_plain(_number(str(raw))))
    text = clean_text(raw).casefold()
    if text in _UNKNOWN_QUANTITY:
        return Quantity(None)
    package_size = None
    if found := _PACKAGE.search(text):
        package_size = int(found.group(1) or found.group(2))
        text = (text[: found.start()] + text[found.end() :]).strip()
    text = _without_approximation(text)
    match = _RANGE.match(text)
    was_range = match is not None
    match = match or _QUANTITY.match(text)
    if match is None:
        raise Unreadable(text)
    amount = _amount(match)
    unit_text = match.group("unit").strip().strip("()（）").strip()
    unit = None
    if unit_text:
        unit = unit_named(unit_text)
        # An unknown word of a few letters is a unit nobody listed ("盆"); anything else is
        # not a quantity at all.
        if unit is None and (len(unit_text) > 4 or not unit_text.isalpha()):
            raise Unreadable(text)
    return Quantity(
        _plain(amount),
        unit,
        unit_text if unit is None and unit_text else None,
        package_size,
        was_range,
    )


_MEASURES = {
    "kg": Decimal(1), "公斤": Decimal(1), "千克": Decimal(1), "吨": Decimal(1000),
    "t": Decimal(1000), "斤": Decimal("0.5"),
    "m3": Decimal(1), "m³": Decimal(1), "方": Decimal(1), "立方": Decimal(1),
    "立方米": Decimal(1), "天": Decimal(1), "日": Decimal(1), "days": Decimal(1),
    "day": Decimal(1), "间": Decimal(1), "rooms": Decimal(1), "间房": Decimal(1),
    "个": Decimal(1),
}  # fmt: skip


def parse_number(raw: object) -> Decimal | None:
    """A plain number, perhaps with a measure word ("5吨" is 5000 kg, "10方", "40间", "2天");
    None for a blank cell."""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return _plain(_number(str(raw)))
    text = clean_text(raw).casefold()
    if not text:
        return None
    text = _without_approximation(text)
    match = _QUANTITY.match(text)
    if match is None:
        raise Unreadable(text)
    amount = _amount(match)
    word = match.group("unit").strip()
    if word:
        if word not in _MEASURES:
            raise Unreadable(text)
        amount *= _MEASURES[word]
    return _plain(amount)


def parse_whole_number(raw: object) -> int | None:
    """A whole number (rooms, days); None for a blank cell."""
    value = parse_number(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise Unreadable(str(raw))
    return int(value)


_TRUE = {"是", "有", "能", "可", "可以", "免费", "包邮", "对", "y", "yes", "true", "1", "√", "✓",
         "✔", "支持", "提供", "可配送", "送货"}  # fmt: skip
_FALSE = {"否", "无", "不", "不能", "不可", "不可以", "收费", "付费", "没有", "n", "no", "false",
          "0", "×", "✗", "不支持", "不提供", "自提"}  # fmt: skip
BOOLEAN_WORDS = "是/否, 有/无, 免费/收费, yes/no, true/false"


def parse_boolean(raw: object) -> bool | None:
    """是/否, 有/无, 免费/收费, yes/no, true/false, 1/0; None for a blank cell."""
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw).casefold()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Unreadable(text)


_URGENCY = {
    Urgency.CRITICAL: ("特别紧急", "非常紧急", "十万火急", "极其紧急", "极紧急", "特急", "危急",
                       "最紧急", "critical", "very urgent", "非常急"),
    Urgency.HIGH: ("紧急", "急", "急需", "较急", "比较紧急", "很急", "high", "urgent"),
    Urgency.MEDIUM: ("一般", "普通", "中", "中等", "正常", "medium", "normal", "moderate"),
    Urgency.LOW: ("不急", "较缓", "缓", "低", "不紧急", "low", "not urgent"),
}  # fmt: skip
_URGENCY_WORDS = {word: urgency for urgency, words in _URGENCY.items() for word in words}
URGENCY_WORDS = "特别紧急/紧急/一般/不急, CRITICAL/HIGH/MEDIUM/LOW"


def _named(enum: type[E], text: str) -> E | None:
    # The member whose value (the API's name) `text` is, whatever its case.
    return next((member for member in enum if text == member.value.casefold()), None)


def parse_urgency(raw: object) -> Urgency | None:
    """特别紧急/非常紧急 CRITICAL, 紧急 HIGH, 一般 MEDIUM, 不急 LOW (or the API's names);
    None for a blank cell."""
    text = clean_text(raw).casefold()
    if not text:
        return None
    urgency = _named(Urgency, text)
    if urgency is None:
        urgency = _URGENCY_WORDS.get(text)
    if urgency is None:
        raise Unreadable(text)
    return urgency


_VEHICLES = (
    (VehicleType.REFRIGERATED_TRUCK, ("冷藏", "冷链", "refrigerated")),
    (VehicleType.TRUCK, ("货车", "卡车", "半挂", "挂车", "truck", "lorry")),
    (VehicleType.VAN, ("面包车", "厢式", "箱式", "依维柯", "van")),
    (VehicleType.MOTORCYCLE, ("摩托", "电动车", "motorcycle", "motorbike")),
    (VehicleType.CAR, ("小车", "轿车", "私家车", "小汽车", "suv", "car")),
)


VEHICLE_WORDS = "货车/面包车/冷藏车/摩托/小车, " + "/".join(v.value for v in VehicleType)


def parse_vehicle(raw: object) -> VehicleType | None:
    """The kind of vehicle a cell names (货车 TRUCK, 面包车 VAN, 冷藏车 ...); OTHER when it names
    none the hub knows; None for a blank cell."""
    text = clean_text(raw).casefold()
    if not text:
        return None
    vehicle = _named(VehicleType, text)
    if vehicle is not None:
        return vehicle
    for vehicle, words in _VEHICLES:
        if any(word in text for word in words):
            return vehicle
    return VehicleType.OTHER


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMS = (
    re.compile(
        r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
        r"(?:[ tT]*(?P<h>\d{1,2})[:时点](?P<min>\d{1,2})?(?::(?P<s>\d{1,2}))?分?)?$"
    ),
    re.compile(
        r"^(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?(?:\s*(?P<h>\d{1,2})[:时点](?P<min>\d{1,2})?分?)?$"
    ),
)


def parse_datetime(raw: object, today: date) -> datetime | None:
    """ "2020/1/28", "2020-01-28 14:00", "2020年1月28日", "1月28日" (the latest such day not
    after `today`), ISO 8601 with a zone, Excel serial numbers and datetime cells; None for a
    blank cell. Times without a zone are China Standard Time."""
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=CHINA)
    if isinstance(raw, date):
        return datetime.combine(raw, time(), CHINA)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not 1 <= raw < 100_000:
            raise Unreadable(str(raw))
        return datetime.combine(_EXCEL_EPOCH, time(), CHINA) + timedelta(days=float(raw))
    text = clean_text(raw)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA)
    for form in _DATE_FORMS:
        match = form.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            if parts.get("y"):
                year = int(parts["y"])
            else:
                year = today.year
                if date(year, int(parts["m"]), int(parts["d"])) > today:
                    year -= 1
            return datetime(
                year,
                int(parts["m"]),
                int(parts["d"]),
                int(parts["h"] or 0),
                int(parts["min"] or 0),
                int(parts.get("s") or 0),
                tzinfo=CHINA,
            )
        except ValueError:
            raise Unreadable(text) from None
    if text.isdigit() and 1 <= int(text) < 100_000:
        return parse_datetime(int(text), today)
    raise Unreadable(text)


def as_utc(moment: datetime) -> datetime:
    """The same moment in UTC."""
    return moment.astimezone(UTC)
