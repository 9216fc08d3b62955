"""The printers and voice pages in the real Chromium: add the emulator as a network printer through the form, see
it ready and print its test slip; on the voice page "Nghe thử" gives an <audio> element the browser can play.
No console errors (a CSP violation would show there); screenshots docs/screenshots/admin-printers.png and
admin-voice.png (with MOTCUA_SCREENSHOTS=1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, expect

from printers.emulator.server import PrinterEmulator
from printers.service import service_of
from tests.browser.conftest import new_page, shot
from tests.conftest import MONDAY_9AM, seed

pytestmark = pytest.mark.browser


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], app: web.Application) -> str:
    service_of(app).worker_options = {"max_attempts": 2, "backoff_s": (0.05,), "probe_interval_s": 0.5}
    server = await aiohttp_server(app)
    await seed(app, MONDAY_9AM.timestamp())
    return str(server.make_url("/")).rstrip("/")


async def signed_in(browser: Browser, base: str) -> tuple[Page, list[str]]:
    page = await new_page(browser, 1366, 768, locale="vi-VN")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    await page.goto(base + "/admin/login")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "admin-demo")
    await page.click("button[type=submit]")
    await expect(page.locator("nav.side")).to_be_visible()
    return page, problems


async def test_admin_adds_a_network_printer_assigns_the_kiosk_and_prints_a_test_slip(
    base: str, browser: Browser, emulator: PrinterEmulator
) -> None:
    page, problems = await signed_in(browser, base)
    await page.click("nav.side >> text=Máy in")
    await expect(page.locator("h1")).to_have_text("Máy in phiếu")
    await page.fill("input[name=id]", "sanh")
    await page.select_option("select[name=kind]", "network")
    await page.fill("input[name=host]", "127.0.0.1")
    await page.fill("input[name=port]", str(emulator.port))
    await page.check("input[name=kiosk_ids][value=kiosk-1]")
    await page.click("#printer-form button[type=submit]")
    row = page.locator("tr[data-printer=sanh]")
    await expect(row).to_contain_text("Sẵn sàng")
    await expect(row).to_contain_text("Ki-ốt sảnh chính")
    await row.locator("text=In thử").click()
    await expect(page.locator(".notice.ok")).to_contain_text("Đã gửi phiếu in thử tới máy in sanh")
    await emulator.wait_for_tickets(1)
    await shot(page, "admin-printers")
    assert problems == []


async def test_listen_plays_the_sample_call_in_the_admins_browser(base: str, browser: Browser) -> None:
    page, problems = await signed_in(browser, base)
    await page.goto(base + "/admin/voice")
    await expect(page.locator("h1")).to_have_text("Giọng đọc gọi số")
    await page.select_option("select[name=voice]", "south")
    await page.fill("input[name=rate]", "170")
    await page.click("text=Nghe thử >> nth=-1")
    audio = page.locator("audio")
    await expect(audio).to_be_attached()
    await expect(page.locator("select[name=voice]")).to_have_value("south")  # what was chosen stays, unsaved
    # The browser fetched and decoded the WAV: it knows its length.
    await page.wait_for_function("() => document.querySelector('audio').duration > 1")
    await shot(page, "admin-voice")
    assert problems == []
