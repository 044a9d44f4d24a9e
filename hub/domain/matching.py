"""Matching offers to needs (and needs to offers), with every score explained.

A suggestion pairs each needed item with the best offered item that can answer it: the same
category (or one that exceeds it: a medical respirator answers a KN95 need) and, when the need
names standards, an offered item certified to one that satisfies them. An offer of GB 2626
KN95 masks never answers a need that insists on medical GB 19083 respirators.

The score is a weighted sum of factors in [0, 1], each with a note saying why it has its value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from hub.domain.enums import Urgency, VerificationStatus
from hub.domain.model import Item, Region
from hub.domain.priority import ranked_urgency
from hub.domain.regions import is_nationwide
from hub.domain.units import Unit

# Categories whose supply also answers another category's need (it meets a stricter standard).
ALSO_ANSWERS: dict[str, frozenset[str]] = {
    "face.kn95_respirator": frozenset({"face.medical_respirator"}),
    "face.medical_mask": frozenset({"face.surgical_mask"}),
    "body.isolation_gown": frozenset({"body.protective_coverall"}),
}

# What the standards in a category's taxonomy entry imply when an item names none itself.
CATEGORY_STANDARDS: dict[str, str] = {
    "face.medical_mask": "YY/T 0969",
    "face.surgical_mask": "YY 0469",
    "face.medical_respirator": "GB 19083",
    "face.kn95_respirator": "GB 2626",
    "face.goggles": "GB 14866",
    "body.protective_coverall": "GB 19082",
}

# A required standard, and the standards whose products satisfy it. Medical GB 19083 is only
# met by GB 19083; a KN95 (GB 2626) need is also met by N95, FFP2/FFP3 or medical respirators.
SATISFIED_BY: dict[str, frozenset[str]] = {
    "GB 19083": frozenset({"GB 19083"}),
    "GB 2626": frozenset({"GB 2626", "GB 19083", "NIOSH N95", "EN 149"}),
    "NIOSH N95": frozenset({"NIOSH N95", "GB 2626", "GB 19083"}),
    "EN 149": frozenset({"EN 149", "GB 2626", "NIOSH N95", "GB 19083"}),
    "YY 0469": frozenset({"YY 0469"}),
    "YY/T 0969": frozenset({"YY/T 0969", "YY 0469"}),
    "GB 19082": frozenset({"GB 19082"}),
    "EN 14126": frozenset({"EN 14126", "GB 19082"}),
}

# Each pattern runs on upper-cased text whose whitespace is collapsed to single spaces (faster
# than re.I, which defeats the literal prefix search), and is written so
# that no two unbounded repeats can share the same characters: "GB" followed by hundreds of
# spaces once made `GB\s*/?\s*T?\s*19083` backtrack cubically (1.3 s for 400 spaces).
_STANDARD_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"GB(?: ?/)?(?: ?T)? ?19083"), "GB 19083"),
    (
        re.compile(r"GB(?: ?/)?(?: ?T)? ?2626|\bKN ?(?:95|90|100)\b|\bKP ?(?:95|90|100)\b"),
        "GB 2626",
    ),
    (re.compile(r"GB(?: ?/)?(?: ?T)? ?19082"), "GB 19082"),
    (re.compile(r"GB(?: ?/)?(?: ?T)? ?14866"), "GB 14866"),
    (re.compile(r"YY ?/ ?T ?0969"), "YY/T 0969"),
    (re.compile(r"YY ?0469"), "YY 0469"),
    (re.compile(r"\bEN ?149\b|\bFFP[23]\b"), "EN 149"),
    (re.compile(r"\bEN ?14126\b"), "EN 14126"),
    # N95 alone (not KN95): the American NIOSH rating.
    (re.compile(r"(?<![A-Za-z])N ?95\b|NIOSH"), "NIOSH N95"),
)
_WHITESPACE = re.compile(r"\s+")


def standards_in(*texts: str | None) -> frozenset[str]:
    """The standards named in spec or certification texts, normalised ("GB 2626", ...)."""
    found: set[str] = set()
    for text in texts:
        if not text:
            continue
        collapsed = _WHITESPACE.sub(" ", text).upper()
        for pattern, standard in _STANDARD_PATTERNS:
            if standard not in found and pattern.search(collapsed):
                found.add(standard)
    return frozenset(found)


def stated_standards(item: Item) -> frozenset[str]:
    """The standards an item's spec and certifications name (parse once per item: matching
    compares each item with many)."""
    return standards_in(item.spec, *item.certifications)


def answers_category(need_category: str, offer_category: str) -> bool:
    """Whether supply of `offer_category` can answer a need of `need_category`."""
    return need_category == offer_category or offer_category in ALSO_ANSWERS.get(
        need_category, frozenset()
    )


def item_satisfies(need: Item, offer: Item) -> tuple[bool, str, str]:
    """Whether the offered item can answer the needed one, and why not (zh, en) when it can't."""
    if not answers_category(need.category_code, offer.category_code):
        return False, "物资类别不符。", "Another category of supply."
    return standards_satisfied(stated_standards(need), offer, stated_standards(offer))


