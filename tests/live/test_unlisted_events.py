"""A REJECTED or merged entry is not handed out by its events (hub/domain/visibility.py)."""

from __future__ import annotations

from typing import Any

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, verify
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer
from tests.live.wsclient import GraphQLSocket, subscribed

SPAM = "加微信领取免费口罩 spam-7731"


async def _rejection(ws: GraphQLSocket) -> dict[str, Any]:
    while (event := await ws.event())["type"] != "REJECTED":
        pass
    return event


async def test_subscribing_to_a_rejected_entry_does_not_hand_it_out(
    live_server: LiveServer, client: GraphQLClient, db: Database
) -> None:
    """The attack: an anonymous subscriber follows an entry's id, or REJECTED events, to read
    an entry after reviewers rejected it, which `node` refuses to hand out."""
    reviewer, _ = await token_for(db, Role.REVIEWER, "li")
    posted = (await client.data(SUBMIT_NEED, {"input": need_input(notes=SPAM)}))["submitNeed"]
    spam = posted["need"]["id"]
    by_id = {"filter": {"entryIds": [spam]}}
    by_type = {"filter": {"types": ["REJECTED"]}}
    async with (
        subscribed(live_server.ws_url, variables=by_id) as following,
        subscribed(live_server.ws_url, variables=by_type) as rejections,
    ):
        await live_server.app.state.live.fanout.until_subscribers(2)
        claimed = await client.data(CLAIM, {"e": spam}, **auth(reviewer))
        assert claimed["claimReview"]["userErrors"] == []
        rejected = await verify(client, reviewer, spam, decision="REJECT", rejectionReason="SPAM")
        assert rejected["userErrors"] == []
        for ws in (following, rejections):
            event = await _rejection(ws)
            assert event["entryId"] == spam
            assert event["entry"] is None
            assert SPAM not in str(event)
    node = await client.data("query($i: ID!) { node(id: $i) { id } }", {"i": spam})
    assert node["node"] is None
