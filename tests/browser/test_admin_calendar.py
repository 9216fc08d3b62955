"""The calendar and appointments admin pages in the real Chromium: fill in the usual week, correct a wrong row,
add a special day and a mobile session, then make Thursday slots and book for a caller. No console errors
(a CSP violation would show there); docs/screenshots/admin-calendar.png and admin-appointments.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, expect

from server.config import Config
from tests.browser.conftest import new_page, shot
from tests.conftest import use_demo_db

pytestmark = pytest.mark.browser


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], app: web.Application, config: Config, template_dir: Path) -> str:
    use_demo_db(config, template_dir)
    server = await aiohttp_server(app)
    return str(server.make_url("/")).rstrip("/")


def watch(page: Page) -> list[str]:
    """Script errors, CSP violations and failed loads; a form's refusal (422 page) is listed as such."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return problems


async def submit(page: Page, form: str, fields: dict[str, str], ticks: tuple[str, ...] = ()) -> None:
    """Fill the form in section `form` as a person would (typed text, chosen options, ticked boxes), send it."""
    for name, value in fields.items():
        target = page.locator(f"{form} [name={name}]")
        if await target.evaluate("e => e.tagName") == "SELECT":
            await target.select_option(value)
        else:
            await target.fill(value)
    for name in ticks:
        await page.check(f"{form} [name={name}]")
    await page.click(f"{form} button[type=submit]")


async def tick_procedure(page: Page, name: str) -> None:
    """Open the procedure's field in the slot form's picker (its summary, left of the whole-field box), tick it."""
    await page.locator(f'#slots details:has(label:text-is("{name}")) summary').click(position={"x": 4, "y": 8})
    await page.locator("#slots label", has_text=re.compile(f"^\\s*{name}\\s*$")).locator("input").check()


async def test_admin_sets_the_calendar_and_books_for_a_caller(base: str, browser: Browser) -> None:
    page = await new_page(browser, 1280, 1300, locale="vi-VN")
    problems = watch(page)
    await page.goto(base + "/admin/calendar")
    await submit(page, "main form", {"username": "admin", "password": "admin-demo"})
    await expect(page.locator("h1")).to_contain_text("Lịch làm việc")
    await expect(page.locator("#now")).to_contain_text("Chưa có giờ làm việc nào")

    await page.click("text=Điền lịch chuẩn")
    rows = page.locator("table.hours tbody tr")
    await expect(rows).to_have_count(14)  # 11 rows of the usual week + 3 empty ones
    blank = rows.nth(11)
    await blank.locator("select[name=weekday]").select_option("6")
    await blank.locator("input[name=start]").fill("13:30")
    await blank.locator("input[name=end]").fill("11:00")
    await page.click("#hours button[type=submit]")
    await expect(page.locator("#hours .notice.bad")).to_contain_text("dòng 12 (Thứ Bảy 13:30–11:00)")
    await expect(rows.nth(11).locator("input[name=start]")).to_have_value("13:30")  # kept, to be corrected
    await rows.nth(11).locator("input[name=remove]").check()
    await page.click("#hours button[type=submit]")
    await expect(page.locator(".notice.ok")).to_contain_text("Đã lưu")
    await expect(page.locator("#now")).to_contain_text("Đang mở cửa")
    await expect(page.locator("#now")).to_contain_text("11:30")

    await submit(page, "#special", {"name": "Ngày không viết, ngày không hẹn", "weekday": "3"},
                 ("tag_ngay_khong_viet", "tag_ngay_khong_hen"))
    await expect(page.locator("#special table")).to_contain_text("Thứ Tư hằng tuần")
    await submit(page, "#mobile", {"place": "Nhà văn hóa khu vực 4", "weekday": "5", "start": "7:30", "end": "11:00",
                                   "procedures": "1.001193, 2.000815, 1.004194"})
    await expect(page.locator("#mobile table")).to_contain_text("07:30–11:00")
    await submit(page, "#holiday", {"day": "2026-12-24", "name": "Ngày nghỉ bù"})
    await expect(page.locator("#holiday table")).to_contain_text("Ngày nghỉ bù")
    await page.evaluate("window.scrollTo(0, 0)")
    await shot(page, "admin-calendar")

    await page.click("nav.side >> text=Lịch hẹn")
    await tick_procedure(page, "Đăng ký khai sinh")
    await page.click("#slots button[type=submit]")  # next week, Thursday 9:00-11:00, 30 min, 2 people
    await expect(page.locator("#slots .notice.ok")).to_contain_text("Đã tạo 4 khung giờ")
    await page.select_option("#book select[name=slot_id]", index=2)
    await submit(page, "#book", {"name": "Nguyễn Văn An", "phone": "0912345678", "channel": "zalo"})
    await expect(page.locator("#book .notice.bad")).to_contain_text("Cần đồng ý")
    await expect(page.locator("#book input[name=name]")).to_have_value("Nguyễn Văn An")
    await submit(page, "#book", {}, ("consent",))
    await expect(page.locator("#booked .code")).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
    await expect(page.locator("#bookings table")).to_contain_text("Nguyễn Văn An")
    await expect(page.locator("#bookings table")).to_contain_text("0912345678")
    await page.evaluate("window.scrollTo(0, 0)")
    await shot(page, "admin-appointments")
    refusals = [p for p in problems if p.startswith("422 POST")]
    assert len(refusals) == 2 and problems == refusals, problems  # the wrong row, the missing consent


async def test_slots_for_a_whole_field_say_which_days_and_hours_were_skipped(base: str, browser: Browser) -> None:
    """The usual week, a holiday on the coming Wednesday, then 10:30-14:00 slots for the whole civil-status field
    over two weeks: the result lists the holiday and the lunch hours (docs/screenshots/admin-appointment-slots)."""
    page = await new_page(browser, 1366, 768, locale="vi-VN")
    problems = watch(page)
    await page.goto(base + "/admin/calendar")
    await submit(page, "main form", {"username": "admin", "password": "admin-demo"})
    await page.click("text=Điền lịch chuẩn")
    await page.click("#hours button[type=submit]")
    await expect(page.locator(".notice.ok")).to_contain_text("Đã lưu")
    await submit(page, "#holiday", {"day": "2026-12-02", "name": "Nghỉ bù"})
    await expect(page.locator("#holiday table")).to_contain_text("Nghỉ bù")

    await page.goto(base + "/admin/appointments")
    first = page.locator("#slots details").first
    await first.locator("summary input[name=field_ids]").check()
    for name, value in {"day_from": "2026-11-30", "day_to": "2026-12-11", "start": "10:30", "end": "14:00"}.items():
        await page.fill(f"#slots [name={name}]", value)
    for day in range(1, 6):
        await page.check(f"#slots input[name=weekdays][value='{day}']")
    await page.click("#slots button[type=submit]")
    result = page.locator("#slot-run")
    await expect(result).to_contain_text("Đã tạo")
    await expect(result.locator("tr[data-reason=holiday]")).to_contain_text("Ngày lễ, nghỉ: Nghỉ bù")
    await expect(result.locator("tr[data-reason=closed]").first).to_contain_text("11:30–12:00")
    await result.scroll_into_view_if_needed()
    await shot(page, "admin-appointment-slots")
    assert problems == [], problems
