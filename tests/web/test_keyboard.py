"""The pages with a keyboard only (Tab, Shift+Tab, Enter, Space, typing, arrow keys): post a
need from the home page, and claim and decide it as a reviewer; focus always shows.

Selects, as Chromium has them: arrow keys change a closed select in place. Space or Enter
opens its list instead, which then takes every key until Enter closes it: a Tab there only
closes the list and leaves the focus on the select, and what is typed next goes to the
select's type-ahead (it picks another option) instead of the next input, so that every later
Tab seems one step behind. That, not the pages, is why an earlier attempt saw "Tab after typing
does not move the focus"; both ways are used below, the open list closed with Enter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.async_api import Page, expect

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.live.conftest import LiveServer
from tests.web.conftest import NewPage

HOSPITAL = "黄冈市中心医院"
# What is focused, and whether it shows: a :focus-visible outline of at least 2 px (web.css
# draws 3 px), not hidden off-screen.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || "").trim(), value: el.value ?? null,
    inMain: !!el.closest("main"),
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.right > 0 && box.bottom > 0 && box.width > 0 && box.height > 0,
  };
}"""
Focused = dict[str, Any]


async def focused(page: Page) -> Focused:
    """The focused element, and whether its focus can be seen."""
    found: Focused = await page.evaluate(FOCUSED)
    return found


async def press(page: Page, key: str) -> Focused:
    """Press `key`; what has the focus then (asserted visible, unless it left the page)."""
    await page.keyboard.press(key)
    now = await focused(page)
    if now["tag"] != "body":
        assert now["focusVisible"] and now["outline"] and now["onScreen"], now
    return now


async def tab_to(
    page: Page, wanted: Callable[[Focused], bool], *, key: str = "Tab", limit: int = 60
) -> Focused:
    """Tab (or Shift+Tab) until the focus is on what is `wanted`; fails after `limit` keys."""
    seen = []
    for _ in range(limit):
        now = await press(page, key)
        if wanted(now):
            return now
        seen.append(now["id"] or now["name"] or now["text"][:20])
    raise AssertionError(f"never reached with {key}: went through {seen}")


async def follow(page: Page, key: str = "Enter") -> None:
    """Press `key` on the focused link or button, and wait for the page it leads to."""
    async with page.expect_navigation():
        await page.keyboard.press(key)


def by_id(element_id: str) -> Callable[[Focused], bool]:
    return lambda f: f["id"] == element_id


def by_text(text: str, tag: str | None = None) -> Callable[[Focused], bool]:
    return lambda f: f["text"] == text and (tag is None or f["tag"] == tag)


async def choose(page: Page, value: str, *, limit: int = 80) -> None:
    """Arrow down the focused select (closed, as a keyboard user leaves it) to `value`."""
    for _ in range(limit):
        if (await focused(page))["value"] == value:
            return
        await press(page, "ArrowDown")
    raise AssertionError(f"no option {value!r} below the current one")


async def type_into(page: Page, wanted: Callable[[Focused], bool], text: str) -> None:
    await tab_to(page, wanted)
    await page.keyboard.type(text)


async def post_a_need_by_keyboard(page: Page, base: str) -> None:
    await page.goto(f"{base}/")
    # The first Tab reaches the skip link, shown on focus; Enter skips the header, so that the
    # next Tab lands in the main content (the search box).
    skip = await press(page, "Tab")
    assert skip["tag"] == "a" and skip["text"] == "跳到正文"
    await press(page, "Enter")
    assert (await press(page, "Tab"))["id"] == "q"
    await tab_to(page, by_text("发布物资需求", "a"))
    await follow(page)
    await expect(page.get_by_role("heading", name="发布物资需求")).to_be_visible()

    await type_into(page, by_id("organization-name"), HOSPITAL)
    await press(page, "Tab")  # the kind of organization: a hospital, as it is
    # Back with Shift+Tab: the name is there, typed.
    assert (await press(page, "Shift+Tab"))["value"] == HOSPITAL
    await type_into(page, by_id("region-province"), "湖北省")
    await press(page, "Tab")
    await page.keyboard.type("黄冈市")
    await tab_to(page, by_id("urgency"))
    # The list opens on "未说明" (not stated: nobody is made to guess), then "特急" (CRITICAL).
    await press(page, "Space")
    await press(page, "ArrowDown")
    await press(page, "Enter")
    assert (await focused(page))["value"] == "CRITICAL"
    await type_into(page, by_id("items-0-name"), "医用外科口罩")
    await press(page, "Tab")
    await choose(page, "face.surgical_mask")
    await press(page, "Tab")
    await page.keyboard.type("20000")
    await type_into(page, by_id("contacts-0-phone"), "13800007777")
    await type_into(page, by_id("notes"), "门诊用量大")
    await tab_to(page, by_text("发布", "button"))
    await follow(page)
    await expect(page.get_by_text("已发布，等待审核。")).to_be_visible()
    await expect(page.locator("h1")).to_have_text(HOSPITAL)


async def test_posting_a_need_with_the_keyboard_only(
    live_server: LiveServer, new_page: NewPage, db: Database
) -> None:
    page = await new_page()
    await post_a_need_by_keyboard(page, live_server.http_url)
    async with db.connection() as conn:
        need = await conn.fetchrow(
            """SELECT e.urgency, i.category_code, i.quantity FROM entry e
               JOIN entry_item i ON i.entry_id = e.id"""
        )
    assert need is not None
    assert (need["urgency"], need["category_code"], need["quantity"]) == (
        "CRITICAL", "face.surgical_mask", 20000)  # fmt: skip


async def test_a_reviewer_claims_and_decides_with_the_keyboard_only(
    live_server: LiveServer, new_page: NewPage, db: Database
) -> None:
    base = live_server.http_url
    await post_a_need_by_keyboard(await new_page(), base)
    await token_for(db, Role.REVIEWER, "reviewer_kb")
    page = await new_page()
    await page.goto(f"{base}/signin")
    await type_into(page, by_id("email"), "reviewer_kb@example.org")
    await press(page, "Tab")
    await page.keyboard.type(PASSWORD)
    await follow(page)  # Enter in the last field submits the form
    await expect(page.get_by_text("已登录：reviewer_kb")).to_be_visible()

    await tab_to(page, by_text("审核", "a"))
    await follow(page)
    await expect(page.get_by_role("heading", name="待审核队列")).to_be_visible()
    await tab_to(page, by_text("认领核实", "button"))
    await follow(page, "Space")
    await expect(page.get_by_text("你正在核实")).to_be_visible()
    decision = await tab_to(page, by_id("decision"))
    assert decision["value"] == "VERIFY"
    await press(page, "ArrowDown")
    assert (await focused(page))["value"] == "REQUEST_CHANGES"
    await press(page, "ArrowUp")
    await type_into(page, by_id("note"), "已电话核实，医务科确认")
    await tab_to(page, by_text("提交结论", "button"))
    await follow(page)
    await expect(page.get_by_text("已记录。")).to_be_visible()
    async with db.connection() as conn:
        status = await conn.fetchval("SELECT verification_status FROM entry")
    assert status == "VERIFIED"
