"""The duplicate score on the traps of real 2020 lists (issue 17), and on the labelled fixture."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from hub.domain.contact_keys import account_key, phone_keys
from hub.domain.duplicates import THRESHOLD, Profile, score
from hub.domain.enums import EntryKind
from hub.domain.name_keys import NameKey, alike_names, numeral_value, same_name

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from duplicates import FIXTURE, measure


def need(
    name: str,
    *,
    province: str = "湖北省",
    city: str | None = "武汉市",
    phones: tuple[str, ...] = (),
    account: str | None = None,
    kind: EntryKind = EntryKind.NEED,
    codes: tuple[str, ...] = ("face.medical_respirator",),
) -> Profile:
    keys: set[str] = set()
    for phone in phones:
        keys |= phone_keys(phone)
    return Profile(
        kind=kind,
        province=province,
        city=city,
        organization_id=None,
        address=None,
        poster_name=name,
        category_codes=frozenset(codes),
        phones=frozenset(keys),
        account=account,
    )


def flagged(a: Profile, b: Profile) -> bool:
    return score(a, b) >= THRESHOLD


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("武汉市第二医院", "武汉市第四医院"),
        ("黄石市第一人民医院", "黄石市第二人民医院"),
        ("武汉市中心医院", "武汉市中医医院"),
        ("黄冈市中心医院", "黄冈市中医院"),
        ("湖北省人民医院", "武汉市人民医院"),
        ("如家酒店（武汉光谷广场店）", "如家酒店（武汉中南路店）"),
        ("湖北医药学院附属医院", "武汉大学附属医院"),
        ("武汉协和医院西院", "武汉协和医院"),
    ],
)
def test_one_meaningful_character_makes_another_hospital(left: str, right: str) -> None:
    assert not flagged(need(left), need(right))
    assert not same_name(NameKey.of(left), NameKey.of(right))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("武汉市汉口医院", "武汉汉口医院"),
        ("湖北省中西医结合医院（新华医院）", "湖北省中西医结合医院"),
        ("湖北省中西医结合医院（新华医院）", "新华医院"),
        ("湖北省中西医结合医院", "中西医结合医院"),
        ("武汉市第1医院", "武汉市第一医院"),
        ("鄂州市 第1人民医院", "鄂州市第一人民医院"),
        ("武汉市第七医院", "武汉市第七医院"),
        ("武汉江夏区人民医院", "武汉市江夏区人民医院"),
        ("锦江之星（武汉江汉路步行街店）", "锦江之星武汉江汉路步行街店"),
        ("京东物流有限公司", "京东物流"),
        ("武汉科技大学附属天佑医院", "天佑医院"),
    ],
)
def test_one_hospital_written_two_ways_is_a_duplicate(left: str, right: str) -> None:
    assert same_name(NameKey.of(left), NameKey.of(right))
    assert flagged(need(left), need(right))


def test_numbers_read_either_way() -> None:
    assert [numeral_value(t) for t in ("一", "十", "十二", "二十", "一百零五", "二〇二〇")] == [
        1,
        10,
        12,
        20,
        105,
        2020,
    ]
    assert not alike_names(NameKey.of("第一人民医院"), NameKey.of("人民医院"))


def test_the_same_name_in_different_cities_is_not_a_duplicate() -> None:
    assert not flagged(need("第三人民医院", city="黄冈市"), need("第三人民医院", city="孝感市"))
    assert not flagged(need("中心医院", city="信阳市", province="河南省"), need("中心医院"))
    assert not flagged(need("黄石市中心医院", city=None), need("十堰市中心医院", city=None))
    # Without a city on one side: the name decides.
    assert flagged(need("第三人民医院", city="黄冈市"), need("第三人民医院", city=None))


def test_the_same_phone_finds_a_repeat_with_a_mistyped_province() -> None:
    first = need("仙桃振德医疗用品有限公司", city="仙桃市", phones=("13800001213",))
    again = need(
        "仙桃振德医疗用品有限公司", province="湖南省", city=None, phones=("+86 138 0000 1213",)
    )
    assert flagged(again, first)
    without_phone = need("仙桃振德医疗用品有限公司", province="湖南省", city=None)
    assert not flagged(without_phone, first)


def test_a_volunteers_phone_on_several_hotels_does_not_make_them_one() -> None:
    phone = ("志愿者小李 13800004321",)
    a = need("武汉江岸假日宾馆", phones=phone, kind=EntryKind.LODGING, codes=())
    b = need("武汉汉口港湾酒店", phones=phone, kind=EntryKind.LODGING, codes=())
    assert not flagged(a, b)


def test_a_volunteer_hotline_on_several_hospitals_does_not_make_them_one() -> None:
    """An import sheet's volunteer team: one hotline, the same supplies, four hospitals."""
    hotline = ("志愿者热线 027-80001234",)
    a = need("武汉市东湖医院", phones=hotline)
    b = need("武汉市商职医院", phones=hotline)
    assert not flagged(a, b)
    # The same phone and a typo in the name: one hospital.
    assert flagged(need("武汉市普任医院", phones=hotline), need("武汉市普仁医院", phones=hotline))
    assert not flagged(need("武汉市普任医院"), need("武汉市普仁医院"))


def test_a_charitys_accounts_are_channels_of_their_own() -> None:
    def channel(account: str) -> Profile:
        return need(
            "湖北省慈善总会",
            account=account,
            phones=("027-85460000",),
            kind=EntryKind.DONATION_CHANNEL,
            codes=(),
        )

    assert not flagged(channel("6222000011112222333"), channel("6222000011112222444"))
    assert flagged(channel("6222000011112222333"), channel("6222 0000 1111 2222 333"))
    assert account_key(" 6222-0000 ") == "62220000"


def test_phone_keys_read_numbers_as_people_write_them() -> None:
    assert phone_keys("139 0000 1234;180 0000 1234") == {"13900001234", "18000001234"}
    assert phone_keys("027-87654321/027-87654322") == {"2787654321", "2787654322"}
    assert phone_keys("王老师 13800001234") == phone_keys("张13800001234") == {"13800001234"}
    assert phone_keys("（+86）19900001234") == phone_keys("+86 199 0000 1234")
    assert phone_keys("0086 27 8765 4321") == phone_keys("027-87654321")
    assert phone_keys("0719—8123456") == phone_keys("0719－8123456") == {"7198123456"}
    assert phone_keys("4001234567转0") == {"4001234567"}
    assert phone_keys("医院总值班027-87654321（24小时值守）") == {"2787654321"}
    assert phone_keys("120") == phone_keys("12345") == phone_keys(None) == frozenset()


def test_the_labelled_fixture_meets_the_goal() -> None:
    """At least 80% precision at at least 90% recall (bench/duplicates.py prints the figures)."""
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(records) >= 300
    figures = measure(records)
    assert figures.real_pairs >= 60
    assert figures.precision >= 0.8, figures.wrong
    assert figures.recall >= 0.9, figures.missed
