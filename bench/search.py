"""Search: indexing throughput, recall and query latency of the search backends (issue 16).

The benchmark starts a database (the embedded PostgreSQL in a throw-away folder, or the one
named by HUB_BENCH_DATABASE_URL), applies the migrations and seeds, with plain SQL `COPY`, a
generated set of organizations and entries: needs of Hubei hospitals, offers of factories and
charities across China, logistics offers and lodging, with items from the real supply taxonomy
and notes in Chinese with some English. Then, for each backend:

1. Indexing. For PostgreSQL, `rebuild_postgres` (hub/search/reindex.py, what `hub search
   reindex` runs): entry and organization ids in batches of 500, `documents_of`
   (hub/services/search_documents.py) builds their documents from the rows and their lexemes
   (hub/search/tokens.py), each batch written in one statement while the next is read, all in
   one transaction. For Meilisearch, the documents of each batch of `--meili-batch` are sent
   and waited for. No outbox events are seeded and `index_round` is not used, so the figure is
   documents per second of that pipeline, not of draining the outbox. Closed and rejected
   entries give no document. Afterwards PostgreSQL gets `VACUUM (ANALYZE) search_document`
   (timed separately, as autovacuum would do soon after a bulk load), and the size of the
   index is read.
2. Recall (--recall, on by default): random 2-, 3- and 4-character CJK slices of document
   titles (names) and entry notes (remarks), searched through the backend and compared with
   ILIKE over the same documents (paged through to MAX_SEARCH_DEPTH when ILIKE finds at most
   that many, else the totals compared up to COUNT_BOUND).
3. Queries. Named queries (broad terms, two-character words, typos, phrases, filters) and
   never-repeated cold queries (--cold-share), as first pages with total and facets or next
   pages without (--next-share), sent to the backend's `search` in this process, as a hub
   process would (no GraphQL, no HTTP), at each concurrency level: `--warmup` seconds not
   measured, then `--seconds` measured. --mode cold calls the backend every time, --mode warm
   goes through CachedSearch as the hub serves; both by default. Figures overall, per class
   (named, cold, first page, next page) and per named query. For Meilisearch, its own
   processingTimeMs of the same mix as well.

It never passes or fails on a figure.

PostgreSQL plans change during a run: asyncpg prepares each statement once per connection,
and from a statement's sixth run on that connection PostgreSQL may keep a generic plan (one
for any values) instead of planning for the values given. Queries of the same shape share a
statement, so the first minute of a run mixes both kinds of plan. At concurrency 1 every call
uses the same connection: `--warmup 60` (about six rounds of the set at 100,000 entries) puts
the measured window in the steady state a long-running hub is in. `--explain` shows both plans
of the slowest query.

Meilisearch takes part only when asked for: `--meilisearch` starts a throw-away server with
scripts/meilisearch-for-tests (stopped at the end), and HUB_BENCH_MEILI_URL (with
HUB_BENCH_MEILI_KEY) names a running one, in which the benchmark makes an index of its own and
deletes it afterwards. Otherwise the report says why it was left out.

Run it from the repository root:

    .venv/bin/python bench/search.py                    # 100,000 entries, PostgreSQL
    .venv/bin/python bench/search.py --meilisearch      # and a Meilisearch of its own
    .venv/bin/python bench/search.py --entries 5000 --seconds 5     # a quick check
    .venv/bin/python bench/search.py --entries 1000000 --backends meilisearch --meili-batch 5000
    .venv/bin/python bench/search.py --explain          # plus EXPLAIN ANALYZE of the slowest
    .venv/bin/python bench/search.py --warmup 60 --seconds 60     # steady-state plans, more runs
    .venv/bin/python bench/search.py --json             # the same report as one JSON object

Only 127.0.0.1 is contacted, and every loop is bounded by time or by a count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from hub.domain.search import (
    MAX_SEARCH_DEPTH,
    ParsedQuery,
    SearchDocument,
    SearchFilter,
    parse_query,
)
from hub.search.backend import COUNT_BOUND, EVERYTHING, Extras, SearchBackend, SearchPage
from hub.search.cache import CachedSearch
from hub.search.postgres import PostgresSearch
from hub.services.search_documents import documents_of
from hub.store.db import Connection, Database

# Run as a script, bench/ is on the path already; put it there for any other way in as well.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Category,
    bench_database,
    copy_and_analyze,
    fetch_categories,
    log,
    memory_kb,
    migrate_empty,
    percentile,
    run_main,
)
from read_throughput import (
    CITIES,
    ORG_PATTERNS,
    PACKAGE_SIZES,
    QUANTITY_RANGES,
    ROADS,
    SPECS,
    SURNAMES,
)

MEILI_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "meilisearch-for-tests"
# Bounds: generous but finite; a step that takes longer is broken, not slow.
QUERY_TIMEOUT_S = 30.0
MEILI_START_TIMEOUT_S = 300.0
MEILI_STOP_TIMEOUT_S = 60.0
PAGE_SIZE = 20
PROGRESS_EVERY_S = 15.0


# ---------------------------------------------------------------------------------------------
# The query set
# ---------------------------------------------------------------------------------------------

VERIFIED = SearchFilter(verified_entries_only=True)
# What the GraphQL `search` field asks for: a first page shows totalCount and facets, a next
# page (after: cursor) neither.
NEXT_PAGE = Extras(total=False, facets=False)


@dataclass(frozen=True)
class BenchQuery:
    """One query of the named set: what the report calls it, its text and its filter."""

    label: str
    text: str
    wanted: SearchFilter


QUERIES: tuple[BenchQuery, ...] = (
    # Broad terms: a third of all entries, or more.
    BenchQuery("口罩", "口罩", VERIFIED),
    BenchQuery("武汉", "武汉", VERIFIED),
    BenchQuery("N95", "N95", VERIFIED),
    BenchQuery("n95口罩", "n95口罩", VERIFIED),
    BenchQuery("防护服 武汉", "防护服 武汉", VERIFIED),
    # Two-character words volunteers type: hospital nicknames, couriers, streets.
    BenchQuery("协和", "协和", VERIFIED),
    BenchQuery("同济", "同济", VERIFIED),
    BenchQuery("顺丰", "顺丰", VERIFIED),
    BenchQuery("中南", "中南", VERIFIED),
    BenchQuery("呼吸机", "呼吸机", VERIFIED),
    BenchQuery("中南路 酒店", "中南路 酒店", VERIFIED),
    # Latin, with typos.
    BenchQuery("ventilatr (typo)", "ventilatr", VERIFIED),
    BenchQuery("protectve coverall (typo)", "protectve coverall", VERIFIED),
    BenchQuery("goggles Wuhan", "goggles Wuhan", VERIFIED),
    BenchQuery("surgical mask", "surgical mask", VERIFIED),
    # Phrases.
    BenchQuery('"医用防护服" (phrase)', '"医用防护服"', VERIFIED),
    BenchQuery('"专项通道" (phrase)', '"专项通道"', VERIFIED),
    # Filters.
    BenchQuery(
        "(empty) province 湖北省",
        "",
        SearchFilter(provinces=("湖北省",), verified_entries_only=True),
    ),
    BenchQuery(
        "口罩 needs, urgency CRITICAL",
        "口罩",
        SearchFilter(kinds=("NEED",), urgencies=("CRITICAL",), verified_entries_only=True),
    ),
    BenchQuery(
        "武汉 category devices.ventilator",
        "武汉",
        SearchFilter(category_codes=("devices.ventilator",), verified_entries_only=True),
    ),
    BenchQuery(
        "顺丰 logistics to 武汉市",
        "顺丰",
        SearchFilter(kinds=("LOGISTICS_OFFER",), cities=("武汉市",), verified_entries_only=True),
    ),
    BenchQuery("qxzvbkj (nonsense)", "qxzvbkj", VERIFIED),
)
# English names of supplies (and words of notes) that cold queries misspell.
ENGLISH_TERMS = (
    "surgical mask", "protective coverall", "nitrile gloves", "face shield", "goggles",
    "ventilator", "respirator", "disinfectant", "thermometer", "isolation gown",
    "oxygen concentrator", "emergency department", "respiratory ward", "volunteer drivers",
    "medical supplies", "overseas donations", "shipping",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Cold queries and the calls of a run (pure: tests/bench/test_search_bench.py)
# ---------------------------------------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_runs(text: str, shortest: int = 1) -> list[str]:
    """The runs of CJK characters in `text` at least `shortest` long."""
    return [run for run in _CJK_RUN.findall(text) if len(run) >= shortest]


def cjk_slice(rng: random.Random, text: str, length: int) -> str | None:
    """A random substring of `length` CJK characters of `text` (never across punctuation,
    digits or spaces), or None when no run is that long."""
    runs = cjk_runs(text, length)
    if not runs:
        return None
    run = rng.choice(runs)
    start = rng.randrange(len(run) - length + 1)
    return run[start : start + length]


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(rng: random.Random, text: str) -> str:
    """`text` with one typing error (a letter dropped, doubled, swapped with the next or
    replaced) in one of its words of 5 letters or more, never in the first letter (the
    distance typo tolerance forgives); `text` unchanged when it has no such word."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text
    index = rng.choice(long_words)
    word = words[index]
    at = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("drop", "double", "swap", "replace"))
    if edit == "swap" and word[at] == word[at + 1]:
        edit = "drop"  # swapping two equal letters changes nothing
    if edit == "drop":
        word = word[:at] + word[at + 1 :]
    elif edit == "double":
        word = word[:at] + word[at] + word[at:]
    elif edit == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        others = [c for c in LETTERS if c != word[at]]
        word = word[:at] + rng.choice(others) + word[at + 1 :]
    words[index] = word
    return " ".join(words)


class ColdQueries:
    """Queries never asked before in this run: random 2-4 character slices of seeded names and
    remarks, and English supply names with a typo. None repeats (a repeat would be served by
    the cache in warm mode, and by PostgreSQL's buffers in either): each is new work."""

    # Attempts at a new query before two slices are joined into one (a longer, rarer query).
    ATTEMPTS = 50

    def __init__(
        self,
        rng: random.Random,
        names: Sequence[str],
        remarks: Sequence[str],
        english: Sequence[str] = ENGLISH_TERMS,
    ) -> None:
        self.rng = rng
        self.names = [n for n in names if cjk_runs(n, 2)]
        self.remarks = [r for r in remarks if cjk_runs(r, 2)]
        self.english = list(english)
        self.seen: set[str] = set()

    def _one(self) -> tuple[str, str | None]:
        rng = self.rng
        pick = rng.random()
        if pick < 0.4 and self.names:
            return "name slice", cjk_slice(rng, rng.choice(self.names), rng.randint(2, 4))
        if pick < 0.8 and self.remarks:
            return "remark slice", cjk_slice(rng, rng.choice(self.remarks), rng.randint(2, 4))
        return "English typo", typo(rng, rng.choice(self.english))

    def next(self) -> tuple[str, str]:
        """(what kind of cold query, its text): a text not returned before."""
        kind, text = "name slice", ""
        for _ in range(self.ATTEMPTS):
            kind, found = self._one()
            if found and found not in self.seen:
                self.seen.add(found)
                return kind, found
        # Everything short has been asked: two slices together are new (bounded retries).
        for _ in range(self.ATTEMPTS):
            first, second = self._one()[1], self._one()[1]
            text = f"{first} {second}"
            if first and second and text not in self.seen:
                break
        self.seen.add(text)
        return kind, text


