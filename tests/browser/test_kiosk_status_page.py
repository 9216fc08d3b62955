"""The citizen's ticket page /t/<token> on a phone, in real Chromium: it follows the queue live (no reload) and
shows the counter when the ticket is called. MOTCUA_SCREENSHOTS=1 refreshes docs/screenshots/status-*.png."""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from server.keys import CLOCK
from tests.browser.conftest import new_page, record_errors, shot
from tests.browser.test_kiosk import MakeHall, make_hall  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


async def test_status_page_follows_the_queue_and_shows_the_counter_when_called(
    browser: Browser, make_hall: MakeHall  # noqa: F811
) -> None:
    hall = await make_hall()
    tickets = [(await hall.call("POST", "/api/tickets", device="demo-kiosk-1", json={"procedure_id": 1}))[1]
               for _ in range(2)]
    mine = tickets[1]
    page = await new_page(browser, 390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)  # a phone
    errors = record_errors(page)
    await page.goto(f"{hall.url}/t/{mine['status_token']}")
    await expect(page.locator("#number")).to_have_text(mine["number"])
    await expect(page.locator("#procedure")).to_have_text("Đăng ký khai sinh")
    await expect(page.locator("#position")).to_have_text("1")
    await expect(page.locator("#called")).to_be_hidden()
    await shot(page, "status-phone-waiting")

    assert (await hall.call("POST", "/api/counters/3/signin", user="canbo3", json={}))[0] == 200
    assert (await hall.call("POST", "/api/counters/3/call-next", user="canbo3", json={}))[0] == 200
    await expect(page.locator("#position")).to_have_text("0")  # the ticket ahead was called: moved up, live
    ahead = f"/api/counters/3/tickets/{tickets[0]['id']}"
    assert (await hall.call("POST", f"{ahead}/start", user="canbo3", json={}))[0] == 200
    assert (await hall.call("POST", f"{ahead}/finish", user="canbo3", json={"outcome": "guidance_only"}))[0] == 200
    assert (await hall.call("POST", "/api/counters/3/call-next", user="canbo3", json={}))[0] == 200
    await expect(page.locator("#called")).to_be_visible()
    await expect(page.locator("#counter")).to_have_text("Quầy số 3")
    await expect(page.locator("#state")).to_have_text("đã gọi")
    await expect(page.locator("#waiting")).to_be_hidden()
    await shot(page, "status-phone-called")
    await page.click("#lang")
    await expect(page.locator("#counter")).to_have_text("Counter 3")
    await expect(page.locator("#conn-banner")).to_be_hidden()
    assert errors == []


async def test_status_page_tries_again_after_a_429(browser: Browser, make_hall: MakeHall) -> None:  # noqa: F811
    hall = await make_hall()
    _, mine = await hall.call("POST", "/api/tickets", device="demo-kiosk-1", json={"procedure_id": 1})
    page = await new_page(browser, 390, 844, is_mobile=True, has_touch=True)
    await page.goto(f"{hall.url}/t/{mine['status_token']}")
    await expect(page.locator("#position")).to_have_text("0")
    async with aiohttp.ClientSession() as http:  # the same address as the phone spends its whole budget
        for _ in range(100):
            async with http.get(f"{hall.url}/api/public/tickets/{mine['status_token']}") as r:
                if r.status == 429:
                    break
        assert r.status == 429
    assert (await hall.call("POST", "/api/counters/3/signin", user="canbo3", json={}))[0] == 200
    async with page.expect_response(lambda r: "/api/public/tickets/" in r.url and r.status == 429):
        assert (await hall.call("POST", "/api/counters/3/call-next", user="canbo3", json={}))[0] == 200
    await expect(page.locator("#called")).to_be_hidden()  # refused: the page still shows the last it knew
    hall.app[CLOCK].advance(seconds=60)  # the budget refills (on the server's clock)
    await expect(page.locator("#called")).to_be_visible()  # the page tried again by itself
    await expect(page.locator("#counter")).to_have_text("Quầy số 3")
