"""Issue 17, "unknown is a value": what a source does not state comes back null through the API
(never 0, false, OTHER, MEDIUM or ""), and a need without items or a contact is accepted,
marked for reviewers, and cannot be verified until a reviewer completes it."""

from __future__ import annotations

import copy
from typing import Any

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, codes, verify
from tests.helpers import (
    LODGING,
    LOGISTICS,
    OFFER,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    UPDATE_NEED,
    need_input,
    table_counts,
    verify_all,
)
from tests.pledges.steps import PLEDGE

UNKNOWN_OF = {
    "submitNeed": ("need", ("urgency",)),
    "submitOffer": ("offer", ("canDeliver", "isFree")),
    "submitLogisticsOffer": ("logisticsOffer", ("vehicleType", "isFree")),
    "submitLodging": ("lodging", ("roomsAvailable", "eligibility", "isFree")),
}


def _without(value: dict[str, Any], *names: str) -> dict[str, Any]:
    left = copy.deepcopy(value)
    for name in names:
        left.pop(name, None)
    return left


async def _submit(gql: GraphQLClient, document: str, value: dict[str, Any]) -> dict[str, Any]:
    data = await gql.data(document, {"input": value})
    (payload,) = data.values()
    assert payload["userErrors"] == [], payload["userErrors"]
    found: dict[str, Any] = payload
    return found


async def test_every_detail_left_out_comes_back_null(gql: GraphQLClient, db: Database) -> None:
    submitted = {
        "submitNeed": await _submit(gql, SUBMIT_NEED, _without(need_input(), "urgency")),
        "submitOffer": await _submit(gql, SUBMIT_OFFER, _without(OFFER, "canDeliver", "isFree")),
        "submitLogisticsOffer": await _submit(
            gql, SUBMIT_LOGISTICS, _without(LOGISTICS, "vehicleType", "isFree")
        ),
        "submitLodging": await _submit(
            gql, SUBMIT_LODGING, _without(LODGING, "roomsAvailable", "eligibility", "isFree")
        ),
    }
    for mutation, (field, unknown) in UNKNOWN_OF.items():
        entry = submitted[mutation][field]
        assert {name: entry[name] for name in unknown} == dict.fromkeys(unknown), mutation
    # Stored as NULL, not as a default the column made up.
    async with db.connection() as conn:
        row = await conn.fetchrow(
            """SELECT (SELECT urgency FROM entry WHERE kind = 'NEED') AS urgency,
                      (SELECT row(can_deliver, is_free)::text FROM offer) AS offer,
                      (SELECT row(vehicle_type, is_free)::text FROM logistics_offer) AS carrier,
                      (SELECT row(rooms_available, eligibility, is_free)::text FROM lodging)
                          AS lodging"""
        )
    assert dict(row) == {"urgency": None, "offer": "(,)", "carrier": "(,)", "lodging": "(,,)"}


async def test_explicit_values_are_kept_as_given(gql: GraphQLClient) -> None:
    # 0 rooms (full) and "not free" are facts, not unknowns: they stay 0 and false.
    lodging = {**LODGING, "roomsAvailable": 0, "isFree": False, "eligibility": "医护人员"}
    entry = (await _submit(gql, SUBMIT_LODGING, lodging))["lodging"]
    assert (entry["roomsAvailable"], entry["isFree"], entry["eligibility"]) == (
        0,
        False,
        "医护人员",
    )
    offer = (await _submit(gql, SUBMIT_OFFER, {**OFFER, "canDeliver": False}))["offer"]
    assert (offer["canDeliver"], offer["isFree"]) == (False, True)


