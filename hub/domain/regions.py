"""Places as people write them, read against the national division codes (GB/T 2260).

Every region the hub stores passes through `normalize_region` (submit, update, imports, pages):
"湖北" and "Hubei" become "湖北省", "武汉" becomes "武汉市" (and brings its province when the
province is left out or holds the city), "湖北省武汉市" in one field is split, "市辖区" is dropped,
and `admin_code` is set to the most specific division found (district > city > province). The
list is hub/domain/gb2260_data.py, generated from a pinned package by
scripts/refresh_admin_divisions.py.

An unknown province is refused with suggestions; a city or district not on the list under its
province is kept as written with a warning (lists lag reality: counties merge and get renamed).
"全国" (nationwide, code 100000 as GB/T 2260 numbers China) is a province of its own, allowed
for kinds that serve everywhere (hub.domain.regions.NATIONWIDE_KINDS); a filter for any province
lets nationwide entries through (`region_matches`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache

from rapidfuzz import fuzz, process

from hub.domain.enums import EntryKind
from hub.domain.errors import ErrorCode, UserError
from hub.domain.region import Region
from hub.domain.user_warnings import InputWarning, WarningCode

NATIONWIDE = "全国"
NATIONWIDE_CODE = "100000"
# Kinds whose entries may serve the whole country: carriers and donors. A need or a lodging
# is one building somewhere.
NATIONWIDE_KINDS = frozenset(
    {EntryKind.OFFER, EntryKind.LOGISTICS_OFFER, EntryKind.DONATION_CHANNEL}
)
_NATIONWIDE_FORMS = frozenset(
    {
        "全国", "全国各地", "全国范围", "全国范围内", "全国通用", "全国均可", "全国不限", "全中国",
        "中国", "中华人民共和国", "不限", "不限地区", "nationwide", "china", "all of china",
        "whole country", "all china", "全国*", "全国各省",
    }
)  # fmt: skip
# Parts of "X土家族苗族自治州" and "X彝族自治县" that name peoples rather than the place.
_PEOPLES = (
    "土家族", "苗族", "朝鲜族", "藏族", "羌族", "彝族", "哈尼族", "傣族", "景颇族", "傈僳族",
    "白族", "布依族", "侗族", "回族", "蒙古族", "蒙古", "哈萨克族", "哈萨克", "柯尔克孜", "壮族",
    "瑶族", "黎族", "维吾尔", "佤族", "拉祜族", "纳西族", "仡佬族", "水族", "畲族", "土族",
    "撒拉族", "保安族", "东乡族", "裕固族", "达斡尔族", "鄂伦春", "鄂温克族", "满族", "锡伯",
    "塔吉克", "各族", "毛南族", "仫佬族", "京族", "怒族", "普米族", "独龙族", "基诺族", "布朗族",
    "德昂族", "阿昌族",
)  # fmt: skip
_PROVINCE_SHORT = {
    "内蒙古自治区": ("内蒙古", "内蒙"), "广西壮族自治区": ("广西",), "西藏自治区": ("西藏",),
    "宁夏回族自治区": ("宁夏",), "新疆维吾尔自治区": ("新疆",), "香港特别行政区": ("香港",),
    "澳门特别行政区": ("澳门",),
}  # fmt: skip
# English names where pinyin is not what people write.
_ENGLISH = {
    "陕西省": "shaanxi", "内蒙古自治区": "inner mongolia", "西藏自治区": "tibet",
    "香港特别行政区": "hong kong", "澳门特别行政区": "macau", "西安市": "xi'an",
}  # fmt: skip
_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "盟", "区", "县", "旗")
_NOISE = re.compile(r"[\s,，、/\-—－·.。()（）]+")
_IGNORED_PARTS = frozenset({"市辖区", "城区", "市区"})


def short_name(name: str) -> str:
    """A division's name as people shorten it: 湖北省 -> 湖北, 恩施土家族苗族自治州 -> 恩施,
    广西壮族自治区 -> 广西; the name itself when shortening would leave one character."""
    if name in _PROVINCE_SHORT:
        return _PROVINCE_SHORT[name][0]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _without_peoples(stem)
            return stem if len(stem) >= 2 else name
    return name


def _without_peoples(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for people in _PEOPLES:
            if stem.endswith(people) and len(stem) - len(people) >= 2:
                stem, changed = stem[: -len(people)], True
    return stem


@dataclass(frozen=True)
class Division:
    """One line of the code list."""

    code: str
    name: str
    level: int  # 1 province, 2 prefecture (or a county-level city under its province), 3 county
    parent: str | None
    pinyin: str


@dataclass(frozen=True)
class RegionCheck:
    """A region read against the list: the normalised region, refusals and warnings."""

    region: Region
    errors: tuple[UserError, ...] = ()
    warnings: tuple[InputWarning, ...] = ()


class _Atlas:
    """The code list, indexed by code and by every form of every name."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_code = {d.code: d for d in divisions}
        self.provinces: dict[str, Division] = {}
        # Forms of the children of a division (by its code), and of every prefecture.
        self.children: dict[str, dict[str, list[Division]]] = defaultdict(lambda: defaultdict(list))
        self.prefectures: dict[str, list[Division]] = defaultdict(list)
        for d in divisions:
            forms = _forms(d)
            if d.level == 1:
                for form in forms:
                    self.provinces[form] = d
                continue
            for form in forms:
                self.children[d.parent or ""][form].append(d)
                if d.level == 2:
                    self.prefectures[form].append(d)
            if d.level == 3:
                # A county is also found under its province ("湖北 江岸区" without the city).
                province = d.code[:2] + "0000"
                if province != d.parent:
                    for form in forms:
                        self.children[province][form].append(d)
        self.longest = max(len(f) for f in self.provinces) + 12
        # Provinces whose districts hang from them (no city level): not 台湾省, which the list
        # gives no divisions under at all.
        with_cities = {d.parent for d in divisions if d.level == 2}
        with_districts = {d.parent for d in divisions if d.level == 3}
        self.flat = (
            frozenset(d.code for d in divisions if d.level == 1 and d.code in with_districts)
            - with_cities
        )


