"""Issue 17's acceptance: published records go through the API as written, and come back
without invented values.

The fixture (tests/fixtures/published-2020.json) holds 118 records shaped like the sheets
volunteers published in 2020; tests/realdata/client.py posts them as a third-party app would,
cleaning nothing.
"""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import GraphQLClient
from tests.realdata.client import answer, entry_of, invented, load, submission

# Provinces as the hub stores them: the full official name, or the nationwide scope.
_CANONICAL_PROVINCE = re.compile(r".+(省|市|自治区|特别行政区)|全国")


async def _post_all(gql: GraphQLClient) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    posted = []
    for record in load():
        query, variables = submission(record)
        body = await gql.post(query, variables)
        # A request the schema refuses (a required field left out) is a refusal like another.
        refused = {"userErrors": body["errors"]} if "errors" in body else None
        posted.append((record, refused or answer(record, body)))
    return posted


async def test_published_records_are_accepted_as_written_without_invented_values(
    gql: GraphQLClient,
) -> None:
    posted = await _post_all(gql)
    refused = {r["id"]: p["userErrors"] for r, p in posted if entry_of(r, p) is None}
    accepted = len(posted) - len(refused)
    assert len(posted) >= 100
    assert accepted / len(posted) >= 0.98, refused
    guesses = {
        r["id"]: found
        for r, p in posted
        if (entry := entry_of(r, p)) is not None and (found := invented(r, entry))
    }
    assert guesses == {}


async def test_published_regions_are_stored_normalised_with_codes(gql: GraphQLClient) -> None:
    posted = await _post_all(gql)
    for record, payload in posted:
        entry = entry_of(record, payload)
        if entry is None:
            continue
        region = entry["region"]
        assert _CANONICAL_PROVINCE.fullmatch(region["province"]), (record["id"], region)
        if region["province"] != "全国":
            assert region["adminCode"], (record["id"], region)
        if region["city"]:
            assert not region["city"].isascii(), (record["id"], region)


async def test_published_phones_are_masked_on_the_national_number(gql: GraphQLClient) -> None:
    posted = await _post_all(gql)
    for record, payload in posted:
        entry = entry_of(record, payload)
        if entry is None or not record.get("contact"):
            continue
        contacts = entry["contacts"]
        assert contacts, record["id"]
        for contact in contacts:
            assert contact["redacted"], (record["id"], contact)
            # The country code is never taken for the start of the number.
            assert not (contact["phone"] or "").startswith("86"), (record["id"], contact)
        # Several contacts in one cell are several contacts.
        if "周科长" in record["contact"]["phone"]:
            assert len(contacts) == 3, (record["id"], contacts)
        elif re.search(r"[;/\n]", record["contact"]["phone"]):
            assert len(contacts) == 2, (record["id"], contacts)
