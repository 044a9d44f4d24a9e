"""The live pages' fragments: one entry's list row and the home page's counts, with the lists'
privacy and cached like the pages; and what each page subscribes to (hub/web/live_pages.py)."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from graphql import GraphQLInputObjectType, coerce_input_value, parse, validate
from starlette.applications import Starlette

import hub.web
from hub.domain.accounts import Role
from hub.domain.kinds import KINDS, kind_by_slug
from hub.domain.listing import EntryOrder, encode_cursor, priority_key
from hub.graphql.schema import build_schema
from hub.store.db import Database
from hub.web.live_pages import home_live, list_live, rank_of, review_live
from hub.web.page_cache import cacheable_path
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, verify
from tests.helpers import OFFER, SUBMIT_OFFER
from tests.http.test_read_cache import listening, settled
from tests.web.test_channels import PLAIN, _submitted

PROTECTED_PHONE = "13900002222"  # OFFER's contact: protected by default
ROW = re.compile(r'<li class="row" data-entry-id="([^"]+)">.*?</li>', re.S)


async def submitted(gql: GraphQLClient, **overrides: Any) -> tuple[str, str]:
    """A new (PENDING) offer: its id and edit token."""
    value = copy.deepcopy(OFFER)
    value.update(overrides)
    payload = (await gql.data(SUBMIT_OFFER, {"input": value}))["submitOffer"]
    assert payload["userErrors"] == []
    return payload["offer"]["id"], payload["editToken"]


async def submit_offer(gql: GraphQLClient, **overrides: Any) -> str:
    """A new (PENDING) offer's id."""
    return (await submitted(gql, **overrides))[0]


async def decide(gql: GraphQLClient, token: str, entry_id: str, **extra: Any) -> None:
    """A reviewer claims the entry and decides (VERIFY unless told), as on the review page."""
    claimed = (await gql.data(CLAIM, {"e": entry_id}, **auth(token)))["claimReview"]
    assert claimed["userErrors"] == []
    decided = await verify(gql, token, entry_id, **extra)
    assert decided["userErrors"] == []


def rows(html: str) -> dict[str, str]:
    """The list rows of a page by entry id."""
    return {m.group(1): m.group(0) for m in ROW.finditer(html)}