def _forms(d: Division) -> set[str]:
    short = short_name(d.name)
    forms = {d.name, short, *_PROVINCE_SHORT.get(d.name, ())}
    if d.name.endswith("自治州"):
        forms.add(short + "州")  # 恩施州
    if d.name.endswith("新区") and len(d.name) >= 4:
        forms.add(d.name[:-2])  # 浦东新区 -> 浦东
    english = _ENGLISH.get(d.name, d.pinyin)
    if english and d.level <= 2:
        kind = "province" if d.level == 1 else "city"
        plain = english.replace("'", "")
        forms |= {english, plain, f"{english} {kind}", f"{plain} {kind}", plain.replace(" ", "")}
    return {_key(f) for f in forms if f}


@cache
def _atlas() -> _Atlas:
    # Imported here: 100 kB of text, indexed on first use rather than when the module loads.
    from hub.domain.gb2260_data import DIVISIONS

    divisions = []
    for line in DIVISIONS.splitlines():
        code, name, level, parent, pinyin = line.split("|")
        divisions.append(Division(code, name, int(level), parent or None, pinyin))
    return _Atlas(divisions)


def division(code: str) -> Division | None:
    """The division of a 6-digit code (longer codes: their first six digits), if listed."""
    return _atlas().by_code.get(code[:6])


def provinces() -> list[Division]:
    """Every province, municipality and autonomous region, in code order."""
    return sorted({d.code: d for d in _atlas().provinces.values()}.values(), key=lambda d: d.code)


def children_of(code: str) -> list[Division]:
    """The prefectures of a province (or the districts of a municipality), or the counties of a
    prefecture, in code order."""
    atlas = _atlas()
    parent = atlas.by_code.get(code)
    found = {d.code: d for ds in atlas.children.get(code, {}).values() for d in ds}
    level = 2 if parent is not None and parent.level == 1 and not is_flat(parent) else 3
    return sorted((d for d in found.values() if d.level == level), key=lambda d: d.code)


def is_flat(province: Division) -> bool:
    """A municipality (or Hong Kong, Macau): its districts come right under it."""
    return province.code in _atlas().flat


def _clean(raw: str | None) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip()


def _key(text: str) -> str:
    return _NOISE.sub("", text).casefold()


