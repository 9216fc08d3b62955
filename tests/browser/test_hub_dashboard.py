"""The province dashboard in Chromium: sign in, one sortable row per centre (a silent one marked),
a centre's detail page; screenshots for docs/screenshots/hub-*.png."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from playwright.async_api import Browser, expect

from server.auth import hash_password
from server.config import from_dict
from server.demo.simulate import simulate
from server.domain.clock import FakeClock
from server.hub.app import STORE, create_hub_app
from tests.browser.conftest import SHOTS, new_page
from tests.conftest import TZ
from tests.hub_fixtures import push_all

pytest_plugins = ("tests.pg",)
pytestmark = pytest.mark.browser
CENTRES = [("an-nhon", "Trung tâm PVHCC xã An Nhơn", 90), ("hoai-thanh", "Trung tâm PVHCC xã Hoài Thanh", 60),
           ("phu-my", "Trung tâm PVHCC phường Phú Mỹ", 140), ("tam-quan", "Trung tâm PVHCC xã Tam Quan", 40)]


async def test_dashboard_sorts_marks_silent_centre_and_opens_detail(aiohttp_server, pg_dsn, tmp_path,
                                                                    browser: Browser) -> None:
    end = date(2026, 11, 24)  # simulated history ends on Monday 23 Nov; the hub's "today" is that day
    clock = FakeClock(datetime(2026, 11, 23, 16, 30, tzinfo=TZ))
    hub = create_hub_app(from_dict({"hub": {"dsn": pg_dsn, "silent_after_min": 30}}), clock=clock)
    server = await aiohttp_server(hub)
    store = hub[STORE]
    now = clock.now().timestamp()
    await store.add_admin("tinh", hash_password("tinh-mat-khau"), now)
    for i, (code, name, per_day) in enumerate(CENTRES):
        await store.add_centre(code, name, now)
        cid = await store.pool.fetchval("SELECT id FROM centres WHERE code = $1", code)
        sim = simulate(tmp_path / f"{code}.db", code, code, days=8, seed=i, per_day=per_day, end=end)
        await push_all(store, cid, code, sim.path, now - (3 * 3600 if code == "tam-quan" else 60))

    page = await new_page(browser, 1400, 760)
    await page.goto(str(server.make_url("/hub")))
    await expect(page.locator("h1")).to_contain_text("Đăng nhập")
    await page.fill("input[name=username]", "tinh")
    await page.fill("input[name=password]", "sai")
    await page.click("button[type=submit]")
    await expect(page.locator(".error")).to_contain_text("Sai tên đăng nhập")
    await page.fill("input[name=username]", "tinh")
    await page.fill("input[name=password]", "tinh-mat-khau")
    await page.click("button[type=submit]")
    rows = page.locator("#centres tbody tr")
    await expect(rows).to_have_count(4)
    await expect(page.locator("tr.silent")).to_contain_text("Tam Quan")
    await expect(page.locator("tr.silent .badge")).to_have_text("mất liên lạc")
    await page.click("#centres th:nth-child(3)")  # served today, ascending then descending
    await page.click("#centres th:nth-child(3)")
    await expect(rows.first).to_contain_text("Phú Mỹ")
    await page.screenshot(path=str(SHOTS / "hub-dashboard.png"), full_page=True)
    async with page.expect_download() as download:
        await page.click(".export button")
    assert (await download.value).suggested_filename == "bao-cao-tinh-2026-11.xlsx"
    await page.click("text=Trung tâm PVHCC xã An Nhơn")
    await expect(page.locator("h1")).to_contain_text("An Nhơn")
    await expect(page.locator("table").first.locator("tbody tr").first).not_to_contain_text("Chưa có số liệu")
    await page.screenshot(path=str(SHOTS / "hub-centre.png"), full_page=False)
    assert (await store.pool.fetchval("SELECT COUNT(*) FROM tickets")) > 1000
