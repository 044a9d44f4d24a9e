"""The page language, and every string of the web pages in Chinese (the default) and English,
read from the catalogues in hub/web/catalogue/."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from babel import Locale

LANGUAGES = ("zh", "en")
LANGUAGE_COOKIE = "hub_lang"

# The strings are data, one JSON catalogue per area of the pages (pages.json: browsing, posting,
# review and coordination; flow.json: from a listing to delivery, and donation channels;
# accounts.json: account administration), so that translators edit text, not code. Each has
# "messages" (t(key) in the templates) and "labels" (enum values and the like), every entry
# {"zh": ..., "en": ...} and at times a "note" for the translator; tests/web/test_i18n.py
# checks them.
CATALOGUE = Path(__file__).resolve().parent / "catalogue"
AREAS = ("pages", "flow", "accounts")


def _read_catalogues(section: str) -> dict[str, tuple[str, str]]:
    """`section` of every area's catalogue as key: (中文, English); a key twice is an error."""
    table: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        catalogue = json.loads((CATALOGUE / f"{area}.json").read_text(encoding="utf-8"))
        for key, entry in catalogue[section].items():
            if key in table:
                raise ValueError(f"{key!r} is in more than one catalogue ({area}.json)")
            table[key] = (entry["zh"], entry["en"])
    return table


MESSAGES = _read_catalogues("messages")
ENUM_LABELS = _read_catalogues("labels")


def pick_page_language(
    query: str | None, cookie: str | None, accept_language: str | None, default: str
) -> str:
    """?lang= first (a switch), then the cookie, then the browser's Accept-Language."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return default


# Plural forms by the CLDR rules of each language (Babel): English has "one" (1) and "other";
# Chinese has only "other". A message with a count `n` may have a variant per form, keyed
# "<key>.<form>" ("list.results.one"); the key itself is the "other" form.
_LOCALES = {language: Locale.parse(language) for language in LANGUAGES}
COUNT = "n"


def plural_form(language: str, count: float) -> str:
    """The CLDR plural category of `count` in `language`: "one", "other", ..."""
    return str(_LOCALES[language].plural_form(abs(count)))


def _message(key: str, index: int, values: dict[str, object]) -> str:
    count = values.get(COUNT)
    if isinstance(count, int | float) and not isinstance(count, bool):
        form = plural_form(LANGUAGES[index], count)
        variant = MESSAGES.get(f"{key}.{form}") if form != "other" else None
        if variant is not None:
            return variant[index]
    pair = MESSAGES.get(key) or ENUM_LABELS.get(key)
    return pair[index] if pair else key


def translator(language: str) -> Callable[..., str]:
    """t(key, **values): the message in `language`; the key itself when none (never blank).
    With a number `n`, the variant of its plural form ("1 result", "2 results")."""
    index = LANGUAGES.index(language)

    def t(key: str, **values: object) -> str:
        text = _message(key, index, values)
        return text.format(**values) if values else text

    return t


def format_quantity(value: object) -> str:
    """800.0 as 800, 2.5 as 2.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def age(since: datetime | None, now: datetime, t: Callable[..., str]) -> str:
    """'5 h' / '5 小时': how long ago, in the page's language."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return t("time.minutes", n=minutes)
    if minutes < 48 * 60:
        return t("time.hours", n=minutes // 60)
    return t("time.days", n=minutes // (24 * 60))


def parse_time(value: str | None) -> datetime | None:
    """A GraphQL DateTime as an aware datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# Times are shown in China Standard Time (no daylight saving), as the forms take them: the
# hours a volunteer sees on the wall, whatever zone the server is in (web.js then shows the
# browser's own zone where it runs).
CHINA_TIME = timezone(timedelta(hours=8))


def local_time(value: str | None) -> str:
    """A GraphQL DateTime as "2020-02-01 08:00" in China Standard Time ("" for none)."""
    parsed = parse_time(value)
    return parsed.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") if parsed else ""


# The prefix of an enum's value labels in ENUM_LABELS where the value alone would be ambiguous.
ENUM_LABEL_PREFIXES = {"VehicleType": "vehicle."}


def enum_label_prefix(enum: type) -> str:
    """The prefix of the labels of `enum`'s values in ENUM_LABELS ("" for most)."""
    return ENUM_LABEL_PREFIXES.get(enum.__name__, "")


def labels(language: str) -> Mapping[str, str]:
    """Every enum label in `language` (for select options)."""
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in ENUM_LABELS.items()}
