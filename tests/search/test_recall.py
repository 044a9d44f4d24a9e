"""Every substring of two or more CJK characters is found, as ILIKE finds it (issue 16).

The names and remarks are of the kind volunteers published in 2020. Before, documents were cut
into words by jieba, and a search for 中南 missed 城市便捷武汉中南路地铁口店 (one word there:
中南路), 顺丰 missed 如顺丰95338专项通道; random two-character slices of names were found 23
times in 40.
"""

from __future__ import annotations

import pytest

from hub.domain.search import SearchDocument, SearchFilter, parse_query
from hub.search.backend import Extras
from hub.search.postgres import PostgresSearch
from hub.search.tokens import normalized, pieces
from hub.store.db import Database
from tests.search.conftest import search_document

NAMES = (
    "城市便捷武汉中南路地铁口店",
    "华中科技大学同济医学院附属协和医院",
    "武汉大学中南医院",
    "湖北省妇幼保健院光谷院区",
    "黄冈市中心医院大别山院区",
    "如家酒店武汉汉口火车站店",
    "十堰市太和医院",
    "湖北省慈善总会",
    "深圳壹基金公益基金会",
)
REMARKS = (
    "如顺丰95338专项通道，免费运输捐赠物资",
    "请走医院东门，后勤仓库收货，联系人王老师",
    "仅限一线医护人员入住，援鄂医疗队优先",
    "需要KN95口罩（GB2626-2006）和医用防护服，急！",
)
NOTHING_EXTRA = Extras(total=False, facets=False)


def _substrings(text: str) -> set[str]:
    found = set()
    for piece in pieces(normalized(text)):
        if piece.cjk:
            run = piece.text
            found |= {run[i:j] for i in range(len(run)) for j in range(i + 2, len(run) + 1)}
    return found


@pytest.fixture
async def indexed(db: Database) -> list[SearchDocument]:
    documents = [
        search_document(name, remark) for name, remark in zip(NAMES, REMARKS * 3, strict=False)
    ]
    await PostgresSearch(db).apply(documents, [], 1)
    return documents


async def test_every_cjk_substring_of_a_name_or_remark_is_found(
    db: Database, indexed: list[SearchDocument]
) -> None:
    backend = PostgresSearch(db)
    missed = []
    checked = 0
    for document in indexed:
        for text in (document.title, document.body):
            for fragment in sorted(_substrings(text)):
                page = await backend.search(
                    parse_query(fragment), SearchFilter(), 50, 0, NOTHING_EXTRA
                )
                checked += 1
                if document.subject_id not in {h.subject_id for h in page.hits}:
                    missed.append((fragment, text))
    assert checked > 500
    assert missed == []


async def test_a_substring_finds_only_documents_holding_it(
    db: Database, indexed: list[SearchDocument]
) -> None:
    backend = PostgresSearch(db)
    for fragment in ("中南", "顺丰", "协和", "同济", "院区", "汉口火车"):
        page = await backend.search(parse_query(fragment), SearchFilter(), 50, 0, NOTHING_EXTRA)
        holding = {d.subject_id for d in indexed if fragment in d.title or fragment in d.body}
        assert {h.subject_id for h in page.hits} == holding, fragment


async def test_words_apart_match_a_run_and_the_run_ranks_first(
    db: Database, indexed: list[SearchDocument]
) -> None:
    # jieba cuts 医院武汉 into 医院 and 武汉: each must be there, not side by side.
    backend = PostgresSearch(db)
    page = await backend.search(parse_query("医院武汉"), SearchFilter(), 50, 0, NOTHING_EXTRA)
    names = [next(d.title for d in indexed if d.subject_id == h.subject_id) for h in page.hits]
    assert "华中科技大学同济医学院附属协和医院" not in names  # no 武汉 in it
    assert "武汉大学中南医院" in names
    # Full-width letters and digits are the same as ASCII ones.
    page = await backend.search(parse_query("ＫＮ９５"), SearchFilter(), 50, 0, NOTHING_EXTRA)
    assert page.hits


async def test_hostile_query_text_is_only_text(db: Database, indexed: list[SearchDocument]) -> None:
    backend = PostgresSearch(db)
    for text in (
        "'); DROP TABLE search_document; --",
        "a:* | b & !c <-> d",
        "\\ ' '' \\' :*",
        '"%_\\"',
        "口罩:*A",
        "!!! ??? ---",
        "x" * 200,
        "中" * 300,
    ):
        page = await backend.search(parse_query(text), SearchFilter(), 10, 0)
        assert page.total >= 0
    # Punctuation alone is in no document's words: nothing, not every text with a dash.
    for text in ("---", '"!!"', "口罩 ???"):
        assert (await backend.search(parse_query(text), SearchFilter(), 10, 0)).hits == []
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM search_document") == len(indexed)
