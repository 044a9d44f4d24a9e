"""The demo data set: believable, valid, loaded once."""

from __future__ import annotations

from hub.demo.data import ENTRIES, ORGANIZATIONS
from hub.demo.load import load_demo
from hub.domain.enums import EntryKind
from hub.store.db import Database
from tests.conftest import GraphQLClient

LIFETIMES = dict.fromkeys(EntryKind, 72)


async def test_demo_loads_once_and_is_big_enough(db: Database) -> None:
    summary = await load_demo(db, LIFETIMES)
    assert not summary.skipped
    assert summary.organizations >= 30
    assert summary.needs + summary.offers >= 60
    assert summary.logistics_offers > 0 and summary.lodgings > 0
    assert summary.organizations == len(ORGANIZATIONS)
    assert summary.donation_channels > 0
    assert (
        summary.needs
        + summary.offers
        + summary.logistics_offers
        + summary.lodgings
        + summary.donation_channels
    ) == len(ENTRIES)
    again = await load_demo(db, LIFETIMES)
    assert again.skipped
    async with db.connection() as conn:
        cities = await conn.fetchval("SELECT count(DISTINCT city) FROM organization")
        categories = await conn.fetchval("SELECT count(DISTINCT category_code) FROM entry_item")
    assert cities >= 8
    assert categories >= 25


async def test_demo_serves_every_list(db: Database, gql: GraphQLClient) -> None:
    await load_demo(db, LIFETIMES)
    data = await gql.data("""{
      needs(first: 3) { totalCount edges { node { urgency organization { name } } } }
      offers { totalCount } logisticsOffers { totalCount } lodgings { totalCount }
      organizations { totalCount }
    }""")
    assert data["needs"]["edges"][0]["node"]["urgency"] == "CRITICAL"
    assert all(
        data[k]["totalCount"] > 0
        for k in ("offers", "logisticsOffers", "lodgings", "organizations")
    )
