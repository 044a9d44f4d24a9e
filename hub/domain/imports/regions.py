"""Province and city names as sheets write them, read into the hub's canonical form.

The hub stores provinces by their full official name ("湖北省", "北京市", "广西壮族自治区"),
as the API, the demo data and search (hub.domain.search.REGION_NAMES_EN) write them. Sheets say
"湖北", "湖北省", "Hubei", or put the city where the province belongs ("武汉市").
"""

from __future__ import annotations

import unicodedata

from hub.domain.search import REGION_NAMES_EN


class UnknownProvince(ValueError):
    """A province cell naming no province (nor a city the hub knows the province of)."""


_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
PROVINCES: tuple[str, ...] = tuple(
    name
    for name in REGION_NAMES_EN
    if name.endswith(("省", "自治区", "特别行政区")) or name in _MUNICIPALITIES
)
_HUBEI_CITIES = (
    "武汉市", "孝感市", "黄冈市", "荆州市", "宜昌市", "襄阳市", "十堰市", "随州市", "咸宁市",
    "荆门市", "鄂州市", "黄石市", "恩施土家族苗族自治州", "仙桃市", "天门市", "潜江市",
)  # fmt: skip
_CITY_PROVINCE = {
    **dict.fromkeys(_HUBEI_CITIES, "湖北省"),
    "深圳市": "广东省", "广州市": "广东省", "东莞市": "广东省", "杭州市": "浙江省",
    "南京市": "江苏省", "苏州市": "江苏省", "郑州市": "河南省", "长沙市": "湖南省",
    "成都市": "四川省", "西安市": "陕西省",
}  # fmt: skip


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _forms(names: tuple[str, ...]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for name in names:
        english = REGION_NAMES_EN[name].casefold()
        for form in (name, _short(name), english, english.replace("'", "")):
            forms[form] = name
        forms[english + " province"] = name
        forms[english + " city"] = name
    forms["恩施州"] = forms.get("恩施", "恩施土家族苗族自治州")
    return forms


_PROVINCE_FORMS = _forms(PROVINCES)
_CITY_FORMS = _forms(tuple(_CITY_PROVINCE))


def _clean(raw: str | None) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip()


def canonical_city(raw: str | None) -> str | None:
    """A city the hub knows in its full name ("武汉" is "武汉市"); others as written."""
    text = _clean(raw)
    if not text:
        return None
    return _CITY_FORMS.get(text.casefold(), text)


def canonical_region(province: str | None, city: str | None) -> tuple[str | None, str | None]:
    """The province (canonical) and city of a row; UnknownProvince when the province cell
    names nothing known. A blank province is inferred from a known city, else None."""
    text = _clean(province)
    city_name = canonical_city(city)
    if not text:
        return (_CITY_PROVINCE.get(city_name) if city_name else None), city_name
    key = text.casefold()
    if key in _PROVINCE_FORMS:
        return _PROVINCE_FORMS[key], city_name
    # "湖北省武汉市" in one cell.
    for form, name in _PROVINCE_FORMS.items():
        if len(form) >= 2 and key.startswith(form) and not form.isascii():
            rest = text[len(form) :].lstrip("省市 ")
            return name, city_name or canonical_city(rest)
    # A city where the province belongs: "武汉市" or "武汉".
    if key in _CITY_FORMS:
        found = _CITY_FORMS[key]
        return _CITY_PROVINCE[found], city_name or found
    raise UnknownProvince(text)
