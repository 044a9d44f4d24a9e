"""Likely duplicates, scored in plain Python."""

from __future__ import annotations

import random
from decimal import Decimal
from uuid import uuid4

from hub.domain.duplicates import (
    ALIKE,
    Candidate,
    _alike,
    _Text,
    likely_duplicates,
    score,
    similarity,
)
from hub.domain.enums import Urgency
from hub.domain.model import EntryDraft, Item, NeedDetails, Region
from hub.domain.units import Unit


def need(
    province: str = "湖北省",
    city: str = "武汉市",
    address: str = "中南二路12号",
    codes: tuple[str, ...] = ("face.medical_respirator",),
    org: object = None,
) -> EntryDraft:
    return EntryDraft(
        region=Region(province, city),
        details=NeedDetails(urgency=Urgency.HIGH),
        address=address,
        organization_id=org,  # type: ignore[arg-type]
        items=tuple(Item(c, "x", Decimal(1), Unit.ITEM) for c in codes),
    )


def test_similarity_ignores_case_space_and_punctuation() -> None:
    assert similarity("武汉市 第七医院", "武汉市第七医院") == 1.0
    assert similarity("Wuhan No.7 Hospital", "wuhan no 7 hospital") == 1.0
    assert similarity("协和医院", "同济医院") < 0.8
    assert similarity(None, "x") == 0.0


def test_the_same_need_posted_twice_is_likely_a_duplicate() -> None:
    first = Candidate(need(), "武汉市第七医院")
    again = Candidate(need(address="中南二路 12 号"), "武汉市 第七医院")
    assert score(again, first) >= 0.6
    other_city = Candidate(need(province="湖南省"), "武汉市第七医院")
    assert score(other_city, first) == 0.0
    other_hospital = Candidate(
        need(address="解放大道1095号", codes=("devices.ventilator",)), "同济医院"
    )
    assert score(other_hospital, first) < 0.6


def test_same_organization_counts_most() -> None:
    org = uuid4()
    a = Candidate(need(org=org, address="A"), None)
    b = Candidate(need(org=org, address="B"), None)
    assert score(a, b) >= 0.6
    ranked = likely_duplicates(a, {"b": b, "c": Candidate(need(province="北京市"), None)})
    assert [key for key, _ in ranked] == ["b"]


def test_the_scan_skips_comparisons_without_changing_what_it_finds() -> None:
    """likely_duplicates stops comparing a pair once it cannot reach the threshold; what it
    finds must be exactly the pairs score() puts at or above it."""
    rng = random.Random(13)  # noqa: S311 - test data, not a secret
    names = ["武汉市第七医院", "武汉市第七人民医院", "武汉市 第七医院", "协和医院", None]
    addresses = ["中南二路12号", "中南二路 12 号", "中南二路21号", "解放大道1号", None]
    codes = ["face.medical_respirator", "body.protective_coverall", "face.surgical_mask"]
    org = uuid4()

    def candidate() -> Candidate:
        draft = need(
            city=rng.choice(["武汉市", "武汉", "黄冈市"]),
            address=rng.choice(addresses),  # type: ignore[arg-type]
            codes=tuple(rng.sample(codes, rng.randint(1, 3))),
            org=rng.choice([org, None]),
        )
        return Candidate(draft, rng.choice(names))

    others = {str(n): candidate() for n in range(300)}
    found = 0
    for _ in range(20):
        new = candidate()
        expected = sorted(
            ((k, score(new, o)) for k, o in others.items() if score(new, o) >= 0.6),
            key=lambda p: -p[1],
        )
        assert likely_duplicates(new, others) == expected
        found += len(expected)
    assert found  # the data holds duplicates, or the test would prove nothing


def test_the_cheap_bounds_never_reject_an_alike_pair() -> None:
    """Texts from a few characters, some of whose code points share a bit of the masks,
    compared by the bounded test and by difflib alone."""
    rng = random.Random(7)  # noqa: S311 - test data, not a secret
    alphabet = ["医", chr(ord("医") + 1021), "院", chr(ord("院") + 2042), "a", "b", "c"]

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))

    def edited(original: str) -> str:
        chars = list(original)
        for _ in range(rng.randint(0, 2)):
            chars.insert(rng.randint(0, len(chars)), rng.choice(alphabet))
            del chars[rng.randrange(len(chars))]
        return "".join(chars)

    alike = 0
    for n in range(20_000):
        a = text()
        b = edited(a) if n % 2 else text()
        expected = similarity(a, b) >= ALIKE
        assert _alike(_Text.of(a), _Text.of(b)) is expected, (a, b)
        alike += expected
    assert 100 < alike < 19_900  # both answers are tested
