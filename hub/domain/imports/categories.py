"""The supply category of a sheet's item, from a category cell or from the item's name.

A category cell may hold a code (`face.goggles`, as exports write it) or a category's Chinese
or English name. Without one, the item's name and spec are matched against keywords, most
specific first (N95 before 口罩). An item nothing matches goes to `other.other` when the
taxonomy has it, and the row says so (GUESSED_CATEGORY), for reviewers to correct.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from hub.domain.taxonomy import SupplyCategory

OTHER = "other.other"
# (category code, keywords) in order: the first category with a keyword in the text wins.
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("face.kn95_respirator", ("kn95", "kn 95")),
    ("face.medical_respirator", ("n95", "n99", "ffp2", "ffp3", "医用防护口罩", "防护口罩",
                                 "respirator")),
    ("face.surgical_mask", ("外科口罩", "医用外科", "surgical mask")),
    ("face.medical_mask", ("口罩", "mask")),
    ("face.goggles", ("护目镜", "防护眼镜", "眼罩", "goggle")),
    ("face.face_shield", ("面罩", "面屏", "防护屏", "face shield")),
    ("body.protective_coverall", ("防护服", "连体", "coverall", "protective suit")),
    ("body.isolation_gown", ("隔离衣", "隔离服", "isolation gown")),
    ("body.surgical_gown", ("手术衣", "手术服", "surgical gown")),
    ("body.gloves", ("手套", "glove")),
    ("body.cap", ("帽", "cap")),
    ("feet.boot_covers", ("靴套", "boot cover")),
    ("feet.shoe_covers", ("鞋套", "shoe cover")),
    ("feet.boots", ("胶鞋", "雨靴", "胶靴", "水鞋", "boots")),
    ("disinfection.chlorine", ("84", "含氯", "次氯酸", "漂白", "chlorine", "bleach")),
    ("disinfection.peracetic_acid", ("过氧乙酸", "peracetic")),
    ("disinfection.hand_sanitiser", ("手消", "免洗", "洗手液", "sanitiser", "sanitizer")),
    ("disinfection.alcohol_75", ("酒精", "乙醇", "alcohol")),
    ("disinfection.iodophor", ("碘伏", "碘酒", "iodophor")),
    ("devices.thermometer", ("体温", "额温", "耳温", "测温", "温度计", "thermometer")),
    ("devices.air_disinfector", ("空气消毒", "空气净化", "air disinfect", "air purifier")),
    ("devices.uv_cart", ("紫外", "uv ")),
    ("devices.ventilator", ("呼吸机", "ventilator")),
    ("devices.oxygen_concentrator", ("制氧机", "oxygen concentrator")),
    ("devices.oxygen", ("氧气", "oxygen")),
    ("diagnostics.test_kit", ("试剂", "检测盒", "核酸", "test kit")),
    ("living.water", ("饮用水", "矿泉水", "纯净水", "water")),
    ("living.heating", ("取暖", "暖宝宝", "电热毯", "暖手", "heater", "heating")),
    ("living.food", ("食品", "方便面", "牛奶", "面包", "饼干", "盒饭", "蔬菜", "大米", "米",
                     "食物", "food", "meal")),
)  # fmt: skip


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def category_from_cell(cell: str, categories: Mapping[str, SupplyCategory]) -> str | None:
    """The code a category cell names (a code, or a category's zh or en name); None if none."""
    text = _fold(cell)
    if not text:
        return None
    for code, category in categories.items():
        if text in (code.casefold(), _fold(category.name_zh), _fold(category.name_en)):
            return code
    return None


def guess_category(
    name: str, spec: str | None, categories: Mapping[str, SupplyCategory]
) -> tuple[str, bool]:
    """The category of an item from its name, then its spec; `(code, False)` when a keyword
    matched, `(OTHER, True)` when nothing did."""
    for text in (_fold(name), _fold(spec)):
        if not text:
            continue
        for code, words in _KEYWORDS:
            if code in categories and any(word in text for word in words):
                return code, False
        for code, category in categories.items():
            if _fold(category.name_zh) in text:
                return code, False
    return OTHER, True
