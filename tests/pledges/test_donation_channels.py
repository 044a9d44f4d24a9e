"""Donation channels: published only once verified, the number masked until then, and a
changed account number back in the queue with its before and after shown to reviewers."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

from hub.domain.accounts import Role
from hub.domain.search import entry_document
from hub.store import entries as entry_store
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, QUEUE, auth, verify
from tests.helpers import CHANNEL, table_counts, verify_all

SUBMIT = """
mutation($input: SubmitDonationChannelInput!) {
  submitDonationChannel(input: $input) {
    donationChannel { id accountNumber verificationStatus version }
    editToken userErrors { field code message }
  }
}"""
UPDATE = """
mutation($input: UpdateDonationChannelInput!) {
  updateDonationChannel(input: $input) {
    donationChannel { id accountNumber verificationStatus version }
    userErrors { field code }
  }
}"""
CHANNELS = """
query($filter: EntryFilter) {
  donationChannels(filter: $filter) {
    edges { node { id accountName bank accountNumber remittanceNote officialNoticeUrl
                   verificationStatus
                   accountNumberChange { before after changedAt } } }
  }
}"""
FULL = "2710806091100 01".replace(" ", "")


async def _submit(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    channel = copy.deepcopy(CHANNEL)
    channel.update(overrides)
    result: dict[str, Any] = (await gql.data(SUBMIT, {"input": channel}))["submitDonationChannel"]
    return result


async def _public(gql: GraphQLClient, *statuses: str, **headers: str) -> list[dict[str, Any]]:
    flt = {"verificationStatuses": list(statuses)} if statuses else None
    data = await gql.data(CHANNELS, {"filter": flt}, **headers)
    return [e["node"] for e in data["donationChannels"]["edges"]]


async def test_a_channel_is_published_only_once_verified_and_a_new_number_goes_back(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "checker")
    made = await _submit(gql)
    assert made["userErrors"] == []
    channel = made["donationChannel"]
    assert channel["verificationStatus"] == "PENDING"
    # Spaces typed into the number are dropped; the public never sees it unverified.
    assert channel["accountNumber"] == "*" * (len(FULL) - 4) + FULL[-4:]
    assert await _public(gql) == []
    [pending] = await _public(gql, "PENDING")
    assert pending["accountNumber"].endswith(FULL[-4:]) and FULL not in json.dumps(pending)
    assert pending["officialNoticeUrl"] == CHANNEL["source"]["url"]
    [seen] = await _public(gql, "PENDING", **auth(reviewer))
    assert seen["accountNumber"] == FULL
    assert seen["accountNumberChange"] is None
    # The reviewer checks it against the official notice and verifies it.
    await gql.data(CLAIM, {"e": channel["id"]}, **auth(reviewer))
    done = await verify(gql, reviewer, channel["id"], method="OFFICIAL_NOTICE")
    assert done["entry"]["verificationStatus"] == "VERIFIED"
    [public] = await _public(gql)
    assert public["accountNumber"] == FULL
    assert public["accountNumberChange"] is None

    # Someone with the edit code swaps the account number: back to PENDING, masked again.
    async with db.connection() as conn:
        version = await conn.fetchval("SELECT version FROM entry WHERE kind = 'DONATION_CHANNEL'")
    changed = (
        await gql.data(
            UPDATE,
            {
                "input": {
                    "id": channel["id"],
                    "version": version,
                    "editToken": made["editToken"],
                    "accountNumber": "6222 0000 1111 2222",
                }
            },
        )
    )["updateDonationChannel"]
    assert changed["userErrors"] == []
    assert changed["donationChannel"]["verificationStatus"] == "PENDING"
    assert changed["donationChannel"]["accountNumber"] == "************2222"
    assert await _public(gql) == []
    queue = (await gql.data(QUEUE, **auth(reviewer)))["reviewQueue"]
    assert [e["node"]["id"] for e in queue["edges"]] == [channel["id"]]
    [again] = await _public(gql, "PENDING", **auth(reviewer))
    assert again["accountNumberChange"]["before"] == FULL
    assert again["accountNumberChange"]["after"] == "6222000011112222"
    # Only reviewers see the diff.
    [anonymous] = await _public(gql, "PENDING")
    assert anonymous["accountNumberChange"] is None
    assert FULL not in json.dumps(anonymous) and "6222000011112222" not in json.dumps(anonymous)


async def test_a_channel_needs_its_notice_and_a_real_number(
    gql: GraphQLClient, db: Database
) -> None:
    before = await table_counts(db)
    no_notice = await _submit(gql, source=None)
    assert ("source.url", "REQUIRED") in {(e["field"], e["code"]) for e in no_notice["userErrors"]}
    bad = await _submit(gql, accountNumber="转账给我!!")
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        ("accountNumber", "INVALID_FORMAT")
    ]
    blank = await _submit(gql, accountName="  ", bank="")
    assert {(e["field"], e["code"]) for e in blank["userErrors"]} == {
        ("accountName", "REQUIRED"),
        ("bank", "REQUIRED"),
    }
    nameless = copy.deepcopy(CHANNEL)
    del nameless["organization"]
    orphan = (await gql.data(SUBMIT, {"input": nameless}))["submitDonationChannel"]
    assert ("organizationId", "REQUIRED") in {(e["field"], e["code"]) for e in orphan["userErrors"]}
    assert await table_counts(db) == before


async def test_account_numbers_never_reach_the_search_index(
    gql: GraphQLClient, db: Database
) -> None:
    made = await _submit(gql)
    async with db.connection() as conn:
        entry = await entry_store.get_entries(conn, [await conn.fetchval("SELECT id FROM entry")])
    document = entry_document(next(iter(entry.values())), None, {})
    assert document is not None
    assert FULL not in document.title + document.body
    assert "武汉市慈善总会" in document.title
    assert made["donationChannel"]["id"]


async def test_exports_show_a_channels_number_only_once_verified(
    gql: GraphQLClient, db: Database, app_client: httpx.AsyncClient
) -> None:
    await _submit(gql)
    pending = await app_client.get(
        "/export/donation-channels.csv", params={"verification": "PENDING"}
    )
    assert pending.status_code == 200
    text = pending.content.decode("utf-8-sig")
    assert FULL not in text and FULL[-4:] in text
    assert (await app_client.get("/export/donation-channels.json")).json()["data"] == []
    await verify_all(db)
    verified = (await app_client.get("/export/donation-channels.json")).json()["data"]
    assert [row["account_number"] for row in verified] == [FULL]
