"""Search in plain Python: what goes into a search document, how a query is read, highlights.

Contacts never enter a document, whatever their visibility: a phone number is not something
anyone should find by searching, and the index must hold nothing protected.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any
from uuid import UUID

from hub.domain.enums import EntryKind, EntryStatus, Urgency, VerificationStatus
from hub.domain.kinds import KINDS, kind_of
from hub.domain.kinds.spec import SearchUse
from hub.domain.listing import URGENCY_RANK, BadCursor, encode_cursor
from hub.domain.model import Entry, Organization, Region
from hub.domain.priority import ranked_urgency
from hub.domain.taxonomy import SupplyCategory

ORGANIZATION = "ORGANIZATION"
# Results are paged by offset (as Meilisearch does), up to this many hits deep.
MAX_SEARCH_DEPTH = 1000


class SearchOrder(Enum):
    """The one order of search results (it names the cursors)."""

    RELEVANCE = "RELEVANCE"


def search_cursor(offset: int) -> str:
    """The cursor of the hit at `offset` (results are paged by offset, as Meilisearch does)."""
    return encode_cursor(SearchOrder.RELEVANCE, (offset,))


def cursor_offset(cursor: str) -> int:
    """The offset inside a search cursor; BadCursor when it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise BadCursor("malformed cursor") from None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or values[0] != SearchOrder.RELEVANCE.value
        or not isinstance(values[1], int)
        or not 0 <= values[1] < MAX_SEARCH_DEPTH
    ):
        raise BadCursor("not a search cursor")
    return values[1]