@dataclass(frozen=True)
class Call:
    """One search of a run: a named or cold query, on a first or a next page."""

    label: str
    text: str
    wanted: SearchFilter
    source: str  # "named" or "cold"
    first_page: bool
    # Which of QUERIES, for the per-query table; None for a cold query.
    named: int | None = None

    @property
    def offset(self) -> int:
        """A next page starts after the first."""
        return 0 if self.first_page else PAGE_SIZE

    @property
    def extras(self) -> Extras:
        """A first page counts totals and facets, a next page neither."""
        return EVERYTHING if self.first_page else NEXT_PAGE

    @property
    def classes(self) -> tuple[str, str]:
        """The two classes the report groups this call in."""
        return self.source, "first page" if self.first_page else "next page"


CLASSES = ("named", "cold", "first page", "next page")


class CallMix:
    """The calls of one worker: QUERIES in turn from `start`, a `cold_share` of cold queries
    among them, and a `next_share` of next pages."""

    def __init__(
        self,
        rng: random.Random,
        cold: ColdQueries,
        start: int,
        cold_share: float,
        next_share: float,
        queries: Sequence[BenchQuery] = QUERIES,
    ) -> None:
        self.rng = rng
        self.cold = cold
        self.index = start
        self.cold_share = cold_share
        self.next_share = next_share
        self.queries = queries

    def next(self) -> Call:
        """The next call."""
        first_page = self.rng.random() >= self.next_share
        if self.rng.random() < self.cold_share:
            kind, text = self.cold.next()
            return Call(f"cold: {kind}", text, VERIFIED, "cold", first_page)
        self.index = (self.index + 1) % len(self.queries)
        query = self.queries[self.index]
        return Call(query.label, query.text, query.wanted, "named", first_page, self.index)


# ---------------------------------------------------------------------------------------------
# Seed data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A city and some of its districts (with GB/T 2260 codes where known)."""

    province: str
    city: str
    districts: tuple[tuple[str, str | None], ...]
    weight: int


HUBEI = "湖北省"
# 仙桃 made much of China's non-woven fabric and masks: factories only, no hospitals.
XIANTAO = Place(HUBEI, "仙桃市", (("彭场镇", None), ("干河街道", None)), 3)
HUBEI_PLACES: tuple[Place, ...] = (
    *(Place(HUBEI, c.name, c.districts, c.weight) for c in CITIES),
    XIANTAO,
)
# Where donated supplies and drivers came from in 2020, besides Hubei itself.
OTHER_PLACES: tuple[Place, ...] = (
    Place("广东省", "深圳市", (("宝安区", "440306"), ("龙岗区", "440307")), 8),
    Place("广东省", "东莞市", (("长安镇", None), ("虎门镇", None)), 5),
    Place("广东省", "广州市", (("白云区", "440111"), ("番禺区", "440113")), 5),
    Place("浙江省", "杭州市", (("余杭区", "330110"), ("萧山区", "330109")), 5),
    Place("江苏省", "苏州市", (("昆山市", "320583"), ("吴江区", "320509")), 4),
    Place("江苏省", "南京市", (("江宁区", "320115"),), 3),
    Place("河南省", "郑州市", (("金水区", "410105"), ("新郑市", "410184")), 3),
    Place("湖南省", "长沙市", (("岳麓区", "430104"), ("长沙县", "430121")), 3),
    Place("四川省", "成都市", (("武侯区", "510107"), ("郫都区", "510117")), 2),
    Place("上海市", "上海市", (("浦东新区", "310115"), ("嘉定区", "310114")), 4),
    Place("北京市", "北京市", (("朝阳区", "110105"), ("大兴区", "110115")), 3),
)
# (name, city, district): named hospitals get many more needs than the generated ones.
FAMOUS_HOSPITALS: tuple[tuple[str, str, str], ...] = (
    ("华中科技大学同济医学院附属协和医院", "武汉市", "江汉区"),
    ("武汉协和医院西院", "武汉市", "蔡甸区"),
    ("武汉协和江北医院", "武汉市", "蔡甸区"),
    ("华中科技大学同济医学院附属同济医院", "武汉市", "硚口区"),
    ("武汉大学人民医院", "武汉市", "武昌区"),
    ("武汉大学中南医院", "武汉市", "武昌区"),
    ("武汉市金银潭医院", "武汉市", "东西湖区"),
    ("武汉市中心医院", "武汉市", "江岸区"),
    ("武汉市第一医院", "武汉市", "硚口区"),
    ("武汉火神山医院", "武汉市", "蔡甸区"),
    ("武汉雷神山医院", "武汉市", "江夏区"),
    ("武汉市肺科医院", "武汉市", "江岸区"),
    ("湖北省妇幼保健院", "武汉市", "洪山区"),
    ("黄冈市中心医院", "黄冈市", "黄州区"),
    ("孝感市中心医院", "孝感市", "孝南区"),
)
FAMOUS_WEIGHT = 12
FACTORY_BRANDS = ("安康", "恒信", "华美", "康达", "瑞丰", "永信", "金盾", "卫康", "博源", "利民")
FACTORY_PRODUCTS = ("医疗用品", "防护用品", "无纺布制品", "劳保用品", "卫生材料", "医疗器械")
FACTORY_EN = ("Medical Supplies Co., Ltd.", "Protective Products Co., Ltd.", "Healthcare Ltd.")
CITY_EN = {"深圳市": "Shenzhen", "东莞市": "Dongguan", "广州市": "Guangzhou", "杭州市": "Hangzhou",
           "苏州市": "Suzhou", "仙桃市": "Xiantao", "武汉市": "Wuhan"}  # fmt: skip
LOGISTICS_WORDS = ("顺达", "安捷", "通达", "畅行", "鑫运", "速通")
HOTEL_BRANDS = ("如家酒店", "汉庭酒店", "锦江之星", "维也纳酒店", "7天连锁酒店", "全季酒店")
# Chain hotels named as they were published: chain, city, street, branch, all run together
# (城市便捷武汉中南路地铁口店), where jieba cuts a street name apart (中/南路).
HOTEL_CHAINS = ("城市便捷", "如家精选", "汉庭", "全季", "锦江之星", "维也纳国际", "7天优品")
HOTEL_STREETS = ("中南路", "中北路", "武珞路", "珞喻路", "徐东大街", "汉正街", "光谷大道",
                 "解放大道", "建设大道", "沿江大道")  # fmt: skip
HOTEL_BRANCHES = ("地铁口店", "店", "火车站店", "广场店", "医院店")
# Couriers and their hotlines, as remarks name them (如顺丰95338专项通道).
COURIERS = {"顺丰": "95338", "京东物流": "950616", "德邦": "95353", "中通": "95311",
            "圆通": "95554", "韵达": "95546", "EMS": "11183"}  # fmt: skip
ENGLISH_NAMES = ("David Li", "Emily Chen", "Kevin Wang", "Grace Zhou", "Tom Liu", "Anna Xu")
ROLES = ("医生", "护士长", "主任", "老师", "科长", "干事")
CLINICAL = ("发热门诊", "重症医学科", "呼吸内科", "感染科", "急诊科", "隔离病区", "检验科")
CLINICAL_EN = ("fever clinic", "ICU", "respiratory ward", "emergency department")
GATES = ("医院东门", "住院部一楼", "后勤仓库", "门诊楼北侧")
CERTS = ("CE", "FDA", "GB 19083-2010", "GB 2626-2019", "EN 14683", "NIOSH")
VEHICLES = {"CAR": "小轿车", "VAN": "面包车", "TRUCK": "9.6米厢式货车",
            "REFRIGERATED_TRUCK": "冷藏车", "MOTORCYCLE": "摩托车",
            "OTHER": "电动三轮车"}  # fmt: skip
VEHICLE_WEIGHTS = (("CAR", 25), ("VAN", 30), ("TRUCK", 30), ("REFRIGERATED_TRUCK", 8),
                   ("MOTORCYCLE", 4), ("OTHER", 3))  # fmt: skip
ELIGIBILITY = ("仅限一线医护人员", "援鄂医疗队及一线医护人员", "医护人员及其家属",
               "滞留武汉的外地旅客", "Medical staff only, free of charge",
               "社区工作者和志愿者")  # fmt: skip
NEED_NOTES = (
    "{dept}急需，请直接送到{gate}，联系人{person}。",
    "库存仅够{days}天使用，{dept}一线医护人员每天消耗约{n}套。",
    "仅接收符合国标的物资，请附检验报告。",
    "请先电话联系再发货，夜间有专人收货。",
    "急需，可分批送达。接受社会捐赠，可开具捐赠证明。",
    "{dept}和隔离病区同时告急，优先保障{dept}。",
    "Urgent: our {dept_en} is running out of PPE. Overseas donations welcome, CE/FDA accepted.",
    "医院已收治{n}名发热病人，床位紧张，物资消耗极快。",
    "快递请发{courier}，到付，收件人{person}。",
)
OFFER_NOTES = (
    "工厂现货{n}件，可当天发货，{cert}认证齐全。",
    "本批物资为海外采购，已通过海关，优先捐赠湖北一线医院。",
    "仅限定向捐赠给医院，不接受转售。",
    "Factory stock available, {cert} certified, MOQ {n} pcs. Can ship to Wuhan in {days} days.",
    "由{city}爱心企业联合捐赠，物流已对接，可直达医院。",
    "价格为出厂价，不加价，可开增值税发票。",
    "走{courier}医疗物资绿色通道，次日达{city}。",
)
LOGISTICS_NOTES = (
    "{vehicle}一辆，可往返{dest}，有通行证。",
    "志愿者车队，免费运输医疗物资到{dest}各医院。",
    "冷链运输，可运送试剂和药品。",
    "Volunteer drivers, free transport of medical supplies to {dest_en}.",
    "每天{days}趟，司机已做核酸检测。",
    "如{courier}{hotline}专项通道，医疗物资优先派送。",
)
LODGING_NOTES = (
    "免费提供{n}间客房，含早餐，凭工作证入住。",
    "距离{hospital}步行{days}分钟，每日送餐到房间。",
    "Free rooms for medical staff, {n} rooms left. Please bring your work ID.",
    "酒店已全面消毒，可安排专车接送。",
)
NOTES = {"NEED": NEED_NOTES, "OFFER": OFFER_NOTES, "LOGISTICS_OFFER": LOGISTICS_NOTES,
         "LODGING": LODGING_NOTES}  # fmt: skip
