"""The compiled reads (hub/graphql/compiled) answer exactly as strawberry does.

Every document runs both ways on the same varied data, with the same clock, and the parsed
outputs must be equal; documents in the compiled vocabulary must have been compiled, and the
others must have fallen back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from starlette.applications import Starlette

from hub.demo.load import load_demo
from hub.domain.accounts import ANONYMOUS, Role, Viewer
from hub.domain.enums import EntryKind
from hub.domain.global_ids import to_global_id
from hub.domain.kinds import KINDS
from hub.graphql.compiled import CompiledReads, listing
from hub.graphql.context import Context
from hub.graphql.loaders import make_loaders
from hub.http.graphql_view import HubGraphQL
from hub.web.documents import HOME, list_document
from tests.conftest import GraphQLClient
from tests.graphql.test_n_plus_one import data_statements

LIFETIMES = dict.fromkeys(EntryKind, 72)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ALL_STATES = "[PENDING, IN_REVIEW, VERIFIED, NEEDS_CHANGES, REJECTED, EXPIRED]"

BENCH = (
    "query Bench($since: DateTime!) { needs(first: 20, orderBy: URGENCY, "
    f"filter: {{updatedSince: $since, verificationStatuses: {ALL_STATES}}}) {{ totalCount "
    "edges { cursor node { id urgency status region { province city } "
    "organization { id name kind region { city } } "
    "items { categoryCode name quantity unit category { code name } } } } } }"
)
ENTRY = """
  id kind providerName region { province city district adminCode } address notes
  source { url note } status closeReason verificationStatus createdAt updatedAt verifiedAt
  expiresAt version selfReported mergedInto __typename
  organization { id name kind region { province city district adminCode } address latitude
                 longitude website verificationStatus createdAt updatedAt version __typename }