MAX_QUERY_CHARS = 1000
MAX_TERMS = 16
# English names of the provinces (and the largest cities) so that "ventilator Hubei" or
# "goggles Wuhan" finds entries whose regions are written in Chinese.
REGION_NAMES_EN = {
    "北京市": "Beijing", "天津市": "Tianjin", "河北省": "Hebei", "山西省": "Shanxi",
    "内蒙古自治区": "Inner Mongolia", "辽宁省": "Liaoning", "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang", "上海市": "Shanghai", "江苏省": "Jiangsu", "浙江省": "Zhejiang",
    "安徽省": "Anhui", "福建省": "Fujian", "江西省": "Jiangxi", "山东省": "Shandong",
    "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan", "广东省": "Guangdong",
    "广西壮族自治区": "Guangxi", "海南省": "Hainan", "重庆市": "Chongqing", "四川省": "Sichuan",
    "贵州省": "Guizhou", "云南省": "Yunnan", "西藏自治区": "Tibet", "陕西省": "Shaanxi",
    "甘肃省": "Gansu", "青海省": "Qinghai", "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang", "香港特别行政区": "Hong Kong", "澳门特别行政区": "Macau",
    "台湾省": "Taiwan", "武汉市": "Wuhan", "孝感市": "Xiaogan", "黄冈市": "Huanggang",
    "荆州市": "Jingzhou", "宜昌市": "Yichang", "襄阳市": "Xiangyang", "十堰市": "Shiyan",
    "随州市": "Suizhou", "咸宁市": "Xianning", "荆门市": "Jingmen", "鄂州市": "Ezhou",
    "黄石市": "Huangshi", "恩施土家族苗族自治州": "Enshi", "仙桃市": "Xiantao",
    "天门市": "Tianmen", "潜江市": "Qianjiang", "深圳市": "Shenzhen", "广州市": "Guangzhou",
    "杭州市": "Hangzhou", "南京市": "Nanjing", "郑州市": "Zhengzhou", "长沙市": "Changsha",
    "成都市": "Chengdu", "西安市": "Xi'an", "苏州市": "Suzhou", "东莞市": "Dongguan",
}  # fmt: skip
KIND_NAMES = {
    **{kind.kind.value: kind.search_words for kind in KINDS},
    ORGANIZATION: "机构 organization",
}


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one entry or organization: public text and filter fields."""

    subject_id: UUID
    kind: str
    organization_id: UUID | None
    province: str | None
    city: str | None
    category_codes: tuple[str, ...]
    urgency: str | None
    verification_status: str
    title: str
    body: str
    updated_at: datetime

    @property
    def urgency_rank(self) -> int:
        """0 for CRITICAL to 3 for LOW (a need's urgency not stated as RANKED_WHEN_NOT_STATED);
        4 for other kinds (as lists order them)."""
        if self.kind != EntryKind.NEED.value:
            return 4
        return URGENCY_RANK[ranked_urgency(Urgency(self.urgency) if self.urgency else None)]


@dataclass(frozen=True)
class SearchFilter:
    """Narrowing of a search; empty collections mean no restriction."""

    kinds: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    category_codes: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    verification_statuses: tuple[str, ...] = ()
    # As lists do: unless statuses are asked for, entries must be VERIFIED (organizations,
    # which claim no supplies, are found whatever their status).
    verified_entries_only: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the backends use it: words (all must match) and quoted exact phrases."""

    terms: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Whether only filters were given."""
        return not self.terms and not self.phrases

    @property
    def needles(self) -> tuple[str, ...]:
        """Every piece of text to highlight."""
        return self.phrases + self.terms


def _clean(text: str) -> str:
    # Control characters and filter syntax never reach a backend as anything but text.
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)


def parse_query(text: str) -> ParsedQuery:
    """Words and "quoted phrases" of a query, cut to MAX_QUERY_CHARS and MAX_TERMS."""
    text = _clean(text[:MAX_QUERY_CHARS])
    phrases = tuple(p.strip() for p in re.findall(r'"([^"]+)"', text) if p.strip())
    rest = re.sub(r'"[^"]*"?', " ", text)
    terms = tuple(dict.fromkeys(t for t in rest.split() if t))
    return ParsedQuery(terms[:MAX_TERMS], phrases[:MAX_TERMS])


def searchable(entry: Entry) -> bool:
    """Whether an entry belongs in the index: not closed, rejected or merged into another."""
    return (
        entry.status is not EntryStatus.CLOSED
        and entry.verification_status is not VerificationStatus.REJECTED
        and entry.merged_into is None
    )


def _region_words(province: str | None, city: str | None) -> list[str]:
    words = [w for w in (province, city) if w]
    return words + [REGION_NAMES_EN[w] for w in words if w in REGION_NAMES_EN]


def _words(value: Any) -> list[str]:
    # A detail's value as the words that find it: a place by its names, an enum by its name.
    if value is None:
        return []
    if isinstance(value, Region):
        return _region_words(value.province, value.city)
    if isinstance(value, Enum):
        return [str(value.value).lower().replace("_", " ")]
    return [str(value)]


def entry_document(
    entry: Entry, organization: Organization | None, categories: dict[str, SupplyCategory]
) -> SearchDocument | None:
    """The document of an entry, or None when it must not be (or no longer be) in the index."""
    if not searchable(entry):
        return None
    draft = entry.draft
    details = draft.details
    title_parts = [organization.draft.name if organization else draft.provider_name or ""]
    body_parts: list[str] = [KIND_NAMES[entry.kind.value]]
    for item in draft.items:
        title_parts.append(item.name)
        category = categories.get(item.category_code)
        if category is not None:
            body_parts += [category.name_zh, category.name_en]
        body_parts += [item.spec or "", *item.certifications]
    region = draft.region
    body_parts += _region_words(region.province, region.city)
    body_parts += [region.district or "", draft.address or "", draft.notes or ""]
    for spec in kind_of(entry.kind).fields:
        # Never the account number (SearchUse.NONE): searching by number is no use to a donor,
        # and an unverified number must not spread.
        if spec.meta.search is SearchUse.TITLE:
            title_parts += _words(getattr(details, spec.name))
        elif spec.meta.search is SearchUse.BODY:
            body_parts += _words(getattr(details, spec.name))
    urgency = getattr(details, "urgency", None)
    return SearchDocument(
        subject_id=entry.id,
        kind=entry.kind.value,
        organization_id=draft.organization_id,
        province=region.province,
        city=region.city,
        category_codes=tuple(dict.fromkeys(i.category_code for i in draft.items)),
        urgency=urgency.value if urgency else None,
        verification_status=entry.verification_status.value,
        title=" ".join(p for p in title_parts if p),
        body=" ".join(p for p in body_parts if p),
        updated_at=entry.updated_at,
    )


def organization_document(organization: Organization) -> SearchDocument | None:
    """The document of an organization (rejected ones stay out)."""
    if organization.verification_status is VerificationStatus.REJECTED:
        return None
    draft = organization.draft
    body = [KIND_NAMES[ORGANIZATION], draft.kind.value.lower(), draft.address or ""]
    body += _region_words(draft.region.province, draft.region.city)
    return SearchDocument(
        subject_id=organization.id,
        kind=ORGANIZATION,
        organization_id=organization.id,
        province=draft.region.province,
        city=draft.region.city,
        category_codes=(),
        urgency=None,
        verification_status=organization.verification_status.value,
        title=draft.name,
        body=" ".join(p for p in body if p),
        updated_at=organization.updated_at,
    )


@dataclass(frozen=True)
class Highlight:
    """Where a document's field matches the query: a short snippet and the matched ranges."""

    field: str
    snippet: str
    # (start, length) in characters of `snippet`.
    ranges: tuple[tuple[int, int], ...]


SNIPPET_CHARS = 120


@lru_cache(maxsize=256)
def _needle_pattern(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    # One pass over the text for every needle; the longest first where several start at once.
    lowered = sorted({n.lower() for n in needles if n}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in lowered)) if lowered else None


def highlight(field: str, text: str, needles: tuple[str, ...]) -> Highlight | None:
    """The snippet of `text` around its first match of any needle (case-insensitive)."""
    pattern = _needle_pattern(needles)
    if pattern is None:
        return None
    found = [(m.start(), m.end() - m.start()) for m in pattern.finditer(text.lower())]
    if not found:
        return None
    first = found[0][0]
    start = max(0, min(first - SNIPPET_CHARS // 4, len(text) - SNIPPET_CHARS))
    end = min(len(text), start + SNIPPET_CHARS)
    ranges: list[tuple[int, int]] = []
    for position, length in found:
        if position >= start and position + length <= end:
            if ranges and position < ranges[-1][0] + ranges[-1][1]:
                continue  # overlapping matches: keep the first
            ranges.append((position - start, length))
    return Highlight(field, text[start:end], tuple(ranges))
