"""Issue 14: a reviewer cannot verify their own entry by posting it anonymously first.

Before, only `submitted_by` was compared: post a donation channel with your own account number
anonymously, sign in as a reviewer, verify it. Now the submission's browser, network and
account (and everyone who edits it with its token) are remembered as keyed hashes, and a
reviewer sharing any of them, or carrying its edit token, is refused NOT_INDEPENDENT.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.domain.accounts import Role
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, REVIEW, auth, codes
from tests.graphql.trust_clients import client_at
from tests.helpers import CHANNEL, UPDATE_NEED, need_input

SUBMIT_CHANNEL = """mutation($input: SubmitDonationChannelInput!) {
    submitDonationChannel(input: $input) { donationChannel { id } editToken
    userErrors { field code } } }"""
SUBMIT_NEED = """mutation($input: SubmitNeedInput!) { submitNeed(input: $input) {
    need { id version } editToken userErrors { field code } } }"""
BROWSER = "b" * 43  # what secrets.token_urlsafe(32) makes, as the pages' CSRF cookie


@pytest.fixture
async def strict_app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app as deployed: a reviewer on a submitter's address is linked to them."""
    app = create_app(replace(settings, review_link_by_address=True))
    async with app.router.lifespan_context(app):
        yield app


async def _channel(client: GraphQLClient) -> dict[str, Any]:
    channel = copy.deepcopy(CHANNEL)
    channel["accountNumber"] = "6222 0000 1111 2222"  # the reviewer's own account
    result = (await client.data(SUBMIT_CHANNEL, {"input": channel}))["submitDonationChannel"]
    assert result["userErrors"] == []
    return {"id": result["donationChannel"]["id"], "editToken": result["editToken"]}


async def _claim(client: GraphQLClient, token: str, entry_id: str, **headers: str) -> Any:
    result = await client.data(CLAIM, {"e": entry_id}, **auth(token), **headers)
    return codes(result["claimReview"])


async def test_reviewers_linked_to_a_submission_are_refused(
    strict_app: Starlette, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "linked_reviewer")
    stranger, _ = await token_for(db, Role.REVIEWER, "independent_reviewer")
    refused = [("entryId", "NOT_INDEPENDENT")]

    # The same browser: posted anonymously, reviewed after signing in, from another network.
    async with client_at(strict_app, "192.0.2.10", hub_csrf=BROWSER).http as http:
        same_browser = await _channel(GraphQLClient(http))
    async with client_at(strict_app, "192.0.2.11", hub_csrf=BROWSER).http as http:
        assert await _claim(GraphQLClient(http), reviewer, same_browser["id"]) == refused

    # The same network address, without cookies (over the API).
    async with client_at(strict_app, "192.0.2.20").http as http:
        same_address = await _channel(GraphQLClient(http))
        assert await _claim(GraphQLClient(http), reviewer, same_address["id"]) == refused

    # Elsewhere entirely, but holding the entry's edit token.
    async with client_at(strict_app, "192.0.2.30").http as http:
        with_token = await _channel(GraphQLClient(http))
    async with client_at(strict_app, "192.0.2.31").http as http:
        gql = GraphQLClient(http)
        held = {"Hub-Edit-Token": with_token["editToken"]}
        assert await _claim(gql, reviewer, with_token["id"], **held) == refused

    # An independent reviewer elsewhere may review every one of them.
    async with client_at(strict_app, "192.0.2.40").http as http:
        gql = GraphQLClient(http)
        for entry in (same_browser, same_address, with_token):
            assert await _claim(gql, stranger, entry["id"]) == []


async def test_whoever_edits_with_the_token_is_linked_too(
    strict_app: Starlette, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "editing_reviewer")
    async with client_at(strict_app, "192.0.2.50").http as http:
        need = (await GraphQLClient(http).data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    # Signed in, from another network, the reviewer edits it with the token they kept...
    async with client_at(strict_app, "192.0.2.51").http as http:
        change = {"id": need["need"]["id"], "version": 1, "editToken": need["editToken"]}
        edited = await GraphQLClient(http).data(
            UPDATE_NEED, {"input": {**change, "notes": "改一下"}}, **auth(reviewer)
        )
        assert edited["updateNeed"]["userErrors"] == []
    # ...and from a third network, without the token, may still not review it.
    async with client_at(strict_app, "192.0.2.52").http as http:
        refused = await _claim(GraphQLClient(http), reviewer, need["need"]["id"])
    assert refused == [("entryId", "NOT_INDEPENDENT")]


async def test_the_decision_is_checked_too(strict_app: Starlette, db: Database) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "switching_reviewer")
    async with client_at(strict_app, "192.0.2.60").http as http:
        channel = await _channel(GraphQLClient(http))
    async with client_at(strict_app, "192.0.2.61").http as http:
        assert await _claim(GraphQLClient(http), reviewer, channel["id"]) == []
    # Claimed from a clean network, decided from the submitter's.
    async with client_at(strict_app, "192.0.2.60").http as http:
        decision = {"entryId": channel["id"], "decision": "VERIFY", "method": "PHONE_CALL"}
        result = await GraphQLClient(http).data(REVIEW, {"input": decision}, **auth(reviewer))
    assert codes(result["reviewEntry"]) == [("entryId", "NOT_INDEPENDENT")]
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM review") == 0
        status = await conn.fetchval("SELECT verification_status FROM entry")
    assert status == "IN_REVIEW"


async def test_only_keyed_hashes_are_stored(strict_app: Starlette, db: Database) -> None:
    async with client_at(strict_app, "192.0.2.70", hub_csrf=BROWSER).http as http:
        await _channel(GraphQLClient(http))
    async with db.connection() as conn:
        links = [bytes(r["link"]) for r in await conn.fetch("SELECT link FROM entry_link")]
    assert len(links) == 2  # the client and the browser
    for link in links:
        assert b"192.0.2.70" not in link and BROWSER.encode() not in link
        assert len(link) == 32
