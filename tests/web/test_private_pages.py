"""Pages that show a secret (an edit code, a private link, a revealed number) tell every cache
not to keep them, and the page cache never does."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from hub.domain.accounts import Role
from hub.http.read_cache import ReadCache
from hub.store.data_version import DataVersion
from hub.store.db import Database
from hub.web.page_cache import PageCache
from hub.web.security import shows_secrets
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import SUBMIT_NEED, need_input, verify_all
from tests.pledges.steps import post_need
from tests.web.test_pages import _csrf, _sign_in


def assert_private(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_the_edit_code_and_private_link_of_a_new_entry(
    app_client: httpx.AsyncClient,
) -> None:
    form = (await app_client.get("/needs/new")).text
    fields = {"csrf": _csrf(form), "organization_name": "武汉市第九医院", "province": "湖北省",
              "item0_name": "医用防护口罩", "item0_category": "face.medical_respirator",
              "item0_quantity": "10", "item0_unit": "ITEM",
              "contact_phone": "13800005678"}  # fmt: skip
    posted = await app_client.post("/needs/new", data=fields)
    assert "/reconfirm/" in posted.text
    assert_private(posted)
    link = re.search(r'href="(/reconfirm/[\w-]{20,})"', posted.text)
    assert link is not None
    assert_private(await app_client.get(link.group(1)))
    # The same entry's public page is a page like any other.
    entry = re.search(r'"/entries/([^"/?]+)', posted.text)
    assert entry is not None
    public = await app_client.get(f"/entries/{entry.group(1)}")
    assert public.status_code == 200
    assert "no-store" not in public.headers.get("cache-control", "")


async def test_the_edit_code_of_a_new_organization(app_client: httpx.AsyncClient) -> None:
    page = (await app_client.get("/organizations/new")).text
    fields = {"csrf": _csrf(page), "organization_name": "武汉市红十字会",
              "organization_kind": "CHARITY", "province": "湖北省", "city": "武汉市"}  # fmt: skip
    done = await app_client.post("/organizations/new", data=fields)
    assert "<code>" in done.text
    assert_private(done)


async def test_the_edit_code_of_a_new_pledge(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    await verify_all(db)
    url = f"/entries/{need.id}"
    csrf = _csrf((await app_client.get(url)).text)
    done = await app_client.post(
        f"{url}/pledge", data={"csrf": csrf, "donor_name": "王先生", "quantity0": "300"}
    )
    assert "Keep this pledge" in done.text
    assert_private(done)


async def test_a_revealed_number(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    await gql.data(SUBMIT_NEED, {"input": need_input()})
    await token_for(db, Role.REVIEWER, "reviewer_he")
    async with db.connection() as conn:
        await conn.execute("UPDATE app_user SET approved_at = now() WHERE handle = 'reviewer_he'")
    await _sign_in(app_client, "reviewer_he@example.org")
    queue = (await app_client.get("/review")).text
    claim = re.search(r'action="(/review/[^"/]+)/claim"', queue)
    assert claim is not None
    claimed = (await app_client.post(f"{claim.group(1)}/claim", data={"csrf": _csrf(queue)})).text
    contact = re.search(r'name="contact" value="([^"]+)"', claimed)
    assert contact is not None
    fields = {"csrf": _csrf(claimed), "contact": contact.group(1)}
    revealed = await app_client.post(f"{claim.group(1)}/reveal", data=fields)
    assert "138 0000 1234" in revealed.text
    assert_private(revealed)


def test_which_values_are_secrets() -> None:
    assert shows_secrets({"edit_token": "abc"}) and shows_secrets({"revealed": {"c": {}}})
    assert not shows_secrets({"edit_token": None, "entry": {"id": "x"}})


async def test_the_page_cache_never_keeps_a_page_marked_no_store() -> None:
    # A public path whose page says no-store (as a page showing a secret does): every visitor
    # gets it rendered anew, none from the cache.
    rendered = 0

    async def secret(request: Request) -> HTMLResponse:
        nonlocal rendered
        rendered += 1
        return HTMLResponse(f"<p>secret {rendered}</p>", headers={"cache-control": "no-store"})

    version = DataVersion()
    version.set_listening(True)
    cache = ReadCache(version, max_bytes=1 << 20, max_seconds=60)
    app = PageCache(Starlette(routes=[Route("/entries/x", secret)]), cache, False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        bodies = [(await client.get("/entries/x")).text for _ in range(2)]
    assert bodies == ["<p>secret 1</p>", "<p>secret 2</p>"]
    assert len(list(cache.entries())) == 0