async def test_an_update_states_and_unstates_a_detail(gql: GraphQLClient) -> None:
    posted = await _submit(gql, SUBMIT_LODGING, _without(LODGING, "roomsAvailable"))
    entry, token = posted["lodging"], posted["editToken"]
    update = """mutation($input: UpdateLodgingInput!) { updateLodging(input: $input) {
        lodging { roomsAvailable version } userErrors { field code } } }"""
    stated = (
        await gql.data(
            update,
            {"input": {"id": entry["id"], "version": 1, "editToken": token, "roomsAvailable": 5}},
        )
    )["updateLodging"]
    assert stated["lodging"]["roomsAvailable"] == 5
    unstated = (
        await gql.data(
            update,
            {
                "input": {
                    "id": entry["id"],
                    "version": stated["lodging"]["version"],
                    "editToken": token,
                    "roomsAvailable": None,
                }
            },
        )
    )["updateLodging"]
    assert unstated["userErrors"] == [] and unstated["lodging"]["roomsAvailable"] is None


NEEDS_BY_URGENCY = """query { needs(orderBy: URGENCY) { edges { node {
    organization { name } unconfirmedOrganization { name } urgency
    priority { urgency score } } } } }"""


async def test_an_unstated_urgency_ranks_as_medium_but_shows_null(
    gql: GraphQLClient, db: Database
) -> None:
    for name, urgency in (("甲医院", "LOW"), ("乙医院", None), ("丙医院", "CRITICAL")):
        value = need_input(urgency=urgency)
        value["organization"]["name"] = name
        if urgency is None:
            del value["urgency"]
        await _submit(gql, SUBMIT_NEED, value)
    reviewer, _ = await token_for(db, Role.COORDINATOR, "ranker")
    filtered = NEEDS_BY_URGENCY.replace(
        "needs(orderBy: URGENCY)",
        "needs(orderBy: URGENCY, filter: { verificationStatuses: [PENDING] })",
    )
    edges = (await gql.data(filtered, **auth(reviewer)))["needs"]["edges"]
    order = [(e["node"]["unconfirmedOrganization"]["name"], e["node"]["urgency"]) for e in edges]
    assert order == [("丙医院", "CRITICAL"), ("乙医院", None), ("甲医院", "LOW")]
    unstated = next(e["node"] for e in edges if e["node"]["urgency"] is None)
    assert unstated["priority"]["urgency"] == "MEDIUM"
    # The stored priority (the PRIORITY order's SQL, migration 0031) weighs it as MEDIUM too.
    async with db.connection() as conn:
        weights = await conn.fetch(
            "SELECT urgency, urgency_rank, priority_base FROM entry ORDER BY urgency_rank"
        )
    assert [(r["urgency"], r["urgency_rank"]) for r in weights] == [
        ("CRITICAL", 0),
        (None, 2),
        ("LOW", 3),
    ]
    assert [r["priority_base"] for r in weights] == [8.0, 2.0, 1.0]


MISSING = """query($id: ID!) { node(id: $id) { ... on Need {
    verificationStatus missingDetails items { name } contacts { phone } } } }"""
QUEUE = """query { reviewQueue { edges { node { id missingDetails } } } }"""


async def test_a_need_without_items_or_contact_is_accepted_and_marked(
    gql: GraphQLClient, db: Database
) -> None:
    bare = need_input(items=[], contacts=[])
    del bare["urgency"]
    posted = await _submit(gql, SUBMIT_NEED, bare)
    need = posted["need"]
    assert (need["verificationStatus"], need["items"], need["contacts"]) == ("PENDING", [], [])
    marked = (await gql.data(MISSING, {"id": need["id"]}))["node"]
    assert marked["missingDetails"] == ["ITEMS", "CONTACT"]
    # Left out altogether, items are an empty list too.
    no_items_field = need_input()
    del no_items_field["items"]
    listless = (await _submit(gql, SUBMIT_NEED, no_items_field))["need"]
    assert (await gql.data(MISSING, {"id": listless["id"]}))["node"]["missingDetails"] == ["ITEMS"]
    reviewer, _ = await token_for(db, Role.REVIEWER, "queue_reader")
    queue = (await gql.data(QUEUE, **auth(reviewer)))["reviewQueue"]["edges"]
    assert {e["node"]["id"]: e["node"]["missingDetails"] for e in queue} == {
        need["id"]: ["ITEMS", "CONTACT"],
        listless["id"]: ["ITEMS"],
    }
    # The public sees it as any pending entry: not among the verified ones.
    public = await gql.data("query { needs { totalCount } }")
    assert public["needs"]["totalCount"] == 0


