"""The browser harness itself: Chromium starts, Chinese renders with a real font, axe finds what
it should even under a strict Content-Security-Policy, and the layout and screenshot helpers do
what they say."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.live.conftest import LiveServer
from tests.web import conftest as web
from tests.web.conftest import (
    NewContext,
    NewPage,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
)

if TYPE_CHECKING:
    from playwright.async_api import Page

STRICT_CSP = "default-src 'self'; script-src 'self'"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
PHONE_HEAD = f'<meta charset="utf-8">{VIEWPORT}'


def document(body: str, *, head: str = PHONE_HEAD, title: str = "测试") -> str:
    return (
        f'<!doctype html><html lang="zh-CN"><head>{head}<title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


# An image without alt text (axe: image-alt, critical), and an inline script that a strict
# policy must stop (it would retitle the page).
UNLABELLED_IMAGE = document(
    '<main><h1>物资需求</h1><img src="/missing.png" width="10" height="10"></main>'
    '<script>document.title = "inline ran"</script>'
)


async def _strict_page(request: Request) -> HTMLResponse:
    return HTMLResponse(UNLABELLED_IMAGE, headers={"Content-Security-Policy": STRICT_CSP})


@asynccontextmanager
async def static_site() -> AsyncIterator[str]:
    """A one-page Starlette site served by uvicorn in this event loop; gives its base URL."""
    app = Starlette(routes=[Route("/strict", _strict_page)])
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    # Listening before uvicorn starts: the browser's first request waits in the backlog.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
        listener.close()


async def platform_fonts(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew the element's text with (DevTools' CSS domain): each
    family's name and how many glyphs it drew."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        root = await cdp.send("DOM.getDocument")
        found = await cdp.send(
            "DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector}
        )
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found["nodeId"]})
        return {font["familyName"]: int(font["glyphCount"]) for font in fonts["fonts"]}
    finally:
        await cdp.detach()


def families_covering(text: str) -> set[str]:
    """Every name of every installed font family that has a glyph for each character of
    `text` (fontconfig, which Chromium on Linux picks its fonts from)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fc-list (fontconfig) is needed to know which fonts cover Chinese")
    charset = " ".join(f"{ord(char):x}" for char in sorted(set(text)))
    listed = subprocess.run(
        [fc_list, f":charset={charset}", "family"], capture_output=True, text=True, check=True
    )
    # One line per font, its family's names in several languages separated by commas.
    return {name.strip() for line in listed.stdout.splitlines() for name in line.split(",")}


async def test_chinese_renders_with_a_cjk_font(new_page: NewPage) -> None:
    # Whichever CJK font the machine has (WenQuanYi in CI, Noto Sans CJK on many desktops):
    # every character must be drawn by a font that has its glyph, none as a fallback's
    # missing-glyph box.
    text = "物资需求与住宿登记"
    page = await new_page()
    await page.set_content(document(f"<main><h1>{text}</h1></main>"))
    assert await page.locator("h1").inner_text() == text
    drawn = await platform_fonts(page, "h1")
    covering = families_covering(text)
    assert covering, "no installed font covers Chinese: install fonts-wqy-zenhei"
    assert sum(drawn.values()) == len(text), drawn
    assert set(drawn) <= covering, (
        f"Chinese drawn with {drawn}, but only {sorted(covering)} have its glyphs"
    )


async def test_contexts_default_to_chinese_in_shanghai(new_page: NewPage) -> None:
    page = await new_page()
    seen = await page.evaluate(
        """() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone,
                  window.innerWidth, window.innerHeight, navigator.maxTouchPoints > 0]"""
    )
    assert seen == ["zh-CN", "Asia/Shanghai", 1280, 800, False]


async def test_phone_contexts_are_small_touch_screens(new_page: NewPage) -> None:
    page = await new_page(phone=True)
    await page.set_content(document("<p>手机</p>"))
    seen = await page.evaluate(
        """() => [window.innerWidth, window.innerHeight, navigator.maxTouchPoints > 0,
                  matchMedia("(pointer: coarse)").matches]"""
    )
    assert seen == [360, 740, True, True]


