"""Donation channels on the pages: the submit form, the masked number until reviewers verify
it, editing, and the before/after of a changed number on the reviewer's page."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import expect

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.live.conftest import LiveServer
from tests.web.conftest import NewPage, screenshot
from tests.web.test_edit import filled_in
from tests.web.test_pages import _csrf
from tests.web.test_pledges import fits_and_passes

NUMBER = "6222 0210 0103 4567"
PLAIN = NUMBER.replace(" ", "")
NOTICE = "https://www.redcross.example.cn/notice/2020-01-27"
FIELDS = {
    "organization_name": "湖北省红十字会",
    "organization_kind": "CHARITY",
    "province": "湖北省",
    "city": "武汉市",
    "account_name": "湖北省红十字会",
    "bank": "中国工商银行武汉市武昌支行",
    "account_number": NUMBER,
    "remittance_note": "抗击疫情",
    "purpose": "新冠肺炎疫情防控",
    "notice_url": NOTICE,
}


async def _submitted(app_client: httpx.AsyncClient) -> tuple[str, str]:
    csrf = _csrf((await app_client.get("/donation-channels/new")).text)
    posted = await app_client.post("/donation-channels/new", data={"csrf": csrf, **FIELDS})
    assert posted.status_code == 200, posted.text
    action = re.search(r'action="/entries/([^"/]+)/report"', posted.text)
    code = re.search(r"Keep this edit code[^<]*<code>([^<]+)</code>", posted.text)
    assert action is not None and code is not None
    return action.group(1), code.group(1)


async def _sign_in(app_client: httpx.AsyncClient, db: Database, handle: str) -> None:
    await token_for(db, Role.REVIEWER, handle)
    csrf = _csrf((await app_client.get("/signin")).text)
    signed = await app_client.post(
        "/signin", data={"csrf": csrf, "email": f"{handle}@example.org", "password": PASSWORD}
    )
    assert signed.status_code == 303


async def test_the_form_requires_an_organization_and_the_notice(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    csrf = _csrf((await app_client.get("/donation-channels/new")).text)
    wrong = {**FIELDS, "organization_name": "", "notice_url": "", "account_number": "12"}
    refused = await app_client.post("/donation-channels/new", data={"csrf": csrf, **wrong})
    assert refused.status_code == 400
    for field in ("organization-name", "source-url", "accountNumber"):
        assert f'aria-describedby="{field}-error"' in refused.text, field
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry") == 0


async def test_the_number_is_masked_until_verified_and_a_change_is_shown_to_reviewers(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    channel_id, code = await _submitted(app_client)
    page = (await app_client.get(f"/entries/{channel_id}")).text
    assert PLAIN not in page and "*" * (len(PLAIN) - 4) + PLAIN[-4:] in page
    assert "Only the last four characters show until it is verified" in page
    assert f'href="{NOTICE}"' in page and "抗击疫情" in page
    listed = (await app_client.get("/donation-channels?verification=ANY")).text
    assert "湖北省红十字会" in listed and PLAIN not in listed
    assert "/donation-channels" in (await app_client.get("/")).text  # in the navigation

    # The poster changes the number with the edit code: the form never shows it back.
    form = filled_in((await app_client.get(f"/entries/{channel_id}/edit")).text,
                     f"/entries/{channel_id}/edit")  # fmt: skip
    assert form["account_number"] == "" and form["notice_url"] == NOTICE
    saved = await app_client.post(
        f"/entries/{channel_id}/edit",
        data={**form, "edit_token": code, "account_number": "6222021001039999"},
    )
    assert saved.status_code == 200, saved.text
    notes_only = await app_client.post(
        f"/entries/{channel_id}/edit",
        data={
            **form,
            "version": str(int(form["version"]) + 1),
            "edit_token": code,
            "notes": "周末也到账",
        },
    )
    assert notes_only.status_code == 200, notes_only.text

    # The reviewer is someone else, in another browser: the poster's own browser may not review
    # what it posted (issue 14, NOT_INDEPENDENT).
    app_client.cookies.clear()
    await _sign_in(app_client, db, "checker")
    csrf = _csrf((await app_client.get("/review")).text)
    claimed = await app_client.post(f"/review/{channel_id}/claim", data={"csrf": csrf})
    assert claimed.status_code == 200, claimed.text
    assert "The account number changed" in claimed.text
    assert f'<del class="before"><code>{PLAIN}</code></del>' in claimed.text
    assert '<ins class="after"><code>6222021001039999</code></ins>' in claimed.text


async def test_in_a_browser_the_number_shows_only_once_a_reviewer_verified_it(
    live_server: LiveServer, new_page: NewPage, db: Database
) -> None:
    base = live_server.http_url
    problems: dict[str, Any] = {}
    poster = await new_page(phone=True)
    for path in ("/donation-channels", "/donation-channels/new"):
        await poster.goto(base + path)
        await fits_and_passes(poster, problems, path)
    await screenshot(poster, "web-channel-form-phone")
    labels = {"organization_name": "机构名称", "province": "省份", "city": "城市",
              "account_name": "户名", "bank": "开户行", "account_number": "账号",
              "notice_url": "官方公告链接"}  # fmt: skip
    for name, label in labels.items():
        await poster.get_by_label(label, exact=True).fill(FIELDS[name])
    await poster.get_by_role("button", name="发布", exact=True).click()
    await expect(poster.get_by_text("已发布，等待审核。")).to_be_visible()
    edit_code = await poster.locator(".notice code").first.inner_text()
    number = poster.locator(".account-number")
    await expect(number).to_have_text("*" * (len(PLAIN) - 4) + PLAIN[-4:])
    await expect(poster.locator(".masked")).to_contain_text("核实前只显示账号后四位")
    await expect(poster.get_by_text("尚未核实：请勿向此账户转账。")).to_be_visible()
    action = await poster.locator("form[action$='/report']").get_attribute("action")
    assert action is not None
    entry_path = action.removesuffix("/report")
    for path in (entry_path, f"{entry_path}/edit"):
        await poster.goto(base + path)
        await fits_and_passes(poster, problems, path)
    await poster.goto(base + entry_path)
    await screenshot(poster, "web-channel-masked-phone")
    assert PLAIN not in await poster.content()

    reviewer = await new_page()
    await token_for(db, Role.REVIEWER, "checker_wang")
    await reviewer.goto(f"{base}/signin")
    await reviewer.get_by_label("电子邮箱").fill("checker_wang@example.org")
    await reviewer.get_by_label("密码").fill(PASSWORD)
    await reviewer.get_by_role("button", name="登录").click()
    await reviewer.goto(f"{base}/review")
    await (
        reviewer.locator(".row", has_text="湖北省红十字会")
        .get_by_role("button", name="认领核实")
        .click()
    )
    await expect(reviewer.locator(".account-number")).to_have_text(PLAIN)  # reviewers see it
    await fits_and_passes(reviewer, problems, "the reviewer's page")
    await reviewer.get_by_label("核实方式").select_option("OFFICIAL_NOTICE")
    await reviewer.get_by_label("通话记录").fill("已核对红十字会官网公告")
    await reviewer.get_by_role("button", name="提交结论").click()
    await expect(reviewer.get_by_text("已记录。")).to_be_visible()

    await poster.reload()
    await expect(number).to_have_text(PLAIN)
    await expect(poster.locator(".masked")).to_have_count(0)
    await expect(poster.locator(".badge-verified")).to_contain_text("官方通告")
    await screenshot(poster, "web-channel-verified-phone")

    # A new number goes back to review, and the reviewer sees what changed.
    await poster.goto(f"{base}{entry_path}/edit")
    await poster.get_by_label("编辑码（登录的发布者和协调员可不填）").first.fill(edit_code)
    await poster.get_by_label("新账号（不改请留空；账号不在此显示）").fill("6222021001039999")
    await poster.get_by_role("button", name="保存修改").click()
    await expect(poster.get_by_text("已保存。")).to_be_visible()
    await expect(number).to_have_text("*" * 12 + "9999")
    await reviewer.goto(f"{base}/review")
    await (
        reviewer.locator(".row", has_text="湖北省红十字会")
        .get_by_role("button", name="认领核实")
        .click()
    )
    change = reviewer.locator(".account-change")
    await expect(change.locator("del")).to_have_text(PLAIN)
    await expect(change.locator("ins")).to_have_text("6222021001039999")
    await fits_and_passes(reviewer, problems, "the reviewer's page with a change")
    await screenshot(reviewer, "web-review-account-change")
    assert problems == {}
