"""Issue 14: node(id:) no longer hands the public REJECTED or merged entries.

Fetching by id showed what the lists and exports never show (spam, a fake donation channel,
a duplicate). The public now gets null, on the compiled path and strawberry's alike; reviewers,
the signed-in submitter and the holder of the edit token still see the entry.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, submit, verify

# The first is answered by the compiled path, the second (flags) by strawberry.
DOCUMENTS = [
    "query($id: ID!) { node(id: $id) { id ... on Need { verificationStatus mergedInto } } }",
    "query($id: ID!) { node(id: $id) { id ... on Need { verificationStatus mergedInto "
    "verification { flags { reason } } } } }",
]
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
MERGE = """mutation($keep: ID!, $dupes: [ID!]!) { mergeEntries(keepId: $keep, duplicateIds: $dupes)
    { userErrors { code } } }"""


async def _node(gql: GraphQLClient, document: str, entry_id: str, **headers: str) -> Any:
    return (await gql.data(document, {"id": entry_id}, **headers))["node"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=["compiled", "strawberry"])
async def test_rejected_entries_are_not_public(
    app: Starlette, gql: GraphQLClient, db: Database, document: str
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "rejecting")
    spam = await submit(gql)
    await gql.data(CLAIM, {"e": spam["id"]}, **auth(reviewer))
    await verify(gql, reviewer, spam["id"], decision="REJECT", rejectionReason="SPAM")

    # The holder of the edit token first: their answer must not be served to the public after.
    held = await _node(gql, document, spam["id"], **{"Hub-Edit-Token": spam["editToken"]})
    assert held["verificationStatus"] == "REJECTED"
    compiled = app.state.graphql.compiled
    answered = compiled.answered
    assert await _node(gql, document, spam["id"]) is None
    assert compiled.answered == answered + (document is DOCUMENTS[0])
    assert await _node(gql, document, spam["id"], **{"Hub-Edit-Token": "wrong"}) is None
    assert (await gql.data(NODES, {"ids": [spam["id"]]}))["nodes"] == [None]
    seen = await _node(gql, document, spam["id"], **auth(reviewer))
    assert seen["verificationStatus"] == "REJECTED"
    # Signed in, but neither a reviewer nor its submitter.
    volunteer, _ = await token_for(db, Role.VOLUNTEER, "curious")
    assert await _node(gql, document, spam["id"], **auth(volunteer)) is None


async def test_the_signed_in_submitter_still_sees_their_rejected_entry(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "rejecting2")
    poster, _ = await token_for(db, Role.VOLUNTEER, "poster")
    mine = await submit(gql, **auth(poster))
    await gql.data(CLAIM, {"e": mine["id"]}, **auth(reviewer))
    await verify(gql, reviewer, mine["id"], decision="REJECT", rejectionReason="OUT_OF_SCOPE")
    for document in DOCUMENTS:
        seen = await _node(gql, document, mine["id"], **auth(poster))
        assert seen["verificationStatus"] == "REJECTED"


async def test_merged_duplicates_are_not_public(gql: GraphQLClient, db: Database) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "merging")
    keep, duplicate = await submit(gql), await submit(gql)
    merged = await gql.data(
        MERGE, {"keep": keep["id"], "dupes": [duplicate["id"]]}, **auth(coordinator)
    )
    assert merged["mergeEntries"]["userErrors"] == []
    for document in DOCUMENTS:
        assert await _node(gql, document, duplicate["id"]) is None
        assert (await _node(gql, document, keep["id"]))["id"] == keep["id"]
        seen = await _node(gql, document, duplicate["id"], **auth(coordinator))
        assert seen["mergedInto"] == keep["id"]
    both = (await gql.data(NODES, {"ids": [keep["id"], duplicate["id"]]}))["nodes"]
    assert both == [{"id": keep["id"]}, None]