"""
ITEMS = """items { categoryCode name spec quantity quantityUnknown unit packageSize
  fulfilledQuantity remainingQuantity baseQuantity baseUnit certifications __typename
  category { code groupCode nameZh nameEn name standards defaultUnit taxonomyVersion
             deprecated __typename } }"""
KIND_FIELDS = {
    "needs": f"urgency {ITEMS}",
    "offers": f"canDeliver leadTimeDays isFree priceNote {ITEMS}",
    "logisticsOffers": """origin { province city } destination { province city district adminCode }
        vehicleType capacityKg capacityM3 coldChain isFree availableFrom availableUntil""",
    "lodgings": "roomsAvailable eligibility isFree priceNote availableFrom availableUntil",
    "donationChannels": """accountName bank accountNumber remittanceNote purpose
        officialNoticeUrl""",
}
CONNECTION = """totalCount __typename pageInfo { hasNextPage hasPreviousPage startCursor endCursor
  __typename } edges { cursor __typename node { %s } }"""


def every_field(field: str, arguments: str) -> str:
    """A document selecting everything the vocabulary has of one kind."""
    selection = CONNECTION % (ENTRY + KIND_FIELDS[field])
    return f"{{ {field}({arguments}) {{ {selection} }} }}"


FRAGMENTS = f"""
query Fragments($withItems: Boolean!, $skipOrg: Boolean!) {{
  __typename
  first: needs(first: 3, orderBy: NEWEST, filter: {{verificationStatuses: {ALL_STATES}}}) {{
    ...Page
  }}
  again: needs(first: 3, orderBy: NEWEST, filter: {{verificationStatuses: {ALL_STATES}}}) {{
    edges {{ node {{ ... on Node {{ nodeId: id }} ...Row }} }}
  }}
}}
fragment Page on NeedConnection {{
  count: totalCount
  edges {{ c: cursor node {{ ...Row ... on Entry {{ status }} }} }}
}}
fragment Row on Need {{
  id kind: __typename urgency
  organization @skip(if: $skipOrg) {{ name }}
  items @include(if: $withItems) {{ name q: quantity }}
  ... @include(if: $withItems) {{ region {{ province }} }}
  region {{ city }}
}}
"""

# Documents the compiled path answers: (document, variables).
COMPILED: list[tuple[str, dict[str, Any]]] = [
    (BENCH, {"since": "2000-01-01T00:00:00Z"}),
    (BENCH, {"since": "2026-11-29T00:00:00+00:00"}),
    (BENCH.replace("totalCount ", ""), {"since": "2000-01-01T00:00:00Z"}),
    (FRAGMENTS, {"withItems": True, "skipOrg": False}),
    (FRAGMENTS, {"withItems": False, "skipOrg": True}),
    ("{ needs { totalCount } offers(first: 0) { totalCount } }", {}),
    ("{ lodgings(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }", {}),
    ("query { needs(first: 2) { __typename } }", {}),
    (
        "query($f: NeedFilter) { needs(filter: $f, first: 50) { totalCount "
        "edges { node { id } } } }",
        {"f": {"urgencies": ["CRITICAL", "HIGH"], "province": "湖北省"}},
    ),
    (
        "query($f: LogisticsOfferFilter) { logisticsOffers(filter: $f) { totalCount "
        "edges { node { id destination { city } } } } }",
        {"f": {"destinationProvince": "湖北省", "verificationStatuses": ["VERIFIED", "PENDING"]}},
    ),
    (
        "query($c: [String!]) { offers(filter: {categoryCodes: $c, organizationKinds: [FACTORY]})"
        " { totalCount edges { node { id items { categoryCode } } } } }",
        {"c": ["face.medical_respirator", "face.surgical_mask"]},
    ),
]
for _field in KIND_FIELDS:
    for _order in ("", "orderBy: NEWEST", "orderBy: OLDEST", "orderBy: RECENTLY_UPDATED"):
        _arguments = f"first: 7, {_order}, filter: {{verificationStatuses: {ALL_STATES}}}"
        COMPILED.append((every_field(_field, _arguments), {}))
for _order in ("PRIORITY", "URGENCY"):
    _arguments = f"first: 7, orderBy: {_order}, filter: {{verificationStatuses: {ALL_STATES}}}"
    COMPILED.append((every_field("needs", _arguments), {}))

# The web pages' list documents (hub/web/documents.py).
COMPILED.append((HOME, {}))
for _kind in KINDS:
    COMPILED.append((list_document(_kind), {"filter": None, "after": None}))
    COMPILED.append(
        (list_document(_kind), {"filter": {"verificationStatuses": ["VERIFIED", "IN_REVIEW"]}})
    )
COMPILED += [
    (
        f"{{ needs(first: 50, filter: {{verificationStatuses: {ALL_STATES}}}) {{ edges {{ node "
        "{ verification { status verifiedAt inReviewUntil ageHours method __typename } } } } }",
        {},
    ),
    ("{ supplyCategories { code name nameZh defaultUnit standards } }", {}),
    ("{ needs { totalCount } supplyCategories { code } }", {}),
    (
        "query($g: String, $d: Boolean!) { all: supplyCategories(includeDeprecated: $d) { code }"
        " face: supplyCategories(groupCode: $g) { code groupCode } }",
        {"g": "face", "d": True},
    ),
]

# Documents it leaves to strawberry.
FALLBACK: list[tuple[str, dict[str, Any]]] = [
    ("{ needs { edges { node { id contacts { name phone redacted } } } } }", {}),
    ("{ needs { edges { node { id priority { score } } } } }", {}),
    ("{ needs { edges { node { verification { method reviews { reviewer } } } } } }", {}),
    ("{ needs { edges { node { verification { flags { reason } } } } } }", {}),
    ("{ needs { edges { node { organization { contacts { name } } } } } }", {}),
    ("{ needs(first: 1000) { totalCount } }", {}),
    ('{ needs(after: "nonsense") { totalCount } }', {}),
    ("{ needs { edges { node { nosuchfield } } } }", {}),
    ('{ needs(filter: {organizationId: "bm9wZQ"}) { totalCount } }', {}),
    ("query($n: Int!) { needs(first: $n) { totalCount } }", {}),
    ("mutation { signOut { ok } }", {}),
    ("{ needs { edges { node { ... on Offer { isFree } } } } }", {}),
    ("query($n: Int!) { needs(first: $n) { totalCount } }", {"n": "twenty"}),
]


def compiled_reads(app: Starlette) -> CompiledReads:
    """The app's compiled path."""
    view: HubGraphQL = app.state.graphql
    assert view.compiled is not None
    return view.compiled


