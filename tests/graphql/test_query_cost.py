"""The query cost model: what documents cost, and operations over budget refused before they run.

The attack of issue 14: thirty aliases of matchingOffers in one request (also over GET, also as
a persisted query), each scoring hundreds of candidates on the event loop.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, get_introspection_query, parse, validate
from graphql.execution.values import VariableValues, get_variable_values
from starlette.applications import Starlette

from hub.app import create_app
from hub.domain.accounts import Role
from hub.domain.kinds import KINDS
from hub.graphql.cost.estimate import find_operation, operation_cost
from hub.graphql.cost.weights import FIELD_WEIGHTS
from hub.graphql.schema import build_schema
from hub.settings import Settings
from hub.web import documents, flow_documents
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_n_plus_one import data_statements
from tests.http.test_read_cache import listening
from tests.pledges.steps import post_need

SCHEMA: GraphQLSchema = build_schema()._schema
DEFAULTS = Settings()
README = Path(__file__).resolve().parents[2] / "README.md"


def cost(document: str, variables: dict[str, Any] | None = None) -> int:
    """The estimated cost of a valid document's only operation, as the hub computes it."""
    parsed = parse(document)
    assert validate(SCHEMA, parsed) == []
    operation = find_operation(parsed, None)
    assert operation is not None
    if variables is None:
        # A page's inputs do not change what it costs: only page sizes and ids would.
        coerced = VariableValues({}, {})
    else:
        found = get_variable_values(SCHEMA, operation.variable_definitions or (), variables)
        assert not isinstance(found, list), found
        coerced = found
    return operation_cost(SCHEMA, parsed, operation, coerced, 20, DEFAULTS.max_page_size)


def aliases_of_matching(count: int) -> str:
    fields = " ".join(
        f"m{n}: matchingOffers(needId: $id, first: 5) {{ score offer {{ id }} }}"
        for n in range(count)
    )
    return f"query Attack($id: ID!) {{ {fields} }}"


ATTACK = aliases_of_matching(30)
MATCHING = FIELD_WEIGHTS[("Query", "matchingOffers")]

# --- The model -----------------------------------------------------------------------------


def test_a_list_of_twenty_multiplies_its_nested_items() -> None:
    document = "{ needs(first: 20) { edges { node { id items { name unit } } } } }"
    # needs 1 + edges 1 + 20 x (node 1 + id 1 + items (1 + 50 items x 2 fields)).
    assert cost(document) == 2 + 20 * (2 + 1 + 50 * 2)
    # The page size comes from the variable when there is one, the default without.
    variable = "query($n: Int) { needs(first: $n) { edges { node { id } } } }"
    assert cost(variable, {"n": 5}) == 2 + 5 * 2
    assert cost(variable) == 2 + 20 * 2
    # first: 0 lists nothing; the count is a statement of its own.
    assert cost("{ needs(first: 0) { totalCount edges { node { id } } } }") == 1 + 20 + 1


def test_thirty_aliases_of_matching_exceed_every_budget() -> None:
    one = cost(aliases_of_matching(1), {"id": "x"})
    assert one == MATCHING + 5 * (1 + 1 + 1)
    assert cost(ATTACK, {"id": "x"}) == 30 * one
    assert 30 * one > DEFAULTS.query_cost_signed_in > DEFAULTS.query_cost_anonymous
    # An anonymous request may score matches twice (a need's page asks once), not three times.
    assert 2 * one <= DEFAULTS.query_cost_anonymous < 3 * one


def test_search_pays_for_its_count_and_facets() -> None:
    hits = '{ search(query: "口罩", first: 10) { edges { node { ... on Need { id } } } } }'
    counted = '{ search(query: "口罩") { totalCount facets { kinds { value count } } } }'
    search, total, facets = (
        FIELD_WEIGHTS[("Query", "search")],
        FIELD_WEIGHTS[("SearchResults", "totalCount")],
        FIELD_WEIGHTS[("SearchResults", "facets")],
    )
    assert cost(hits) == search + 1 + 10 * (1 + 1)
    assert cost(counted) == search + total + facets + 1 + 10 * 2
    assert cost(counted) > cost(hits) * 3