def _offered(offer: Item, stated: frozenset[str]) -> frozenset[str]:
    """What an offered item is certified to: what it states, else its category's standard."""
    return stated or frozenset(s for s in [CATEGORY_STANDARDS.get(offer.category_code)] if s)


def meets_standards(required: frozenset[str], offer: Item, stated: frozenset[str]) -> bool:
    """Whether an offered item stating `stated` meets one of the standards a need requires."""
    if not required:
        return True
    offered = _offered(offer, stated)
    return any(offered & SATISFIED_BY.get(standard, frozenset({standard})) for standard in required)


def standards_satisfied(
    required: frozenset[str], offer: Item, stated: frozenset[str]
) -> tuple[bool, str, str]:
    """Whether an offered item of an answering category, stating `stated`, meets the standards
    a need `required`, and why not (zh, en) when it does not."""
    if meets_standards(required, offer, stated):
        return True, "", ""
    offered = _offered(offer, stated)
    wanted = "、".join(sorted(required))
    have = "、".join(sorted(offered)) or "未注明"
    return (
        False,
        f"需求要求 {wanted}，供应为 {have}，不符合。",
        f"The need insists on {', '.join(sorted(required))}; the offer is "
        f"{', '.join(sorted(offered)) or 'of no stated standard'}.",
    )


class Factor(Enum):
    """The parts of a match score."""

    COMPATIBILITY = "COMPATIBILITY"
    QUANTITY = "QUANTITY"
    DISTANCE = "DISTANCE"
    URGENCY = "URGENCY"
    VERIFICATION = "VERIFICATION"
    FRESHNESS = "FRESHNESS"


WEIGHTS: dict[Factor, float] = {
    Factor.COMPATIBILITY: 0.25,
    Factor.QUANTITY: 0.20,
    Factor.DISTANCE: 0.20,
    Factor.URGENCY: 0.15,
    Factor.VERIFICATION: 0.10,
    Factor.FRESHNESS: 0.10,
}
_URGENCY = {Urgency.CRITICAL: 1.0, Urgency.HIGH: 0.75, Urgency.MEDIUM: 0.5, Urgency.LOW: 0.25}
_URGENCY_ZH = {
    Urgency.CRITICAL: "特急",
    Urgency.HIGH: "紧急",
    Urgency.MEDIUM: "一般",
    Urgency.LOW: "不急",
}
_VERIFICATION_ZH = {
    VerificationStatus.PENDING: "待核实",
    VerificationStatus.IN_REVIEW: "核实中",
    VerificationStatus.VERIFIED: "已核实",
    VerificationStatus.REJECTED: "已驳回",
    VerificationStatus.NEEDS_CHANGES: "待修改",
    VerificationStatus.EXPIRED: "已过期",
}
_VERIFICATION = {
    VerificationStatus.VERIFIED: 1.0,
    VerificationStatus.IN_REVIEW: 0.4,
    VerificationStatus.PENDING: 0.4,
}
# Statuses whose entries may be suggested at all: only what a reviewer checked, for everyone
# (reviewers included; they see the rest in the review queue). Anyone may post a PENDING
# entry, so matching them let anonymous posts fill every suggestion list and made each call
# score whatever an attacker posted.
MATCHABLE = frozenset({VerificationStatus.VERIFIED})
FRESH_HOURS = 72.0


