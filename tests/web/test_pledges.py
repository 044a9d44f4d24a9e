"""From listing to delivery in a real browser: a donor pledges from a need's page, the hospital
accepts and confirms delivery with its edit code, and the need shows what arrived; a message
from an entry's page reaches the poster's private page."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import LOGISTICS, SUBMIT_LOGISTICS, verify_all
from tests.live.conftest import LiveServer
from tests.pledges.steps import post_need, post_offer
from tests.web.conftest import NewPage, axe_violations, no_horizontal_scroll, screenshot


async def fits_and_passes(page: Page, problems: dict[str, Any], name: str) -> None:
    """Notes in `problems` if the page scrolls sideways or has serious axe violations."""
    if not await no_horizontal_scroll(page):
        problems[f"{name} scrolls sideways"] = True
    violations = await axe_violations(page)
    if violations:
        problems[name] = [(v["id"], v["nodes"][0]["html"]) for v in violations]


async def test_a_donor_pledges_and_the_hospital_accepts_and_confirms_delivery(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    base = live_server.http_url
    need = await post_need(gql, quantity=1000)
    offer = await post_offer(gql, quantity=5000)
    await gql.data(SUBMIT_LOGISTICS, {"input": LOGISTICS})
    await verify_all(db)
    problems: dict[str, Any] = {}

    donor = await new_page(phone=True)
    await donor.goto(f"{base}/entries/{need.id}")
    await expect(donor.locator(".priority")).to_contain_text("优先级得分")
    await expect(donor.locator(".matches")).to_contain_text("品类与标准")
    await expect(donor.locator(f".matches a[href='/entries/{offer.id}']")).to_be_visible()
    await fits_and_passes(donor, problems, "need page")
    await donor.get_by_label("捐赠者姓名或单位").fill("爱心企业")
    await donor.get_by_label("医用防护口罩（还缺 1000 个）").fill("300")
    await donor.get_by_label("备注（选填）").last.fill("明天发货")
    await donor.get_by_role("button", name="认捐", exact=True).click()
    await expect(donor.get_by_text("已认捐，等待医院确认。")).to_be_visible()
    await expect(donor.locator(".notice code")).to_have_text(re.compile(r"\S{16,}"))
    await screenshot(donor, "web-pledged-phone")
    await donor.get_by_role("link", name="打开认捐页面").click()
    await expect(donor.locator("#pledge-status")).to_have_text("待确认")
    pledge_url = donor.url
    await fits_and_passes(donor, problems, "pledge page")

    # The donor's own code cannot accept: that is the hospital's word.
    hospital = await new_page(phone=True)
    await hospital.goto(pledge_url)
    await hospital.get_by_role("button", name="接受认捐").click()
    await expect(hospital.get_by_role("alert")).to_contain_text("没有权限，未做任何修改")
    await expect(hospital.locator("#pledge-status")).to_have_text("待确认")
    await hospital.get_by_label("编辑码（已登录的相关人员可不填）").fill(need.edit_token)
    await hospital.get_by_role("button", name="接受认捐").click()
    await expect(hospital.locator("#pledge-status")).to_have_text("已接受")
    await fits_and_passes(hospital, problems, "accepted pledge page")
    await screenshot(hospital, "web-pledge-phone")
    await hospital.get_by_label("编辑码（已登录的相关人员可不填）").first.fill(need.edit_token)
    await hospital.get_by_role("button", name="确认已送达").click()
    await expect(hospital.locator("#pledge-status")).to_have_text("已送达")

    await hospital.get_by_role("link", name="武汉市第七医院").first.click()
    await expect(hospital.locator(".items")).to_contain_text("已送达 300 个")
    await expect(hospital.locator(".priority")).to_contain_text("尚缺 70%")
    await expect(hospital.locator(".pledges")).to_contain_text("已送达")
    desktop = await new_page()
    await desktop.goto(f"{base}/entries/{need.id}")
    await screenshot(desktop, "web-need-matches")
    assert problems == {}


async def test_a_message_reaches_the_posters_private_page(
    live_server: LiveServer, new_page: NewPage, gql: GraphQLClient, db: Database
) -> None:
    base = live_server.http_url
    need = await post_need(gql)
    await verify_all(db)
    donor = await new_page()
    await donor.goto(f"{base}/entries/{need.id}")
    await donor.get_by_label("留言", exact=True).fill("我们有 2000 只 GB 19083 口罩，可以送到医院")
    await donor.get_by_label("你的联系方式（电话、邮箱或微信，选填）").fill("微信 donor88")
    await donor.get_by_role("button", name="发送留言").click()
    await expect(donor.get_by_text("留言已送达发布者。")).to_be_visible()
    assert "13800001234" not in await donor.content()  # the poster's protected number

    poster = await new_page(phone=True)
    await poster.goto(f"{base}/reconfirm/{need.reconfirmation_token}")
    inbox = poster.locator(".inbox")
    await expect(inbox).to_contain_text("我们有 2000 只 GB 19083 口罩")
    await expect(inbox).to_contain_text("微信 donor88")
    await expect(inbox.locator("time")).to_have_count(1)
    assert await no_horizontal_scroll(poster)
    assert await axe_violations(poster) == []
    await screenshot(poster, "web-inbox-phone")