def _prefix(
    text: str, forms: dict[str, list[Division]], *, longest: int
) -> tuple[Division, str] | None:
    """The division whose form starts `text` (the longest one, when unambiguous) and the rest.
    Between a city and a county of the same short name (乌鲁木齐市, 乌鲁木齐县) the city wins:
    the county is found by its full name."""
    for size in range(min(len(text), longest), 1, -1):
        found = forms.get(text[:size])
        if not found:
            continue
        chosen = _one_of(found, text[:size])
        if chosen is not None:
            return chosen, text[size:]
    return None


def _one_of(found: list[Division], form: str) -> Division | None:
    """The division a form means among those it names, or None when it stays ambiguous: the
    highest level; then the one whose full name it is (沙县, not 沙县区); then, for one name
    listed under two codes (a county recoded after a merger), the newer code."""
    top = min(d.level for d in found)
    best = list({d.code: d for d in found if d.level == top}.values())
    if len(best) > 1:
        best = [d for d in best if _key(d.name) == form] or best
    if len(best) > 1 and len({d.name for d in best}) == 1:
        best = [max(best, key=lambda d: d.code)]
    return best[0] if len(best) == 1 else None


def _province_prefix(text: str) -> tuple[Division, str] | None:
    atlas = _atlas()
    for size in range(min(len(text), atlas.longest), 1, -1):
        found = atlas.provinces.get(text[:size])
        if found is not None:
            return found, text[size:]
    return None


@dataclass
class _Reading:
    province: Division
    city: Division | None = None  # the province itself for a municipality's "北京市"
    district: Division | None = None
    city_text: str | None = None
    district_text: str | None = None


def _descend(reading: _Reading, text: str) -> str:
    """Read a city and then a district from the start of `text` into `reading`; the rest."""
    atlas, province, rest = _atlas(), reading.province, text
    if rest and reading.district is None and reading.city in (None, province):
        found = _prefix(rest, atlas.children[province.code], longest=atlas.longest)
        if found:
            hit, rest = found
            if hit.level == 2:
                reading.city = hit
            else:
                reading.district = hit
                parent = atlas.by_code.get(hit.parent or "")
                reading.city = parent if parent is not None and parent.level == 2 else province
    if rest and reading.city is not None and reading.city.level == 2 and reading.district is None:
        found = _prefix(rest, atlas.children[reading.city.code], longest=atlas.longest)
        if found:
            reading.district, rest = found
    return rest


def _read(province: Division, text: str) -> tuple[_Reading, str]:
    """`text` (a key) read below `province`, with or without the province's own name first
    ("湖北省武汉市" in a city field; "北京市" as the city of 北京市; but "吉林市" is a city
    of 吉林省, not 吉林 followed by 市): the reading that leaves least unread."""
    plain = _Reading(province)
    plain_rest = _descend(plain, text)
    hit = _province_prefix(text)
    if hit is None or hit[0] != province or not plain_rest:
        return plain, plain_rest
    stripped = _Reading(province, city=province if is_flat(province) else None)
    stripped_rest = _descend(stripped, hit[1])
    if len(stripped_rest) < len(plain_rest) or (not stripped_rest and stripped.city is not None):
        return stripped, stripped_rest
    return plain, plain_rest


def _from_province_field(text: str) -> tuple[_Reading, str] | None:
    """What a province field says: a province, maybe followed by a city and district, or a city
    where the province belongs ("武汉", "武汉市江岸区"); None when it names no listed place."""
    atlas, key = _atlas(), _key(text)
    candidates: list[tuple[_Reading, str]] = []
    hit = _province_prefix(key)
    if hit is not None:
        reading = _Reading(hit[0])
        candidates.append((reading, _descend(reading, hit[1]) if hit[1] else ""))
    found = _prefix(key, atlas.prefectures, longest=atlas.longest)
    if found is not None:
        province = atlas.by_code[found[0].parent or ""]
        candidates.append(_read(province, key))
    if not candidates:
        return None
    return min(candidates, key=lambda c: len(c[1]))