async def test_contexts_take_other_options(new_context: NewContext) -> None:
    context = await new_context(locale="en-GB", viewport={"width": 800, "height": 600})
    page = await context.new_page()
    assert await page.evaluate("() => [navigator.language, window.innerWidth]") == ["en-GB", 800]


async def test_axe_reports_an_image_without_alt(new_page: NewPage) -> None:
    page = await new_page()
    await page.set_content(UNLABELLED_IMAGE)
    violations = await axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], violations
    assert violations[0]["impact"] == "critical"
    assert violations[0]["nodes"][0]["target"] == ["img"]


async def test_axe_passes_a_clean_page(new_page: NewPage) -> None:
    page = await new_page()
    await page.set_content(
        document('<main><h1>物资需求</h1><img src="data:," alt="一箱饮用水"></main>')
    )
    assert await axe_violations(page) == []


async def test_axe_works_under_a_strict_content_security_policy(new_page: NewPage) -> None:
    page = await new_page()
    async with static_site() as base:
        response = await page.goto(f"{base}/strict")
        assert response is not None
        assert response.headers["content-security-policy"] == STRICT_CSP
        # The policy is in force: the page's inline script did not run, and an inline
        # <script> added by Playwright is refused too ...
        assert await page.title() == "测试"
        with pytest.raises(Exception, match="Content Security Policy"):
            await page.add_script_tag(content="window.injected = true")
        # ... yet axe, going in through page.evaluate, runs and finds the missing alt text.
        violations = await axe_violations(page)
    assert [v["id"] for v in violations] == ["image-alt"], violations


async def test_axe_can_be_run_twice_on_a_page(new_page: NewPage) -> None:
    page = await new_page()
    await page.set_content(UNLABELLED_IMAGE)
    await axe_violations(page)
    await page.evaluate("() => document.querySelector('img').alt = '图'")
    assert await axe_violations(page) == []


async def test_horizontal_scroll_on_a_phone(new_page: NewPage) -> None:
    page = await new_page(phone=True)
    await page.set_content(document('<main><p>适合手机</p><img src="data:," alt="图"></main>'))
    assert await no_horizontal_scroll(page)
    await page.set_content(document('<main><table style="width: 600px"><tr><td>宽</td></table>'))
    assert not await no_horizontal_scroll(page)


async def test_phone_pages_zoomed_out_to_fit_do_not_pass(new_page: NewPage) -> None:
    # Without initial-scale=1 a phone zooms out to show content that is too wide, and
    # innerWidth grows with it: scrollWidth <= innerWidth alone would pass this page.
    page = await new_page(phone=True)
    head = '<meta name="viewport" content="width=device-width">'
    await page.set_content(
        document('<table style="width: 600px"><tr><td>宽</td></table>', head=head)
    )
    assert await page.evaluate("() => window.innerWidth > 360")
    assert not await no_horizontal_scroll(page)
    # Without a viewport meta tag at all the page is laid out 980 px wide and shrunk.
    page = await new_page(phone=True)
    await page.set_content(document("<p>窄</p>", head=""))
    assert await page.evaluate("() => document.documentElement.scrollWidth") == 980
    assert not await no_horizontal_scroll(page)


async def test_horizontal_scroll_on_a_desktop(new_page: NewPage) -> None:
    page = await new_page()
    await page.set_content(document('<div style="width: 1200px">宽</div>'))
    assert await no_horizontal_scroll(page)
    await page.set_content(document('<div style="width: 1400px">更宽</div>'))
    assert not await no_horizontal_scroll(page)


async def test_screenshots_only_when_asked(
    new_page: NewPage, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(web, "SCREENSHOTS", tmp_path / "screenshots")
    page = await new_page(phone=True)
    await page.set_content(document("<h1>截图</h1>"))
    monkeypatch.delenv("HUB_SCREENSHOTS", raising=False)
    assert await screenshot(page, "harness") is None
    assert not (tmp_path / "screenshots").exists()
    monkeypatch.setenv("HUB_SCREENSHOTS", "1")
    path = await screenshot(page, "harness")
    assert path == tmp_path / "screenshots" / "harness.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_the_browser_reaches_a_served_hub(live_server: LiveServer, new_page: NewPage) -> None:
    page = await new_page()
    response = await page.goto(f"{live_server.http_url}/healthz")
    assert response is not None
    assert response.status == 200
