"""Duplicates are found at submission and merged by coordinators, keeping every history."""

from __future__ import annotations

from typing import Any

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import auth, submit
from tests.helpers import OFFER, SUBMIT_OFFER

DUPES = """query($id: ID!) { node(id: $id) { ... on Need {
    possibleDuplicates { score entry { id } } mergedInto status verificationStatus } } }"""
MERGE = """mutation($keep: ID!, $dupes: [ID!]!) {
    mergeEntries(keepId: $keep, duplicateIds: $dupes) {
        entry { id } userErrors { field code } } }"""


async def _dupes(gql: GraphQLClient, entry_id: str, **headers: str) -> dict[str, Any]:
    node: dict[str, Any] = (await gql.data(DUPES, {"id": entry_id}, **headers))["node"]
    return node


async def test_duplicates_are_found_and_merged(gql: GraphQLClient, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "mia")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "nina")
    first = await submit(gql)
    second = await submit(gql)  # the same hospital, address and items, posted again
    seen = await _dupes(gql, second["id"], **auth(reviewer))
    assert [d["entry"]["id"] for d in seen["possibleDuplicates"]] == [first["id"]]
    assert seen["possibleDuplicates"][0]["score"] >= 0.6
    assert (await _dupes(gql, first["id"], **auth(reviewer)))["possibleDuplicates"][0]["entry"][
        "id"
    ] == second["id"]
    assert (await _dupes(gql, second["id"]))["possibleDuplicates"] == []  # public: hidden

    merged = (
        await gql.data(MERGE, {"keep": first["id"], "dupes": [second["id"]]}, **auth(coordinator))
    )["mergeEntries"]
    assert merged["userErrors"] == []
    # The duplicate is gone for the public (issue 14); coordinators still find it.
    assert (await gql.data(DUPES, {"id": second["id"]}))["node"] is None
    gone = await _dupes(gql, second["id"], **auth(coordinator))
    assert (gone["status"], gone["verificationStatus"], gone["mergedInto"]) == (
        "CLOSED",
        "REJECTED",
        first["id"],
    )
    history = await gql.data(
        "query($e: ID!) { entryHistory(entryId: $e) { action } }", {"e": first["id"]}
    )
    actions = [h["action"] for h in history["entryHistory"]]
    assert actions.count("entry.submitted") == 2
    assert actions[-2:] == ["entry.merged", "entry.merge_kept"]


async def test_merge_refusals(gql: GraphQLClient, db: Database) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "olga")
    need = await submit(gql)
    offer = (await gql.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]["offer"]

    async def errors(keep: str, dupes: list[str]) -> list[tuple[str, str]]:
        result = await gql.data(MERGE, {"keep": keep, "dupes": dupes}, **auth(coordinator))
        return [(e["field"], e["code"]) for e in result["mergeEntries"]["userErrors"]]

    assert await errors(need["id"], []) == [("duplicateIds", "REQUIRED")]
    assert await errors(need["id"], [need["id"]]) == [("duplicateIds", "INVALID_COMBINATION")]
    assert await errors(need["id"], [offer["id"]]) == [("duplicateIds.0", "INVALID_COMBINATION")]
    assert await errors(need["id"], ["junk"]) == [("duplicateIds.0", "INVALID_ID")]
