"""Pairing in the real Chromium: a TV opened fresh shows a code, the admin (another browser) types it, and the TV
switches to the hall display by itself; a later layout change reloads the TV at once. A kiosk paired the same
way takes a ticket with its cookie (its writes carry the page's CSRF token). Screenshots when MOTCUA_SCREENSHOTS
is set: the pairing screen (TV 1920x1080) and the admin's dialog (1366x768)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import new_page, record_errors, shot
from tests.browser.test_kiosk import take_ticket

pytestmark = pytest.mark.browser


async def admin_page(browser: Browser, base: str) -> Page:
    page = await new_page(browser, 1366, 768, locale="vi-VN")
    record_errors(page)
    await page.goto(base + "/admin/login?next=/admin/devices")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "admin-demo")
    await page.click("button[type=submit]")
    await expect(page.locator("input[name=pair]")).to_be_visible()
    return page


async def code_on(screen: Page) -> str:
    code = screen.locator("#code")
    await expect(code).to_have_text(re.compile(r"^[A-Z2-9]{3} [A-Z2-9]{3}$"))
    return await code.get_attribute("data-code") or ""


async def test_a_fresh_tv_shows_a_code_the_admin_pairs_it_and_it_opens_the_hall_by_itself(
        browser: Browser, base: str) -> None:
    tv = await new_page(browser, 1920, 1080)
    tv_errors = record_errors(tv)
    await tv.goto(base + "/display")
    await expect(tv).to_have_url(base + "/pair?for=display")
    code = await code_on(tv)
    await expect(tv.locator("img[alt=QR]")).to_be_visible()
    await expect(tv.locator("#status")).to_have_text("Đang chờ ghép nối…")
    await shot(tv, "pair-screen-tv-1920x1080")

    admin = await admin_page(browser, base)
    await admin.fill("input[name=pair]", f"{code[:3].lower()} {code[3:].lower()}")  # typed as people type
    await admin.click(".pair-form button[type=submit]")
    await expect(admin.locator("#pair-code")).to_have_text(f"{code[:3]} {code[3:]}")
    await expect(admin.locator("input[name=kind][value=display]")).to_be_checked()  # what the TV was opened as
    await expect(admin.locator("input[name=counters]").first).to_be_hidden()  # the hall needs no counters
    await expect(admin.locator("select[name=counter_id]")).to_be_hidden()  # a rating tablet's field
    await admin.fill("input[name=name]", "TV sảnh chính")
    await shot(admin, "admin-pair-dialog")
    await admin.click("form.screen-form button[type=submit]")
    await expect(admin.locator("#paired")).to_contain_text("Đã ghép nối TV sảnh chính (tv-1)")

    await expect(tv).to_have_url(base + "/display")  # by itself: the page polled and went
    await tv.wait_for_function("() => window.motcuaDisplay && window.motcuaDisplay.snapshots >= 1")
    await expect(tv.locator("body")).to_have_attribute("data-layout", "hall")
    load = await tv.evaluate("window.motcuaDisplay.loadId")

    # the admin puts it above counter 2 only: the TV reloads its view at once
    await admin.goto(base + "/admin/devices/tv-1/screen")
    await admin.check("input[name=layout][value=counter]")
    await admin.select_option("select[name=single_counter]", "2")
    await admin.click("form.screen-form button[type=submit]")
    await expect(admin.locator(".notice.ok")).to_be_visible()
    await expect(tv.locator("body")).to_have_attribute("data-counters", "2")
    await expect(tv.locator("body")).to_have_attribute("data-layout", "group")
    await tv.wait_for_function("(old) => window.motcuaDisplay && window.motcuaDisplay.loadId !== old", arg=load)
    assert tv_errors == [] and admin.errors == []  # type: ignore[attr-defined]


async def test_a_kiosk_paired_by_code_takes_a_ticket_with_its_cookie(browser: Browser, base: str) -> None:
    kiosk = await new_page(browser, 1080, 1920)
    errors = record_errors(kiosk)
    await kiosk.goto(base + "/kiosk")
    code = await code_on(kiosk)
    admin = await admin_page(browser, base)
    await admin.goto(f"{base}/admin/devices/pair/{code}")  # as the QR code opens it
    await expect(admin.locator("input[name=kind][value=kiosk]")).to_be_checked()
    await expect(admin.locator("fieldset.for-display")).to_be_hidden()
    await admin.fill("input[name=name]", "Ki-ốt cửa phụ")
    await admin.click("form.screen-form button[type=submit]")
    await expect(admin.locator("#paired")).to_contain_text("kiosk-2")
    await expect(kiosk).to_have_url(base + "/kiosk")
    await expect(kiosk.locator(".field").first).to_be_visible()
    assert await take_ticket(kiosk)
    assert errors == []
