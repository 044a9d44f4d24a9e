"""Latin typos, swapped letters included, find the word meant (issue 16)."""

from __future__ import annotations

import uuid

import pytest

from hub.domain.search import SearchFilter, parse_query
from hub.search.postgres import PostgresSearch
from hub.search.typos import is_typo_of
from hub.store.db import Database
from tests.search.conftest import search_document


def test_a_swap_of_neighbours_is_one_typo_and_short_words_have_none() -> None:
    assert is_typo_of("wuhna", "wuhan", 0.33)
    assert is_typo_of("goggels", "goggles", 0.33)
    assert not is_typo_of("task", "mask", 0.25)  # four letters: no edit, as Meilisearch
    assert not is_typo_of("n95", "n96", 0.2)  # three characters: exact only
    assert not is_typo_of("hubei", "hunan", 0.2)  # two edits in five letters
    assert is_typo_of("disinfectent", "disinfectant", 0.6)


@pytest.fixture
async def documents(db: Database) -> dict[str, uuid.UUID]:
    texts = {
        "wuhan": "Wuhan Union Hospital",
        "goggles": "anti-fog goggles",
        "gloves": "nitrile gloves",
        "hunan": "Hunan Provincial Hospital",
    }
    ids = {name: uuid.uuid4() for name in texts}
    await PostgresSearch(db).apply(
        [
            search_document(text, subject_id=ids[name], province=None, city=None)
            for name, text in texts.items()
        ],
        [],
        1,
    )
    return ids


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("wuhna", "wuhan"), ("goggels", "goggles"), ("glvoes", "gloves"), ("Hospitl", "wuhan")],
)
async def test_a_typo_finds_the_word_meant(
    db: Database, documents: dict[str, uuid.UUID], typed: str, meant: str
) -> None:
    page = await PostgresSearch(db).search(parse_query(typed), SearchFilter(), 10, 0)
    found = {h.subject_id for h in page.hits}
    assert documents[meant] in found
    if typed != "Hospitl":
        assert found == {documents[meant]}
