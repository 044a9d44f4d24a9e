"""Messages to a poster: delivered to the reconfirmation-link inbox, never exposing the
protected number, rate-limited and audited."""

from __future__ import annotations

import json

import pytest

from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import table_counts, verify_all
from tests.pledges.steps import post_need

SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { sent userErrors { field code message } }
}"""
INBOX = """
query($token: String!) {
  inbox(token: $token) {
    entry { id ... on Need { contacts { name phone redacted } } }
    messages { id body replyTo sentAt }
  }
}"""
PROTECTED_PHONE = "13800001234"  # the need's protected contact (tests/helpers.NEED)


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """Two messages per sender per hour, to reach the limit quickly."""
    return Settings(database_url=fresh_dsn, default_language="en", messages_per_hour=2)


async def test_a_donor_reaches_the_poster_without_seeing_the_number(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql)
    await verify_all(db)
    listing = await gql.post("query { needs { edges { node { contacts { phone redacted } } } } }")
    assert PROTECTED_PHONE not in json.dumps(listing)
    sent = await gql.data(
        SEND,
        {
            "input": {
                "entryId": need.id,
                "body": "我们有 2000 只 GB 19083 口罩",
                "replyTo": "微信 donor88",
            }
        },
    )
    assert sent["sendMessage"] == {"sent": True, "userErrors": []}
    assert need.reconfirmation_token is not None
    inbox = (await gql.data(INBOX, {"token": need.reconfirmation_token}))["inbox"]
    assert inbox["entry"]["id"] == need.id
    [message] = inbox["messages"]
    assert (message["body"], message["replyTo"]) == ("我们有 2000 只 GB 19083 口罩", "微信 donor88")
    assert PROTECTED_PHONE not in json.dumps(inbox)
    assert (await gql.data(INBOX, {"token": "not-a-token"}))["inbox"] is None
    async with db.connection() as conn:
        audit = await conn.fetchrow(
            "SELECT subject_kind, changes FROM audit_log WHERE action = 'message.sent'"
        )
    assert audit is not None
    assert audit["subject_kind"] == "NEED"
    assert audit["changes"]["length"] == len("我们有 2000 只 GB 19083 口罩")
    # The trail records that a message was sent, never what it said.
    assert "口罩" not in json.dumps(audit["changes"], ensure_ascii=False)


async def test_messages_are_rate_limited_and_bad_ones_typed(
    gql: GraphQLClient, db: Database
) -> None:
    need = await post_need(gql)
    empty = await gql.data(SEND, {"input": {"entryId": need.id, "body": "   "}})
    assert empty["sendMessage"]["userErrors"][0]["code"] == "REQUIRED"
    long = await gql.data(SEND, {"input": {"entryId": need.id, "body": "x" * 2001}})
    assert long["sendMessage"]["userErrors"][0]["code"] == "TOO_LONG"
    wrong = await gql.data(SEND, {"input": {"entryId": "nope", "body": "hi"}})
    assert wrong["sendMessage"]["userErrors"][0] == {
        "field": "entryId",
        "code": "INVALID_ID",
        "message": wrong["sendMessage"]["userErrors"][0]["message"],
    }
    for _ in range(2):
        ok = await gql.data(SEND, {"input": {"entryId": need.id, "body": "hello"}})
        assert ok["sendMessage"]["sent"] is True
    before = await table_counts(db)
    limited = await gql.post(SEND, {"input": {"entryId": need.id, "body": "hello"}})
    assert limited["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await table_counts(db) == before
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry_message") == 2
