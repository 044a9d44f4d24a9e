"""One contract for every search backend: the same documents, queries and expectations."""

from __future__ import annotations

import pytest

from hub.domain.search import SearchFilter, parse_query
from hub.search.backend import SearchBackend
from tests.search.conftest import Corpus, search_document

VERIFIED = SearchFilter(verified_entries_only=True)


async def found(
    backend: SearchBackend, corpus: Corpus, query: str, wanted: SearchFilter = VERIFIED
) -> list[str]:
    """The roles of what `query` finds, best first."""
    page = await backend.search(parse_query(query), wanted, 50, 0)
    return [corpus.role(hit.subject_id) for hit in page.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("口罩", {"union", "kn95_offer"}),
        ("n95口罩", {"union"}),
        ("防护服 武汉", {"union"}),
        ("协和", {"union", "union_organization"}),
        ("呼吸机", {"xiaogan"}),
        ("ventilatr", {"xiaogan"}),  # a typo
        ("ventilator Hubei", {"xiaogan"}),
        ("goggles Wuhan", {"goggles_offer"}),
        ('"医用防护服"', {"union"}),  # an exact phrase
        ("援鄂医疗队", {"lodging"}),
        ("vent", {"xiaogan"}),  # a prefix
    ],
)
async def test_queries_find_the_right_entries(
    backend: SearchBackend, corpus: Corpus, query: str, expected: set[str]
) -> None:
    assert set(await found(backend, corpus, query)) == expected


async def test_n95_ranks_the_need_that_names_it_first(
    backend: SearchBackend, corpus: Corpus
) -> None:
    results = await found(backend, corpus, "N95")
    assert results[0] == "union"
    assert "xiaogan" not in results


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (SearchFilter(provinces=("广东省",), verified_entries_only=True), {"kn95_offer"}),
        (
            SearchFilter(kinds=("NEED",), cities=("孝感市",), verified_entries_only=True),
            {"xiaogan"},
        ),
        (SearchFilter(urgencies=("HIGH",), verified_entries_only=True), {"xiaogan"}),
        (SearchFilter(kinds=("LODGING",), verified_entries_only=True), {"lodging"}),
        (
            SearchFilter(category_codes=("face.goggles",), verified_entries_only=True),
            {"goggles_offer"},
        ),
        (SearchFilter(kinds=("NEED",), verification_statuses=("PENDING",)), {"pending"}),
        (
            SearchFilter(
                kinds=("NEED", "OFFER"), provinces=("湖北省",), verified_entries_only=True
            ),
            {"union", "xiaogan", "goggles_offer"},
        ),
    ],
)
async def test_filters_alone_and_combined_with_an_empty_query(
    backend: SearchBackend, corpus: Corpus, wanted: SearchFilter, expected: set[str]
) -> None:
    assert set(await found(backend, corpus, "", wanted)) == expected


async def test_filters_narrow_a_query(backend: SearchBackend, corpus: Corpus) -> None:
    wanted = SearchFilter(kinds=("OFFER",), verified_entries_only=True)
    assert await found(backend, corpus, "口罩", wanted) == ["kn95_offer"]


async def test_unverified_closed_and_protected_data_are_not_found(
    backend: SearchBackend, corpus: Corpus
) -> None:
    every = SearchFilter(verification_statuses=("PENDING", "VERIFIED", "IN_REVIEW"))
    everything = await found(backend, corpus, "医院", every)
    assert "pending" in everything
    assert "closed" not in everything
    assert "pending" not in await found(backend, corpus, "医院")
    # Contacts never enter the index, protected or not.
    assert await found(backend, corpus, "13800001234", every) == []
    assert await found(backend, corpus, "王小明", every) == []


async def test_pages_do_not_overlap(backend: SearchBackend, corpus: Corpus) -> None:
    query, wanted = parse_query(""), VERIFIED
    first = await backend.search(query, wanted, 3, 0)
    second = await backend.search(query, wanted, 3, 3)
    assert first.total == second.total >= 6
    ids = [h.subject_id for h in first.hits + second.hits]
    assert len(ids) == len(set(ids)) == 6


async def test_facets_count_the_whole_result(backend: SearchBackend, corpus: Corpus) -> None:
    page = await backend.search(parse_query("口罩"), VERIFIED, 1, 0)
    assert len(page.hits) == 1
    assert page.total == 2
    assert page.facets["kinds"] == {"NEED": 1, "OFFER": 1}
    assert page.facets["provinces"] == {"湖北省": 1, "广东省": 1}
    assert page.facets["urgencies"] == {"CRITICAL": 1}
    assert page.facets["verificationStatuses"] == {"VERIFIED": 2}
    assert page.facets["categories"]["face.medical_respirator"] == 1


async def test_hits_carry_highlights(backend: SearchBackend, corpus: Corpus) -> None:
    page = await backend.search(parse_query("呼吸机"), VERIFIED, 5, 0)
    [hit] = page.hits
    snippets = {h.field: h for h in hit.highlights}
    start, length = snippets["title"].ranges[0]
    assert snippets["title"].snippet[start : start + length] == "呼吸机"


@pytest.mark.parametrize(
    "query",
    [
        "口罩" * 500,  # 1,000 characters
        "' OR 1=1 --",
        "%",
        "_",
        "\\",
        "口罩' ; DROP TABLE search_document; --",
        'city = "武汉市" OR kind = ORGANIZATION',
        "kind IN [NEED] OR 1 = 1",
        "n95 & | ! :* ( )",
        '"',
        "\x00",
    ],
)
async def test_hostile_queries_find_nothing_unexpected(
    backend: SearchBackend, corpus: Corpus, query: str
) -> None:
    results = await found(backend, corpus, query)
    if parse_query(query).empty:  # nothing left but noise: as an empty query, filters only
        assert results == await found(backend, corpus, "")
    else:
        assert set(results) <= {"union", "kn95_offer"}, results


# Real published names and remarks, in which jieba cuts the two characters a volunteer types
# apart (武汉/中/南路, 如/顺/丰/95338) or into a longer word (协和医院).
HOTEL = ("城市便捷武汉中南路地铁口店", "如顺丰95338专项通道，请提前电话联系前台")
HOSPITAL = ("华中科技大学同济医学院附属协和医院", "发热门诊急需，请直接送到住院部一楼")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("中南", {"hotel"}),
        ("顺丰", {"hotel"}),
        ("南路地", {"hotel"}),  # three characters across jieba's cut
        ("汉中南路地铁", {"hotel"}),
        ("协和", {"hospital"}),
        ("技大", {"hospital"}),
        ("院附属协", {"hospital"}),
        ('"送到住院"', {"hospital"}),  # a quoted phrase is a substring too
        ("门诊急", {"hospital"}),
        ("地铁站", set()),  # every character is there, not in that order
    ],
)
async def test_every_cjk_substring_of_two_or_more_characters_is_found(
    backend: SearchBackend, query: str, expected: set[str]
) -> None:
    documents = {
        "hotel": search_document(*HOTEL, kind="LODGING", urgency=None),
        "hospital": search_document(*HOSPITAL, kind="LODGING", urgency=None),
    }
    await backend.apply(list(documents.values()), [], 1)
    page = await backend.search(parse_query(query), VERIFIED, 20, 0)
    roles = {
        name for name, d in documents.items() if d.subject_id in {h.subject_id for h in page.hits}
    }
    assert roles == expected