async def test_an_offer_still_needs_its_items(gql: GraphQLClient, db: Database) -> None:
    before = await table_counts(db)
    refused = (await gql.data(SUBMIT_OFFER, {"input": {**OFFER, "items": []}}))["submitOffer"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("items", "REQUIRED")]
    assert await table_counts(db) == before


async def test_an_incomplete_need_is_verified_only_once_a_reviewer_completes_it(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "completer")
    posted = await _submit(gql, SUBMIT_NEED, need_input(items=[], contacts=[]))
    need_id = posted["need"]["id"]
    claimed = (await gql.data(CLAIM, {"e": need_id}, **auth(reviewer)))["claimReview"]
    assert claimed["userErrors"] == []

    # The attack of the issue: an entry with nothing to check published as VERIFIED.
    refused = await verify(gql, reviewer, need_id)
    assert codes(refused) == [("items", "INCOMPLETE"), ("contacts", "INCOMPLETE")]
    messages = await gql.post(
        """mutation($input: ReviewEntryInput!) { reviewEntry(input: $input) {
            userErrors { message } } }""",
        {"input": {"entryId": need_id, "decision": "VERIFY", "method": "PHONE_CALL"}},
        **auth(reviewer),
        **{"Accept-Language": "zh"},
    )
    said = [e["message"] for e in messages["data"]["reviewEntry"]["userErrors"]]
    assert "请索取物资清单" in said[0] and "请查找联系电话" in said[1]
    still = (await gql.data(MISSING, {"id": need_id}))["node"]
    assert still["verificationStatus"] == "IN_REVIEW"

    # The reviewer adds what they found (no edit token: their role, on an incomplete entry).
    completed = (
        await gql.data(
            UPDATE_NEED,
            {
                "input": {
                    "id": need_id,
                    "version": 1,
                    "items": [
                        {
                            "categoryCode": "face.medical_respirator",
                            "name": "医用防护口罩",
                            "quantityUnknown": True,
                            "unit": "ITEM",
                        }
                    ],
                    "contacts": [{"name": "医务科", "phone": "027-85550003"}],
                }
            },
            **auth(reviewer),
        )
    )["updateNeed"]
    assert completed["userErrors"] == []
    assert (await gql.data(MISSING, {"id": need_id}))["node"]["missingDetails"] == []
    # Changed, it went back to the queue: claimed again, now it can be verified.
    assert (await gql.data(CLAIM, {"e": need_id}, **auth(reviewer)))["claimReview"][
        "userErrors"
    ] == []
    done = await verify(gql, reviewer, need_id)
    assert done["userErrors"] == [] and done["entry"]["verificationStatus"] == "VERIFIED"


async def test_a_reviewer_may_not_edit_a_complete_entry(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "meddler")
    need = (await _submit(gql, SUBMIT_NEED, need_input()))["need"]
    body = await gql.post(
        UPDATE_NEED,
        {"input": {"id": need["id"], "version": 1, "notes": "改了"}},
        **auth(reviewer),
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    after = (await gql.data("query($id: ID!) { node(id: $id) { ... on Need { notes } } }",
                            {"id": need["id"]}))["node"]  # fmt: skip
    assert after["notes"] == need["notes"]


async def test_an_itemless_need_refuses_pledges_and_matches_cleanly(
    gql: GraphQLClient, db: Database
) -> None:
    need = (await _submit(gql, SUBMIT_NEED, need_input(items=[])))["need"]
    await verify_all(db)  # published as if verified: pledges go only to published needs
    payload = {
        "needId": need["id"],
        "donorName": "爱心人士",
        "items": [{"needItem": 0, "quantity": 10}],
    }
    refused = (await gql.data(PLEDGE, {"input": payload}))["pledge"]
    assert refused["pledge"] is None and refused["userErrors"], refused
    matches = await gql.data(
        "query($id: ID!) { matchingOffers(needId: $id) { score } }", {"id": need["id"]}
    )
    assert matches["matchingOffers"] == []