@dataclass(frozen=True)
class FactorScore:
    """One factor's value in [0, 1], its weight, and why (zh, en)."""

    factor: Factor
    value: float
    weight: float
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class MatchLine:
    """A needed item answered by an offered item, with the quantity that fits both."""

    need_position: int
    offer_position: int
    # None when neither side knows how much.
    quantity: Decimal | None


@dataclass(frozen=True)
class Side:
    """What matching knows of one entry: items with what is left of each, region, place."""

    items: tuple[Item, ...]
    # What is left per item position (None: unknown quantity).
    left: Mapping[int, Decimal | None]
    region: Region
    verification: VerificationStatus
    updated_at: datetime
    urgency: Urgency | None = None
    latitude: float | None = None
    longitude: float | None = None
    # The standards each item states, by position (`side_standards`), parsed once per entry
    # version by whoever builds sides for many comparisons; None: parsed when matched.
    stated: tuple[frozenset[str], ...] | None = None

    def standards(self) -> tuple[frozenset[str], ...]:
        """The standards each item states, by position."""
        return self.stated if self.stated is not None else side_standards(self.items)


def side_standards(items: Sequence[Item]) -> tuple[frozenset[str], ...]:
    """The standards each of `items` states, by position."""
    return tuple(stated_standards(item) for item in items)


def _answering_categories(need_category: str) -> tuple[str, ...]:
    return (need_category, *ALSO_ANSWERS.get(need_category, ()))


def _by_category(side: Side) -> dict[tuple[str, Unit], list[int]]:
    """Positions of the items with something left, by (category, unit)."""
    index: dict[tuple[str, Unit], list[int]] = {}
    for pos, item in enumerate(side.items):
        left = side.left.get(pos)
        if left is None or left > 0:
            index.setdefault((item.category_code, item.unit), []).append(pos)
    return index


def comparisons(need: Side, offer: Side) -> int:
    """How many item pairs `match` compares: only the needed items still lacking something,
    each with the offered items of an answering category and the same unit (the work a match
    costs, counted before doing it)."""
    index = _by_category(offer)
    total = 0
    for pos, item in enumerate(need.items):
        left = need.left.get(pos)
        if left is not None and left <= 0:
            continue
        for category in _answering_categories(item.category_code):
            total += len(index.get((category, item.unit), ()))
    return total


@dataclass(frozen=True)
class Match:
    """A suggestion: its lines, score and factors."""

    lines: tuple[MatchLine, ...]
    score: float
    factors: tuple[FactorScore, ...]


def match(
    need: Side, offer: Side, now: datetime, *, suggesting_offers: bool = True
) -> Match | None:
    """The suggestion pairing `offer` with `need`; None when no offered item answers any
    needed item that still lacks something. Freshness is the suggested side's."""
    lines: list[MatchLine] = []
    # Each item's standards are parsed once, not once per pair; only offered items of an
    # answering category and the same unit are compared at all.
    need_standards = need.standards()
    offer_standards = offer.standards()
    index = _by_category(offer)
    for n_pos, n_item in enumerate(need.items):
        n_left = need.left.get(n_pos)
        if n_left is not None and n_left <= 0:
            continue
        best: tuple[int, Decimal | None] | None = None
        for category in _answering_categories(n_item.category_code):
            for o_pos in index.get((category, n_item.unit), ()):
                o_item = offer.items[o_pos]
                if not meets_standards(need_standards[n_pos], o_item, offer_standards[o_pos]):
                    continue
                fits = _fit(n_left, offer.left.get(o_pos))
                if (
                    best is None
                    or _more(fits, best[1])
                    or (not _more(best[1], fits) and o_pos < best[0])
                ):
                    best = (o_pos, fits)
        if best is not None:
            lines.append(MatchLine(n_pos, best[0], best[1]))
    if not lines:
        return None
    factors = (
        _compatibility(need, lines),
        _quantity(need, lines),
        _distance(need, offer),
        _urgency(need.urgency),
        _verification(need, offer),
        _freshness(offer if suggesting_offers else need, now),
    )
    score = round(sum(f.value * f.weight for f in factors), 4)
    return Match(tuple(lines), score, factors)


def _fit(need_left: Decimal | None, offer_left: Decimal | None) -> Decimal | None:
    if need_left is None:
        return offer_left
    if offer_left is None:
        return need_left
    return min(need_left, offer_left)


def _more(a: Decimal | None, b: Decimal | None) -> bool:
    if b is None:
        return a is not None
    return a is not None and a > b


