"""Which column holds what: headers, aliases, HXL hashtags, the header row under title rows;
item names to categories (no database)."""

from __future__ import annotations

import pytest

from hub.domain.imports.categories import OTHER, guess_category
from hub.domain.imports.mapping import (
    HxlTag,
    MappingError,
    MappingSpec,
    build_mapping,
    find_layout,
    parse_hxl,
    parse_mapping,
)
from hub.domain.open_data import Dataset
from hub.domain.taxonomy import SupplyCategory
from hub.domain.units import Unit

DEFAULT = MappingSpec({"organization": ("医院名称",), "contact_phone": ("电话", "手机")})


def test_hashtags_match_whatever_their_case_and_attribute_order() -> None:
    assert (
        parse_hxl("#adm1+name") == parse_hxl("#ADM1 +name") == HxlTag("adm1", frozenset({"name"}))
    )
    assert parse_hxl("#org+name+provider") == parse_hxl("#Org +provider +name")
    assert parse_hxl("省份") is None
    assert parse_hxl("#") is None


def test_headers_and_aliases() -> None:
    mapping = build_mapping(Dataset.NEEDS, DEFAULT)
    assert mapping.key_for_header("机构名称") == "organization"  # the open-data header
    assert mapping.key_for_header("医院名称") == "organization"  # an alias
    assert mapping.key_for_header(" *联系电话： ") == "contact_phone"  # marks dropped
    assert mapping.key_for_header("ＱＵＡＮＴＩＴＹ") == "quantity"  # full width, any case
    assert mapping.key_for_header("序号") is None
    # In the organizations dataset the organization is the row itself.
    assert build_mapping(Dataset.ORGANIZATIONS, DEFAULT).key_for_header("医院名称") == "name"


def test_a_user_mapping_wins_and_marks_public_columns() -> None:
    override = parse_mapping({"columns": {"notes": ["医院名称"]}, "public": ["contact_phone"]})
    mapping = build_mapping(Dataset.NEEDS, DEFAULT, override)
    assert mapping.key_for_header("医院名称") == "notes"
    assert "contact_phone" in mapping.public


@pytest.mark.parametrize(
    "data",
    [[], {"columns": []}, {"columns": {"nope": ["x"]}}, {"columns": {"item": "物资"}},
     {"public": "contact_phone"}],
)  # fmt: skip
def test_malformed_mappings_are_refused(data: object) -> None:
    with pytest.raises(MappingError):
        parse_mapping(data)


def test_the_header_row_is_found_under_title_rows() -> None:
    mapping = build_mapping(Dataset.NEEDS, DEFAULT)
    rows = [
        ["湖北省医疗物资需求汇总", "湖北省医疗物资需求汇总", None],
        ["数据来源：志愿者整理"],
        ["序号", "医院名称", "省份", "物资名称", "数量"],
        [1, "武汉市第一医院", "湖北", "N95", "1万"],
    ]
    layout = find_layout(rows, mapping)
    assert layout is not None
    assert (layout.header_index, layout.data_index, layout.hxl) == (2, 3, False)
    assert layout.columns == {1: "organization", 2: "province", 3: "item", 4: "quantity"}
    assert layout.ignored == {0: "序号"}
    assert find_layout([["hello", "world"], [1, 2]], mapping) is None


def test_a_hashtag_row_under_the_header_decides() -> None:
    mapping = build_mapping(Dataset.NEEDS, DEFAULT)
    rows = [
        ["Hospital", "Where", "What", "Extra"],
        ["#org +name", "#ADM1+name", "#item+name", "#x_unknown"],
        ["武汉市第一医院", "湖北", "N95", "?"],
    ]
    layout = find_layout(rows, mapping)
    assert layout is not None
    assert (layout.data_index, layout.hxl) == (2, True)
    assert layout.columns == {0: "organization", 1: "province", 2: "item"}
    assert layout.ignored == {3: "Extra"}


def _category(code: str, zh: str) -> SupplyCategory:
    return SupplyCategory(code, code.split(".")[0], zh, code, (), Unit.PIECE, 0, 1, False)


CATEGORIES = {
    c.code: c
    for c in (
        _category("face.medical_mask", "普通医用口罩"),
        _category("face.surgical_mask", "医用外科口罩"),
        _category("face.medical_respirator", "医用防护口罩（N95）"),
        _category("face.kn95_respirator", "KN95 口罩"),
        _category("face.goggles", "护目镜"),
        _category("body.protective_coverall", "医用防护服"),
        _category("other.other", "其他物资"),
    )
}


@pytest.mark.parametrize(
    ("name", "spec", "code"),
    [
        ("N95口罩", None, "face.medical_respirator"),
        ("KN95 口罩", None, "face.kn95_respirator"),
        ("医用外科口罩", None, "face.surgical_mask"),
        ("一次性口罩", None, "face.medical_mask"),
        ("防护服", None, "body.protective_coverall"),
        ("护目镜", None, "face.goggles"),
        ("口罩", "N95 GB 19083-2010", "face.medical_mask"),
        ("防护用品", "N95", "face.medical_respirator"),
    ],
)
def test_item_names_to_categories(name: str, spec: str | None, code: str) -> None:
    assert guess_category(name, spec, CATEGORIES) == (code, False)


def test_an_item_nothing_names_goes_to_other_and_says_so() -> None:
    assert guess_category("消毒泡腾片", None, CATEGORIES) == (OTHER, True)


def test_a_tag_with_extra_attributes_matches_the_most_specific_known_tag() -> None:
    mapping = build_mapping(Dataset.NEEDS, MappingSpec())

    def key(text: str) -> str | None:
        tag = parse_hxl(text)
        assert tag is not None
        return mapping.key_for_tag(tag)

    assert key("#item+name+en+x_foo") == "item"
    assert key("#item+num+x_reported") == "quantity"
    assert key("#item+num+fulfilled+x_foo") == "fulfilled"
    assert key("#adm1+name+v_hdx") == "province"
    # Old tags: exact only (an HDX money column #value+usd is not a quantity).
    assert key("#value") == "quantity"
    assert key("#value+usd") is None
    # As specific as two columns at once: neither.
    assert key("#item+num+package+fulfilled") is None
    # A tag that names none of ours, even with attributes of ours.
    assert key("#sector+name") is None


def test_of_two_columns_matching_one_tag_the_closer_one_wins() -> None:
    mapping = build_mapping(Dataset.NEEDS, MappingSpec())
    rows = [
        ["name_zh", "name_en", "qty", "n95", "province"],
        ["#item+name+zh", "#item+name", "#item+num", "#x_other", "#adm1+name+v_hdx"],
    ]
    layout = find_layout(rows, mapping)
    assert layout is not None
    assert layout.columns == {1: "item", 2: "quantity", 4: "province"}
    assert set(layout.ignored) == {0, 3}
