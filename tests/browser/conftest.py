"""One way to start Debian's Chromium for every browser test, and the small page helpers they share.

The `browser` fixture is function-scoped on purpose: pytest-asyncio here gives each test its own event loop
(`asyncio_default_fixture_loop_scope = "function"`), and a Playwright browser is bound to the loop that launched
it. A module-scoped browser would need module-scoped loops for the test and for pytest-aiohttp's server
fixtures too, which the rest of the suite does not use. A module that needs other switches overrides
`browser_args` (the hall TV plays sound without a tap: `AUTOPLAY`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import MONDAY_9AM, seed

CHROMIUM = "/usr/bin/chromium"  # Debian's; `playwright install` is never run here
ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking")
AUTOPLAY = "--autoplay-policy=no-user-gesture-required"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# A loaded CI machine: every wait is on a condition, never a sleep. (expect's options are global to the process,
# so this one line says what every browser test gets.)
expect.set_options(timeout=15_000)


@asynccontextmanager
async def launch(*extra_args: str) -> AsyncIterator[Browser]:
    """Headless Chromium with the project's switches plus `extra_args`; closed on the way out."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*ARGS, *extra_args])
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
def browser_args() -> tuple[str, ...]:
    """Extra Chromium switches for the tests of one module; override it there (e.g. `(AUTOPLAY,)`)."""
    return ()


@pytest.fixture
async def browser(browser_args: tuple[str, ...]) -> AsyncIterator[Browser]:
    async with launch(*browser_args) as b:
        yield b


async def new_page(browser: Browser, width: int, height: int, **options: Any) -> Page:
    """A page in a context of its own (its own cookies and storage: one person or one device) of that size.

    `options` go to `Browser.new_page` (locale, is_mobile, device_scale_factor, ...)."""
    return await browser.new_page(viewport={"width": width, "height": height}, **options)


def record_errors(page: Page) -> list[str]:
    """Collect the page's uncaught script errors (also as `page.errors`) so a test can assert there were none."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors  # type: ignore[attr-defined]
    return errors


async def shot(page: Page, name: str) -> None:
    """Refresh docs/screenshots/<name>.png when MOTCUA_SCREENSHOTS is set (the docs' pictures, not a check)."""
    if os.environ.get("MOTCUA_SCREENSHOTS"):
        await page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], app: web.Application) -> str:
    """The seeded demo office served on a free port, as its base URL (a module may define its own)."""
    server = await aiohttp_server(app)
    await seed(app, MONDAY_9AM.timestamp())
    return str(server.make_url("/")).rstrip("/")