async def context_of(app: Starlette, viewer: Viewer = ANONYMOUS) -> Context:
    """A fresh context with the test's fixed clock."""
    state: Any = app.state
    return Context(
        db=state.db,
        settings=state.settings,
        language="zh",
        loaders=make_loaders(state.db),
        categories=await state.taxonomy.categories(),
        viewer=viewer,
        now=NOW,
    )


async def both_ways(
    app: Starlette, document: str, variables: dict[str, Any], viewer: Viewer = ANONYMOUS
) -> tuple[Any, Any]:
    """(compiled data or None, strawberry's result as a dict), JSON round-tripped."""
    compiled = await compiled_reads(app).execute(
        document, variables, None, await context_of(app, viewer)
    )
    result = await app.state.graphql.schema.execute(
        document, variable_values=variables, context_value=await context_of(app, viewer)
    )
    reference = {"data": result.data}
    if result.errors:
        reference["errors"] = [e.formatted for e in result.errors]
    return json.loads(json.dumps(compiled)), json.loads(json.dumps(reference))


@pytest.fixture
async def seeded(app: Starlette) -> Starlette:
    """The demo data, made more varied: unknown quantities, an item of no known category, a
    merged duplicate, a need without organization, entries in every verification state."""
    state: Any = app.state
    await load_demo(state.db, LIFETIMES)
    async with state.db.connection() as conn:
        # Items of needs, which test_the_lists_are_not_empty looks for (ids are random: items
        # picked from every kind's would sometimes all be offers').
        needs_items = (
            "SELECT i.id FROM entry_item i JOIN entry e ON e.id = i.entry_id "
            "WHERE e.kind = 'NEED' ORDER BY i.id"
        )
        await conn.execute(
            f"UPDATE entry_item SET quantity = NULL WHERE id IN ({needs_items} LIMIT 5)"
        )
        await conn.execute(
            "UPDATE entry_item SET quantity = 0.1, fulfilled_quantity = 0.3, package_size = 3,"
            f" unit = 'CARTON' WHERE id IN ({needs_items} DESC LIMIT 3)"
        )
        await conn.execute("ALTER TABLE entry_item DISABLE TRIGGER ALL")
        await conn.execute(
            "UPDATE entry_item SET category_code = 'no.such.category' WHERE id IN "
            f"({needs_items} LIMIT 2 OFFSET 7)"
        )
        await conn.execute("ALTER TABLE entry_item ENABLE TRIGGER ALL")
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry ORDER BY id")]
        rows = await conn.fetch("SELECT id FROM entry WHERE kind = 'NEED' ORDER BY id")
        needs = [r["id"] for r in rows]
        states = ["PENDING", "IN_REVIEW", "NEEDS_CHANGES", "REJECTED", "EXPIRED"]
        for n, state_name in enumerate(states):
            await conn.execute(
                "UPDATE entry SET verification_status = $2 WHERE id = $1", ids[n * 3], state_name
            )
        await conn.execute(
            "UPDATE entry SET verification_status = 'PENDING' WHERE id = "
            "(SELECT min(id::text)::uuid FROM entry WHERE kind = 'DONATION_CHANNEL')"
        )
        await conn.execute(
            "UPDATE entry SET merged_into = $2, updated_at = $3 WHERE id = $1",
            needs[1],
            needs[2],
            NOW - timedelta(hours=1, microseconds=-1),
        )
        await conn.execute(
            "UPDATE entry SET organization_id = NULL, provider_name = '王先生', "
            "updated_at = date_trunc('second', updated_at) WHERE id = $1",
            needs[4],
        )
    return app


@pytest.mark.parametrize(("document", "variables"), COMPILED)
async def test_compiled_answers_as_strawberry_does(
    seeded: Starlette, document: str, variables: dict[str, Any]
) -> None:
    compiled, reference = await both_ways(seeded, document, variables)
    assert "errors" not in reference, reference["errors"]
    assert compiled is not None, "the compiled path fell back"
    assert compiled == reference["data"]


