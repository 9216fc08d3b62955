"""The Office and Settings pages in the real Chromium: a refused value is shown in Vietnamese with what was typed,
a corrected one is saved and shown; the office's name changes in the page header at once. No console errors (a
CSP violation would show there); screenshots docs/screenshots/admin-settings.png, admin-settings-refused.png and
admin-office.png (with MOTCUA_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest
from aiohttp import web
from playwright.async_api import Browser, expect

from server.keys import OFFICE_SETTINGS
from tests.browser.conftest import shot
from tests.browser.test_admin_printers_voice import signed_in

pytestmark = pytest.mark.browser


async def test_queue_policy_refused_then_saved_on_the_settings_page(base: str, browser: Browser,
                                                                   app: web.Application) -> None:
    page, problems = await signed_in(browser, base)
    await page.goto(base + "/admin/settings")
    await expect(page.locator("h1")).to_contain_text("Cài đặt")
    queue = page.locator("#queue")
    await queue.locator("input[name=priority_burst]").fill("0")
    await queue.locator("button[type=submit]").click()
    await expect(page.locator(".notice.bad")).to_contain_text("Số vé ưu tiên gọi liên tiếp: phải từ 1 trở lên")
    await expect(page.locator("#queue input[name=priority_burst]")).to_have_value("0")
    await shot(page, "admin-settings-refused")
    await page.locator("#queue input[name=priority_burst]").fill("3")
    await page.locator("#queue button[type=submit]").click()
    await expect(page.locator(".notice.ok")).to_be_visible()
    await expect(page.locator("#queue input[name=priority_burst]")).to_have_value("3")
    assert app[OFFICE_SETTINGS].current.queue.priority_burst == 3
    await page.locator("#sync input[name=hub_url]").fill("http://127.0.0.1:9")
    await page.locator("#sync input[name=key]").fill("khoa-trung-tam")
    await page.locator("#sync button[type=submit]").click()
    await expect(page.locator("#sync-behind")).to_be_visible()
    await shot(page, "admin-settings")
    await page.locator("#appointments input[name=max_active_per_phone]").fill("2")
    await page.locator("#appointments button[type=submit]").click()
    await expect(page.locator("#appointments input[name=max_active_per_phone]")).to_have_value("2")
    assert app[OFFICE_SETTINGS].current.appointments.max_active_per_phone == 2  # applied, no restart
    await page.locator("#appointments").evaluate("e => e.scrollIntoView()")
    await shot(page, "admin-settings-bookings-steps")
    assert problems == [f"422 {base}/admin/settings/queue"]  # the refused form's answer, and nothing else


async def test_the_office_page_renames_the_office_at_once(base: str, browser: Browser) -> None:
    page, problems = await signed_in(browser, base)
    await page.goto(base + "/admin/office")
    await page.fill("input[name=name]", "Trung tâm Phục vụ hành chính công xã Hoài Thanh")
    await page.fill("input[name=hotline]", "0256 3 888 999")
    await page.fill("input[name=public_url]", "http://192.168.1.20:8080")
    await page.fill("input[name=slip_footer]", "Cảm ơn quý khách đã đến làm thủ tục")
    await page.locator("#office button[type=submit]").click()
    await expect(page.locator(".notice.ok")).to_be_visible()
    await expect(page.locator("header .office")).to_have_text("Trung tâm Phục vụ hành chính công xã Hoài Thanh")
    await shot(page, "admin-office")
    assert problems == []
