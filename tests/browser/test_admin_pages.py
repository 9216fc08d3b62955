"""The admin pages in the real Chromium: sign in, edit a counter's services, see the devices' health.
No console errors (a CSP violation would show there); screenshots for docs/screenshots/admin-*.png."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, expect

from server.ops.devices import TRACKER
from tests.browser.conftest import SHOTS, new_page
from tests.conftest import DISPLAY, KIOSK

pytestmark = pytest.mark.browser


async def test_admin_signs_in_edits_a_counter_and_sees_a_silent_tv(base: str, browser: Browser,
                                                                   app: web.Application) -> None:
    async with aiohttp.ClientSession() as s:  # the kiosk and the TV have been heard from
        for h in (KIOSK, DISPLAY):
            async with s.get(base + "/api/office", headers=h) as r:
                assert r.status == 200
    await app[TRACKER].flush()
    page = await new_page(browser, 1280, 860, locale="vi-VN")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    await page.goto(base + "/admin/counters/2")
    await expect(page).to_have_url(base + "/admin/login?next=/admin/counters/2")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "admin-demo")
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_contain_text("Quầy")
    await page.check("input[name=field_ids][value='1']")
    await page.click("form.card button[type=submit]")
    await expect(page.locator(".notice.ok")).to_contain_text("Đã lưu")
    await page.goto(base + "/admin/procedures")
    await expect(page.locator("table.list tbody tr")).to_have_count(25)
    await page.screenshot(path=str(SHOTS / "admin-procedures.png"), full_page=False)
    await page.goto(base + "/admin/devices")
    rows = page.locator("table.list").first.locator("tbody tr")
    await expect(rows.filter(has_text="kiosk-1")).to_contain_text("Trực tuyến")
    await expect(rows.filter(has_text="rate-4")).to_contain_text("Mất liên lạc")
    services = page.locator("table.list").nth(1)
    await expect(services).to_contain_text("Giọng đọc")  # labelled lines, not a part's raw dict
    assert "{" not in await services.inner_text()
    await page.screenshot(path=str(SHOTS / "admin-devices.png"), full_page=True)
    assert not problems, problems


# What the admin's frame and overview said in English beside every Vietnamese label.
OLD_ENGLISH_IN_ADMIN = ("Administration", "Sign out", "Overview", "Staff accounts", "Audit log",
                        "Every change is written", "Devices")


async def test_the_admin_is_vietnamese_and_its_switch_shows_english(base: str, browser: Browser) -> None:
    page = await new_page(browser, 1366, 768, locale="vi-VN")
    await page.goto(base + "/admin")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "admin-demo")
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Tổng quan")
    shown = await page.locator("body").inner_text()
    assert [w for w in OLD_ENGLISH_IN_ADMIN if w in shown] == []
    await page.screenshot(path=str(SHOTS / "admin-overview.png"))
    await page.click("a.lang-switch")
    await expect(page.locator("h1")).to_have_text("Overview")
    shown = await page.locator("body").inner_text()
    assert "Sign out" in shown and "Staff accounts" in shown and "Đăng xuất" not in shown
    await page.click("a.lang-switch")  # and back
    await expect(page.locator("h1")).to_have_text("Tổng quan")