def _open_items(need: Side) -> int:
    lefts = (need.left.get(pos) for pos in range(len(need.items)))
    return sum(1 for left in lefts if left is None or left > 0)


def _compatibility(need: Side, lines: Sequence[MatchLine]) -> FactorScore:
    wanted = max(_open_items(need), 1)
    value = min(len(lines) / wanted, 1.0)
    return FactorScore(
        Factor.COMPATIBILITY,
        value,
        WEIGHTS[Factor.COMPATIBILITY],
        f"可满足 {len(lines)}/{wanted} 项所需物资（类别与标准相符）。",
        f"Answers {len(lines)} of {wanted} needed items (category and standard).",
    )


def _quantity(need: Side, lines: Sequence[MatchLine]) -> FactorScore:
    shares: list[float] = []
    for line in lines:
        lacking = need.left.get(line.need_position)
        if lacking is None or line.quantity is None:
            shares.append(0.5)
        else:
            shares.append(float(min(line.quantity / lacking, Decimal(1))) if lacking > 0 else 1.0)
    value = sum(shares) / len(shares)
    return FactorScore(
        Factor.QUANTITY,
        value,
        WEIGHTS[Factor.QUANTITY],
        f"可覆盖所缺数量的 {value:.0%}（数量不明按一半计）。",
        f"Covers {value:.0%} of what is lacking (unknown quantities count as half).",
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(a, 1.0)))


def _distance(need: Side, offer: Side) -> FactorScore:
    weight = WEIGHTS[Factor.DISTANCE]
    if None not in (need.latitude, need.longitude, offer.latitude, offer.longitude):
        km = distance_km(need.latitude, need.longitude, offer.latitude, offer.longitude)  # type: ignore[arg-type]
        value = 1.0 / (1.0 + km / 100.0)
        return FactorScore(
            Factor.DISTANCE, value, weight, f"相距约 {km:.0f} 公里。", f"About {km:.0f} km apart."
        )
    if is_nationwide(offer.region):
        # A donor or carrier serving the whole country reaches this province as well as one of
        # its own: ranked as the same province, below the same city.
        return FactorScore(
            Factor.DISTANCE, 0.6, weight, "全国范围供应。", "Serves the whole country."
        )
    same_province = need.region.province == offer.region.province
    if same_province and need.region.city and need.region.city == offer.region.city:
        return FactorScore(Factor.DISTANCE, 1.0, weight, "同城。", "Same city.")
    if same_province:
        return FactorScore(Factor.DISTANCE, 0.6, weight, "同省。", "Same province.")
    return FactorScore(Factor.DISTANCE, 0.2, weight, "外省。", "Another province.")


def _urgency(urgency: Urgency | None) -> FactorScore:
    # Not stated: scored as the need ranks (RANKED_WHEN_NOT_STATED), and said to be unstated.
    value = _URGENCY[ranked_urgency(urgency)]
    name = urgency.value if urgency else "not stated"
    name_zh = _URGENCY_ZH[urgency] if urgency else "未说明"
    return FactorScore(
        Factor.URGENCY,
        value,
        WEIGHTS[Factor.URGENCY],
        f"需求紧急程度：{name_zh}。",
        f"The need's urgency: {name}.",
    )


def _verification(need: Side, offer: Side) -> FactorScore:
    # Both sides count: a verified offer for an unverified need is still a gamble.
    value = (
        _VERIFICATION.get(need.verification, 0.0) + _VERIFICATION.get(offer.verification, 0.0)
    ) / 2
    return FactorScore(
        Factor.VERIFICATION,
        value,
        WEIGHTS[Factor.VERIFICATION],
        f"需求{_VERIFICATION_ZH[need.verification]}，供应{_VERIFICATION_ZH[offer.verification]}。",
        f"Need {need.verification.value}, offer {offer.verification.value}.",
    )


def _freshness(side: Side, now: datetime) -> FactorScore:
    hours = max((now - side.updated_at).total_seconds() / 3600.0, 0.0)
    value = 1.0 / (1.0 + hours / FRESH_HOURS)
    return FactorScore(
        Factor.FRESHNESS,
        value,
        WEIGHTS[Factor.FRESHNESS],
        f"{hours:.0f} 小时前更新。",
        f"Updated {hours:.0f} hours ago.",
    )