def test_fragments_aliases_and_directives_count_as_executed() -> None:
    fragment = "fragment F on Need { id items { name } }"
    once = cost("{ a: needs(first: 1) { edges { node { ...F } } } } " + fragment)
    twice = cost(
        "{ a: needs(first: 1) { edges { node { ...F } } } "
        "b: needs(first: 1) { edges { node { ...F ...F } } } } " + fragment
    )
    # A fragment spread twice in one selection merges into the same fields: it costs as one
    # (the memo), but every alias counts.
    assert twice == 2 * once
    skipped = "query($s: Boolean!) { needs { edges { node { id items @skip(if: $s) { name } } } } }"
    assert cost(skipped, {"s": True}) < cost(skipped, {"s": False})
    # Inline fragments: an abstract type costs as much as its costliest possible type.
    node = '{ node(id: "x") { ... on Need { items { name } } ... on Lodging { id } } }'
    assert cost(node) == 1 + 1 + 50


def test_many_nested_fragments_are_estimated_quickly() -> None:
    # Each level spreads the next twice: 2^20 fields as executed, 20 fragments to estimate.
    levels = 20
    fragments = " ".join(
        f"fragment L{n} on Need {{ a: items {{ name }} ...L{n + 1} ...L{n + 1} }}"
        for n in range(levels)
    )
    last = f"fragment L{levels} on Need {{ id }}"
    document = f"{{ needs {{ edges {{ node {{ ...L0 }} }} }} }} {fragments} {last}"
    assert cost(document) < 10_000


# --- What the hub's own clients send stays under budget ------------------------------------


def _page_documents() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in (documents, flow_documents):
        for name, value in vars(module).items():
            if (
                name.isupper()
                and isinstance(value, str)
                and re.search(r"\b(query|mutation)\b", value)
            ):
                found[f"{module.__name__}.{name}"] = value
    for kind in KINDS:
        found[f"list {kind.list_field}"] = documents.list_document(kind)
        found[f"submit {kind.type_name}"] = documents.submit_document(kind)
        found[f"update {kind.type_name}"] = documents.update_document(kind)
        found[f"close {kind.type_name}"] = documents.close_document(kind)
    found["GraphiQL's introspection"] = get_introspection_query()
    return found


# Pages only signed-in reviewers and coordinators see.
SIGNED_IN_PAGES = {"hub.web.documents.COORDINATE", "hub.web.documents.REVIEW_QUEUE"}


@pytest.mark.parametrize(("name", "document"), sorted(_page_documents().items()))
def test_the_pages_documents_are_within_budget(name: str, document: str) -> None:
    budget = (
        DEFAULTS.query_cost_signed_in if name in SIGNED_IN_PAGES else DEFAULTS.query_cost_anonymous
    )
    # The worst case: every list as long as it may be. Half the budget leaves room to grow.
    assert cost(document) <= budget // 2, name


def test_the_readmes_examples_are_within_the_anonymous_budget() -> None:
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(), re.S)
    costed = 0
    for block in blocks:
        parsed = parse(block)
        if validate(SCHEMA, parsed):
            continue  # an SDL excerpt, not an operation
        costed += 1
        assert cost(block) <= DEFAULTS.query_cost_anonymous // 2, block
    assert costed >= 3


# --- Refused before anything runs ----------------------------------------------------------


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    [error] = body["errors"]
    extensions: dict[str, Any] = error["extensions"]
    assert extensions["code"] == "QUERY_TOO_COSTLY"
    assert extensions["cost"] > extensions["budget"]
    return extensions


