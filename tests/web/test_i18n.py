"""Every string of the pages exists in Chinese and in English."""

from __future__ import annotations

import re
from pathlib import Path

from hub.web.i18n import ENUM_LABELS, MESSAGES, pick_page_language

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


def test_the_page_language_is_chosen_in_order() -> None:
    assert pick_page_language("en", "zh", "zh-CN", "zh") == "en"
    assert pick_page_language(None, "en", "zh-CN", "zh") == "en"
    assert pick_page_language("xx", None, "en-GB,en;q=0.9", "zh") == "en"
    assert pick_page_language(None, None, "fr-FR", "zh") == "zh"
