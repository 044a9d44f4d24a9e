"""Listing many entries with their relations costs a bounded number of SQL statements."""

from __future__ import annotations

from decimal import Decimal

from starlette.applications import Starlette

from hub.domain.enums import EntryKind, OrganizationKind, Urgency
from hub.domain.model import Contact, EntryDraft, Item, NeedDetails, OrganizationDraft, Region
from hub.domain.units import Unit
from hub.services.entries import submit_entry
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import verify_all

LIFETIMES = dict.fromkeys(EntryKind, 72)
# asyncpg's own housekeeping, not the hub's queries: the reset of a connection released to the
# pool, and the type introspection it runs once per connection (with JIT switched off for it).
HOUSEKEEPING = (
    "SELECT pg_advisory_unlock_all()",
    "WITH RECURSIVE typeinfo_tree",
    "SELECT current_setting('jit')",
    "SELECT set_config('jit'",
)


def data_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if not " ".join(s.split()).startswith(HOUSEKEEPING)]


QUERY = """
{ needs(first: 50) {
    totalCount
    edges { node {
      id urgency contacts { name redacted }
      organization { name kind contacts { name } }
      items { name quantity category { code name } }
    } }
} }"""


async def seed(db: Database, count: int) -> None:
    for n in range(count):
        organization = OrganizationDraft(
            name=f"第{n}人民医院",
            kind=OrganizationKind.HOSPITAL,
            region=Region("湖北省", "武汉市"),
            contacts=(Contact("总机", "027-85726114"),),
        )
        draft = EntryDraft(
            region=Region("湖北省", "武汉市"),
            details=NeedDetails(urgency=Urgency.HIGH),
            items=(
                Item("face.surgical_mask", "口罩", Decimal(100), Unit.ITEM),
                Item("body.gloves", "手套", Decimal(50), Unit.PAIR),
            ),
            contacts=(Contact("王医生", "13800001234"),),
        )
        outcome = await submit_entry(db, draft, LIFETIMES, organization)
        assert outcome.errors == []
    await verify_all(db)


async def test_listing_fifty_needs_uses_a_bounded_number_of_statements(
    app: Starlette, gql: GraphQLClient
) -> None:
    db: Database = app.state.db
    await seed(db, 50)
    await gql.data("{ units { unit } }")  # the first request of a process loads the taxonomy
    statements: list[str] = []
    stop = db.observe_queries(statements.append)
    try:
        data = await gql.data(QUERY)
    finally:
        stop()
    edges = data["needs"]["edges"]
    assert len(edges) == 50
    assert all(len(e["node"]["items"]) == 2 and e["node"]["organization"] for e in edges)
    # needs + their items + their contacts, organizations + their contacts, and the count:
    # 6, whatever the page size (the taxonomy is cached per process).
    assert len(data_statements(statements)) <= 6, data_statements(statements)


async def test_statement_count_does_not_grow_with_the_page(
    app: Starlette, gql: GraphQLClient
) -> None:
    db: Database = app.state.db
    await seed(db, 12)
    await gql.data("{ units { unit } }")  # the first request of a process loads the taxonomy
    counts = []
    for first in (2, 12):
        statements: list[str] = []
        stop = db.observe_queries(statements.append)
        try:
            await gql.data(QUERY.replace("first: 50", f"first: {first}"))
        finally:
            stop()
        counts.append(len(data_statements(statements)))
    assert counts[0] == counts[1]


async def test_a_list_without_contacts_does_not_read_them(
    app: Starlette, gql: GraphQLClient
) -> None:
    db: Database = app.state.db
    await seed(db, 3)
    await gql.data("{ units { unit } }")  # the first request of a process loads the taxonomy
    # priority keeps the document on strawberry's path (the compiled path never reads contacts).
    document = "{ needs { edges { node { id priority { score } %s } } } }"
    read: list[bool] = []
    for extra in ("", "... on Entry { contacts { name redacted } }"):
        statements: list[str] = []
        stop = db.observe_queries(statements.append)
        try:
            data = await gql.data(document % extra)
        finally:
            stop()
        assert len(data["needs"]["edges"]) == 3
        read.append(any("FROM contact" in s for s in data_statements(statements)))
    assert read == [False, True]
