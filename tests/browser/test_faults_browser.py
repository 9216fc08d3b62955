"""Faults with the kiosk and the hall TV open in real Chromium against a real `motcua serve` child process: the
server loses power (SIGKILL) and comes back while both pages stay open, and a prankster hammers the ticket button.
Set MOTCUA_SCREENSHOTS=1 to refresh docs/screenshots/display-offline.png and kiosk-please-wait.png."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, Page, Response, expect

from tests.browser.conftest import new_page, record_errors, shot
from tests.browser.test_display_page import READY, TV
from tests.browser.test_display_page import browser_args as browser_args  # noqa: F401 (with autoplay)
from tests.browser.test_kiosk import LANDSCAPE, PORTRAIT
from tests.procs import LOAD_TEST_SECURITY, ServerProcess, demo_server
from tests.remote import call, staff_at

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KIOSK_URL = "/kiosk?device=demo-kiosk-1"
MARK = "() => window.__loaded"


async def serve(tmp: Path, template_dir: Path, security: str = LOAD_TEST_SECURITY, extra: str = "") -> ServerProcess:
    """The demo office in a `motcua serve` child on a free port (started off the loop: the browser keeps going)."""
    return await asyncio.to_thread(demo_server(tmp, template_dir, extra=extra, security=security).start)


async def open_page(browser: Browser, url: str, viewport: dict[str, int]) -> Page:
    """A page that records its uncaught errors and carries a marker a reload would wipe out."""
    page = await new_page(browser, viewport["width"], viewport["height"])
    record_errors(page)
    await page.goto(url)
    return page


async def choose_procedure(kiosk: Page) -> None:
    """Chứng thực -> "Chứng thực bản sao từ bản chính": the priority question with the ticket buttons."""
    await kiosk.click("[data-field=CT]")
    await kiosk.click("[data-procedure='10']")


async def tap_for_ticket(kiosk: Page) -> str:
    """What a citizen taps for a ticket; returns the number the ticket screen shows."""
    await choose_procedure(kiosk)
    await kiosk.click("#no-priority")
    await expect(kiosk.locator("#screen-ticket")).to_be_visible()
    number = kiosk.locator("#ticket-number")
    await expect(number).to_have_text(re.compile(r"^\d{4}$"))
    return await number.inner_text()


def is_issue(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/api/tickets")


async def test_power_cut_under_the_open_kiosk_and_tv_both_recover_without_reload_and_stay_live(
        browser: Browser, tmp_path: Path, template_dir: Path) -> None:
    server = await serve(tmp_path, template_dir)
    try:
        kiosk = await open_page(browser, server.base + KIOSK_URL, PORTRAIT)
        await expect(kiosk.locator(".field").first).to_be_visible()
        tv = await open_page(browser, server.base + TV, LANDSCAPE)
        await tv.wait_for_function(READY)
        marks = [await page.evaluate("window.__loaded = Date.now()") for page in (kiosk, tv)]
        waiting = tv.locator(".chip[data-field='2'] .count")  # Chứng thực's waiting count on the TV
        before = int(await waiting.inner_text())
        banner, tv_conn = kiosk.locator("#conn-banner"), tv.locator("#conn")
        await expect(banner).to_be_hidden()
        await expect(tv_conn).to_be_hidden()

        server.kill()  # the power fails: no shutdown, sockets drop without a goodbye
        await expect(banner).to_be_visible(timeout=10_000)
        await expect(banner).to_contain_text("Mất kết nối với máy chủ")
        await expect(tv_conn).to_be_visible(timeout=10_000)
        await expect(tv_conn).to_contain_text("Mất kết nối máy chủ")
        await shot(tv, "display-offline")
        await choose_procedure(kiosk)  # a citizen taps while the server is down: told plainly, nothing issued
        await kiosk.click("#no-priority")
        await expect(kiosk.locator("#issue-note")).to_contain_text("Chưa lấy được số vì mất kết nối")
        await expect(kiosk.locator("#screen-priority")).to_be_visible()
        await kiosk.click("#screen-priority [data-back]")
        await kiosk.click("#screen-procs [data-back]")

        await asyncio.to_thread(server.start)  # same port, same database
        await expect(banner).to_be_hidden(timeout=20_000)
        await tv.wait_for_function("() => window.motcuaDisplay.status === 'online'"
                                   " && window.motcuaDisplay.snapshots >= 2", timeout=20_000)
        await expect(tv_conn).to_be_hidden()
        assert [await page.evaluate(MARK) for page in (kiosk, tv)] == marks  # neither page was reloaded

        await expect(waiting).to_have_text(str(before))  # the tap while down issued nothing
        number = await tap_for_ticket(kiosk)
        await expect(waiting).to_have_text(str(before + 1), timeout=10_000)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
            staff = await staff_at(s, server.base, 1)
            queue = (await call(s, "GET", server.base + "/api/queue", headers=staff))["tickets"]
            assert [t["status"] for t in queue if t["number"] == number] == ["waiting"]
            called = await call(s, "POST", server.base + "/api/counters/1/call", json={"number": number},
                                headers=staff)
        assert called["ticket"]["number"] == number
        await expect(tv.locator("#hero-number")).to_have_text(number, timeout=10_000)
        await expect(waiting).to_have_text(str(before))
        assert [await page.evaluate(MARK) for page in (kiosk, tv)] == marks
        assert kiosk.errors == [] and tv.errors == []  # type: ignore[attr-defined]
    finally:
        server.stop()


async def test_a_prankster_hammering_the_ticket_button_gets_three_tickets_then_please_wait(
        browser: Browser, tmp_path: Path, template_dir: Path) -> None:
    burst = "[security]\nkiosk_issue_burst = 3\nkiosk_issue_every_s = 600\n"  # no refill during the test
    server = await serve(tmp_path, template_dir, security=burst, extra="[kiosk]\ncooldown_s = 1\n")
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
            staff = await staff_at(s, server.base, 1)
            before = {t["id"] for t in (await call(s, "GET", server.base + "/api/queue", headers=staff))["tickets"]}
            kiosk = await open_page(browser, server.base + KIOSK_URL, PORTRAIT)
            await expect(kiosk.locator(".field").first).to_be_visible()
            answers: list[int] = []
            kiosk.on("response", lambda r: answers.append(r.status) if is_issue(r) else None)
            numbers = []
            for _ in range(3):  # each as fast as the page lets a finger: the buttons wait 1 s after a ticket
                numbers.append(await tap_for_ticket(kiosk))
                await kiosk.click("#ticket-done")
            await choose_procedure(kiosk)
            button, note = kiosk.locator("#no-priority"), kiosk.locator("#issue-note")
            async with kiosk.expect_response(is_issue) as fourth:
                await button.click()
            assert (await fourth.value).status == 429
            await expect(note).to_have_text("Vui lòng chờ giây lát")
            await expect(kiosk.locator("#screen-priority")).to_be_visible()
            await shot(kiosk, "kiosk-please-wait")
            for _ in range(5):  # and again, and again, while the button waits: nothing is sent
                await button.click(force=True)
            async with kiosk.expect_response(is_issue) as again:
                await button.click(timeout=20_000)  # enabled after Retry-After (at most 10 s): refused, kindly
            assert (await again.value).status == 429
            await expect(note).to_have_text("Vui lòng chờ giây lát")
            await expect(button).to_be_disabled()
            after = (await call(s, "GET", server.base + "/api/queue", headers=staff))["tickets"]
        new = [t["number"] for t in after if t["id"] not in before]
        assert sorted(new) == sorted(numbers) and len(set(numbers)) == 3
        assert answers == [201, 201, 201, 429, 429]
        assert kiosk.errors == []  # type: ignore[attr-defined]
    finally:
        server.stop()
