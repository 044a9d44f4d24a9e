"""The public pages from the read cache: each visitor keeps their own CSRF token."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from hub.http.read_cache import ReadCache
from hub.web.page_cache import cacheable_path
from hub.web.security import CSRF_COOKIE
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.http.test_read_cache import listening, settled

TOKEN = re.compile(rb'name="csrf" value="([^"]+)"')


def cache_of(app: Starlette) -> ReadCache:
    cache: ReadCache = app.state.read_cache
    return cache


async def new_need(gql: GraphQLClient) -> str:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need_id: str = payload["need"]["id"]
    return need_id


def test_which_pages_are_cached() -> None:
    assert all(cacheable_path(p) for p in ("/", "/needs", "/donation-channels", "/entries/abc"))
    for path in ("/entries/abc/edit", "/entries/", "/review", "/needs/new", "/reconfirm/x"):
        assert not cacheable_path(path)


async def test_an_entry_page_is_cached_with_each_visitor_s_own_token(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    need_id = await new_need(gql)
    await settled(app)
    path = f"/entries/{need_id}"
    cache = cache_of(app)
    tokens = []
    for _ in range(3):  # three new visitors, without cookies
        app_client.cookies.clear()
        page = await app_client.get(path)
        assert page.status_code == 200
        embedded = set(TOKEN.findall(page.content))
        assert len(embedded) == 1
        token = embedded.pop().decode()
        assert page.cookies[CSRF_COOKIE] == token
        assert page.headers["cache-control"] == "private, no-cache"
        tokens.append(token)
    assert len(set(tokens)) == 3
    assert (cache.counters.misses, cache.counters.hits) == (1, 2)
    for stored in cache.entries():
        assert not any(token.encode() in stored.body for token in tokens)
        assert b"13800001234" not in stored.body  # the protected contact
    # A visitor who has a token gets it back, and a 304 for the page they already have.
    again = await app_client.get(path)
    assert set(TOKEN.findall(again.content)) == {tokens[-1].encode()}
    assert CSRF_COOKIE not in again.cookies
    unchanged = await app_client.get(path, headers={"If-None-Match": again.headers["etag"]})
    assert unchanged.status_code == 304
    # The form on the cached page works: its token matches the cookie.
    report = await app_client.post(
        f"{path}/report", data={"csrf": tokens[-1], "reason": "OUTDATED"}
    )
    assert report.status_code == 200
    assert "Thanks: reviewers will look at it." in report.text


async def test_lists_and_home_are_cached_and_public(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    await new_need(gql)
    await settled(app)
    cache = cache_of(app)
    for path in ("/", "/needs?verification=ANY"):
        app_client.cookies.clear()
        first = await app_client.get(path)
        app_client.cookies.clear()
        second = await app_client.get(path)
        assert first.status_code == second.status_code == 200
        assert second.content == first.content
        assert second.headers["cache-control"] == "public, max-age=5"
        assert second.headers["content-security-policy"] == first.headers["content-security-policy"]
        revalidated = await app_client.get(path, headers={"If-None-Match": second.headers["etag"]})
        assert revalidated.status_code == 304
    assert cache.counters.hits == 4


async def test_pages_that_set_cookies_or_are_signed_in_are_not_stored(
    app: Starlette, app_client: httpx.AsyncClient
) -> None:
    await listening(app)
    cache = cache_of(app)
    await app_client.get("/needs?lang=en")  # sets the language cookie
    await app_client.get("/needs", headers={"Cookie": "hub_session=whatever"})
    await app_client.get("/entries/not-an-id")  # not a 200
    assert len(cache) == 0


async def test_a_new_entry_shows_on_the_list_at_once(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    before = await app_client.get("/needs?verification=ANY")
    await new_need(gql)
    after = await app_client.get("/needs?verification=ANY")
    assert before.content != after.content
    assert "医用防护口罩".encode() in after.content


async def test_a_chosen_csrf_cookie_cannot_rewrite_the_page_others_get(
    app: Starlette, app_client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await listening(app)
    need_id = await new_need(gql)
    await settled(app)
    path = f"/entries/{need_id}"
    # A "token" that is also text of the page (the entry's own id), and one that is markup.
    for chosen in (need_id[:40], '"><script>alert(1)</script>' + "x" * 20):
        app_client.cookies.clear()
        app_client.cookies.set(CSRF_COOKIE, chosen)
        await app_client.get(path)
    app_client.cookies.clear()
    clean = await app_client.get(path)
    assert need_id.encode() in clean.content
    assert b"<script>alert" not in clean.content
    for stored in cache_of(app).entries():
        assert b"<script>alert" not in stored.body
        assert need_id[:40].encode() in stored.body
