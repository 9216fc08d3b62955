"""Booking on /book in the real Chromium, checking in at the kiosk page with the code (its on-screen keyboard),
and being called at the slot: the counter's "call next" gets the booked ticket ahead of earlier walk-ins."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, expect

from server.config import Config
from server.domain.clock import FakeClock
from tests.browser.conftest import SHOTS, new_page
from tests.conftest import KIOSK, MONDAY_9AM, make_config, use_demo_db
from tests.remote import call, sign_in, staff_at

pytestmark = pytest.mark.browser
BIRTH = 1  # Đăng ký khai sinh, served at counters 3 and 4


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, voice={"enabled": False}, office={"hotline": "1900 1234"})


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], app: web.Application, config: Config,
               template_dir: Path) -> str:
    use_demo_db(config, template_dir)
    server = await aiohttp_server(app)
    return str(server.make_url("/")).rstrip("/")


async def test_book_check_in_at_the_kiosk_and_be_called_at_the_slot(base: str, browser: Browser,
                                                                   clock: FakeClock) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        admin = await sign_in(http, base, "admin")
        await call(http, "POST", f"{base}/api/appointments/slots", {
            "procedure_id": BIRTH, "day_from": "2026-11-26", "day_to": "2026-11-27", "start": "09:00",
            "end": "10:30", "length_min": 30, "capacity": 2}, admin)

        page = await new_page(browser, 760, 1200)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith(("/favicon.ico", "/api/appointments")) else None)
        await page.goto(f"{base}/book")
        await expect(page.locator("#proc option")).to_have_text(["Đăng ký khai sinh"])
        await page.get_by_role("button", name="T5 26/11").click()
        await page.get_by_role("button", name="09:00–09:30 còn 2 chỗ").click()
        await page.fill("#name", "Nguyễn Văn An")
        await page.fill("#phone", "0912345123")
        await page.click("#submit")
        await expect(page.locator("#book-note")).to_contain_text("đồng ý")  # consent first, then nothing is sent
        await page.check("#consent")
        await expect(page.locator("#book-note")).to_be_hidden()
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / "booking-form.png"), full_page=True)
        await page.click("#submit")
        await expect(page.locator("#done-code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
        code = await page.locator("#done-code").text_content()
        assert code
        await expect(page.locator("#done-name")).to_have_text("Nguyễn V*** A")
        await expect(page.locator("#done-when")).to_have_text("09:00–09:30 T5 26/11/2026")
        await expect(page.locator("#done-qr")).to_have_js_property("complete", True)
        assert await page.locator("#done-qr").evaluate("img => img.naturalWidth") > 0
        await page.screenshot(path=str(SHOTS / "booking-done.png"), full_page=True)
        assert not errors, errors

        # Thursday: two walk-ins take tickets first, then the booked citizen checks in at the kiosk.
        clock.set(MONDAY_9AM.replace(day=26, hour=8, minute=30))
        walk_ins = [await call(http, "POST", f"{base}/api/tickets", {"procedure_id": BIRTH}, KIOSK) for _ in range(2)]
        clock.set(MONDAY_9AM.replace(day=26, hour=8, minute=52))
        kiosk = await new_page(browser, 1080, 1920)
        await kiosk.goto(f"{base}/kiosk?device=demo-kiosk-1")
        await kiosk.click("#open-appt")
        for ch in code:
            await kiosk.locator(f'#appt-keys [data-key="{ch}"]').click()
        await kiosk.click("#appt-submit")
        await expect(kiosk.locator("#ticket-number")).to_have_text("1003")

        staff = await staff_at(http, base, 3)
        first = (await call(http, "POST", f"{base}/api/counters/3/call-next", {}, staff))["ticket"]
        assert first["number"] == "1003" and first["appointment"] is True
        assert first["slot_at"] == MONDAY_9AM.replace(day=26).timestamp()
        await call(http, "POST", f"{base}/api/counters/3/tickets/{first['id']}/start", {}, staff)
        await call(http, "POST", f"{base}/api/counters/3/tickets/{first['id']}/finish",
                   {"outcome": "guidance_only"}, staff)
        second = (await call(http, "POST", f"{base}/api/counters/3/call-next", {}, staff))["ticket"]
        assert second["id"] == walk_ins[0]["id"]  # the walk-in is next: appointments never starve walk-ins

        # The booking page now shows the booking as checked in, looked up by code and phone.
        await page.click("#again")
        await page.fill("#m-code", code.lower())
        await page.fill("#m-phone", "0912 345 123")
        await page.get_by_role("button", name="Tra cứu").click()
        await expect(page.locator("#f-status")).to_have_text("Đã lấy số")
        await expect(page.locator("#f-cancel")).to_be_hidden()
