"""The /reports page in the real Chromium over a simulated office: sign in, see the figures and charts,
switch to English, export XLSX, and print on A4 (print stylesheet; PDF from Chromium).
Screenshots for docs/screenshots/report-*.png and chart-*.png."""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from server.app import create_app
from server.demo.simulate import simulate
from server.domain.clock import FakeClock
from server.reports import charts, service
from tests.browser.conftest import SHOTS
from tests.conftest import MONDAY_9AM, make_config

pytestmark = pytest.mark.browser
FROM, TO = "2026-10-26", "2026-11-21"
DOCS = bool(os.environ.get("MOTCUA_SCREENSHOTS"))  # refresh docs/screenshots/report-*.png and chart-*.png


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], tmp_path: Path) -> AsyncIterator[str]:
    db = tmp_path / "office.db"
    simulate(db, "hoaithanh", "office", days=30, seed=4, per_day=90, end=date(2026, 11, 22), demo_logins=True)
    config = make_config(tmp_path, server={"db_path": str(db)})
    server = await aiohttp_server(create_app(config, clock=FakeClock(MONDAY_9AM)))
    yield str(server.make_url("/")).rstrip("/")


async def test_leader_sees_exports_and_prints_the_report(base: str, browser: Browser, tmp_path: Path) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                        accept_downloads=True)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and not
            r.url.endswith(("/favicon.ico", "/api/login")) else None)  # the wrong password below is a 401
    await page.goto(f"{base}/reports?from={FROM}&to={TO}&group=field")
    await page.fill("input[name=username]", "lanhdao")
    await page.fill("input[name=password]", "sai-mat-khau")
    await page.click("#login-form button[type=submit]")
    await expect(page.locator("#error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    await page.fill("input[name=password]", "lanhdao-demo")
    await page.click("#login-form button[type=submit]")
    issued = page.locator(".card[data-key=issued] .value")
    await expect(issued).not_to_have_text("")
    rep = service.report(tmp_path / "office.db", date.fromisoformat(FROM), date.fromisoformat(TO), "field", 15)
    assert await issued.text_content() == f"{rep['total']['issued']:,}".replace(",", ".")
    await expect(page.locator("#satisfaction")).to_contain_text("đạt yêu cầu")
    await expect(page.locator("#by-table tbody tr")).to_have_count(len(rep["rows"]) + 1)
    for name in charts.CHARTS:
        await expect(page.locator(f"#chart-{name}")).to_have_attribute("data-loaded", "1")
    await expect(page.locator("#letters-unit tbody tr")).to_have_count(3)
    if DOCS:
        await page.screenshot(path=SHOTS / "report-page.png", full_page=True)

    async with page.expect_download() as dl:
        await page.click("#xlsx")
    saved = tmp_path / "export.xlsx"
    await (await dl.value).save_as(saved)
    assert (await dl.value).suggested_filename == f"bao-cao-{FROM}_{TO}.xlsx"
    summary = load_workbook(saved)["Tổng hợp"]
    assert summary["B5"].value == rep["total"]["issued"]

    await page.click("#lang")
    await expect(page.locator("h1")).to_have_text("Waiting time, outcome and satisfaction report")
    await expect(page.locator("#satisfaction")).to_contain_text("satisfied or better")
    await page.click("#lang")

    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert not await page.locator("#controls").is_visible() and not await page.locator("#lang").is_visible()
    if DOCS:
        await page.screenshot(path=SHOTS / "report-print.png", full_page=True)
    pdf = await page.pdf(format="A4", print_background=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 6, pages
    assert problems == []
    await context.close()


def test_exported_chart_for_the_docs(tmp_path: Path) -> None:
    """Not a browser test, but kept beside the page's: the chart PNG as the leader downloads it."""
    db = tmp_path / "office.db"
    simulate(db, "hoaithanh", "office", days=120, seed=4, per_day=90, end=date(2026, 11, 22))
    rep = service.report(db, date(2026, 10, 1), date(2026, 10, 31), "field", 15)
    png = charts.render(rep, "waits")
    assert png.startswith(b"\x89PNG")
    if DOCS:
        (SHOTS / "chart-waits.png").write_bytes(png)
        (SHOTS / "chart-satisfaction.png").write_bytes(charts.render(rep, "satisfaction"))
    wb = load_workbook(io.BytesIO(service.render(db, date(2026, 10, 1), date(2026, 10, 31), "field", 15, "xlsx")))
    assert "Biểu đồ" in wb.sheetnames and len(wb["Biểu đồ"]._images) == len(charts.CHARTS)


async def test_the_page_opens_on_this_month_of_the_office(base: str, browser: Browser, tmp_path: Path) -> None:
    """Without a period in the address the page shows the office's current month so far (its clock says
    23/11/2026), not last month (all zeros in a new office); a one-day report draws the day hour by hour."""
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    await page.goto(f"{base}/reports")
    await page.fill("input[name=username]", "lanhdao")
    await page.fill("input[name=password]", "lanhdao-demo")
    await page.click("#login-form button[type=submit]")
    await expect(page.locator("#period-line")).to_have_text("Từ ngày 01/11/2026 đến ngày 30/11/2026 (30 ngày)")
    assert await page.locator("#month").input_value() == "2026-11"
    rep = service.report(tmp_path / "office.db", date(2026, 11, 1), date(2026, 11, 30), "field", 15)
    assert rep["total"]["issued"] > 0
    issued = page.locator(".card[data-key=issued] .value")
    await expect(issued).to_have_text(f"{rep['total']['issued']:,}".replace(",", "."))
    for name in charts.CHARTS:
        await expect(page.locator(f"#chart-{name}")).to_have_attribute("data-loaded", "1")
    await page.screenshot(path=str(tmp_path / "reports-this-month.png"), full_page=True)
    await page.select_option("#kind", "day")
    assert await page.locator("#day").input_value() == "2026-11-23"
    await page.fill("#day", "2026-11-20")
    await page.click("#period-form button[type=submit]")
    await expect(page.locator("#period-line")).to_have_text("Từ ngày 20/11/2026 đến ngày 20/11/2026 (1 ngày)")
    await page.close()
