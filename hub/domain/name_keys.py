"""What a Chinese organization's name says about its identity, for telling duplicates apart.

People write one hospital several ways: 武汉市汉口医院 and 武汉汉口医院, 湖北省中西医结合医院
and 湖北省中西医结合医院（新华医院）, 第1 for 第一. And two hospitals may differ by one character
that matters: 第二 vs 第四医院, 中心医院 vs 中医医院. So a name is parsed once into its place
prefix (湖北省, 武汉市, 江夏区 ...), the rest with numbers read as numbers, and the alias in
parentheses; two names are the same when their rests are equal and their place prefixes do not
contradict each other, and merely alike when the rests differ only by left-out characters (never
a changed one) and have the same numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# Places written without their 省 or 市 (湖北 for 湖北省, 武汉 for 武汉市): provinces, Hubei's
# cities and a few large cities. A place written with its suffix needs no list.
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港",
    "澳门",
)  # fmt: skip
CITIES = (
    "武汉", "黄石", "十堰", "宜昌", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁",
    "随州", "恩施", "仙桃", "潜江", "天门", "广州", "深圳", "杭州", "南京", "成都", "长沙",
    "郑州", "西安", "合肥", "南昌", "苏州", "温州", "青岛", "济南", "厦门", "福州", "宁波",
    "信阳", "南阳", "岳阳", "九江", "安庆",
)  # fmt: skip
_BARE = {name: "province" for name in PROVINCES} | {name: "city" for name in CITIES}
_BARE_SIZES = sorted({len(name) for name in _BARE}, reverse=True)
# A leading place with its administrative suffix, shortest first (武汉市, 江夏区, 恩施州).
_SUFFIXED = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(省|自治区|市|自治州|州|地区|盟|县|区)")
_SUFFIX_NEXT = re.compile(r"省|自治区|市|自治州|州|地区|盟|县|区")
_LEVEL_OF_SUFFIX = {"省": "province", "自治区": "province", "县": "district", "区": "district"}
# A parenthesised qualifier naming a branch (a different place of the same brand), not an alias.
_BRANCH = re.compile(
    r"(店|分店|门店|院区|校区|分院|分公司|营业部|支行|本部|分部|仓库|[东西南北中]院)$"
)
_AFFILIATED = "附属"
# Legal forms that one writer adds and another leaves out.
_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|公司)$")
_BRACKETS = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_NOISE = re.compile(r"[\s\-_,.;:!?/\\'\"·、。，；：！？“”‘’《》<>]+")
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_DIGITS = re.compile(r"\d+")
_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
# Two rests this alike (difflib's ratio), differing only by left-out characters, are alike.
ALIKE = 0.8
# Two rests this alike, whatever the differences, are alike when a phone says they are one.
TYPO_ALIKE = 0.75


def numeral_value(text: str) -> int:
    """The value of a Chinese numeral: 一 1, 十二 12, 二十 20, 一百零五 105, 二〇二〇 2020."""
    if not any(char in _UNITS for char in text):
        return int("".join(str(_VALUES[char]) for char in text))
    total, digit = 0, 0
    for char in text:
        if char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            digit = _VALUES[char]
    return total + digit


def _with_numbers(text: str) -> str:
    return _NUMERAL.sub(lambda m: str(numeral_value(m.group())), text)


@dataclass(frozen=True)
class Place:
    """A place named at the start of a name, without its suffix, and its level."""

    name: str
    level: str  # "province", "city" or "district"


@dataclass(frozen=True)
class NameForm:
    """One way of reading a name: its leading places and the rest."""

    places: tuple[Place, ...]
    rest: str
    numbers: tuple[str, ...]

    @property
    def deepest(self) -> Place | None:
        """The most local place the name starts with (武汉 of 湖北省武汉市第一医院)."""
        return self.places[-1] if self.places else None


def _clean(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def _places(text: str) -> tuple[tuple[Place, ...], str]:
    places: list[Place] = []
    while True:
        bare = next(
            (
                text[:size]
                for size in _BARE_SIZES
                if text[:size] in _BARE and len(text) > size and not _SUFFIX_NEXT.match(text, size)
            ),
            None,
        )
        if bare is not None:
            # 武汉江夏区: 武汉, then 江夏区 (not one place 武汉江夏).
            places.append(Place(bare, _BARE[bare]))
            text = text[len(bare) :]
            continue
        matched = _SUFFIXED.match(text)
        if matched and len(text) > matched.end():
            name, suffix = matched.group(1), matched.group(2)
            # 湖北省 is a province whatever the suffix says; 恩施州 and 武汉市 are cities.
            level = _BARE.get(name) or _LEVEL_OF_SUFFIX.get(suffix, "city")
            places.append(Place(name, level))
            text = text[matched.end() :]
            continue
        return tuple(places), text


def _form(text: str) -> NameForm:
    places, rest = _places(text)
    rest = _with_numbers(_LEGAL_FORM.sub("", rest) or rest)
    return NameForm(places, rest, tuple(sorted(_DIGITS.findall(rest))))


@dataclass(frozen=True)
class NameKey:
    """A name read every way it may be meant: as written (brackets dropped); when it carries
    an alias in parentheses, the name without it and the alias alone; when it is a hospital
    affiliated to a university (XX大学附属YY医院), YY医院."""

    forms: tuple[NameForm, ...]

    @classmethod
    def of(cls, name: str | None) -> NameKey:
        """Parse a name (None or blank: no forms, the same as nothing); the names seen most
        recently are remembered (a directory's names are parsed once, not once per query)."""
        return _parsed(name or "")


@lru_cache(maxsize=20_000)
def _parsed(name: str) -> NameKey:
    """NameKey.of, remembered."""
    text = unicodedata.normalize("NFKC", name)
    texts: list[str] = []
    aliases = _BRACKETS.findall(text)
    bare = _BRACKETS.sub("", text)
    branchy = [a for a in aliases if _BRANCH.search(_clean(a))]
    if aliases and len(branchy) == len(aliases):
        texts.append(_clean(text.replace("(", "").replace(")", "")))
    else:
        texts.append(_clean(_BRACKETS.sub(lambda m: m.group(1), text)))
        texts.append(_clean(bare))
        texts += [_clean(a) for a in aliases if a.strip() and a not in branchy]
    # XX大学附属YY医院 goes by YY医院 (附属: "affiliated to").
    # (Not 医院 alone, of 湖北医药学院附属医院: that would be every hospital.)
    affiliated = [t.rsplit(_AFFILIATED, 1)[1] for t in texts if _AFFILIATED in t]
    texts += [t for t in affiliated if len(t) >= 4]
    forms = tuple(dict.fromkeys(_form(t) for t in texts if t))
    return NameKey(forms)


def _compatible(a: NameForm, b: NameForm) -> bool:
    """Whether two forms' places can name the same: one leaves them out, or the most local
    ones are the same (湖北省武汉市X and 武汉X; not 湖北省X and 武汉市X)."""
    left, right = a.deepest, b.deepest
    return left is None or right is None or left.name == right.name


def same_name(a: NameKey, b: NameKey) -> bool:
    """Whether two names name the same organization as written (allowing for places left
    out, numbers written either way, legal forms and aliases)."""
    return any(x.rest == y.rest and _compatible(x, y) for x in a.forms for y in b.forms)


def _only_left_out(a: str, b: str, changed: bool) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < (TYPO_ALIKE if changed else ALIKE):
        return False
    return changed or all(op != "replace" for op, *_ in matcher.get_opcodes())


def alike_names(a: NameKey, b: NameKey, *, typos: bool = False) -> bool:
    """Whether two names differ only by characters one of them leaves out (大酒店 and 酒店),
    with the same numbers and compatible places: a weaker sign than same_name. A changed
    character (中心 and 中医, 协和 and 同济) is a different name, unless `typos` (asked when
    something else, a shared phone, says they are one): then 普任 for 普仁 is alike too."""
    for x in a.forms:
        for y in b.forms:
            if x.numbers != y.numbers or not _compatible(x, y) or not x.rest or not y.rest:
                continue
            if abs(len(x.rest) - len(y.rest)) > max(len(x.rest), len(y.rest)) * 0.34:
                continue
            if _only_left_out(x.rest, y.rest, typos):
                return True
    return False


def place_key(text: str | None) -> str:
    """A province or city as compared: 湖北 for 湖北省, 武汉 for 武汉市, 恩施 for
    恩施土家族苗族自治州 ('' when not given)."""
    cleaned = _clean(text or "")
    for name in _BARE:
        if cleaned.startswith(name):
            return name
    return re.sub(r"(省|自治区|市|自治州|州|地区|盟|县|区)$", "", cleaned)
