"""The kiosk in real Chromium against the real server and the TCP printer emulator: a citizen taps through and the
printer prints their number; the printer is down and the number still shows and stays queued; idle reset, English,
a lost server, throttling. Set MOTCUA_SCREENSHOTS=1 to refresh docs/screenshots/kiosk-*.png while the tests run."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from printers.emulator.readback import read_number
from printers.emulator.server import PrinterEmulator
from printers.service import service_of
from server.app import create_app
from server.config import Config, from_dict
from server.domain.clock import FakeClock
from tests.browser.conftest import SHOTS, new_page, record_errors, shot
from tests.conftest import MONDAY_9AM, seed
from tests.printers.test_printer_emulator import needs_tesseract
from tests.remote import sign_in

pytestmark = pytest.mark.browser
FAST_PRINTER = {"max_attempts": 2, "backoff_s": (0.05,), "probe_interval_s": 0.5}
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@dataclass
class Hall:
    app: web.Application
    server: TestServer
    config: Config

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def call(self, method: str, path: str, user: str | None = None, json: Any = None,
                   device: str | None = None) -> tuple[int, Any]:
        """The API as staff (signed in as `user`) or a device would call it: a separate HTTP client, not the page."""
        async with aiohttp.ClientSession() as http:
            headers = {"Authorization": f"Bearer {device}"} if device else {}
            if user:
                headers = await sign_in(http, self.url, user)
            async with http.request(method, self.url + path, json=json, headers=headers) as r:
                return r.status, await r.json()


MakeHall = Callable[..., Awaitable[Hall]]


@pytest.fixture
def make_hall(aiohttp_server: Callable[..., Any], tmp_path: Path, emulator: PrinterEmulator) -> MakeHall:
    """The real app on a real port with printer "kiosk1" = the emulator; kiosk settings per test."""

    async def build(seeded: bool = True, port: int | None = None, **kiosk: Any) -> Hall:
        config = from_dict({
            "server": {"data_dir": str(tmp_path / "data")},
            "printers": [{"id": "kiosk1", "kind": "network", "host": "127.0.0.1", "port": emulator.port,
                          "timeout_s": 2}],
            "kiosk": kiosk,
        })
        app = create_app(config, clock=FakeClock(MONDAY_9AM))
        service_of(app).worker_options = FAST_PRINTER
        server = await aiohttp_server(app, port=port) if port else await aiohttp_server(app)
        if seeded:
            await seed(app, MONDAY_9AM.timestamp())
        return Hall(app, server, config)

    return build


async def open_kiosk(browser: Browser, hall: Hall, viewport: dict[str, int] = PORTRAIT) -> Page:
    page = await new_page(browser, viewport["width"], viewport["height"])
    record_errors(page)
    await page.goto(f"{hall.url}/kiosk?device=demo-kiosk-1")
    await expect(page.locator(".field").first).to_be_visible()
    return page


async def take_ticket(page: Page, field: str = "HT", procedure: int = 2, priority: str | None = None) -> str:
    """Tap as a citizen: field -> procedure -> priority question -> ticket; returns the number shown."""
    await page.click(f"[data-field={field}]")
    await page.click(f"[data-procedure='{procedure}']")
    await expect(page.locator("#screen-priority")).to_be_visible()
    await page.click(f"[data-priority={priority}]" if priority else "#no-priority")
    number = page.locator("#ticket-number")
    await expect(number).to_have_text(re.compile(r"^\d{4}$"))
    return await number.inner_text()


@needs_tesseract
async def test_citizen_taps_through_and_the_printer_prints_their_number(
    browser: Browser, make_hall: MakeHall, emulator: PrinterEmulator
) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await shot(page, "kiosk-start-portrait")
    await page.click("[data-field=HT]")
    await shot(page, "kiosk-procedures")
    await page.click("[data-procedure='2']")
    await expect(page.locator("#chosen-proc")).to_have_text("Đăng ký kết hôn")
    await shot(page, "kiosk-priority")
    await page.click("#no-priority")
    await expect(page.locator("#ticket-number")).to_have_text(re.compile(r"^\d{4}$"))
    number = await page.locator("#ticket-number").inner_text()
    await expect(page.locator("#ticket-proc")).to_have_text("Đăng ký kết hôn")
    await expect(page.locator("#ticket-ahead")).to_have_text("0")
    await expect(page.locator("#print-ok")).to_have_text("Mời bạn nhận vé ở khe bên dưới.")
    await expect(page.locator("#print-problem")).to_be_hidden()
    await expect(page.locator("#printer-line")).to_have_text("Máy in: sẵn sàng")
    await shot(page, "kiosk-ticket")
    (printed,) = await emulator.wait_for_tickets(1)
    assert read_number(printed.image) == number
    if os.environ.get("MOTCUA_SCREENSHOTS"):
        printed.image.save(SHOTS / "ticket-kiosk-printed.png")
    assert page.errors == []  # type: ignore[attr-defined]


@needs_tesseract
async def test_printer_down_shows_the_number_keeps_the_ticket_and_staff_reprint_it(
    browser: Browser, make_hall: MakeHall, emulator: PrinterEmulator
) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await emulator.stop()  # the printer's cable is pulled
    number = await take_ticket(page, priority="nguoi_cao_tuoi")
    notice = page.locator("#print-problem-vi")
    await expect(notice).to_have_text(f"Máy in đang gặp sự cố. Số của bạn là {number} — vui lòng báo cán bộ.")
    await expect(page.locator("#print-problem-en")).to_contain_text(f"Your number is {number}")
    await expect(page.locator("#printer-line")).to_have_text("Máy in: mất kết nối")
    await shot(page, "kiosk-printer-problem")
    status, queue = await hall.call("GET", "/api/queue", user="canbo3")
    assert status == 200
    queued = next(t for t in queue["tickets"] if t["number"] == number)
    assert queued["status"] == "waiting" and queued["priority"] == "nguoi_cao_tuoi"

    await emulator.start()  # plugged back in, same port
    status, answer = await hall.call("POST", f"/api/tickets/{queued['id']}/reprint", user="canbo3", json={})
    assert status == 200, answer
    (printed,) = await emulator.wait_for_tickets(1)
    assert read_number(printed.image) == number
    assert page.errors == []  # type: ignore[attr-defined]


async def test_english_switch_then_idle_resets_to_vietnamese_start(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall(idle_reset_s=2)
    page = await open_kiosk(browser, hall, LANDSCAPE)
    await shot(page, "kiosk-start-landscape")
    await page.click("#lang")
    await expect(page.locator("#screen-start h1")).to_have_text("Please choose a field")
    await expect(page.locator("[data-field=HT] .name")).to_have_text("Civil status")
    await page.click("[data-field=HT]")
    await expect(page.locator("[data-procedure='2'] .name")).to_have_text("Marriage registration")
    await expect(page.locator("#lang")).to_have_text("Tiếng Việt")
    # Nobody touches the screen: it goes back to the start, in Vietnamese.
    await expect(page.locator("#screen-start")).to_be_visible(timeout=8000)
    await expect(page.locator("#screen-start h1")).to_have_text("Xin mời chọn lĩnh vực")
    await expect(page.locator("#screen-procs")).to_be_hidden()


async def test_ticket_screen_in_english(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await page.click("#lang")
    await take_ticket(page, "CT", 10)
    await expect(page.locator("#screen-ticket .ticket-label")).to_have_text("Your number")
    await expect(page.locator("#ticket-proc")).to_have_text("Certified copy from the original")
    await expect(page.locator("#print-ok")).to_have_text("Please take your ticket from the slot below.")


async def test_search_without_diacritics_then_ticket(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await page.click("#open-search")
    for key in ["K", "E", "T", "key_space", "H", "O", "N"]:
        await page.click(f"#search-keys [data-key='{key}']")
    await expect(page.locator("#search-typed")).to_have_text("ket hon")
    first = page.locator("#search-results .proc").first
    await expect(first.locator(".name")).to_have_text("Đăng ký kết hôn")
    await shot(page, "kiosk-search")
    await first.click()
    await page.click("#no-priority")
    await expect(page.locator("#ticket-proc")).to_have_text("Đăng ký kết hôn")


async def test_lost_server_shows_a_notice_and_recovers_without_reload(
    browser: Browser, make_hall: MakeHall
) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await page.evaluate("window.sameDocument = true")
    banner = page.locator("#conn-banner")
    await expect(banner).to_be_hidden()
    port = hall.server.port
    await hall.server.close()
    await expect(banner).to_be_visible(timeout=10000)
    await expect(banner).to_contain_text("Mất kết nối với máy chủ")
    await shot(page, "kiosk-offline")
    again = await make_hall(seeded=False, port=port)  # same database file, same port
    await expect(banner).to_be_hidden(timeout=15000)
    assert await page.evaluate("window.sameDocument") is True
    number = await take_ticket(page, "CT", 10)
    status, queue = await again.call("GET", "/api/queue", user="canbo1")
    assert number in [t["number"] for t in queue["tickets"]]
    assert page.errors == []  # type: ignore[attr-defined]


async def test_issue_buttons_wait_while_busy_and_after_a_ticket(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall(cooldown_s=3)
    page = await open_kiosk(browser, hall)
    await take_ticket(page, "CT", 10)
    await page.click("#ticket-done")
    await page.click("[data-field=CT]")
    await page.click("[data-procedure='10']")
    button = page.locator("#no-priority")
    await expect(button).to_be_disabled()  # a second ticket right away is refused on the page
    await expect(button).to_be_enabled(timeout=8000)


async def test_too_many_requests_says_please_wait(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    body = {"error": {"code": "rate_limited", "message": "Bạn thao tác quá nhanh.", "message_en": "Too fast."}}
    await page.route("**/api/tickets", lambda route: route.fulfill(status=429, json=body))
    await page.click("[data-field=CT]")
    await page.click("[data-procedure='10']")
    await page.click("#no-priority")
    await expect(page.locator("#issue-note")).to_have_text("Vui lòng chờ giây lát")
    await expect(page.locator("#screen-priority")).to_be_visible()
    await expect(page.locator("#no-priority")).to_be_enabled(timeout=8000)


async def test_too_many_requests_waits_as_long_as_the_server_asks(browser: Browser, make_hall: MakeHall) -> None:
    """Retry-After: 20 keeps the button disabled past the old fixed 3 s and frees it after at most 10 s (a
    citizen may be next in line); the page's clock is moved by Playwright, not waited for."""
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await page.clock.install()
    body = {"error": {"code": "rate_limited", "message": "Bạn thao tác quá nhanh.", "message_en": "Too fast."}}
    await page.route("**/api/tickets",
                     lambda route: route.fulfill(status=429, json=body, headers={"Retry-After": "20"}))
    await page.click("[data-field=CT]")
    await page.click("[data-procedure='10']")
    await page.click("#no-priority")
    await expect(page.locator("#issue-note")).to_have_text("Vui lòng chờ giây lát")
    await page.clock.run_for(5_000)
    await expect(page.locator("#no-priority")).to_be_disabled()
    await page.clock.run_for(5_500)
    await expect(page.locator("#no-priority")).to_be_enabled()


async def test_unknown_appointment_code_gets_a_friendly_message(browser: Browser, make_hall: MakeHall) -> None:
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    await page.click("#open-appt")
    for key in "ACDEFG":
        await page.click(f"#appt-keys [data-key='{key}']")
    await expect(page.locator("#appt-typed")).to_have_text("ACDEFG")
    await shot(page, "kiosk-appointment")
    await page.click("#appt-submit")
    await expect(page.locator("#appt-note")).to_contain_text("Không tìm thấy lịch hẹn")
    await expect(page.locator("#screen-appt")).to_be_visible()
