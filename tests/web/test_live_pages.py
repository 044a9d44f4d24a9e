"""The pages' live updates in a real browser: what an event costs an open page.

Every wait is on an event. The page's: `body[data-live-events=N]` counts the events web.js has
fully handled (fetches done). The hub's: a probe subscribed to every event receives each one
in the same delivery as the page would, so each write waits for its event before the next
write (an event is filtered by the entry as it is when delivered: a submission delivered
after its verification is a verified entry's event).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import unquote

from playwright.async_api import Page, Request, Route, expect

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import CLAIM, auth, verify
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import LiveServer
from tests.live.wsclient import GraphQLSocket, subscribed
from tests.web.conftest import NewPage, axe_violations
from tests.web.test_fragments import submitted

WUHAN = {"region": {"province": "湖北省", "city": "武汉市"}}
UPDATE_OFFER = """mutation($input: UpdateOfferInput!) {
  updateOffer(input: $input) { offer { verificationStatus } userErrors { field code } } }"""
VERSION = "query($id: ID!) { node(id: $id) { ... on Offer { version } } }"


class Watched:
    """An open page and the HTTP requests it makes after loading (its WebSocket aside)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if not request.url.endswith("/favicon.ico"):
            self.requests.append(unquote(request.url.split("://", 1)[1].split("/", 1)[1]))

    async def handled(self, events: int) -> None:
        """Wait until the page has handled `events` events in all."""
        await expect(self.page.locator(f"body[data-live-events='{events}']")).to_have_count(1)

    def row(self, entry_id: str) -> Any:
        return self.page.locator(f"#results li[data-entry-id='{entry_id}']")


async def watching(
    live_server: LiveServer, new_page: NewPage, path: str, subscriptions: int
) -> Watched:
    """The page at `path`, once its `subscriptions` (and the probe) have joined the hub."""
    page = await new_page()
    await page.goto(live_server.http_url + path)
    await expect(page.locator("body[data-live=on]")).to_have_count(1)
    await live_server.app.state.live.fanout.until_subscribers(1 + subscriptions)
    return Watched(page)


class Writes:
    """Writes that each wait until the hub has delivered their event (`probe` sees it)."""

    def __init__(self, gql: GraphQLClient, probe: GraphQLSocket, reviewer: str) -> None:
        self.gql = gql
        self.probe = probe
        self.reviewer = reviewer

    async def delivered(self, entry_id: str) -> None:
        while (await self.probe.event())["entryId"] != entry_id:
            pass

    async def submit(self, **overrides: Any) -> tuple[str, str]:
        entry_id, token = await submitted(self.gql, **overrides)
        await self.delivered(entry_id)
        return entry_id, token

    async def submit_need(self, urgency: str) -> str:
        payload = await self.gql.data(SUBMIT_NEED, {"input": need_input(urgency=urgency)})
        assert payload["submitNeed"]["userErrors"] == []
        need_id: str = payload["submitNeed"]["need"]["id"]
        await self.delivered(need_id)
        return need_id

    async def decide(self, entry_id: str, **extra: Any) -> None:
        claimed = await self.gql.data(CLAIM, {"e": entry_id}, **auth(self.reviewer))
        assert claimed["claimReview"]["userErrors"] == []
        await self.delivered(entry_id)
        assert (await verify(self.gql, self.reviewer, entry_id, **extra))["userErrors"] == []
        await self.delivered(entry_id)

    async def update(self, entry_id: str, token: str, **changes: Any) -> str:
        """The poster changes their offer; returns its verification status afterwards."""
        version = (await self.gql.data(VERSION, {"id": entry_id}))["node"]["version"]
        changed = (
            await self.gql.data(
                UPDATE_OFFER,
                {"input": {"id": entry_id, "version": version, "editToken": token, **changes}},
            )
        )["updateOffer"]
        assert changed["userErrors"] == []
        await self.delivered(entry_id)
        status: str = changed["offer"]["verificationStatus"]
        return status