# Names people wrote for the supplies of a category (the category's own name is the default).
ITEM_NAMES: dict[str, tuple[str, ...]] = {
    "face.medical_mask": ("一次性医用口罩", "普通医用口罩", "医用口罩（非独立包装）"),
    "face.surgical_mask": ("医用外科口罩", "一次性使用医用外科口罩", "外科口罩 surgical mask"),
    "face.medical_respirator": ("医用防护口罩 N95", "N95口罩", "3M 1860 N95", "N95 医用防护口罩"),
    "face.kn95_respirator": ("KN95 口罩", "KN95防护口罩", "KN95 mask"),
    "face.goggles": ("护目镜", "防雾护目镜", "医用隔离眼罩", "goggles 护目镜"),
    "face.face_shield": ("防护面屏", "防护面罩", "face shield"),
    "body.cap": ("一次性医用帽", "防护帽"),
    "body.isolation_gown": ("隔离衣", "一次性隔离衣"),
    "body.protective_coverall": (
        "医用防护服",
        "一次性医用防护服",
        "防护服（连体带帽）",
        "杜邦 Tyvek 防护服",
        "protective coverall",
    ),
    "body.surgical_gown": ("手术衣", "一次性手术衣"),
    "body.gloves": ("医用乳胶手套", "医用检查手套", "丁腈手套 nitrile gloves"),
    "disinfection.chlorine": ("84消毒液", "含氯消毒液"),
    "disinfection.alcohol_75": ("75%酒精", "医用酒精", "酒精消毒液 500ml"),
    "disinfection.hand_sanitiser": ("免洗手消毒液", "手消毒凝胶"),
    "devices.thermometer": ("额温枪", "红外体温计", "水银体温计"),
    "devices.ventilator": ("呼吸机", "无创呼吸机", "有创呼吸机", "高流量呼吸湿化治疗仪"),
    "devices.oxygen_concentrator": ("制氧机", "家用制氧机"),
    "devices.oxygen": ("医用氧气", "氧气瓶"),
    "diagnostics.test_kit": ("新冠病毒核酸检测试剂盒", "检测试剂盒"),
    "living.food": ("方便面", "自热米饭", "面包 牛奶"),
    "living.water": ("矿泉水", "饮用水"),
    "living.heating": ("电暖器", "暖宝宝", "取暖器"),
    "other.other": ("医疗废物袋", "对讲机", "垃圾袋"),
}
# Masks and gowns dominated the lists of 2020; the weights by group say so.
GROUP_WEIGHTS = {"face": 10, "body": 8, "feet": 3, "disinfection": 5, "devices": 3,
                 "diagnostics": 2, "living": 2, "other": 1}  # fmt: skip
KIND_WEIGHTS = (("NEED", 60), ("OFFER", 25), ("LOGISTICS_OFFER", 8), ("LODGING", 7))
URGENCIES = (("CRITICAL", 15), ("HIGH", 35), ("MEDIUM", 35), ("LOW", 15))
STATUSES = (("OPEN", 75), ("PARTIALLY_FULFILLED", 12), ("FULFILLED", 8), ("CLOSED", 5))
VERIFICATIONS = (("VERIFIED", 85), ("PENDING", 10), ("NEEDS_CHANGES", 3), ("REJECTED", 2))
# Shares of the organizations by role (what they post).
ORG_ROLES = (("hospital", 45), ("factory", 25), ("charity", 10), ("logistics", 10), ("hotel", 10))

ORG_COLUMNS = ("id", "name", "kind", "province", "city", "district", "admin_code", "address",
               "verification_status", "created_at", "updated_at")  # fmt: skip
ENTRY_COLUMNS = ("id", "kind", "organization_id", "provider_name", "province", "city",
                 "district", "admin_code", "address", "notes", "source_note", "urgency", "status",
                 "verification_status", "close_reason", "created_at", "updated_at",
                 "verified_at", "expires_at")  # fmt: skip
ITEM_COLUMNS = ("id", "entry_id", "position", "category_code", "name", "spec", "quantity",
                "unit", "package_size", "fulfilled_quantity", "certifications")  # fmt: skip
CONTACT_COLUMNS = ("id", "organization_id", "entry_id", "position", "name", "phone", "visibility")
OFFER_COLUMNS = ("entry_id", "can_deliver", "lead_time_days", "is_free", "price_note")
LOGISTICS_COLUMNS = ("entry_id", "destination_province", "destination_city", "vehicle_type",
                     "capacity_kg", "cold_chain", "is_free", "available_from",
                     "available_until")  # fmt: skip
LODGING_COLUMNS = ("entry_id", "rooms_available", "eligibility", "is_free", "price_note",
                   "available_from", "available_until")  # fmt: skip


@dataclass(frozen=True)
class Org:
    """A seeded organization: what entries of it copy."""

    id: uuid.UUID
    name: str
    role: str
    place: Place
    district: str
    admin_code: str | None
    address: str