async def test_the_row_fragment_is_the_list_s_own_row_cached_like_a_page(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await listening(app)
    reviewer, _ = await token_for(db, Role.REVIEWER, "li")
    offer_id = await submit_offer(gql)
    await decide(gql, reviewer, offer_id)
    await settled(app)
    listed = rows((await app_client.get("/offers")).text)
    fragment = await app_client.get(f"/fragments/entries/{offer_id}?at=7")
    assert fragment.status_code == 200
    # The very markup the list renders (one template), and nothing else: no page around it.
    assert fragment.text.strip() == listed[offer_id].strip()
    assert PROTECTED_PHONE not in fragment.text
    # Cached and revalidated like the public pages, shared by every anonymous visitor.
    assert fragment.headers["cache-control"] == "public, max-age=5"
    assert "content-security-policy" in fragment.headers
    again = await app_client.get(
        f"/fragments/entries/{offer_id}?at=7", headers={"If-None-Match": fragment.headers["etag"]}
    )
    assert again.status_code == 304


async def test_pending_rejected_and_unknown_entries_are_no_row_for_the_public(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    """The attack: fetch a row for an id seen elsewhere (a webhook, an old page, a guess) to
    read an entry the public lists do not show."""
    await listening(app)
    reviewer, _ = await token_for(db, Role.REVIEWER, "wu")
    pending = await submit_offer(gql)
    spam = await submit_offer(gql)
    await decide(gql, reviewer, spam, decision="REJECT", rejectionReason="SPAM")
    for path in (
        f"/fragments/entries/{pending}",
        f"/fragments/entries/{spam}",
        f"/fragments/entries/{spam}?verification=ANY",
        f"/fragments/entries/{spam}?verification=REJECTED",
        f"/fragments/entries/{pending}?verification=NONSENSE",
        "/fragments/entries/not-an-id",
        "/fragments/entries/T2ZmZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw",
    ):
        answer = await app_client.get(path)
        assert answer.status_code == 404, path
        assert answer.content == b"", path
    # A list that asks for PENDING entries shows them to anyone; so does its row.
    asked = await app_client.get(f"/fragments/entries/{pending}?verification=PENDING")
    assert asked.status_code == 200 and f'data-entry-id="{pending}"' in asked.text
    assert PROTECTED_PHONE not in asked.text


async def test_a_pending_channel_s_row_masks_its_account_number(
    app: Starlette, app_client: httpx.AsyncClient
) -> None:
    channel_id, _ = await _submitted(app_client)
    app_client.cookies.clear()
    assert (await app_client.get(f"/fragments/entries/{channel_id}")).status_code == 404
    row = await app_client.get(f"/fragments/entries/{channel_id}?verification=ANY")
    assert row.status_code == 200
    assert PLAIN not in row.text and "*" * (len(PLAIN) - 4) + PLAIN[-4:] in row.text


async def test_the_counts_fragment_is_the_home_page_s_counts(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await listening(app)
    reviewer, _ = await token_for(db, Role.REVIEWER, "zhao")
    offer_id = await submit_offer(gql)
    await submit_offer(gql)  # PENDING: not counted
    await decide(gql, reviewer, offer_id)
    await settled(app)
    home = (await app_client.get("/")).text
    counts = await app_client.get("/fragments/counts?at=3")
    assert counts.status_code == 200
    assert counts.headers["cache-control"] == "public, max-age=5"
    shown = re.search(r'<ul class="counts" data-live="counts">(.*?)</ul>', home, re.S)
    assert shown is not None and shown.group(1).strip() == counts.text.strip()
    assert '<a href="/offers"><strong>1</strong>' in counts.text
    assert '<a href="/needs"><strong>0</strong>' in counts.text


def test_a_public_list_subscribes_with_its_own_filter_and_verified_only() -> None:
    offers = kind_by_slug("offers")
    needs = kind_by_slug("needs")
    assert offers is not None and needs is not None
    flt = {"province": "湖北省", "city": "武汉市", "categoryCodes": ["face.kn95_respirator"]}
    live = list_live(offers, flt, searching=False, first_page=True, more=True)
    assert live["filter"] == {
        "kinds": ["OFFER"],
        "provinces": ["湖北省"],
        "cities": ["武汉市"],
        "categoryCodes": ["face.kn95_respirator"],
        "verificationStatuses": ["VERIFIED"],
    }
    assert live["insert"] == "time" and live["fragment"] == {}
    # The same page makes the same variables (one shape on the hub for all its browsers).
    assert list_live(offers, dict(flt), searching=False, first_page=True, more=True) == live
    # Needs rank by priority, which events do not carry: only an entry new to the list is
    # fetched (to be placed by its score).
    ranked = list_live(needs, {"urgencies": ["CRITICAL"]}, searching=False, first_page=True,
                       more=False)  # fmt: skip
    assert ranked["insert"] == "rank"
    assert ranked["filter"]["types"] == ["CREATED", "VERIFIED"]
    assert ranked["filter"]["urgencies"] == ["CRITICAL"]
    # A search or a later page adds nothing: only its shown rows are followed.
    for searching, first_page in ((True, True), (False, False)):
        quiet = list_live(offers, {}, searching=searching, first_page=first_page, more=False)
        assert quiet["filter"] is None and quiet["insert"] == "none"
    # A page that asked for unverified entries gets them, and its rows' fragments too.
    anything = list_live(
        offers,
        {"verificationStatuses": ["PENDING", "IN_REVIEW", "VERIFIED", "NEEDS_CHANGES"]},
        searching=False,
        first_page=True,
        more=False,
    )
    assert anything["fragment"] == {"verification": "ANY"}
    assert "PENDING" not in home_live()["filter"]["verificationStatuses"]


class _LiveAttribute(HTMLParser):
    """What a browser reads from #results' data-live."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id") == "results" and found.get("data-live") is not None:
            self.values.append(str(found["data-live"]))


def live_settings(html: str) -> dict[str, Any]:
    parser = _LiveAttribute()
    parser.feed(html)
    [value] = parser.values
    settings: dict[str, Any] = json.loads(value)
    return settings


async def test_pages_render_their_live_settings_and_a_hostile_filter_stays_data(
    app_client: httpx.AsyncClient,
) -> None:
    hostile = "武汉市' onmouseover='alert(1)\"><script>alert(2)</script>"
    page = await app_client.get("/offers", params={"city": hostile})
    assert "<script>alert(2)" not in page.text and "' onmouseover" not in page.text
    live = live_settings(page.text)
    assert live["filter"]["cities"] == [hostile] and live["city"] == hostile
    home = live_settings((await app_client.get("/")).text)
    assert home == json.loads(json.dumps(home_live()))


def test_a_needs_row_is_ranked_by_the_score_in_its_cursor() -> None:
    as_of = datetime(2026, 1, 1, tzinfo=UTC)
    cursor = encode_cursor(EntryOrder.PRIORITY, priority_key(as_of, 6.25, uuid4()))
    assert rank_of(cursor) == 6.25
    recent = encode_cursor(EntryOrder.RECENTLY_UPDATED, (as_of.isoformat(), str(uuid4())))
    assert rank_of(recent) is None
    assert rank_of(None) is None and rank_of("garbage") is None


def test_the_live_document_and_every_page_s_variables_are_valid() -> None:
    """web.js's one subscription document, and the filters the pages render for it."""
    schema = build_schema()._schema
    script = (Path(hub.web.__file__).parent / "static" / "web.js").read_text(encoding="utf-8")
    found = re.search(r"const LIVE_DOCUMENT =\s*((?:\"[^\"]*\"\s*\+?\s*)+);", script)
    assert found is not None
    document = "".join(re.findall(r"\"([^\"]*)\"", found.group(1)))
    assert validate(schema, parse(document)) == []
    filter_type = schema.get_type("EntryEventFilter")
    assert isinstance(filter_type, GraphQLInputObjectType)
    pages = [home_live(), review_live()]
    for kind in KINDS:
        for flt in ({}, {"province": "湖北省", "city": "武汉市", "categoryCodes": ["x"]}):
            pages.append(list_live(kind, flt, searching=False, first_page=True, more=True))
    for live in pages:
        coerce_input_value(live["filter"], filter_type)  # raises on what the hub refuses


def test_the_fragments_are_cached_as_pages() -> None:
    assert cacheable_path("/fragments/counts") and cacheable_path("/fragments/entries/abc")
    for path in ("/fragments/entries/", "/fragments/entries/abc/x", "/fragments", "/fragments/x"):
        assert not cacheable_path(path), path


async def test_a_row_with_its_counts_comes_in_one_response_and_hides_what_it_must(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await listening(app)
    reviewer, _ = await token_for(db, Role.REVIEWER, "sun")
    shown = await submit_offer(gql)
    pending = await submit_offer(gql)
    await decide(gql, reviewer, shown)
    await settled(app)
    counts = (await app_client.get("/fragments/counts")).text.strip()
    both = await app_client.get(f"/fragments/entries/{shown}?counts=1")
    assert both.status_code == 200
    assert f'data-entry-id="{shown}"' in both.text
    assert counts in both.text and "<template data-live-counts>" in both.text
    # An entry the list would not show: the counts alone, and nothing of the entry.
    hidden = await app_client.get(f"/fragments/entries/{pending}?counts=1")
    assert hidden.status_code == 200
    assert "data-entry-id" not in hidden.text and pending not in hidden.text
    assert PROTECTED_PHONE not in hidden.text
    assert counts in hidden.text