async def test_a_public_list_fetches_only_the_rows_its_events_change(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "li")
    async with subscribed(live_server.ws_url) as probe:
        await live_server.app.state.live.fanout.until_subscribers(1)
        writes = Writes(gql, probe, reviewer)
        shown, shown_token = await writes.submit(**WUHAN)
        await writes.decide(shown)
        # The list's subscription and its shown row's.
        watched = await watching(live_server, new_page, "/offers?city=武汉市", 2)
        page = watched.page
        await expect(watched.row(shown)).to_have_count(1)
        await expect(page.locator("[data-live-count]")).to_have_text("1")

        # Verifying an entry the page shows: one fragment request, its row on top.
        fresh, fresh_token = await writes.submit(**WUHAN)  # PENDING, IN_REVIEW: not sent here
        await writes.decide(fresh)
        await watched.handled(1)
        await expect(page.locator("#results li.row").first).to_have_attribute(
            "data-entry-id", fresh
        )
        assert watched.requests == [f"fragments/entries/{fresh}?at={await _last_event(db)}"]
        await expect(page.locator("[data-live-count]")).to_have_text("2")
        await expect(page.locator(".live-status")).to_have_text("有新条目，已更新列表")
        assert await axe_violations(page) == []
        watched.requests.clear()

        # A PENDING submission matching the page, and an entry verified outside its filter
        # (Shenzhen): no request. Then a change of a shown row: one request, the row replaced.
        await writes.submit(**WUHAN)
        elsewhere, _ = await writes.submit()
        await writes.decide(elsewhere)
        await page.evaluate(
            "id => document.querySelector(`li[data-entry-id='${id}']`).dataset.old = '1'", shown
        )
        assert await writes.update(shown, shown_token, status="PARTIALLY_FULFILLED") == "VERIFIED"
        await watched.handled(2)
        await expect(watched.row(shown)).to_have_count(1)
        await expect(page.locator("li[data-old]")).to_have_count(0)
        assert watched.requests == [f"fragments/entries/{shown}?at={await _last_event(db)}"]
        watched.requests.clear()

        # The poster edits the shown offer: back to PENDING, so its row leaves without a
        # request (the event says enough), though the page's filter no longer lets it through.
        assert await writes.update(shown, shown_token, notes="改了备注") == "PENDING"
        await watched.handled(3)
        await expect(watched.row(shown)).to_have_count(0)
        await expect(page.locator("[data-live-count]")).to_have_text("1")
        assert watched.requests == []

        # The row added live is followed too (a subscription of its own: probe, list, 2 rows).
        await live_server.app.state.live.fanout.until_subscribers(4)
        assert await writes.update(fresh, fresh_token, notes="也改了") == "PENDING"
        await watched.handled(4)
        await expect(watched.row(fresh)).to_have_count(0)
        assert watched.requests == []


async def test_a_newly_verified_need_takes_its_place_by_priority(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "sun")
    async with subscribed(live_server.ws_url) as probe:
        await live_server.app.state.live.fanout.until_subscribers(1)
        writes = Writes(gql, probe, reviewer)
        critical = await writes.submit_need("CRITICAL")
        low = await writes.submit_need("LOW")
        for need in (critical, low):
            await writes.decide(need)
        watched = await watching(live_server, new_page, "/needs", 2)
        rows = watched.page.locator("#results li.row")
        await expect(rows).to_have_count(2)
        high = await writes.submit_need("HIGH")
        await writes.decide(high)
        await watched.handled(1)
        await expect(rows).to_have_count(3)
        order = [await row.get_attribute("data-entry-id") for row in await rows.all()]
        assert order == [critical, high, low]
        assert watched.requests == [f"fragments/entries/{high}?at={await _last_event(db)}"]
        # As the list itself orders them.
        await watched.page.reload()
        reloaded = [await row.get_attribute("data-entry-id") for row in await rows.all()]
        assert reloaded == order


