"""Counts read right: "1 result", "2 results" (CLDR plural rules through Babel); Chinese, which
has one form, is unaffected."""

from __future__ import annotations

import re

import httpx
import pytest

from hub.store.db import Database
from hub.web.i18n import LANGUAGES, MESSAGES, plural_form, translator
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input, verify_all


@pytest.mark.parametrize(
    ("count", "en", "zh"),
    [(0, "results", "条结果"), (1, "result", "条结果"), (2, "results", "条结果"),
     (21, "results", "条结果"), (1.5, "results", "条结果")],
)  # fmt: skip
def test_a_count_picks_its_plural_form(count: float, en: str, zh: str) -> None:
    assert translator("en")("list.results", n=count) == en
    assert translator("zh")("list.results", n=count) == zh


def test_counts_in_sentences() -> None:
    en, zh = translator("en"), translator("zh")
    assert en("priority.pledges", n=1) == "1 accepted pledge"
    assert en("priority.pledges", n=3) == "3 accepted pledges"
    assert zh("priority.pledges", n=1) == "已接受 1 份认捐"
    assert en("home.count_needs", n=1) == "verified need"
    assert en("home.count_donation-channels", n=1) == "verified donation channel"
    assert en("home.count_offers", n=0) == "offers"
    # Several counts in one sentence are labelled, so none reads "1 rows".
    counts = en("import.counts", rows=1, valid=1, imported=1, skipped=0, rejected=1)
    assert not re.search(r"\b1 [a-z]+s\b", counts), counts


def test_every_plural_variant_has_its_base_message() -> None:
    forms = {"zero", "one", "two", "few", "many"}
    variants = [key for key in MESSAGES if key.rsplit(".", 1)[-1] in forms]
    assert variants
    for key in variants:
        assert key.rsplit(".", 1)[0] in MESSAGES, key
    assert {plural_form(language, 1) for language in LANGUAGES} == {"one", "other"}


async def test_the_list_page_says_1_result_and_the_home_page_1_verified_need(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    assert payload["userErrors"] == []
    await verify_all(db)
    page = (await app_client.get("/needs", params={"lang": "en"})).text
    count = re.search(r'<p class="count">(.*?)</p>', page, re.S)
    assert count is not None
    text = re.sub(r"<[^>]+>", "", count.group(1))
    assert text == "1 result", text
    assert 'data-one="result" data-other="results"' in page
    home = re.sub(r"<[^>]+>", "", (await app_client.get("/", params={"lang": "en"})).text)
    assert "1 verified need" in home and "1 verified needs" not in home
    assert "0 offers" in home
    zh = (await app_client.get("/needs", params={"lang": "zh"})).text
    count = re.search(r'<p class="count">(.*?)</p>', zh, re.S)
    assert count is not None
    assert re.sub(r"<[^>]+>", "", count.group(1)) == "1 条结果"
