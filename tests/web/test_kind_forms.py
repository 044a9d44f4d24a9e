"""The forms, documents and details shown are made from the kind registry: every field of
every kind has its input, its label in both languages, its place in the documents, and comes
back from a form as the API's input took it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import httpx
import pytest

from hub.domain.kinds import KINDS, Kind
from hub.domain.kinds.spec import FieldSpec
from hub.domain.region import Region
from hub.web import documents as doc
from hub.web.facts import shown
from hub.web.form_layout import KindForm, masked_fields
from hub.web.forms import entry_input, prefill
from hub.web.i18n import LANGUAGES, labels

NAMES = [kind.slug for kind in KINDS]


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_the_form_lays_out_every_field_once_with_words_in_both_languages(kind: Kind) -> None:
    form = KindForm(kind)
    laid_out = [f.spec for f in (*form.own, *form.shared, *form.period)]
    assert sorted(s.name for s in laid_out) == sorted(s.name for s in kind.fields)
    for f in (*form.own, *form.shared, *form.period):
        for language in LANGUAGES:
            assert f.label(language).strip(), (kind.slug, f.name)
            if f.widget == "region":
                assert all(f.part_label(part, language) for part in ("province", "city"))
            for value in f.options:
                assert f.option_key(value) in labels(language), (f.name, value)


def _api_value(spec: FieldSpec) -> Any:
    """A value of the field as the API gives it."""
    kind = spec.value_type
    if kind is bool:
        return True
    if kind is Region:
        return {"province": "湖北省", "city": "武汉市", "district": None}
    if kind is datetime:
        return "2020-02-01T00:00:00+00:00"
    if kind in (int, Decimal):
        return 12
    if issubclass(kind, Enum):
        return list(kind)[-1].value
    return "文字"


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
def test_a_form_filled_in_from_an_entry_sends_the_entry_back(kind: Kind) -> None:
    entry: dict[str, Any] = {"version": 1, "region": {"province": "湖北省"}, "items": []}
    entry.update({spec.public_name: _api_value(spec) for spec in kind.fields})
    sent = entry_input(prefill(entry, kind), kind)
    for spec in kind.fields:
        value = sent[spec.public_name]
        if spec in masked_fields(kind):
            assert value == "", "a masked field is never filled in again"
        elif spec.value_type is datetime:
            assert datetime.fromisoformat(value) == datetime.fromisoformat(entry[spec.public_name])
        elif spec.value_type is Region:
            assert value == {"province": "湖北省", "city": "武汉市", "district": None}
        else:
            assert value == entry[spec.public_name], spec.name
    assert sent[kind.region_name]["province"] == "湖北省"


def test_each_kind_s_details_are_selected_by_their_public_names() -> None:
    for kind in KINDS:
        selection = doc.details_selection(kind)
        for spec in kind.fields:
            assert spec.public_name in selection
        assert f"... on {kind.type_name} {{" in doc.ENTRY and kind.list_field in doc.HOME


def test_a_value_is_shown_in_words() -> None:
    offer, logistics = KINDS[1], KINDS[2]
    assert shown(offer.field("can_deliver"), True, "zh") == "是"
    assert shown(offer.field("can_deliver"), False, "en") == "no"
    assert shown(logistics.field("capacity_kg"), 1500.0, "en") == "1500"
    assert shown(
        logistics.field("destination"), {"province": "湖北省", "city": "武汉市"}, "zh"
    ) == ("湖北省 武汉市")
    assert shown(logistics.field("available_from"), "2020-02-01T00:00:00+00:00", "zh") == (
        "2020-02-01 08:00"
    )
    vehicle = logistics.field("vehicle_type")
    assert shown(vehicle, "REFRIGERATED_TRUCK", "zh") == "冷藏车"


@pytest.mark.parametrize("kind", KINDS, ids=NAMES)
async def test_every_field_has_its_input_on_the_post_form(
    kind: Kind, app_client: httpx.AsyncClient
) -> None:
    page = (await app_client.get(f"/{kind.slug}/new")).text
    for spec in kind.fields:
        assert f'id="{spec.public_name}' in page, spec.name