async def test_a_row_that_leaves_while_its_fetch_is_under_way_is_removed_once(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "qian")
    async with subscribed(live_server.ws_url) as probe:
        await live_server.app.state.live.fanout.until_subscribers(1)
        writes = Writes(gql, probe, reviewer)
        entries = [await writes.submit(**WUHAN) for _ in range(2)]
        for entry_id, _ in entries:
            await writes.decide(entry_id)
        (shown, token), _ = entries
        watched = await watching(live_server, new_page, "/offers?city=武汉市", 2)
        page = watched.page
        await expect(page.locator("[data-live-count]")).to_have_text("2")
        # The shown row is rendered while it is still listed, and its answer held until the
        # entry has left the list.
        fetched, release = asyncio.Event(), asyncio.Event()

        async def hold(route: Route) -> None:
            answer = await route.fetch()
            fetched.set()
            await release.wait()
            await route.fulfill(response=answer)

        await page.route("**/fragments/entries/**", hold)
        assert await writes.update(shown, token, status="PARTIALLY_FULFILLED") == "VERIFIED"
        await asyncio.wait_for(fetched.wait(), 15)
        assert await writes.update(shown, token, notes="改了备注") == "PENDING"
        await watched.handled(1)  # the departure: nothing to fetch, the row left to its fetch
        release.set()
        await watched.handled(2)
        await expect(watched.row(shown)).to_have_count(0)
        await expect(page.locator("[data-live-count]")).to_have_text("1")
        assert watched.requests == [f"fragments/entries/{shown}?at={await _last_event(db) - 1}"]


async def _last_event(db: Database) -> int:
    async with db.connection() as conn:
        position: int = await conn.fetchval("SELECT max(position) FROM entry_event")
    return position


async def test_the_home_page_keeps_its_counts_with_one_small_request(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "wu")
    async with subscribed(live_server.ws_url) as probe:
        await live_server.app.state.live.fanout.until_subscribers(1)
        writes = Writes(gql, probe, reviewer)
        watched = await watching(live_server, new_page, "/", 1)  # no needs: no rows to follow
        offers = watched.page.locator("[data-live=counts] a[href='/offers'] strong")
        await expect(offers).to_have_text("0")
        offer, _ = await writes.submit()  # PENDING, then IN_REVIEW: nothing for the home page
        await writes.decide(offer)
        await watched.handled(1)
        await expect(offers).to_have_text("1")
        assert watched.requests == [f"fragments/counts?at={await _last_event(db)}"]
        assert await axe_violations(watched.page) == []


async def test_a_newly_listed_need_costs_the_home_page_one_request(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    # A verified need moves both the home page's counts and its top needs: one request for both.
    reviewer, _ = await token_for(db, Role.REVIEWER, "qian")
    async with subscribed(live_server.ws_url) as probe:
        await live_server.app.state.live.fanout.until_subscribers(1)
        writes = Writes(gql, probe, reviewer)
        watched = await watching(live_server, new_page, "/", 1)
        needs = watched.page.locator("[data-live=counts] a[href='/needs'] strong")
        await expect(needs).to_have_text("0")
        need = await writes.submit_need("CRITICAL")
        await writes.decide(need)
        await watched.handled(1)
        await expect(needs).to_have_text("1")
        await expect(watched.row(need)).to_have_count(1)
        [request] = watched.requests
        assert request.startswith(f"fragments/entries/{need}?")
        assert "counts=1" in request
        assert await axe_violations(watched.page) == []


async def test_the_lists_work_without_javascript(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "zhao")
    offer, _ = await submitted(gql, **WUHAN)
    claimed = (await gql.data(CLAIM, {"e": offer}, **auth(reviewer)))["claimReview"]
    assert claimed["userErrors"] == []
    assert (await verify(gql, reviewer, offer))["userErrors"] == []
    page = await new_page(java_script_enabled=False)
    await page.goto(f"{live_server.http_url}/offers")
    await expect(page.locator(f"li[data-entry-id='{offer}']")).to_have_count(1)
    assert await page.locator("body[data-live]").count() == 0
    # The filter form is a plain GET form.
    await page.locator("#city").fill("深圳市")
    await page.locator("form.filters button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/offers\?.*city=%E6%B7%B1%E5%9C%B3%E5%B8%82"))
    await expect(page.locator(f"li[data-entry-id='{offer}']")).to_have_count(0)
    await expect(page.locator("[data-live-empty]")).to_be_visible()
