"""The pages in a real browser (headless Chromium): the journey of a need from a hospital to a
verified public entry, live updates, hostile input, a phone's width and accessibility."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.helpers import (
    LODGING,
    LOGISTICS,
    OFFER,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_OFFER,
)
from tests.live.conftest import LiveServer
from tests.web.conftest import NewPage, axe_violations, no_horizontal_scroll, screenshot

HOSPITAL = "武汉市第十医院"
PAGES = (
    "/",
    "/needs",
    "/offers",
    "/logistics",
    "/lodging",
    "/needs/new",
    "/offers/new",
    "/logistics/new",
    "/lodging/new",
    "/organizations/new",
    "/signin",
    "/signup",
)


async def _sign_up(page: Page, base: str, handle: str) -> None:
    await page.goto(f"{base}/signup")
    await page.get_by_label("电子邮箱").fill(f"{handle}@example.org")
    await page.get_by_label("用户名").fill(handle)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="注册").click()
    await expect(page.get_by_text(f"已登录：{handle}")).to_be_visible()


async def _post_need(page: Page, base: str, hospital: str, notes: str) -> str:
    await page.goto(f"{base}/needs/new")
    await page.get_by_label("机构名称").fill(hospital)
    await page.get_by_label("省份", exact=True).fill("湖北省")
    await page.get_by_label("城市", exact=True).fill("武汉市")
    await page.get_by_label("紧急程度").select_option("CRITICAL")
    first = page.locator("fieldset").nth(1)
    await first.get_by_label("名称").fill("医用防护服")
    await first.get_by_label("类别").select_option("body.protective_coverall")
    await first.get_by_label("数量").fill("800")
    await page.get_by_label("联系人").first.fill("张护士长")
    await page.get_by_label("联系电话").fill("13800009999")
    await page.get_by_label("备注（选填）").fill(notes)
    await page.get_by_role("button", name="发布", exact=True).click()
    await expect(page.get_by_text("已发布，等待审核。")).to_be_visible()
    return page.url if "/entries/" in page.url else await _entry_url(page, hospital)


async def _entry_url(page: Page, hospital: str) -> str:
    # The POST answered with the entry page itself; its report form names the entry.
    action = await page.locator("form[action$='/report']").get_attribute("action")
    assert action is not None
    return page.url.split("/needs/new")[0] + action.removesuffix("/report")


async def test_a_need_from_a_hospital_to_a_verified_public_entry(
    live_server: LiveServer, new_page: NewPage, db: Database
) -> None:
    base = live_server.http_url
    hospital = await new_page()
    watcher = await new_page()
    reviewer = await new_page()

    # A volunteer watches every need, verified or not, on another browser.
    await watcher.goto(f"{base}/needs?verification=ANY")
    await expect(watcher.locator("body[data-live=on]")).to_have_count(1)

    await _sign_up(hospital, base, "nurse_zhang")
    entry_url = await _post_need(hospital, base, HOSPITAL, "夜班急需，越快越好")
    # It appears on the watcher's page without a reload.
    await expect(watcher.locator("#results")).to_contain_text(HOSPITAL)

    # Two reviewers have the queue open; one claims it and records the phone call.
    other = await new_page()
    for page, handle in ((reviewer, "reviewer_li"), (other, "reviewer_wu")):
        await token_for(db, Role.REVIEWER, handle)
        await page.goto(f"{base}/signin")
        await page.get_by_label("电子邮箱").fill(f"{handle}@example.org")
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.goto(f"{base}/review")
        await expect(page.locator("#results")).to_contain_text(HOSPITAL)
    await expect(other.locator("body[data-live=on]")).to_have_count(1)
    assert await axe_violations(reviewer) == []  # the review queue
    await reviewer.locator(".row", has_text=HOSPITAL).get_by_role("button", name="认领核实").click()
    await expect(reviewer.get_by_text("你正在核实")).to_be_visible()
    assert await axe_violations(reviewer) == []  # the claimed entry's page
    # Claimed: it leaves the other reviewer's queue without a reload.
    await expect(other.locator("#results")).not_to_contain_text(HOSPITAL)
    await reviewer.get_by_label("通话记录").fill("已电话核实，医务科确认")
    await reviewer.get_by_role("button", name="提交结论").click()
    await expect(reviewer.get_by_text("已记录。")).to_be_visible()

    # The public page says so, to anyone.
    await watcher.goto(entry_url)
    await expect(watcher.locator(".badge-verified")).to_contain_text("已核实")
    await expect(watcher.locator(".badge-verified")).to_contain_text("电话")
    assert "13800009999" not in await watcher.content()  # protected by default
    await screenshot(watcher, "web-entry")


async def test_a_script_in_a_need_stays_text(live_server: LiveServer, new_page: NewPage) -> None:
    page = await new_page()
    hostile = "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned = 2'>"
    entry_url = await _post_need(page, live_server.http_url, "<b>恶意医院</b>", hostile)
    await page.goto(entry_url)
    await expect(page.locator(".notes")).to_have_text(hostile)
    await expect(page.locator("h1")).to_have_text("<b>恶意医院</b>")
    assert await page.evaluate("window.__pwned") is None


async def test_pages_fit_a_phone_and_have_no_serious_accessibility_violations(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient
) -> None:
    base = live_server.http_url
    phone = await new_page(phone=True)
    entry_url = await _post_need(phone, base, HOSPITAL, "急需")
    await screenshot(phone, "web-posted-phone")  # with the edit code and the private link
    link = await phone.locator("a.private-link").get_attribute("href")
    assert link is not None and link.startswith("/reconfirm/")
    problems: dict[str, Any] = {}
    entry_path = entry_url.removeprefix(base)
    others = [
        (await gql.data(document, {"input": value}))[field][node]["id"]
        for document, field, node, value in (
            (SUBMIT_OFFER, "submitOffer", "offer", OFFER),
            (SUBMIT_LOGISTICS, "submitLogisticsOffer", "logisticsOffer", LOGISTICS),
            (SUBMIT_LODGING, "submitLodging", "lodging", LODGING),
        )
    ]
    edit_pages = [f"{entry_path}/edit", *(f"/entries/{other}/edit" for other in others)]
    private = (link, "/reconfirm/no-such-link-000000000000")
    for path in (*PAGES, entry_path, *edit_pages, *private):
        await phone.goto(base + path)
        if not await no_horizontal_scroll(phone):
            problems[f"{path} scrolls sideways"] = True
        violations = await axe_violations(phone)
        if violations:
            problems[path] = [(v["id"], v["nodes"][0]["html"]) for v in violations]
        name = {"/": "web-home", "/needs": "web-needs", "/needs/new": "web-post-need",
                link: "web-reconfirm", edit_pages[2]: "web-edit-transport"}.get(path)  # fmt: skip
        if name:
            await screenshot(phone, f"{name}-phone")
    assert problems == {}


async def test_english_pages_and_desktop_screenshots(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page(locale="en-US")
    await page.goto(f"{live_server.http_url}/")
    await expect(page.get_by_role("link", name="Post a need")).to_be_visible()
    assert await axe_violations(page) == []
    await screenshot(page, "web-home-en")
    await page.get_by_role("link", name="中文").click()
    await expect(page.get_by_role("link", name="发布需求")).to_be_visible()
    await screenshot(page, "web-home")