def normalize_region(
    region: Region, *, field: str = "region", nationwide_allowed: bool = False
) -> RegionCheck:
    """`region` in the hub's canonical form, with the errors that refuse it and the warnings
    that keep it as written. `field` prefixes the error paths ("region", "destination", ...)."""
    atlas = _atlas()
    province_text, city_text = _clean(region.province), _clean(region.city)
    district_text, code_text = _clean(region.district), _clean(region.admin_code)
    code_given = code_text if re.fullmatch(r"\d{6}(\d{3}(\d{3})?)?", code_text) else ""
    if code_text and not code_given:
        # A malformed code stays as given, for validation to refuse (INVALID_FORMAT).
        return RegionCheck(region)
    if _key(province_text) in _NATIONWIDE_FORMS or (
        not province_text and code_given == NATIONWIDE_CODE
    ):
        if not nationwide_allowed:
            error = UserError(f"{field}.province", ErrorCode.NATIONWIDE_NOT_ALLOWED)
            return RegionCheck(region, (error,))
        return RegionCheck(Region(NATIONWIDE, None, None, NATIONWIDE_CODE))
    if province_text:
        parsed = _from_province_field(province_text)
        if parsed is None:
            return RegionCheck(region, (_unknown_province(field, province_text),))
        reading, rest = parsed
        if rest and not city_text:
            # Text after the province that names nothing listed: the city as written.
            city_text = province_text[len(province_text) - len(rest) :]
    else:
        inferred = _inferred_province(city_text, code_given)
        if inferred is None:
            return RegionCheck(region)  # validation says REQUIRED
        reading = _Reading(inferred)
    warnings: list[InputWarning] = []
    if city_text and _key(city_text) not in _IGNORED_PARTS:
        city_reading, left = _read(reading.province, _key(city_text))
        if city_reading.city is not None and not left:
            reading.city = city_reading.city
            reading.district = city_reading.district or (
                reading.district
                if reading.district and reading.district.parent == reading.city.code
                else None
            )
        else:
            reading.city, reading.district, reading.city_text = None, None, city_text
            warnings.append(_not_listed(f"{field}.city", city_text, reading.province))
    if district_text:
        parent = reading.city or reading.province
        found = _prefix(_key(district_text), atlas.children[parent.code], longest=atlas.longest)
        listed = found[0] if found and not found[1] and found[0].level == 3 else None
        if listed is not None:  # "城区" is a district of 阳泉市, and is found here
            reading.district = listed
            if reading.city is None and reading.city_text is None:
                owner = atlas.by_code.get(listed.parent or "")
                reading.city = owner if owner is not None and owner.level == 2 else reading.province
        elif _key(district_text) not in _IGNORED_PARTS:  # 市辖区 names no district
            reading.district, reading.district_text = None, district_text
            warnings.append(_not_listed(f"{field}.district", district_text, parent))
    return _with_code(_region_of(reading), code_given, field, tuple(warnings))


def _inferred_province(city_text: str, code: str) -> Division | None:
    atlas = _atlas()
    if city_text:
        found = _prefix(_key(city_text), atlas.prefectures, longest=atlas.longest)
        if found is not None:
            return atlas.by_code.get(found[0].parent or "")
        municipality = _province_prefix(_key(city_text))
        if municipality is not None and is_flat(municipality[0]):
            return municipality[0]  # "上海市" as the city: the municipality
    if code:
        return atlas.by_code.get(code[:2] + "0000")
    return None


def _region_of(reading: _Reading) -> Region:
    province = reading.province
    city = reading.city.name if reading.city else reading.city_text
    if city is None and is_flat(province):
        city = province.name  # a municipality is its own city: 北京市 / 北京市 / 朝阳区
    district = reading.district.name if reading.district else reading.district_text
    # The most specific division known; a district under a city kept as written is not placed.
    most_specific = reading.district or reading.city or province
    if reading.district is not None and reading.city_text is not None:
        most_specific = province
    return Region(province.name, city, district, most_specific.code)