@dataclass
class SeedRows:
    """Rows ready for COPY, one list per table."""

    organizations: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    items: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    offers: list[tuple[Any, ...]] = field(default_factory=list)
    logistics: list[tuple[Any, ...]] = field(default_factory=list)
    lodging: list[tuple[Any, ...]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    # Closed, rejected: entries that give no search document.
    not_searchable: int = 0


class Generator:
    """Deterministic seed data from one random generator."""

    def __init__(self, rng: random.Random, categories: list[Category], now: datetime) -> None:
        self.rng = rng
        self.categories = categories
        self.category_weights = [GROUP_WEIGHTS.get(c.group, 1) for c in categories]
        self.now = now
        self.names: set[str] = set()

    def pick(self, weighted: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def new_id(self) -> uuid.UUID:
        # From the seeded generator, not uuid4(), so that two runs seed the same ids.
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def place(self, places: Sequence[Place]) -> Place:
        return self.rng.choices(places, [p.weight for p in places])[0]

    def person(self) -> str:
        return f"{self.rng.choice(SURNAMES)}{self.rng.choice(ROLES)}"

    def unique(self, name: str, index: int) -> str:
        if name in self.names:
            # Real lists have branches; a numbered branch keeps names unique without a retry.
            name = f"{name}（第{index}分部）"
        self.names.add(name)
        return name

    def organization(self, index: int, role: str) -> tuple[Org, str]:
        """An organization of `role` and its kind."""
        rng = self.rng
        if role == "hospital" and index < len(FAMOUS_HOSPITALS):
            name, city, district = FAMOUS_HOSPITALS[index]
            place = next(p for p in HUBEI_PLACES if p.city == city)
            code = dict(place.districts).get(district)
            return self._org(name, role, place, district, code), "HOSPITAL"
        if role == "hospital":
            place = self.place(tuple(p for p in HUBEI_PLACES if p is not XIANTAO))
            suffix, kind, _ = rng.choices(ORG_PATTERNS, [w for _, _, w in ORG_PATTERNS])[0]
            district, code = rng.choice(place.districts)
            name = f"{place.city}{district}{suffix}"
        elif role == "factory":
            place = self.place((*OTHER_PLACES, XIANTAO))
            district, code = rng.choice(place.districts)
            brand = rng.choice(FACTORY_BRANDS)
            if rng.random() < 0.15 and place.city in CITY_EN:
                name = f"{CITY_EN[place.city]} {brand} {rng.choice(FACTORY_EN)}"
            else:
                name = f"{place.city}{brand}{rng.choice(FACTORY_PRODUCTS)}有限公司"
            kind = "FACTORY"
        elif role == "charity":
            place = self.place((*OTHER_PLACES, *HUBEI_PLACES))
            district, code = rng.choice(place.districts)
            name = rng.choice(
                (
                    f"{place.province}慈善总会",
                    f"{place.city}红十字会",
                    f"{place.city}青年志愿者协会",
                )
            )
            kind = "CHARITY"
        elif role == "logistics":
            place = self.place((*OTHER_PLACES, *HUBEI_PLACES))
            district, code = rng.choice(place.districts)
            name = rng.choice(
                (
                    f"{place.city}{rng.choice(LOGISTICS_WORDS)}物流有限公司",
                    f"顺丰速运{place.city}分部",
                    f"{place.city}爱心车队",
                )
            )
            kind = "LOGISTICS"
        else:
            place = self.place(HUBEI_PLACES)
            district, code = rng.choice(place.districts)
            if rng.random() < 0.5:
                name = f"{rng.choice(HOTEL_BRANDS)}（{place.city}{district}店）"
            else:
                name = (
                    f"{rng.choice(HOTEL_CHAINS)}{place.city.removesuffix('市')}"
                    f"{rng.choice(HOTEL_STREETS)}{rng.choice(HOTEL_BRANCHES)}"
                )
            kind = "HOTEL"
        return self._org(self.unique(name, index), role, place, district, code), kind

    def _org(self, name: str, role: str, place: Place, district: str, code: str | None) -> Org:
        address = f"{place.city}{district}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号"
        return Org(self.new_id(), name, role, place, district, code, address)

    def items(self, entry_id: uuid.UUID, status: str, rows: SeedRows, most: int) -> None:
        """1 to `most` items of distinct categories."""
        rng = self.rng
        chosen: list[Category] = []
        wanted = rng.randint(1, most)
        for candidate in rng.choices(self.categories, self.category_weights, k=wanted * 3):
            if candidate not in chosen:
                chosen.append(candidate)
            if len(chosen) == wanted:
                break
        for position, category in enumerate(chosen):
            low, high, step = QUANTITY_RANGES.get(category.unit, (1, 100, 1))
            quantity = None if rng.random() < 0.05 else Decimal(rng.randrange(low, high + 1, step))
            fulfilled = Decimal(0)
            if quantity is not None and status == "PARTIALLY_FULFILLED":
                fulfilled = (quantity * Decimal(rng.uniform(0.1, 0.9))).quantize(Decimal(1))
            elif quantity is not None and status == "FULFILLED":
                fulfilled = quantity
            specs = SPECS.get(category.unit)
            sizes = PACKAGE_SIZES.get(category.unit)
            certifications = list(category.standards) if rng.random() < 0.5 else []
            if rng.random() < 0.1:
                certifications.append(rng.choice(CERTS[:2]))
            rows.items.append(
                (
                    self.new_id(),
                    entry_id,
                    position,
                    category.code,
                    rng.choice(ITEM_NAMES.get(category.code, (category.name,))),
                    rng.choice(specs) if specs and rng.random() < 0.5 else None,
                    quantity,
                    category.unit,
                    rng.choice(sizes) if sizes else None,
                    fulfilled,
                    certifications,
                )
            )

    def notes(self, templates: Sequence[str], org: Org | None, dest: Place | None) -> str | None:
        rng = self.rng
        if rng.random() < 0.25:
            return None
        hospital = rng.choice(FAMOUS_HOSPITALS)[0]
        courier = rng.choice(list(COURIERS))
        return rng.choice(templates).format(
            courier=courier,
            hotline=COURIERS[courier],
            dept=rng.choice(CLINICAL),
            dept_en=rng.choice(CLINICAL_EN),
            gate=rng.choice(GATES),
            person=self.person(),
            days=rng.randint(1, 9),
            n=rng.randrange(50, 20_000, 50),
            cert=rng.choice(CERTS),
            city=org.place.city if org else "武汉市",
            vehicle=rng.choice(list(VEHICLES.values())),
            dest=dest.city if dest else "武汉市",
            dest_en=CITY_EN.get(dest.city, "Hubei") if dest else "Wuhan",
            hospital=hospital,
        )


def build_seed(
    rng: random.Random, categories: list[Category], entries: int, organizations: int, now: datetime
) -> SeedRows:
    """Organizations, entries of the four kinds, their items, details and contacts."""
    gen = Generator(rng, categories, now)
    rows = SeedRows()
    by_role: dict[str, list[Org]] = {role: [] for role, _ in ORG_ROLES}
    role_counts = {role: max(1, organizations * share // 100) for role, share in ORG_ROLES}
    role_counts["hospital"] = max(role_counts["hospital"], len(FAMOUS_HOSPITALS))
    for role, count in role_counts.items():
        for index in range(count):
            made, kind = gen.organization(index, role)
            by_role[role].append(made)
            created = now - timedelta(days=rng.uniform(21, 30))
            rows.organizations.append(
                (
                    made.id,
                    made.name,
                    kind,
                    made.place.province,
                    made.place.city,
                    made.district,
                    made.admin_code,
                    made.address,
                    "VERIFIED" if rng.random() < 0.9 else "PENDING",
                    created,
                    created,
                )
            )
            rows.contacts.append(
                (gen.new_id(), made.id, None, 0, f"{made.name}总机", "027-80001234", "PUBLIC")
            )
    hospital_weights = [
        FAMOUS_WEIGHT if i < len(FAMOUS_HOSPITALS) else 1 for i in range(len(by_role["hospital"]))
    ]
    suppliers = by_role["factory"] + by_role["charity"]

    for _ in range(entries):
        kind = gen.pick(KIND_WEIGHTS)
        entry_id = gen.new_id()
        status = gen.pick(STATUSES)
        verification = gen.pick(VERIFICATIONS)
        org: Org | None
        provider: str | None = None
        dest: Place | None = None
        if kind == "NEED":
            org = rng.choices(by_role["hospital"], hospital_weights)[0]
        elif kind == "OFFER":
            org = rng.choice(suppliers) if rng.random() < 0.85 else None
        elif kind == "LOGISTICS_OFFER":
            org = rng.choice(by_role["logistics"]) if rng.random() < 0.7 else None
            dest = gen.place(HUBEI_PLACES)
        else:
            org = rng.choice(by_role["hotel"])
        if org is None:
            provider = rng.choice(
                (
                    f"爱心人士{rng.choice(SURNAMES)}先生",
                    f"{rng.choice(SURNAMES)}女士",
                    f"海外留学生 {rng.choice(ENGLISH_NAMES)}",
                )
            )
            place = gen.place((*OTHER_PLACES, *HUBEI_PLACES))
            district, code = rng.choice(place.districts)
            address = None
        else:
            place, district, code, address = org.place, org.district, org.admin_code, org.address
        templates = NOTES[kind]
        created = now - timedelta(hours=rng.uniform(0, 21 * 24))
        updated = created + timedelta(
            hours=rng.uniform(0, min(72.0, (now - created) / timedelta(hours=1)))
        )
        rows.entries.append(
            (
                entry_id,
                kind,
                org.id if org else None,
                provider,
                place.province,
                place.city,
                district,
                code,
                address,
                gen.notes(templates, org, dest),
                "志愿者电话核实",
                gen.pick(URGENCIES) if kind == "NEED" else None,
                status,
                verification,
                "已由政府统一调配" if status == "CLOSED" else None,
                created,
                updated,
                updated if verification == "VERIFIED" else None,
                updated + timedelta(hours=72),
            )
        )
        rows.kinds[kind] += 1
        if status == "CLOSED" or verification == "REJECTED":
            rows.not_searchable += 1
        if kind == "NEED":
            gen.items(entry_id, status, rows, 4)
        elif kind == "OFFER":
            gen.items(entry_id, status, rows, 3)
            is_free = rng.random() < 0.7
            rows.offers.append(
                (
                    entry_id,
                    rng.random() < 0.6,
                    rng.randint(0, 7),
                    is_free,
                    None if is_free else "出厂价",
                )
            )
        elif kind == "LOGISTICS_OFFER" and dest is not None:
            vehicle = gen.pick(VEHICLE_WEIGHTS)
            rows.logistics.append(
                (
                    entry_id,
                    dest.province,
                    dest.city,
                    vehicle,
                    Decimal(rng.randrange(200, 20_000, 100)),
                    vehicle == "REFRIGERATED_TRUCK",
                    rng.random() < 0.8,
                    created,
                    created + timedelta(days=14),
                )
            )
        elif kind == "LODGING":
            rows.lodging.append(
                (
                    entry_id,
                    rng.randint(1, 120),
                    rng.choice(ELIGIBILITY),
                    rng.random() < 0.85,
                    None,
                    created,
                    created + timedelta(days=30),
                )
            )
        rows.contacts.append(
            (
                gen.new_id(),
                None,
                entry_id,
                0,
                gen.person(),
                f"1380000{rng.randint(0, 9999):04d}",
                "PUBLIC" if rng.random() < 0.2 else "PROTECTED",
            )
        )
    return rows


async def seed_database(dsn: str, entries: int, organizations: int, seed: int) -> dict[str, Any]:
    """Migrate, refuse a database that already holds entries, seed it; return facts about it."""
    conn = await asyncpg.connect(dsn)
    try:
        await migrate_empty(conn)
        problem = await conn.fetchval(
            "SELECT cardinality(show_trgm('口罩')) = 0 FROM pg_database "
            "WHERE datname = current_database()"
        )
        if problem:
            raise SystemExit("bench: pg_trgm sees no Chinese here; use a UTF-8 locale database")
        categories = await fetch_categories(conn)
        started = time.perf_counter()
        seed_rows = build_seed(
            random.Random(seed), categories, entries, organizations, datetime.now(UTC)
        )
        generated = time.perf_counter() - started
        await copy_and_analyze(
            conn,
            (
                ("organization", seed_rows.organizations, ORG_COLUMNS),
                ("entry", seed_rows.entries, ENTRY_COLUMNS),
                ("entry_item", seed_rows.items, ITEM_COLUMNS),
                ("offer", seed_rows.offers, OFFER_COLUMNS),
                ("logistics_offer", seed_rows.logistics, LOGISTICS_COLUMNS),
                ("lodging", seed_rows.lodging, LODGING_COLUMNS),
                ("contact", seed_rows.contacts, CONTACT_COLUMNS),
            ),
        )
        return {
            "postgresql": await conn.fetchval("SHOW server_version"),
            "seed_seconds": round(time.perf_counter() - started, 2),
            "generate_seconds": round(generated, 2),
            "organizations": len(seed_rows.organizations),
            "entries": len(seed_rows.entries),
            "kinds": dict(seed_rows.kinds),
            "items": len(seed_rows.items),
            "not_searchable": seed_rows.not_searchable,
        }
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------------


@dataclass
class IndexFigures:
    """What indexing every entry and organization into one backend took."""

    subjects: int = 0
    documents: int = 0
    removed: int = 0
    batches: int = 0
    seconds: float = 0.0
    build_seconds: float = 0.0
    apply_seconds: float = 0.0
    documents_per_second: float = 0.0
    batch_p50_ms: float = 0.0
    batch_max_ms: float = 0.0


async def _ids(db: Database, table: str, after: uuid.UUID, limit: int) -> list[uuid.UUID]:
    # Keyset by primary key: each batch is one index range scan, however deep.
    sql = {
        "entry": "SELECT id FROM entry WHERE id > $1 ORDER BY id LIMIT $2",
        "organization": "SELECT id FROM organization WHERE id > $1 ORDER BY id LIMIT $2",
    }[table]
    async with db.connection() as conn:
        return [r["id"] for r in await conn.fetch(sql, after, limit)]


async def index_everything(
    db: Database, backend: SearchBackend, batch: int, subjects: int
) -> IndexFigures:
    """Index every entry and organization into `backend`: read ids in batches, build their
    documents with documents_of, write them.

    PostgreSQL goes through `rebuild_postgres` (hub/search/reindex.py), what `hub search
    reindex` and the upgrade of an index in an older lexeme format run: one transaction, each
    batch read and built while the one before is written. Its "apply" time is the writes' own
    (they overlap the building). Meilisearch gets one `apply` per batch."""
    if isinstance(backend, PostgresSearch):
        return await _rebuild_postgres_everything(db, batch, subjects)
    figures = IndexFigures()
    batch_ms: list[float] = []
    started = last_note = time.perf_counter()
    for table in ("entry", "organization"):
        after = uuid.UUID(int=0)
        # Bounded: never more batches than the rows seeded allow.
        for _ in range(subjects // batch + 2):
            begun = time.perf_counter()
            ids = await _ids(db, table, after, batch)
            if not ids:
                break
            after = ids[-1]
            async with db.connection() as conn:
                if table == "entry":
                    documents, removed = await documents_of(conn, ids, ())
                else:
                    documents, removed = await documents_of(conn, (), ids)
            built = time.perf_counter()
            await backend.apply(documents, removed, 0)
            done = time.perf_counter()
            figures.build_seconds += built - begun
            figures.apply_seconds += done - built
            batch_ms.append((done - begun) * 1000)
            figures.subjects += len(ids)
            figures.documents += len(documents)
            figures.removed += len(removed)
            figures.batches += 1
            if done - last_note > PROGRESS_EVERY_S:
                last_note = done
                rate = figures.documents / (done - started)
                log(
                    f"{backend.name}: {figures.subjects} of {subjects} subjects, "
                    f"{figures.documents} documents, {rate:.0f} documents/s"
                )
    return _finished(figures, batch_ms, time.perf_counter() - started)


async def _rebuild_postgres_everything(db: Database, batch: int, subjects: int) -> IndexFigures:
    # Imported here: this function is all of the benchmark that the indexing work changes.
    from hub.search.reindex import RebuildFigures, rebuild_postgres

    figures, rebuilt = IndexFigures(), RebuildFigures()
    started = last_note = time.perf_counter()

    def progress(done: int, total: int) -> None:
        nonlocal last_note
        now = time.perf_counter()
        figures.subjects = done
        if now - last_note > PROGRESS_EVERY_S:
            last_note = now
            log(f"postgres: {done} of {total} subjects, {done / (now - started):.0f} subjects/s")

    await rebuild_postgres(db, progress, batch=batch, figures=rebuilt)
    seconds = time.perf_counter() - started
    figures.documents, figures.batches = rebuilt.documents, rebuilt.batches
    figures.removed = figures.subjects - rebuilt.documents
    figures.build_seconds = rebuilt.build_seconds
    figures.apply_seconds = sum(rebuilt.write_seconds)
    return _finished(figures, [s * 1000 for s in rebuilt.write_seconds], seconds)


def _finished(figures: IndexFigures, batch_ms: list[float], seconds: float) -> IndexFigures:
    figures.seconds = round(seconds, 2)
    figures.documents_per_second = round(figures.documents / seconds, 1) if seconds else 0.0
    figures.build_seconds = round(figures.build_seconds, 2)
    figures.apply_seconds = round(figures.apply_seconds, 2)
    batch_ms.sort()
    figures.batch_p50_ms = round(percentile(batch_ms, 50), 1)
    figures.batch_max_ms = round(batch_ms[-1], 1) if batch_ms else 0.0
    return figures


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


@dataclass
class Measured:
    """One timed call and the total it answered (first pages only)."""

    call: Call
    ms: float
    total: int | None


@dataclass
class Samples:
    """What the workers of one concurrency level measured (warm-up calls are not here)."""

    calls: list[Measured] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    warmups: int = 0


@dataclass(frozen=True)
class Mix:
    """How the calls of a run are drawn."""

    cold_share: float
    next_share: float
    seed: int


async def drive(
    backend: SearchBackend,
    concurrency: int,
    warmup_s: float,
    seconds: float,
    cold: ColdQueries,
    mix: Mix,
) -> tuple[Samples, float]:
    """`concurrency` workers drawing calls (CallMix) for warm-up plus `seconds`."""
    parsed = {q.text: parse_query(q.text) for q in QUERIES}
    samples = Samples()
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup_s
    stop_at = measure_from + seconds

    async def worker(number: int) -> None:
        calls = CallMix(
            random.Random(mix.seed * 1000 + number),
            cold,
            number * len(QUERIES) // concurrency,
            mix.cold_share,
            mix.next_share,
        )
        # Bounded by time: no call starts after stop_at, and each lasts at most QUERY_TIMEOUT_S.
        while (begun := loop.time()) < stop_at:
            call = calls.next()
            query = parsed.get(call.text) or parse_query(call.text)
            reason: str | None = None
            total = None
            clock = time.perf_counter()
            try:
                async with asyncio.timeout(QUERY_TIMEOUT_S):
                    page = await backend.search(
                        query, call.wanted, PAGE_SIZE, call.offset, call.extras
                    )
                total = page.total if call.first_page else None
            except TimeoutError:
                reason = "timeout"
            except Exception as error:  # every failure is counted, by type
                reason = f"{type(error).__name__}: {str(error)[:80]}"
            elapsed_ms = (time.perf_counter() - clock) * 1000
            if begun < measure_from:
                samples.warmups += 1
            elif reason is None:
                samples.calls.append(Measured(call, elapsed_ms, total))
            else:
                samples.errors[reason] += 1

    async with asyncio.timeout(warmup_s + seconds + QUERY_TIMEOUT_S + 30):
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    # The window runs until the last timed call has finished.
    return samples, loop.time() - measure_from


@dataclass
class Latency:
    """Latencies of a group of calls."""

    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency:
        """The figures of `values` (in any order)."""
        ordered = sorted(values)
        return cls(
            queries=len(ordered),
            p50_ms=round(percentile(ordered, 50), 2),
            p95_ms=round(percentile(ordered, 95), 2),
            p99_ms=round(percentile(ordered, 99), 2),
            max_ms=round(ordered[-1], 2) if ordered else 0.0,
        )

    def line(self) -> str:
        """p50/p95/p99/max on one line."""
        return (
            f"ms p50 {self.p50_ms:.1f}  p95 {self.p95_ms:.1f}  p99 {self.p99_ms:.1f}  "
            f"max {self.max_ms:.1f}"
        )


@dataclass
class LevelFigures:
    """One concurrency level of one backend in one mode."""

    concurrency: int
    queries: int
    errors: int
    seconds: float
    queries_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    warmup_queries: int
    error_reasons: dict[str, int]
    by_class: dict[str, Latency] = field(default_factory=dict)
    # Warm mode: what the cache did over the whole level, warm-up included.
    cache_hits: int | None = None
    cache_misses: int | None = None


@dataclass
class QueryFigures:
    """One named query of the set at one concurrency level."""

    label: str
    text: str
    hits: int | None
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float


def level_figures(concurrency: int, samples: Samples, window: float) -> LevelFigures:
    """The overall and per-class figures of one level."""
    overall = Latency.of([m.ms for m in samples.calls])
    errors = sum(samples.errors.values())
    by_class = {
        name: Latency.of([m.ms for m in samples.calls if name in m.call.classes])
        for name in CLASSES
    }
    return LevelFigures(
        concurrency=concurrency,
        queries=overall.queries + errors,
        errors=errors,
        seconds=round(window, 2),
        # Only good answers count as throughput.
        queries_per_second=round(overall.queries / window, 1) if window > 0 else 0.0,
        p50_ms=overall.p50_ms,
        p95_ms=overall.p95_ms,
        p99_ms=overall.p99_ms,
        max_ms=overall.max_ms,
        warmup_queries=samples.warmups,
        error_reasons=dict(samples.errors),
        by_class={name: figures for name, figures in by_class.items() if figures.queries},
    )


def query_figures(samples: Samples) -> list[QueryFigures]:
    """Per named query: latencies of its calls (both pages), hits of its first pages."""
    found = []
    for index, query in enumerate(QUERIES):
        mine = [m for m in samples.calls if m.call.named == index]
        values = sorted(m.ms for m in mine)
        hits = next((m.total for m in mine if m.total is not None), None)
        found.append(
            QueryFigures(
                label=query.label,
                text=query.text,
                hits=hits,
                runs=len(values),
                p50_ms=round(percentile(values, 50), 2),
                p95_ms=round(percentile(values, 95), 2),
                max_ms=round(values[-1], 2) if values else 0.0,
            )
        )
    return found


MODES = ("cold", "warm")


@dataclass
class ModeFigures:
    """The query levels of one backend in one mode: `cold` calls the backend itself every
    time, `warm` through CachedSearch, as the hub serves (a new cache per level)."""

    mode: str
    levels: list[LevelFigures]
    per_query: list[QueryFigures]
    per_query_concurrency: int


async def query_modes(
    backend: SearchBackend, args: argparse.Namespace, cold: ColdQueries
) -> list[ModeFigures]:
    """Each mode asked for, each concurrency level in turn."""
    found = []
    lowest = min(args.concurrency)
    mix = Mix(args.cold_share, args.next_share, args.seed)
    for mode in MODES if args.mode == "both" else (args.mode,):
        levels = []
        per_query: list[QueryFigures] = []
        for concurrency in sorted(args.concurrency):
            log(
                f"{backend.name}: {mode}, concurrency {concurrency}: {args.warmup:g} s warm-up, "
                f"then {args.seconds:g} s"
            )
            cached = CachedSearch(backend) if mode == "warm" else None
            samples, window = await drive(
                cached or backend, concurrency, args.warmup, args.seconds, cold, mix
            )
            level = level_figures(concurrency, samples, window)
            if cached is not None:
                level.cache_hits = cached.counters.hits
                level.cache_misses = cached.counters.misses
            levels.append(level)
            if concurrency == lowest:
                per_query = query_figures(samples)
        found.append(ModeFigures(mode, levels, per_query, lowest))
    return found


@dataclass
class EngineLevel:
    """Meilisearch's own processing time (`processingTimeMs`) at one concurrency: the same
    calls, sent by its client straight from the benchmark, without the hub's work around them
    (parsing the answer, highlights)."""

    concurrency: int
    queries: int
    queries_per_second: float
    server: Latency


async def engine_levels(
    backend: Any, search: Any, args: argparse.Namespace, cold: ColdQueries
) -> list[EngineLevel]:
    """Each concurrency level once more, recording Meilisearch's processing time per call.
    `backend` is the MeiliSearch (its search_arguments), `search` its index's search."""
    found = []
    mix = Mix(args.cold_share, args.next_share, args.seed + 1)
    loop = asyncio.get_running_loop()
    for concurrency in sorted(args.concurrency):
        log(f"meilisearch: engine time, concurrency {concurrency}: {args.seconds:g} s")
        server_ms: list[float] = []
        stop_at = loop.time() + args.seconds

        async def worker(
            number: int, stop_at: float = stop_at, into: list[float] = server_ms
        ) -> None:
            calls = CallMix(random.Random(mix.seed * 1000 + number), cold, number, mix.cold_share,
                            mix.next_share)  # fmt: skip
            while loop.time() < stop_at:
                call = calls.next()
                arguments = backend.search_arguments(
                    parse_query(call.text), call.wanted, PAGE_SIZE, call.offset, call.extras
                )
                if arguments is None:
                    continue
                async with asyncio.timeout(QUERY_TIMEOUT_S):
                    result = await search(**arguments)
                into.append(float(result.processing_time_ms))

        started = loop.time()
        async with asyncio.timeout(args.seconds + QUERY_TIMEOUT_S + 30):
            await asyncio.gather(*(worker(i) for i in range(concurrency)))
        window = loop.time() - started
        found.append(
            EngineLevel(
                concurrency,
                len(server_ms),
                round(len(server_ms) / window, 1) if window > 0 else 0.0,
                Latency.of(server_ms),
            )
        )
    return found


async def cold_query_texts(dsn: str, seed: int) -> tuple[list[str], list[str]]:
    """Seeded names (organizations and providers) and remarks (notes) to cut cold queries
    from: all names, a sample of 20,000 remarks."""
    conn = await asyncpg.connect(dsn)
    try:
        names = [
            r[0]
            for r in await conn.fetch(
                "SELECT name FROM organization UNION "
                "SELECT DISTINCT provider_name FROM entry WHERE provider_name IS NOT NULL"
            )
        ]
        remarks = [
            r[0]
            for r in await conn.fetch(
                "SELECT notes FROM entry WHERE notes IS NOT NULL "
                "ORDER BY md5(id::text || $1) LIMIT 20000",
                str(seed),
            )
        ]
        return sorted(names), remarks
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------
# Recall: are random CJK slices of seeded text found, as ILIKE finds them?
# ---------------------------------------------------------------------------------------------

RECALL_LENGTHS = (2, 3, 4)
RECALL_SOURCES = ("names", "remarks")
# Results are paged to this depth at most (the API's MAX_SEARCH_DEPTH), in pages of this size.
RECALL_PAGE = 100
MISSES_SHOWN = 10
EVERY_DOCUMENT = SearchFilter()


@dataclass(frozen=True)
class RecallSample:
    """A slice of a document's text, and the document it was cut from."""

    source: str  # "names" (of titles) or "remarks" (of notes)
    length: int
    text: str
    subject_id: uuid.UUID
    cut_from: str


def recall_samples(
    rng: random.Random,
    texts: Sequence[tuple[uuid.UUID, str]],
    source: str,
    lengths: Sequence[int],
    per_length: int,
) -> list[RecallSample]:
    """`per_length` random slices of each length, each of a different text where there are
    enough, of the (subject id, text) pairs that have a CJK run that long."""
    found = []
    for length in lengths:
        usable = [(i, t) for i, t in texts if cjk_runs(t, length)]
        rng.shuffle(usable)
        for n in range(min(per_length, len(usable) * 4)):
            subject_id, text = usable[n % len(usable)]
            piece = cjk_slice(rng, text, length)
            if piece is not None:
                found.append(RecallSample(source, length, piece, subject_id, text))
    return found


@dataclass
class RecallCell:
    """Slices of one source and length: checked, found."""

    checked: int = 0
    found: int = 0

    @property
    def rate(self) -> float:
        """The share found (1.0 for none checked: nothing was missed)."""
        return self.found / self.checked if self.checked else 1.0


@dataclass
class RecallFigures:
    """The recall check's bookkeeping: per source and length, per method, the misses."""

    # "names/2", ... -> cell
    cells: dict[str, RecallCell] = field(default_factory=dict)
    # "paged": ILIKE found at most MAX_SEARCH_DEPTH, the results were paged through for the
    # document the slice was cut from; "counted": ILIKE found more, the backend's total must be
    # at least as many (up to COUNT_BOUND).
    methods: dict[str, int] = field(default_factory=dict)
    # Slices of which the backend counted fewer matches than ILIKE (any method).
    fewer_than_ilike: int = 0
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0
    truth: str = ""

    def add(self, sample: RecallSample, method: str, found: bool, note: str = "") -> None:
        """Count one checked slice."""
        cell = self.cells.setdefault(f"{sample.source}/{sample.length}", RecallCell())
        cell.checked += 1
        cell.found += found
        self.methods[method] = self.methods.get(method, 0) + 1
        if not found and len(self.misses) < MISSES_SHOWN:
            self.misses.append(
                f"{sample.text} ({sample.source}, {method}{note}) in {sample.cut_from}"
            )

    def by_length(self, length: int) -> RecallCell:
        """All sources of one length together."""
        cells = [c for key, c in self.cells.items() if key.endswith(f"/{length}")]
        return RecallCell(sum(c.checked for c in cells), sum(c.found for c in cells))

    def by_source(self, source: str) -> RecallCell:
        """All lengths of one source together."""
        cells = [c for key, c in self.cells.items() if key.startswith(f"{source}/")]
        return RecallCell(sum(c.checked for c in cells), sum(c.found for c in cells))

    @property
    def total(self) -> RecallCell:
        """Every slice."""
        return RecallCell(
            sum(c.checked for c in self.cells.values()), sum(c.found for c in self.cells.values())
        )


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def truth_texts(
    db: Database, table: str, seed: int, count: int
) -> dict[str, list[tuple[uuid.UUID, str]]]:
    """Texts to cut slices from, per source: titles of documents (names), and notes of
    entries that have a document (remarks), a deterministic sample of `count` each."""
    async with db.connection() as conn:
        names = await conn.fetch(
            f"SELECT subject_id, title FROM {table} ORDER BY md5(subject_id::text || $1) "  # noqa: S608 - a fixed table name
            "LIMIT $2",
            str(seed),
            count,
        )
        remarks = await conn.fetch(
            f"SELECT e.id, e.notes FROM entry e JOIN {table} d ON d.subject_id = e.id "  # noqa: S608 - a fixed table name
            "WHERE e.notes IS NOT NULL ORDER BY md5(e.id::text || $1) LIMIT $2",
            str(seed),
            count,
        )
    return {
        "names": [(r[0], r[1]) for r in names],
        "remarks": [(r[0], r[1]) for r in remarks],
    }


async def _found_by_paging(
    backend: SearchBackend, sample: RecallSample, matches: int
) -> tuple[bool, int | None]:
    """Whether the document is among the results, paged to MAX_SEARCH_DEPTH; the backend's
    total (of the first page)."""
    query = parse_query(sample.text)
    total = None
    for offset in range(0, MAX_SEARCH_DEPTH, RECALL_PAGE):
        extras = EVERYTHING if offset == 0 else NEXT_PAGE
        async with asyncio.timeout(QUERY_TIMEOUT_S):
            page = await backend.search(query, EVERY_DOCUMENT, RECALL_PAGE, offset, extras)
        if offset == 0 and page.total_is_exact:
            total = page.total
        if any(hit.subject_id == sample.subject_id for hit in page.hits):
            return True, total
        if not page.hits or page.has_more is False:
            break
    return False, total


async def check_recall(
    db: Database, backend: SearchBackend, table: str, args: argparse.Namespace
) -> RecallFigures:
    """Search each slice through `backend` and compare with ILIKE over `table`."""
    started = time.perf_counter()
    figures = RecallFigures(truth=f"ILIKE over title || ' ' || body of {table}")
    rng = random.Random(args.seed)
    texts = await truth_texts(db, table, args.seed, args.recall_samples * 4)
    samples = [
        sample
        for source in RECALL_SOURCES
        for sample in recall_samples(
            rng, texts[source], source, RECALL_LENGTHS, args.recall_samples
        )
    ]
    log(f"{backend.name}: recall of {len(samples)} slices")
    for sample in samples:
        async with db.connection() as conn:
            truth = await conn.fetchrow(
                f"SELECT count(*) AS n, coalesce(bool_or(subject_id = $2), false) AS has "  # noqa: S608 - a fixed table name
                f"FROM {table} WHERE (title || ' ' || body) ILIKE $1",
                _like_pattern(sample.text),
                sample.subject_id,
            )
        assert truth is not None
        if not truth["has"]:
            # Notes are in the body as written; a slice ILIKE cannot find is a bench bug.
            figures.add(sample, "not in its own document", False)
            continue
        matches = int(truth["n"])
        try:
            if matches <= MAX_SEARCH_DEPTH:
                found, total = await _found_by_paging(backend, sample, matches)
                method, note = "paged", ""
            else:
                async with asyncio.timeout(QUERY_TIMEOUT_S):
                    page = await backend.search(
                        parse_query(sample.text), EVERY_DOCUMENT, PAGE_SIZE, 0, EVERYTHING
                    )
                total = page.total
                found = page.total >= min(matches, COUNT_BOUND)
                method, note = "counted", f", {page.total} of ILIKE's {matches}"
        except Exception as error:  # a failed search is a miss, with its reason
            figures.add(sample, "error", False, f": {type(error).__name__}")
            continue
        if total is not None and total < min(matches, COUNT_BOUND):
            figures.fewer_than_ilike += 1
        figures.add(sample, method, found, note)
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures


# ---------------------------------------------------------------------------------------------
# EXPLAIN ANALYZE of what the PostgreSQL backend ran for one query
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """The plan of one statement the PostgreSQL backend ran for a query."""

    statement: str
    # "custom": planned for these values (the first five runs of a prepared statement);
    # "generic": planned for any values, which PostgreSQL may switch to from the sixth run on
    # when it looks cheaper, and keeps (asyncpg prepares and caches every statement).
    mode: str
    execution_ms: float
    plan: list[str]


async def _literal(conn: Connection, value: Any) -> str:
    """`value` as an SQL literal, quoted by the server (for EXECUTE, which takes no $n)."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no literal for {value!r}")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return str(await conn.fetchval("SELECT quote_literal($1::text)", value))
    if isinstance(value, list):
        quoted = await conn.fetchval("SELECT quote_literal($1::text[]::text)", value)
        return f"{quoted}::text[]"
    raise TypeError(f"no literal for {type(value).__name__}")


async def explain(dsn: str, query: BenchQuery) -> list[Plan]:
    """Run `query` once on a one-connection pool, catching its statements and arguments, and
    EXPLAIN (ANALYZE, BUFFERS) each of them on that connection, with a custom plan (EXPLAIN
    with the arguments) and with the generic plan (PREPARE, then EXECUTE with
    plan_cache_mode = force_generic_plan)."""
    probe = await Database.connect(dsn, min_size=1, max_size=1)
    caught: list[tuple[str, tuple[Any, ...]]] = []
    try:

        def catch(record: Any) -> None:
            # Only the search's own statements (not the pool's reset or type introspection).
            if "search_document" in record.query:
                caught.append((record.query, tuple(record.args)))

        async with probe.connection() as conn:
            conn.add_query_logger(catch)
        await PostgresSearch(probe).search(parse_query(query.text), query.wanted, PAGE_SIZE, 0)
        plans = []
        async with probe.connection() as conn:
            conn.remove_query_logger(catch)
            for number, (sql, args) in enumerate(caught):
                first = " ".join(sql.split())[:60]
                # The statement is the backend's own text, as it ran; only the values it was
                # given are put in, quoted by the server.
                custom = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)
                await conn.execute(f"PREPARE bench_{number} AS {sql}")
                await conn.execute("SET plan_cache_mode = force_generic_plan")
                values = ", ".join([await _literal(conn, a) for a in args])
                generic = await conn.fetch(
                    f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_{number}({values})"
                )
                await conn.execute(f"DEALLOCATE bench_{number}")
                await conn.execute("RESET plan_cache_mode")
                for mode, rows in (("custom", custom), ("generic", generic)):
                    lines = [str(r[0]) for r in rows]
                    execution = next(
                        (float(x.split()[2]) for x in lines if x.startswith("Execution Time")),
                        0.0,
                    )
                    plans.append(Plan(first, mode, execution, lines))
        return plans
    finally:
        await probe.close()


# ---------------------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------------------


@dataclass
class BackendReport:
    """Everything measured for one backend."""

    name: str
    version: str
    indexing: IndexFigures
    indexed_documents: int
    index_bytes: int
    index_size_note: str
    vacuum_seconds: float | None
    modes: list[ModeFigures]
    recall: RecallFigures | None = None
    # The server's memory (kB: VmRSS, VmHWM) at moments of the run, when its pid is known.
    memory: dict[str, dict[str, int]] = field(default_factory=dict)
    engine: list[EngineLevel] = field(default_factory=list)
    batch: int = 0
    explain_query: str | None = None
    plans: list[Plan] = field(default_factory=list)


class Recorded:
    """A backend that also keeps the (id, title, body) of every document it is given: the
    ground truth of the recall check when PostgreSQL holds no index (Meilisearch only)."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        self.name = backend.name
        self.rows: list[tuple[uuid.UUID, str, str]] = []

    async def position(self) -> int:
        """The backend's position."""
        return await self.backend.position()

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[uuid.UUID], position: int
    ) -> None:
        """Keep the texts (a list append: nothing measurable), then apply."""
        self.rows.extend((d.subject_id, d.title, d.body) for d in documents)
        await self.backend.apply(documents, removed, position)

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """The backend's search."""
        return await self.backend.search(query, wanted, limit, offset, extras)


TRUTH_TABLE = "bench_document"


async def store_truth(db: Database, rows: Sequence[tuple[uuid.UUID, str, str]]) -> None:
    """The recorded documents in TRUTH_TABLE (unlogged: a throw-away copy)."""
    async with db.connection() as conn:
        await conn.execute(
            f"CREATE UNLOGGED TABLE IF NOT EXISTS {TRUTH_TABLE} "
            "(subject_id uuid PRIMARY KEY, title text NOT NULL, body text NOT NULL)"
        )
        await conn.execute(f"TRUNCATE {TRUTH_TABLE}")
        await conn.copy_records_to_table(
            TRUTH_TABLE, records=rows, columns=("subject_id", "title", "body")
        )
        await conn.execute(f"ANALYZE {TRUTH_TABLE}")


async def bench_postgres(
    dsn: str, args: argparse.Namespace, subjects: int, cold: ColdQueries
) -> BackendReport:
    db = await Database.connect(dsn, min_size=1, max_size=max(args.concurrency) + 2)
    try:
        backend = PostgresSearch(db)
        log("postgres: indexing")
        indexing = await index_everything(db, backend, args.batch, subjects)
        log(
            f"postgres: {indexing.documents} documents in {indexing.seconds:.1f} s "
            f"({indexing.documents_per_second:.0f}/s); VACUUM (ANALYZE) search_document"
        )
        started = time.perf_counter()
        async with db.connection() as conn:
            await conn.execute("VACUUM (ANALYZE) search_document")
            vacuum = time.perf_counter() - started
            size = await conn.fetchrow(
                """
                SELECT pg_total_relation_size('search_document') AS total,
                       pg_table_size('search_document') AS heap,
                       pg_indexes_size('search_document') AS indexes,
                       (SELECT count(*) FROM search_document) AS documents,
                       version() AS version
                """
            )
            assert size is not None
            sizes = {
                r["name"]: r["bytes"]
                for r in await conn.fetch(
                    """
                    SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE i.indrelid = 'search_document'::regclass ORDER BY 2 DESC
                    """
                )
            }
        note = f"table {_mb(size['heap'])}, indexes {_mb(size['indexes'])}: " + ", ".join(
            f"{name.removeprefix('search_document_')} {_mb(b)}" for name, b in sizes.items()
        )
        recall = await check_recall(db, backend, "search_document", args) if args.recall else None
        modes = await query_modes(backend, args, cold)
        report = BackendReport(
            name="postgres",
            version=str(size["version"]).split(" on ")[0],
            indexing=indexing,
            indexed_documents=size["documents"],
            index_bytes=size["total"],
            index_size_note=note,
            vacuum_seconds=round(vacuum, 2),
            modes=modes,
            recall=recall,
            batch=args.batch,
        )
        cold_mode = next((m for m in modes if m.mode == "cold"), modes[0])
        if args.explain and cold_mode.per_query:
            slowest = max(range(len(QUERIES)), key=lambda i: cold_mode.per_query[i].p50_ms)
            log(f"postgres: EXPLAIN ANALYZE of the slowest query, {QUERIES[slowest].label}")
            report.explain_query = QUERIES[slowest].label
            report.plans = await explain(dsn, QUERIES[slowest])
        return report
    finally:
        await db.close()


def _mb(value: int) -> str:
    return f"{value / 1_000_000:.1f} MB"


def _bytes(value: int | str | None) -> int:
    # The SDK types Meilisearch's byte counts as int or str.
    try:
        return int(value or 0)
    except ValueError:
        return 0


def disk_bytes(folder: Path) -> int:
    """What the files under `folder` take on disk (allocated blocks, as du counts: LMDB's
    files are sparse, their length says little)."""
    return sum(f.stat().st_blocks * 512 for f in folder.rglob("*") if f.is_file())


@dataclass
class MeiliServer:
    """Where a Meilisearch is, and the folder of the one this benchmark started (if any)."""

    url: str
    key: str | None
    folder: Path | None

    @property
    def pid(self) -> int | None:
        """The server's pid, when this benchmark started it."""
        try:
            return int((self.folder / "pid").read_text()) if self.folder else None
        except (OSError, ValueError):
            return None

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM of the server (empty when unknown)."""
        return memory_kb(self.pid) if self.pid else {}


def start_meilisearch(folder: Path) -> MeiliServer:
    """A throw-away Meilisearch from scripts/meilisearch-for-tests (SystemExit-free: raises
    RuntimeError with the script's last words when it cannot start)."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [str(MEILI_SCRIPT), "start", str(folder)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=MEILI_START_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(
            f"{MEILI_SCRIPT.name} start took over {MEILI_START_TIMEOUT_S:.0f} s"
        ) from error
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"{MEILI_SCRIPT.name} start failed: {tail}")
    env = dict(
        line.split("=", 1) for line in (folder / "env").read_text().splitlines() if "=" in line
    )
    return MeiliServer(env["HUB_TEST_MEILI_URL"], env.get("HUB_TEST_MEILI_KEY") or None, folder)


def stop_meilisearch(server: MeiliServer) -> None:
    """Stop the server this benchmark started (the script removes its folder)."""
    if server.folder is None:
        return
    try:
        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [str(MEILI_SCRIPT), "stop", str(server.folder)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=MEILI_STOP_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log(f"meilisearch: stop took over {MEILI_STOP_TIMEOUT_S:.0f} s; see {server.folder}")


async def bench_meilisearch(
    dsn: str, server: MeiliServer, args: argparse.Namespace, subjects: int, cold: ColdQueries
) -> BackendReport:
    # Imported here: the Meilisearch backend is optional, and a broken one must not stop the
    # PostgreSQL figures (the caller reports the reason).
    from meilisearch_python_sdk import AsyncClient

    from hub.search.meili import MeiliSearch

    db = await Database.connect(dsn, min_size=1, max_size=max(args.concurrency) + 2)
    index = f"bench_{uuid.uuid4().hex[:12]}"
    backend = MeiliSearch(db, server.url, server.key, index=index)
    # Uncompressed answers, as the backend asks for them (see MeiliSearch._meili).
    client = AsyncClient(
        server.url, server.key, timeout=30, custom_headers={"Accept-Encoding": "identity"}
    )
    memory: dict[str, dict[str, int]] = {}
    try:
        version = (await client.get_version()).pkg_version
        await backend.setup()
        memory["before indexing"] = server.memory()
        log(f"meilisearch {version}: index {index} set up from schema/search")
        recorded = Recorded(backend)
        indexing = await index_everything(db, recorded, args.meili_batch, subjects)
        memory["after indexing"] = server.memory()
        log(
            f"meilisearch: {indexing.documents} documents in {indexing.seconds:.1f} s "
            f"({indexing.documents_per_second:.0f}/s)"
        )
        documents = (await client.index(index).get_stats()).number_of_documents
        # Meilisearch 1.21 gives sizes per server, not per index: the whole database, which
        # holds this index and the task queue (and any other index of that server).
        stats = await client.get_all_stats()
        on_disk = disk_bytes(server.folder / "data" / "db") if server.folder else None
        recall = None
        if args.recall:
            await store_truth(db, recorded.rows)
            recall = await check_recall(db, backend, TRUTH_TABLE, args)
        recorded.rows.clear()
        modes = await query_modes(backend, args, cold)
        engine = await engine_levels(backend, client.index(index).search, args, cold)
        memory["after queries"] = server.memory()
        return BackendReport(
            name="meilisearch",
            version=version,
            indexing=indexing,
            indexed_documents=documents,
            index_bytes=_bytes(stats.database_size),
            index_size_note=(
                f"the server's whole database, {_mb(_bytes(stats.used_database_size))} of it in "
                "use"
                + (f"; data.ms on disk {_mb(on_disk)}" if on_disk is not None else "")
                + ("" if server.folder else "; other indexes of that server count too")
            ),
            vacuum_seconds=None,
            modes=modes,
            recall=recall,
            memory={k: v for k, v in memory.items() if v},
            engine=engine,
            batch=args.meili_batch,
        )
    finally:
        try:
            await backend.delete()
        finally:
            await backend.aclose()
            await client.aclose()
            await db.close()


# ---------------------------------------------------------------------------------------------
# Report and main
# ---------------------------------------------------------------------------------------------


def _recall_lines(recall: RecallFigures) -> list[str]:
    def rate(cell: RecallCell) -> str:
        return f"{cell.found}/{cell.checked} ({cell.rate:.0%})"

    lines = [
        f"  recall        {rate(recall.total)} of random CJK slices found "
        f"({recall.truth}; {recall.seconds:.0f} s)",
        "                by length: "
        + ", ".join(f"{n} chars {rate(recall.by_length(n))}" for n in RECALL_LENGTHS),
        "                by source: "
        + ", ".join(f"{s} {rate(recall.by_source(s))}" for s in RECALL_SOURCES),
        "                checked: "
        + ", ".join(f"{n} {method}" for method, n in sorted(recall.methods.items()))
        + f" (paged: results to depth {MAX_SEARCH_DEPTH} hold the document cut from; counted: "
        f"ILIKE finds more than {MAX_SEARCH_DEPTH}, the backend's total is at least as many, "
        f"up to {COUNT_BOUND}); backend counted fewer than ILIKE for {recall.fewer_than_ilike}",
    ]
    lines += [f"                miss: {miss}" for miss in recall.misses]
    return lines


def _memory_line(memory: dict[str, dict[str, int]]) -> str:
    return "; ".join(
        f"{moment} RSS {kb.get('VmRSS', 0) / 1024:.0f} MB, peak {kb.get('VmHWM', 0) / 1024:.0f} MB"
        for moment, kb in memory.items()
    )


@dataclass
class Report:
    """The figures the benchmark prints."""

    entries: int
    kinds: dict[str, int]
    organizations: int
    items: int
    not_searchable: int
    seed_seconds: float
    seconds: float
    warmup_seconds: float
    cold_share: float
    next_share: float
    database: str
    python: str
    postgresql: str
    cores: int | None
    load_before: list[float]
    load_after: list[float]
    backends: list[BackendReport]
    skipped: dict[str, str]

    def text(self) -> str:
        """The report as aligned lines."""
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items(), key=lambda kv: -kv[1]))
        lines = [
            f"Crisis Hub search: {self.entries} entries, {self.organizations} organizations",
            f"  data          {kinds}; {self.items} items; {self.not_searchable} closed or "
            f"rejected (no document); seeded in {self.seed_seconds:.1f} s",
            f"  versions      Python {self.python}, PostgreSQL {self.postgresql} ({self.database})",
            f"  cores         {self.cores}, shared by the benchmark and the servers; load average "
            f"{self.load_before[0]:.2f} before, {self.load_after[0]:.2f} after",
            f"  queries       {len(QUERIES)} named, {self.cold_share:.0%} of calls cold (never "
            f"repeated); {self.next_share:.0%} next pages (offset {PAGE_SIZE}, no total or "
            f"facets), the others first pages with total and facets; limit {PAGE_SIZE}",
            f"  levels        each {self.warmup_seconds:g} s warm-up, then {self.seconds:g} s; "
            "cold mode: every call reaches the backend; warm: through CachedSearch, as the hub "
            "serves",
        ]
        for name, reason in self.skipped.items():
            lines.append(f"  skipped       {name}: {reason}")
        for b in self.backends:
            lines += ["", f"{b.name} ({b.version})", *self._indexing_lines(b)]
            if b.recall is not None:
                lines += _recall_lines(b.recall)
            for mode in b.modes:
                lines += self._mode_lines(mode)
            if b.engine:
                lines.append(
                    "  engine        Meilisearch's own processingTimeMs, the same mix of calls "
                    "sent by its client (no hub work around them):"
                )
                for level in b.engine:
                    lines.append(
                        f"    concurrency {level.concurrency:<3}{level.queries:>6} queries, "
                        f"{level.queries_per_second:.1f}/s; {level.server.line()}"
                    )
            if b.plans:
                lines.append(f"  EXPLAIN (ANALYZE, BUFFERS) of the slowest, {b.explain_query}:")
                for plan in b.plans:
                    lines.append(
                        f"    {plan.mode} plan: {plan.statement} ... ({plan.execution_ms:.1f} ms)"
                    )
                    lines += [f"      {line}" for line in plan.plan]
        return "\n".join(lines)

    @staticmethod
    def _indexing_lines(b: BackendReport) -> list[str]:
        ix = b.indexing
        lines = [
            f"  indexing      {ix.documents} documents from {ix.subjects} entries and "
            f"organizations in {ix.seconds:.1f} s: {ix.documents_per_second:.0f} documents/s",
            f"                read and build {ix.build_seconds:.1f} s, apply "
            f"{ix.apply_seconds:.1f} s; {ix.batches} batches of {b.batch}, p50 "
            f"{ix.batch_p50_ms:.0f} ms, max {ix.batch_max_ms:.0f} ms",
        ]
        if b.vacuum_seconds is not None:
            lines.append(f"                then VACUUM (ANALYZE) {b.vacuum_seconds:.1f} s")
        lines.append(
            f"  index size    {_mb(b.index_bytes)} for {b.indexed_documents} documents "
            f"({b.index_size_note})"
        )
        if b.memory:
            lines.append(f"  memory        {_memory_line(b.memory)}")
        return lines

    @staticmethod
    def _mode_lines(mode: ModeFigures) -> list[str]:
        lines = [f"  {mode.mode} mode"]
        for lv in mode.levels:
            cache = ""
            if lv.cache_hits is not None:
                cache = f"; cache {lv.cache_hits} hits, {lv.cache_misses} misses"
            lines.append(
                f"    concurrency {lv.concurrency:<3}{lv.queries:>6} queries, "
                f"{lv.errors} errors, {lv.queries_per_second:.1f}/s; "
                f"ms p50 {lv.p50_ms:.1f}  p95 {lv.p95_ms:.1f}  "
                f"p99 {lv.p99_ms:.1f}  max {lv.max_ms:.1f}{cache}"
            )
            for name, figures in lv.by_class.items():
                lines.append(f"      {name:<12}{figures.queries:>6} queries, {figures.line()}")
            for reason, count in sorted(lv.error_reasons.items(), key=lambda kv: -kv[1])[:5]:
                lines.append(f"      error {count} x {reason}")
        lines.append(f"    per named query at concurrency {mode.per_query_concurrency} (ms):")
        for q in mode.per_query:
            hits = "-" if q.hits is None else str(q.hits)
            lines.append(
                f"      p50 {q.p50_ms:>8.1f}  p95 {q.p95_ms:>8.1f}  runs {q.runs:>4}  "
                f"hits {hits:>6}  {q.label}"
            )
        return lines


BACKENDS = ("postgres", "meilisearch")


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="Measure search indexing throughput, recall and query latency per backend."
    )
    parser.add_argument("--entries", type=int, default=100_000, help="entries to seed (100000)")
    parser.add_argument(
        "--organizations", type=int, default=3_000, help="organizations to seed (3000)"
    )
    parser.add_argument(
        "--batch", type=int, default=500, help="documents per apply, PostgreSQL (500)"
    )
    parser.add_argument(
        "--meili-batch",
        type=int,
        default=10_000,
        help="documents per apply, Meilisearch: one task each, waited for (10000)",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        help="backends to measure (postgres; and meilisearch with --meilisearch or "
        "HUB_BENCH_MEILI_URL); naming meilisearch starts one when no URL is given",
    )
    parser.add_argument(
        "--mode",
        choices=(*MODES, "both"),
        default="both",
        help="cold: every call reaches the backend; warm: through CachedSearch (both)",
    )
    parser.add_argument(
        "--cold-share",
        type=float,
        default=0.25,
        help="share of calls that are never-repeated queries (0.25)",
    )
    parser.add_argument(
        "--next-share",
        type=float,
        default=0.3,
        help="share of calls that ask for a next page, without total or facets (0.3)",
    )
    parser.add_argument(
        "--recall",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="check recall of random CJK slices against ILIKE (on)",
    )
    parser.add_argument(
        "--recall-samples",
        type=int,
        default=40,
        help="slices per length (2, 3, 4) and source (names, remarks) (40)",
    )
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 16], help="concurrency levels (1 16)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="timed seconds per level (20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per level (2)")
    parser.add_argument("--seed", type=int, default=2020, help="random seed of the data (2020)")
    parser.add_argument(
        "--meilisearch",
        action="store_true",
        help="also start a throw-away Meilisearch (scripts/meilisearch-for-tests) and measure it",
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest PostgreSQL query"
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.entries < 1 or args.organizations < 20:
        parser.error("--entries must be at least 1 and --organizations at least 20")
    if not 1 <= args.batch <= 10_000 or not 1 <= args.meili_batch <= 50_000:
        parser.error("--batch must be between 1 and 10000, --meili-batch between 1 and 50000")
    if any(not 1 <= c <= 200 for c in args.concurrency):
        parser.error("--concurrency levels must be between 1 and 200")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be positive and --warmup not negative")
    if not 0 <= args.cold_share <= 1 or not 0 <= args.next_share <= 1:
        parser.error("--cold-share and --next-share must be between 0 and 1")
    if not 1 <= args.recall_samples <= 1000:
        parser.error("--recall-samples must be between 1 and 1000")


def chosen_backends(args: argparse.Namespace, meili_url: str | None) -> list[str]:
    """The backends to measure: --backends, else PostgreSQL and, when asked for or given a
    server, Meilisearch."""
    if args.backends:
        return [b for b in BACKENDS if b in args.backends]
    return ["postgres"] + (["meilisearch"] if args.meilisearch or meili_url else [])


def run(args: argparse.Namespace) -> Report:
    """Set up the database (and Meilisearch), measure each backend, tear down; the figures."""
    meili: MeiliServer | None = None
    skipped: dict[str, str] = {}
    backends: list[BackendReport] = []
    load_before = list(os.getloadavg())
    meili_url = os.environ.get("HUB_BENCH_MEILI_URL") or None
    wanted = chosen_backends(args, meili_url)
    with bench_database("hub-bench-search-") as database:
        dsn, workdir, external = database.dsn, database.workdir, database.external
        log(f"migrating and seeding {args.entries} entries")
        facts = asyncio.run(seed_database(dsn, args.entries, args.organizations, args.seed))
        log(
            f"seeded {facts['entries']} entries, {facts['items']} items, "
            f"{facts['organizations']} organizations in {facts['seed_seconds']} s"
        )
        subjects = facts["entries"] + facts["organizations"]
        names, remarks = asyncio.run(cold_query_texts(dsn, args.seed))
        # One source of cold queries for the whole run: none repeats across backends and modes.
        cold = ColdQueries(random.Random(args.seed), names, remarks)
        if "postgres" in wanted:
            backends.append(asyncio.run(bench_postgres(dsn, args, subjects, cold)))
        else:
            skipped["postgres"] = "not asked for (--backends)"

        if "meilisearch" not in wanted:
            skipped["meilisearch"] = "not asked for (--meilisearch or HUB_BENCH_MEILI_URL)"
        elif meili_url is not None:
            meili = MeiliServer(meili_url, os.environ.get("HUB_BENCH_MEILI_KEY") or None, None)
        else:
            log("starting Meilisearch with scripts/meilisearch-for-tests")
            try:
                meili = start_meilisearch(workdir / "meilisearch")
            except (RuntimeError, OSError, KeyError) as error:
                skipped["meilisearch"] = f"could not start it ({error})"
        if meili is not None:
            try:
                backends.append(asyncio.run(bench_meilisearch(dsn, meili, args, subjects, cold)))
            except Exception as error:
                # hub/search/meili.py is young: a backend that does not load, fit the protocol
                # or keep up is reported, and the PostgreSQL figures are still printed.
                skipped["meilisearch"] = f"failed ({type(error).__name__}: {str(error)[:200]})"
            finally:
                stop_meilisearch(meili)

    return Report(
        entries=facts["entries"],
        kinds=facts["kinds"],
        organizations=facts["organizations"],
        items=facts["items"],
        not_searchable=facts["not_searchable"],
        seed_seconds=facts["seed_seconds"],
        seconds=args.seconds,
        warmup_seconds=args.warmup,
        cold_share=args.cold_share,
        next_share=args.next_share,
        database="external" if external else "embedded, fsync off",
        python=platform.python_version(),
        postgresql=facts["postgresql"],
        cores=os.cpu_count(),
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in os.getloadavg()],
        backends=backends,
        skipped=skipped,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse options, run, print the report."""
    return run_main(build_parser(), _check_args, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
