"""matchingOffers / matchingNeeds through the API, and needs ordered by priority."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.domain.enums import EntryStatus, Urgency
from hub.domain.listing import EntryFilter
from hub.domain.priority import priority
from hub.store import entries as entry_store
from hub.store import pledges as pledge_store
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import verify_all
from tests.pledges.steps import pledge, post_need, post_offer, set_status

MATCHING_OFFERS = """
query($id: ID!) {
  matchingOffers(needId: $id) {
    offer { id region { province city } }
    score
    factors { factor value weight explanation }
    lines { needItem offerItem quantity }
  }
}"""
MATCHING_NEEDS = """
query($id: ID!) { matchingNeeds(offerId: $id) { need { id } score lines { quantity } } }"""


async def test_offers_are_suggested_by_compatibility_and_place_with_reasons(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000, spec="GB 19083-2010")
    wuhan = await post_offer(gql, quantity=2000, region={"province": "湖北省", "city": "武汉市"})
    shenzhen = await post_offer(gql, quantity=2000)
    kn95 = await post_offer(
        gql, category="face.kn95_respirator", spec="GB 2626-2019", region={"province": "湖北省"}
    )
    mislabelled = await post_offer(gql, spec="KN95 GB 2626", region={"province": "湖北省"})
    await verify_all(db)
    found = (await gql.data(MATCHING_OFFERS, {"id": need.id}))["matchingOffers"]
    ids = [m["offer"]["id"] for m in found]
    assert ids == [wuhan.id, shenzhen.id]
    assert kn95.id not in ids and mislabelled.id not in ids
    best = found[0]
    assert best["lines"] == [{"needItem": 0, "offerItem": 0, "quantity": 1000}]
    factors = {f["factor"]: f for f in best["factors"]}
    assert set(factors) == {
        "COMPATIBILITY",
        "QUANTITY",
        "DISTANCE",
        "URGENCY",
        "VERIFICATION",
        "FRESHNESS",
    }
    assert factors["DISTANCE"]["explanation"] == "Same city."
    assert factors["URGENCY"]["explanation"] == "The need's urgency: CRITICAL."
    total = sum(f["value"] * f["weight"] for f in best["factors"])
    assert abs(total - best["score"]) < 0.001
    # The other way round, and in Chinese.
    needs = (await gql.data(MATCHING_NEEDS, {"id": shenzhen.id}))["matchingNeeds"]
    assert [m["need"]["id"] for m in needs] == [need.id]
    zh = await gql.data(MATCHING_OFFERS, {"id": need.id}, **{"accept-language": "zh"})
    assert zh["matchingOffers"][1]["factors"][2]["explanation"] == "外省。"
    # What is already pledged is no longer suggested.
    made = await pledge(gql, need, 1000)
    await set_status(gql, made["pledge"]["id"], "ACCEPTED", need.edit_token)
    assert (await gql.data(MATCHING_OFFERS, {"id": need.id}))["matchingOffers"] == []
    bad = await gql.post(MATCHING_OFFERS, {"id": shenzhen.id})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_needs_default_to_priority_and_the_database_agrees_with_the_rules(
    gql: GraphQLClient, db: Database
) -> None:
    await post_need(
        gql,
        quantity=500,
        urgency="HIGH",
        notes="乡镇卫生院",
        region={"province": "湖北省", "city": "孝感市"},
    )
    city = await post_need(gql, quantity=1000, urgency="CRITICAL", notes="市医院")
    await post_need(gql, quantity=100, urgency="MEDIUM", notes="社区")
    await verify_all(db)
    # The city hospital is nearly supplied and much pledged; the township waited three days.
    for amount in (300, 300, 300):
        made = await pledge(gql, city, amount)
        await set_status(gql, made["pledge"]["id"], "ACCEPTED", city.edit_token)
        await set_status(gql, made["pledge"]["id"], "DELIVERED", city.edit_token)
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE entry SET created_at = now() - interval '3 days' WHERE notes = '乡镇卫生院'"
        )
    data = await gql.data(
        "query { needs { edges { node { notes "
        "priority { score unmetShare waitingHours pledges } } } } }"
    )
    nodes = [e["node"] for e in data["needs"]["edges"]]
    assert [n["notes"] for n in nodes] == ["乡镇卫生院", "社区", "市医院"]
    assert nodes[0]["priority"]["waitingHours"] >= 72
    assert nodes[2]["priority"]["unmetShare"] == 0.1
    assert nodes[2]["priority"]["pledges"] == 3
    assert [n["priority"]["score"] for n in nodes] == sorted(
        (n["priority"]["score"] for n in nodes), reverse=True
    )
    # The SQL ranking and the domain formula give the same scores.
    now = datetime.now(UTC)
    async with db.connection() as conn:
        ranked = await entry_store.list_needs_by_priority(conn, EntryFilter(), now, None, 10)
        counts = await pledge_store.weighty_pledge_counts(conn, [e.id for e, _ in ranked])
    for entry, score in ranked:
        urgency = getattr(entry.draft.details, "urgency", Urgency.LOW)
        expected = priority(
            urgency, entry.draft.items, entry.status, entry.created_at, counts.get(entry.id, 0), now
        )
        assert abs(expected.score - score) < 0.00001, entry.draft.notes
    assert {e.draft.notes for e, _ in ranked} == {"乡镇卫生院", "社区", "市医院"}
    assert ranked[2][0].status is EntryStatus.PARTIALLY_FULFILLED