@pytest.mark.parametrize(("document", "variables"), FALLBACK)
async def test_outside_the_vocabulary_falls_back(
    seeded: Starlette, document: str, variables: dict[str, Any]
) -> None:
    compiled, _ = await both_ways(seeded, document, variables)
    assert compiled is None


async def test_the_lists_are_not_empty(seeded: Starlette) -> None:
    # Conformance on empty lists would prove little.
    for field in KIND_FIELDS:
        document = every_field(field, f"first: 50, filter: {{verificationStatuses: {ALL_STATES}}}")
        compiled, _ = await both_ways(seeded, document, {})
        assert compiled[field]["totalCount"] > 0, field
    compiled, _ = await both_ways(seeded, BENCH, {"since": "2000-01-01T00:00:00Z"})
    document = every_field("needs", f"first: 100, filter: {{verificationStatuses: {ALL_STATES}}}")
    compiled, _ = await both_ways(seeded, document, {})
    nodes = [edge["node"] for edge in compiled["needs"]["edges"]]
    items = [item for node in nodes for item in node["items"]]
    assert any(node["organization"] is None for node in nodes)
    assert any(node["mergedInto"] is not None for node in nodes)
    assert any(item["quantity"] is None for item in items)
    assert any(item["category"] is None for item in items)
    assert any(item["baseQuantity"] is not None for item in items)


@pytest.mark.parametrize("order", ["PRIORITY", "URGENCY", "NEWEST", "OLDEST", "RECENTLY_UPDATED"])
async def test_pages_follow_the_same_cursors(seeded: Starlette, order: str) -> None:
    document = (
        (
            "query($after: String) { needs(first: 4, after: $after, orderBy: ORDER, "
            "filter: {verificationStatuses: STATES}) { totalCount pageInfo { hasNextPage "
            "hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }"
        )
        .replace("ORDER", order)
        .replace("STATES", ALL_STATES)
    )
    after, pages, seen = None, 0, set()
    while True:
        compiled, reference = await both_ways(seeded, document, {"after": after})
        assert compiled == reference["data"]
        page = compiled["needs"]
        seen.update(edge["node"]["id"] for edge in page["edges"])
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages > 2
    assert len(seen) == page["totalCount"]


async def test_masked_account_numbers_as_strawberry_masks_them(seeded: Starlette) -> None:
    document = every_field(
        "donationChannels", f"first: 50, filter: {{verificationStatuses: {ALL_STATES}}}"
    )
    compiled, reference = await both_ways(seeded, document, {})
    assert compiled == reference["data"]
    numbers = [e["node"]["accountNumber"] for e in compiled["donationChannels"]["edges"]]
    statuses = [e["node"]["verificationStatus"] for e in compiled["donationChannels"]["edges"]]
    assert "VERIFIED" in statuses and "PENDING" in statuses
    masked = [n for n, s in zip(numbers, statuses, strict=True) if s != "VERIFIED"]
    assert masked and all("*" in number for number in masked), numbers
    # A reviewer sees them whole, on both paths.
    reviewer = Viewer(user_id=UUID(int=7), handle="reviewer", role=Role.REVIEWER, approved=True)
    compiled, reference = await both_ways(seeded, document, {}, reviewer)
    assert compiled == reference["data"]
    numbers = [e["node"]["accountNumber"] for e in compiled["donationChannels"]["edges"]]
    assert not any("*" in number for number in numbers), numbers


