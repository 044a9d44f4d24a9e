"""Every string of the pages exists in Chinese and in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hub.web.i18n import AREAS, CATALOGUE, ENUM_LABELS, LANGUAGES, MESSAGES, pick_page_language

TEMPLATES = Path(__file__).resolve().parents[2] / "hub" / "web" / "templates"


def test_every_message_the_templates_use_exists() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        # t('key') and t('key', n=...); keys built at run time ('badge.' + status) end in ".".
        used |= set(re.findall(r"(?<![\w.])t\('([a-z_.]*[a-z_])'[,)]", text))
    assert used, "the templates use t('...')"
    assert used - set(MESSAGES) == set()


def test_every_message_has_both_languages() -> None:
    for key, (zh, en) in {**MESSAGES, **ENUM_LABELS}.items():
        assert zh.strip() and en.strip(), key
        assert re.search(r"[\u4e00-\u9fff]", zh) or key.startswith("lang."), key
        assert not re.search(r"[\u4e00-\u9fff]", en) or key.startswith("lang."), key


def _no_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    return dict(pairs)


def test_every_catalogue_entry_has_every_language_and_nothing_else() -> None:
    found = {path.stem for path in CATALOGUE.glob("*.json")}
    assert found == set(AREAS), "every catalogue is read, and only those"
    for area in AREAS:
        text = (CATALOGUE / f"{area}.json").read_text(encoding="utf-8")
        # json.loads would keep the last of a key written twice; such a key is an error here.
        catalogue = json.loads(text, object_pairs_hook=_no_repeated_keys)
        assert set(catalogue) == {"messages", "labels"}, area
        for key, entry in {**catalogue["messages"], **catalogue["labels"]}.items():
            assert set(LANGUAGES) <= set(entry) <= {*LANGUAGES, "note"}, (area, key)
            assert all(isinstance(value, str) for value in entry.values()), (area, key)


def test_the_page_language_is_chosen_in_order() -> None:
    assert pick_page_language("en", "zh", "zh-CN", "zh") == "en"
    assert pick_page_language(None, "en", "zh-CN", "zh") == "en"
    assert pick_page_language("xx", None, "en-GB,en;q=0.9", "zh") == "en"
    assert pick_page_language(None, None, "fr-FR", "zh") == "zh"
