"""A search counts its results and computes facets only when the selection asks for them:
each reads every match, whatever the page (issue 14: `search` always computed both)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from hub.domain.search import SearchFilter, parse_query
from hub.search.backend import EVERYTHING, Extras, SearchBackend
from hub.store import search as store
from tests.conftest import GraphQLClient
from tests.search.conftest import Corpus

LISTED = SearchFilter(kinds=("NEED", "OFFER", "LODGING"), verified_entries_only=True)
NOTHING_EXTRA = Extras(total=False, facets=False)


async def test_backends_count_and_facet_only_when_asked(
    backend: SearchBackend, corpus: Corpus
) -> None:
    query = parse_query("")
    full = await backend.search(query, LISTED, 2, 0, EVERYTHING)
    assert full.total == 5 and full.facets["kinds"] and full.has_more is True
    bare = await backend.search(query, LISTED, 2, 0, NOTHING_EXTRA)
    assert (bare.total, bare.facets, bare.has_more) == (0, {}, True)
    assert [h.subject_id for h in bare.hits] == [h.subject_id for h in full.hits]
    counted = await backend.search(query, LISTED, 2, 0, Extras(total=True, facets=False))
    assert (counted.total, counted.facets) == (5, {})
    last = await backend.search(query, LISTED, 2, 4, NOTHING_EXTRA)
    assert (len(last.hits), last.has_more) == (1, False)


class Spy:
    """Records what each search asked the store to count."""

    def __init__(self, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
        self.facets = 0
        self.totals = 0
        original = store.counts

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.facets += kwargs["facets"]
            self.totals += kwargs["total"]
            return await original(*args, **kwargs)

        monkeypatch.setattr(store, "counts", counted)

    async def run(self, gql: GraphQLClient, selection: str, fragments: str = "") -> dict[str, Any]:
        search = 'search(query: "", kinds: [NEED, OFFER, LODGING], first: 2)'
        data = await gql.data(f"{{ {search} {{ {selection} }} }} {fragments}")
        found: dict[str, Any] = data["search"]
        return found

    @property
    def counted(self) -> bool:
        return self.totals > 0


@pytest.mark.usefixtures("corpus")
async def test_the_api_computes_only_what_is_selected(
    app: Starlette, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = Spy(app, monkeypatch)
    page = await bare.run(gql, "pageInfo { hasNextPage } edges { node { ... on Entry { id } } }")
    assert page["pageInfo"]["hasNextPage"] is True and len(page["edges"]) == 2
    assert (bare.facets, bare.counted) == (0, False)
    counted = Spy(app, monkeypatch)
    assert (await counted.run(gql, "totalCount"))["totalCount"] == 5
    assert (counted.facets, counted.counted) == (0, True)
    # Through a fragment too.
    faceted = Spy(app, monkeypatch)
    fragment = "fragment F on SearchResults { facets { kinds { value } } }"
    found = await faceted.run(gql, "...F", fragment)
    assert found["facets"]["kinds"]
    assert faceted.facets == 1