async def test_the_view_answers_over_http_as_strawberry_does(
    seeded: Starlette, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = compiled_reads(seeded)
    before = reads.answered
    compiled = await gql.post(BENCH, {"since": "2000-01-01T00:00:00Z"})
    assert reads.answered == before + 1

    async def never(*_: object) -> None:
        return None

    monkeypatch.setattr(reads, "execute", never)
    reference = await gql.post(BENCH, {"since": "2000-01-01T00:00:00Z"})
    assert compiled == reference
    assert compiled["data"]["needs"]["totalCount"] > 0


async def test_reviews_show_their_method(seeded: Starlette) -> None:
    document = (
        f"{{ needs(first: 100, filter: {{verificationStatuses: {ALL_STATES}}}) {{ edges {{ node "
        "{ verificationStatus verification { method verifiedAt } } } } }"
    )
    compiled, reference = await both_ways(seeded, document, {})
    assert compiled == reference["data"]
    methods = [e["node"]["verification"]["method"] for e in compiled["needs"]["edges"]]
    assert any(methods) and None in methods


async def test_the_pages_take_the_compiled_path(
    seeded: Starlette, app_client: httpx.AsyncClient
) -> None:
    reads = compiled_reads(seeded)
    for path in ("/", *(f"/{kind.slug}" for kind in KINDS)):
        before = reads.answered
        response = await app_client.get(path)
        assert response.status_code == 200, path
        assert reads.answered == before + 1, path


async def test_the_bench_query_is_one_statement(seeded: Starlette, gql: GraphQLClient) -> None:
    db = seeded.state.db
    await gql.post("{ units { unit } }")  # the taxonomy, loaded once per process
    statements: list[str] = []
    stop = db.observe_queries(statements.append)
    try:
        body = await gql.post(BENCH, {"since": "2000-01-01T00:00:00Z"})
    finally:
        stop()
    assert body["data"]["needs"]["edges"]
    assert len(data_statements(statements)) == 1, statements


async def test_a_fault_of_the_compiled_path_falls_back(
    seeded: Starlette, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("a bug of the compiled path")

    monkeypatch.setattr(listing, "read_page", broken)
    reads = compiled_reads(seeded)
    before = reads.answered
    body = await gql.post(BENCH, {"since": "2000-01-01T00:00:00Z"})
    assert "errors" not in body
    assert body["data"]["needs"]["totalCount"] > 0
    assert reads.answered == before


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_get_and_languages_answer_as_strawberry_does(
    seeded: Starlette,
    app_client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    reads = compiled_reads(seeded)
    params = {"query": BENCH, "variables": json.dumps({"since": "2000-01-01T00:00:00Z"})}
    headers = {"accept-language": language}
    before = reads.answered
    compiled = await app_client.get("/graphql", params=params, headers=headers)
    assert reads.answered == before + 1

    async def never(*_: object) -> None:
        return None

    monkeypatch.setattr(reads, "execute", never)
    reference = await app_client.get("/graphql", params=params, headers=headers)
    assert compiled.status_code == reference.status_code == 200
    assert compiled.json() == reference.json()
    names = {
        item["category"]["name"]
        for edge in compiled.json()["data"]["needs"]["edges"]
        for item in edge["node"]["items"]
        if item["category"]
    }
    assert names and all(name.isascii() == (language == "en") for name in names), names


NODES = """
query($ids: [ID!]!, $id: ID!) {
  nodes(ids: $ids) {
    __typename id
    ... on Entry { status verificationStatus organization { name } region { city } }
    ... on Need { urgency items { name quantity category { name } } }
    ... on DonationChannel { accountNumber officialNoticeUrl }
    ... on Organization { name }
  }
  one: node(id: $id) { id ... on Lodging { roomsAvailable } ... on Node { __typename } }
}
"""


async def test_nodes_answer_as_strawberry_does(seeded: Starlette) -> None:
    ids = []
    for field in KIND_FIELDS:
        document = f"{{ {field}(first: 2, filter: {{verificationStatuses: {ALL_STATES}}}) "
        document += "{ edges { node { id } } } }"
        compiled, _ = await both_ways(seeded, document, {})
        ids += [edge["node"]["id"] for edge in compiled[field]["edges"]]
    assert len(ids) == 2 * len(KIND_FIELDS)
    nobody = to_global_id("Need", UUID(int=5))
    a_user = to_global_id("User", UUID(int=6))
    variables = {"ids": [*ids, nobody, a_user, ids[0]], "id": ids[-1]}
    compiled, reference = await both_ways(seeded, NODES, variables)
    assert "errors" not in reference, reference["errors"]
    assert compiled == reference["data"]
    assert compiled["nodes"][-3:-1] == [None, None]
    assert compiled["one"]["id"] == ids[-1]
    for fallback in (
        {"ids": [to_global_id("Organization", UUID(int=7))], "id": ids[0]},
        {"ids": ["not an id"], "id": ids[0]},
        {"ids": ids * 20, "id": ids[0]},
    ):
        compiled, _ = await both_ways(seeded, NODES, fallback)
        assert compiled is None