class Watched:
    """Every SQL statement the app runs while watching, and every matching call."""

    def __init__(self, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[str] = []
        self.db = app.state.db
        self.matched = 0
        from hub.services import matching

        original = matching.suggestions

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.matched += 1
            return await original(*args, **kwargs)

        monkeypatch.setattr(matching, "suggestions", counted)

    def __enter__(self) -> Watched:
        self._stop = self.db.observe_queries(self.statements.append)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop()

    def assert_nothing_ran(self) -> None:
        assert self.matched == 0
        assert data_statements(self.statements) == []


async def test_thirty_aliases_of_matching_are_refused_before_any_sql(
    app: Starlette,
    gql: GraphQLClient,
    app_client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need = await post_need(gql)
    await gql.data("{ units { unit } }")  # the first request of a process loads the taxonomy
    variables = {"id": need.id}
    with Watched(app, monkeypatch) as watched:
        posted = await gql.post(ATTACK, variables)
        got = await app_client.get(
            "/graphql", params={"query": ATTACK, "variables": json.dumps(variables)}
        )
    extensions = _refusal(posted)
    assert extensions["budget"] == DEFAULTS.query_cost_anonymous
    assert extensions["cost"] == cost(ATTACK, variables)
    assert got.status_code == 200
    _refusal(got.json())
    watched.assert_nothing_ran()
    # One alias is what a need's page asks for: it runs.
    with Watched(app, monkeypatch) as watched:
        assert "errors" not in await gql.post(aliases_of_matching(1), variables)
    assert watched.matched == 1
    # The watch sees what runs: the refusals above ran nothing.
    assert data_statements(watched.statements)


async def test_a_persisted_attack_is_refused_too(
    app: Starlette,
    gql: GraphQLClient,
    app_client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need = await post_need(gql)
    digest = hashlib.sha256(ATTACK.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    variables = {"id": need.id}
    with Watched(app, monkeypatch) as watched:
        registered = await app_client.post(
            "/graphql", json={"query": ATTACK, "variables": variables, "extensions": persisted}
        )
        by_hash = await app_client.get(
            "/graphql",
            params={"extensions": json.dumps(persisted), "variables": json.dumps(variables)},
        )
    _refusal(registered.json())
    assert by_hash.status_code == 200
    _refusal(by_hash.json())
    assert watched.matched == 0


@pytest.fixture
async def tight_app(settings: Settings) -> AsyncIterator[Starlette]:
    """Budgets small enough for an ordinary list to exceed the anonymous one."""
    application = create_app(
        replace(settings, query_cost_anonymous=1_000, query_cost_signed_in=10_000)
    )
    async with application.router.lifespan_context(application):
        yield application


async def test_the_compiled_path_refuses_over_budget_and_signed_in_callers_have_more(
    tight_app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = httpx.ASGITransport(app=tight_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        gql = GraphQLClient(http)
        await gql.data("{ units { unit } }")
        token, _ = await token_for(tight_app.state.db, Role.VOLUNTEER, "volunteer")
        compiled = tight_app.state.graphql.compiled
        small = "{ needs(first: 10) { edges { node { id items { name } } } } }"
        large = "{ needs(first: 100) { edges { node { id items { name } } } } }"
        assert 1_000 < cost(large) < 10_000 and cost(small) < 1_000
        answered = compiled.answered
        await gql.data(small)
        assert compiled.answered == answered + 1
        with Watched(tight_app, monkeypatch) as watched:
            refused = await gql.post(large)
        assert _refusal(refused)["budget"] == 1_000
        watched.assert_nothing_ran()
        assert compiled.answered == answered + 1
        # The compiled path keeps costs per document and page size, not per document alone.
        variable = "query($n: Int) { needs(first: $n) { edges { node { id items { name } } } } }"
        await gql.data(variable, {"n": 10})
        assert compiled.answered == answered + 2
        _refusal(await gql.post(variable, {"n": 100}))
        assert compiled.answered == answered + 2
        signed_in = await gql.data(large, Authorization=f"Bearer {token}")
        assert signed_in["needs"]["edges"] == []
        # A signed-in caller's budget is larger, not unlimited.
        refused = await gql.post(
            "{ a: " + large[2:-2] + " b: " + large[2:-2] + " }", Authorization=f"Bearer {token}"
        )
        assert _refusal(refused)["budget"] == 10_000


async def test_the_pages_refuse_with_the_same_code(tight_app: Starlette) -> None:
    # The web pages call the API with the visitor's context: the budget holds there too.
    from hub.web.api import ApiResult, call

    transport = httpx.ASGITransport(app=tight_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        response = await http.get("/needs")
        assert response.status_code == 200
    request = _request(tight_app)
    result: ApiResult = await call(
        request, "{ needs(first: 100) { edges { node { id items { name } } } } }"
    )
    assert result.error_codes == ["QUERY_TOO_COSTLY"]


def _request(app: Starlette) -> Any:
    from starlette.requests import Request

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [],
        "query_string": b"",
        "app": app,
        "client": ("127.0.0.1", 1),
    }
    return Request(scope)


async def test_clients_may_ask_what_an_operation_costs(
    app: Starlette, app_client: httpx.AsyncClient
) -> None:
    await listening(app)
    query = "{ needs(first: 10) { totalCount edges { node { id } } } }"
    # Not asked: no extensions, so the read cache keeps the response...
    plain = await app_client.post("/graphql", json={"query": query})
    assert "extensions" not in plain.json()
    assert plain.headers["cache-control"].startswith("public")
    hits = app.state.read_cache.counters.hits
    # ...and does not answer a client asking for the cost with it.
    for _ in range(2):
        asked = await app_client.post(
            "/graphql", json={"query": query, "extensions": {"queryCost": True}}
        )
        body = asked.json()
        assert "errors" not in body
        assert body["extensions"]["queryCost"] == {
            "cost": cost(query),
            "budget": DEFAULTS.query_cost_anonymous,
        }
        assert body["data"] == plain.json()["data"]
    assert app.state.read_cache.counters.hits == hits