def _with_code(
    region: Region, given: str, field: str, warnings: tuple[InputWarning, ...]
) -> RegionCheck:
    """`region` with the client's code when it agrees with the names (and says more)."""
    if not given:
        return RegionCheck(region, (), warnings)
    known = region.admin_code or ""
    if _within(given[:6], known):
        # The client knows more (a district, a township): keep its code, and name what the
        # names left out.
        found = division(given)
        while found is not None and found.level > 1:
            if found.level == 3 and region.district is None:
                region = replace(region, district=found.name)
            elif found.level == 2 and region.city is None:
                region = replace(region, city=found.name)
            found = division(found.parent or "")
        return RegionCheck(replace(region, admin_code=given), (), warnings)
    if _within(known, given[:6]):
        return RegionCheck(region, (), warnings)
    named = division(given)
    error = UserError(
        f"{field}.adminCode",
        ErrorCode.REGION_CODE_MISMATCH,
        {"code": given, "code_name": named.name if named else "?", "names": _joined(region)},
    )
    return RegionCheck(region, (error,), warnings)


def _within(code: str, ancestor: str) -> bool:
    """Whether the 6-digit `code` lies in (or is) the division `ancestor`."""
    if not code or not ancestor:
        return False
    if ancestor.endswith("0000"):
        return code[:2] == ancestor[:2]
    if ancestor.endswith("00"):
        return code[:4] == ancestor[:4]
    return code == ancestor


def _joined(region: Region) -> str:
    return "".join(p for p in (region.province, region.city, region.district) if p)


def _unknown_province(field: str, text: str) -> UserError:
    return UserError(
        f"{field}.province",
        ErrorCode.UNKNOWN_REGION,
        {"name": text, "suggestions": "、".join(suggestions(text))},
    )


def _not_listed(field: str, text: str, parent: Division) -> InputWarning:
    names = [d.name for d in children_of(parent.code)]
    return InputWarning(
        field,
        WarningCode.REGION_NOT_LISTED,
        {"name": text, "parent": parent.name, "suggestions": "、".join(_closest(text, names))},
    )


def suggestions(text: str, limit: int = 3) -> list[str]:
    """The provinces whose names come closest to `text`."""
    atlas = _atlas()
    found = _closest(text, list(atlas.provinces), limit=limit * 4)
    names: list[str] = []
    for form in found:
        name = atlas.provinces[form].name
        if name not in names:
            names.append(name)
    return names[:limit]


def _closest(text: str, choices: list[str], limit: int = 3) -> list[str]:
    if not choices:
        return []
    found = process.extract(text.casefold(), choices, scorer=fuzz.WRatio, limit=limit)
    return [choice for choice, _score, _index in found]


def is_nationwide(region: Region | None) -> bool:
    """Whether `region` is the whole country."""
    return region is not None and region.province == NATIONWIDE


def answers_places(region: Region, provinces: Collection[str], cities: Collection[str]) -> bool:
    """Whether an entry's `region` answers filters for places (any of `provinces`, any of
    `cities`; empty: no restriction). A nationwide entry answers every place, as lists show it
    (hub.store.entry_sql.entry_where): a carrier or donor serving the country serves 四川 too."""
    if is_nationwide(region) and NATIONWIDE not in provinces:
        return True
    return (not provinces or region.province in provinces) and (not cities or region.city in cities)


def filter_places(
    provinces: Sequence[str], cities: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Province and city values of a filter in canonical form (each alone, as `filter_place`)."""
    wanted_provinces = tuple(dict.fromkeys(filter_place(p)[0] or p for p in provinces))
    wanted_cities = tuple(dict.fromkeys(filter_place(None, c)[1] or c for c in cities))
    return wanted_provinces, wanted_cities


def filter_place(
    province: str | None, city: str | None = None, district: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """A place asked for in a filter, read as a submitted one is ("四川" finds "四川省", "武汉"
    finds "武汉市"). The province is only kept when asked for (a filter for the city 武汉 alone
    stays one); parts that name nothing listed stay as written (they find what was stored as
    written, or nothing)."""
    province, city, district = (
        _clean(province) or None,
        _clean(city) or None,
        _clean(district) or None,
    )
    if not (province or city or district):
        return None, None, None
    checked = normalize_region(Region(province or "", city, district), nationwide_allowed=True)
    if checked.errors or not checked.region.province:
        return province, city, district
    found = checked.region
    if city is None and found.city == found.province:
        # A municipality asked for as a province: every entry there has the same city anyway,
        # and rows not yet migrated may lack it.
        return found.province, None, found.district
    return (found.province if province else None), found.city, found.district
