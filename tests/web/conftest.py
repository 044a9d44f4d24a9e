"""Browser test setup: Debian's headless Chromium driven by Playwright, against real servers.

Playwright never downloads a browser here (`playwright install` is not to be run): it drives
/usr/bin/chromium, which scripts/test-services installs with fonts-wqy-zenhei (without a CJK
font Chinese renders as boxes). Where either Chromium or the playwright package is missing the
browser tests are skipped, saying why.

Fixtures: `browser` (one per session), `new_context(...)` and `new_page(...)` (factories; what
they make is closed after the test), `live_server` (the test's hub served on a loopback
port, as in tests/live).
Helpers to import: `axe_violations(page)`, `no_horizontal_scroll(page)`, `screenshot(page, name)`.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from hub.settings import Settings
from tests.live.conftest import LiveServer, serving

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    # Chromium's sandbox cannot start as root (the tests run as root here and in CI).
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling Google's services, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Shared memory is small in many containers; Chromium then crashes on big pages.
    "--disable-dev-shm-usage",
)
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}
LOCALE = "zh-CN"
TIMEZONE = "Asia/Shanghai"

VENDOR = Path(__file__).parent / "vendor"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The impacts a page test fails on; axe's "minor" and "moderate" are advice.
BLOCKING_IMPACTS = ("serious", "critical")


def _skip_without_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM} on this machine (scripts/test-services installs chromium)")


class _Chromium:
    """The session's Chromium, launched again if it died: a crash then fails the test it
    happened in, not every browser test after it (headless Chromium has crashed now and then
    on this machine, with nothing in its logs)."""

    def __init__(self, playwright: Playwright) -> None:
        self._playwright = playwright
        self._browser: Browser | None = None
        self.crashes = 0

    async def current(self) -> Browser:
        if self._browser is not None and not self._browser.is_connected():
            self.crashes += 1
            died = f"Chromium died during an earlier test ({self.crashes}); relaunched"
            warnings.warn(died, stacklevel=2)
            self._browser = None
        if self._browser is None:
            self._browser = await self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
            )
        return self._browser

    async def close(self) -> None:
        if self._browser is not None and self._browser.is_connected():
            await self._browser.close()


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[_Chromium]:
    """Headless Chromium for the whole session (each test gets its own contexts)."""
    _skip_without_chromium()
    try:
        from playwright.async_api import async_playwright
    except ImportError as error:
        pytest.skip(f"cannot import playwright ({error}): run scripts/bootstrap")
    async with async_playwright() as playwright:
        launcher = _Chromium(playwright)
        try:
            yield launcher
        finally:
            await launcher.close()


@pytest.fixture
async def browser(chromium: _Chromium) -> Browser:
    """The session's Chromium, alive (launched again after a crash)."""
    return await chromium.current()


class NewContext(Protocol):
    def __call__(
        self,
        *,
        phone: bool = False,
        viewport: ViewportSize | None = None,
        locale: str = LOCALE,
        timezone_id: str = TIMEZONE,
        **options: Any,
    ) -> Awaitable[BrowserContext]: ...


class NewPage(Protocol):
    def __call__(
        self,
        *,
        phone: bool = False,
        viewport: ViewportSize | None = None,
        locale: str = LOCALE,
        timezone_id: str = TIMEZONE,
        **options: Any,
    ) -> Awaitable[Page]: ...


@pytest.fixture
async def new_context(browser: Browser) -> AsyncIterator[NewContext]:
    """Makes browser contexts (fresh cookies and storage each), closed after the test.

    Desktop 1280x800 unless `phone=True` (360x740, is_mobile, has_touch) or a `viewport` is
    given; zh-CN in Asia/Shanghai unless told otherwise. Other keywords go to
    Browser.new_context as they are (e.g. `extra_http_headers`, `color_scheme`).
    """
    contexts: list[BrowserContext] = []

    async def make(
        *,
        phone: bool = False,
        viewport: ViewportSize | None = None,
        locale: str = LOCALE,
        timezone_id: str = TIMEZONE,
        **options: Any,
    ) -> BrowserContext:
        if phone:
            options.setdefault("is_mobile", True)
            options.setdefault("has_touch", True)
        context = await browser.new_context(
            viewport=viewport or (PHONE if phone else DESKTOP),
            locale=locale,
            timezone_id=timezone_id,
            **options,
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        if browser.is_connected():  # a crashed browser took its contexts with it
            await context.close()


@pytest.fixture
def new_page(new_context: NewContext) -> NewPage:
    """Makes a page in a context of its own; takes new_context's keywords."""

    async def make(**options: Any) -> Page:
        context = await new_context(**options)
        return await context.new_page()

    return make


@pytest.fixture
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """The test's hub (a fresh database) served on a loopback port: `live_server.http_url`."""
    async with serving(settings) as live:
        yield live


@functools.cache
def _axe_source() -> str:
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


async def axe_violations(
    page: Page, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS
) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, of the given impacts (serious and
    critical by default): each {id, impact, help, helpUrl, nodes: [{target, html,
    failureSummary}]}.

    axe goes in through page.evaluate (DevTools' Runtime.evaluate), which a page's
    Content-Security-Policy does not govern; page.add_script_tag(content=...) would add an
    inline <script> that `script-src 'self'` blocks. So the hub's pages are checked under their
    real policy, with no bypass_csp.
    """
    results: list[dict[str, Any]] = await page.evaluate(
        _axe_source()
        + """
;(async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target,
      html: n.html,
      failureSummary: n.failureSummary,
    })),
  }));
})()"""
    )
    return [violation for violation in results if violation["impact"] in impacts]


async def no_horizontal_scroll(page: Page) -> bool:
    """Whether the page fits the width of the context's viewport (nothing to scroll sideways).

    `scrollWidth <= innerWidth` alone is not enough on a phone (is_mobile): where the page's
    viewport meta tag lacks initial-scale=1, Chromium zooms out to show content that is too
    wide, and innerWidth grows with it (a 600 px table on a 360 px phone: both 608); with no
    viewport meta tag at all the page is laid out 980 px wide. Both are failures here.
    """
    size = page.viewport_size
    fits: bool = await page.evaluate(
        """(width) => document.documentElement.scrollWidth
            <= Math.min(window.innerWidth, width ?? window.innerWidth)""",
        size["width"] if size else None,
    )
    return fits


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path | None:
    """Saves docs/screenshots/<name>.png, only when HUB_SCREENSHOTS=1 (so ordinary test runs
    leave the checked-in pictures alone); returns the file written, if any."""
    if os.environ.get("HUB_SCREENSHOTS") != "1":
        return None
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=path, full_page=full_page)
    return path
