"""The mobile-session page in the real Chromium: the admin downloads a laptop's zip, the laptop (a real
`motcua serve` from that zip) issues tickets, its export is uploaded through the page's file input and the page
shows what was merged and the past imports. No console errors; docs/screenshots/admin-mobile.png (1366x768)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from tests.browser import test_admin_calendar as calendar_page
from tests.browser.conftest import new_page, shot
from tests.browser.test_admin_calendar import submit, watch
from tests.conftest import KIOSK
from tests.procs import ServerProcess, free_port
from tests.remote import call, sign_in

pytestmark = pytest.mark.browser
base = calendar_page.base  # the fixture: this app on a real port, over the demo office


async def test_prepare_a_laptop_then_merge_its_session(base: str, browser: Browser, tmp_path: Path) -> None:
    page = await new_page(browser, 1366, 768, locale="vi-VN", accept_downloads=True)
    problems = watch(page)
    await page.goto(base + "/admin/mobile")
    await submit(page, "main form", {"username": "admin", "password": "admin-demo"})
    await expect(page.locator("h1")).to_have_text("Phiên lưu động")

    folder, port = tmp_path / "laptop", free_port()
    for name, value in {"place": "Nhà văn hóa khu vực 4", "machine_id": "laptop-nvh4", "port": str(port),
                        "data_dir": str(folder)}.items():
        await page.fill(f"#prepare [name={name}]", value)
    await page.select_option("#prepare [name=host]", "127.0.0.1")
    async with page.expect_download() as waiting:
        await page.click("#prepare button[type=submit]")
    download = await waiting.value
    assert download.suggested_filename == "motcua-laptop-nvh4.zip"
    zipfile.ZipFile(await download.path()).extractall(folder)

    laptop = ServerProcess(folder / "motcua.toml", port, tmp_path / "laptop.log").start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            for procedure in (1, 10):
                await call(http, "POST", f"{laptop.base}/api/tickets", {"procedure_id": procedure}, KIOSK)
            admin = await sign_in(http, laptop.base, "admin")
            async with http.get(f"{laptop.base}/api/mobile/export", headers=admin) as r:
                assert r.status == 200
                (tmp_path / "nvh4.jsonl").write_bytes(await r.read())
    finally:
        laptop.stop()

    await page.set_input_files("#import input[name=file]", str(tmp_path / "nvh4.jsonl"))
    await page.click("#import button[type=submit]")
    await expect(page.locator("#result")).to_contain_text("Đã gộp tệp nvh4.jsonl của máy laptop-nvh4")
    await expect(page.locator("#result tr[data-table=tickets]")).to_contain_text("2")
    await expect(page.locator("#history table")).to_contain_text("laptop-nvh4")
    await page.evaluate("window.scrollTo(0, 0)")
    await shot(page, "admin-mobile")
    assert problems == [], problems
