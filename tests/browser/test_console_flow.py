"""The counter console, the leader page and the rating tablet in the real Chromium.

One server (the real app on a port, FakeClock), one browser, a context per person or device.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, expect

from server.api.counters import run_idle_lapse
from server.config import Config
from server.domain.clock import FakeClock
from server.keys import READER
from server.services.steps import check_overdue
from server.store import catalog
from tests.browser.conftest import SHOTS, new_page, record_errors, shot
from tests.conftest import KIOSK, MONDAY_9AM, make_config, seed
from tests.remote import call, staff_at
from tests.remote import sign_in as api_sign_in

pytestmark = pytest.mark.browser
BIRTH = 1  # Đăng ký khai sinh: four steps, targets 5/10/10/5 min
LAPTOP = (1366, 860)  # the counter's screen
SHOOT = os.environ.get("MOTCUA_SHOTS") == "1"  # regenerate docs/screenshots/*.png


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, voice={"enabled": False})


@pytest.fixture
async def base(aiohttp_server: Callable[..., Any], app: web.Application) -> str:
    server = await aiohttp_server(app)
    await seed(app, MONDAY_9AM.timestamp())
    return str(server.make_url("/"))


async def issue(base: str, procedure: int = BIRTH, priority: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"procedure_id": procedure}
    if priority:
        body["priority"] = priority
    async with aiohttp.ClientSession() as s, s.post(base + "api/tickets", json=body, headers=KIOSK) as r:
        assert r.status == 201, await r.text()
        return await r.json()


async def sign_in(page: Page, url: str, user: str) -> None:
    await page.goto(url)
    await page.fill("#username", user)
    await page.fill("#password", f"{user}-demo")
    await page.click("#login-form button[type=submit]")


async def console_at(browser: Browser, base: str, counter: int) -> Page:
    page = await new_page(browser, *LAPTOP, locale="vi-VN")
    await sign_in(page, base + "counter", f"canbo{counter}")
    await page.click(f"[data-counter='{counter}']")
    await expect(page.locator("#console")).to_be_visible()
    await expect(page.locator("#live-dot.online")).to_have_count(1)
    return page


async def leader_page(browser: Browser, base: str) -> Page:
    page = await new_page(browser, *LAPTOP, locale="vi-VN")
    await sign_in(page, base + "leader", "lanhdao")
    await expect(page.locator("#board")).to_be_visible()
    await expect(page.locator("#live-dot.online")).to_have_count(1)
    return page


def step_button(page: Page, step: str) -> Any:
    return page.locator(f"li.step[data-step='{step}'] button")


async def run_step(page: Page, step: str) -> None:
    await step_button(page, step).click()  # start
    await expect(page.locator(f"li.step.open[data-step='{step}']")).to_have_count(1)
    await step_button(page, step).click()  # end
    await expect(page.locator(f"li.step.done[data-step='{step}']")).to_have_count(1)


async def call_and_start(page: Page, number: str) -> None:
    await page.click("#btn-next")
    await expect(page.locator("#cur-number")).to_have_text(number)
    await page.click("#btn-start")
    await expect(page.locator("#steps-box")).to_be_visible()


async def test_call_four_steps_leader_approves_finish_and_tablet_rates(
        base: str, browser: Browser, app: web.Application, clock: FakeClock) -> None:
    t = await issue(base)
    staff = await console_at(browser, base, 3)
    await expect(staff.locator("#queue li")).to_have_count(1)
    tablet = await new_page(browser, 1280, 800, locale="vi-VN")
    await tablet.goto(base + "rate/3?device=demo-rate-3")
    await expect(tablet.locator("#idle")).to_be_visible()
    await call_and_start(staff, t["number"])

    # "Result returned" before the steps are done is refused with the reason
    await staff.check("input[value=result_returned]")
    await staff.click("#btn-finish")
    await expect(staff.locator("#notice.error")).to_contain_text("Chưa thể trả kết quả vé 1001")

    clock.advance(minutes=3)
    await run_step(staff, "receive")
    await run_step(staff, "appraise")
    await step_button(staff, "approve").click()  # ask for approval
    await expect(step_button(staff, "approve")).to_have_text("Chờ lãnh đạo phê duyệt")
    await expect(step_button(staff, "approve")).to_be_disabled()

    leader = await leader_page(browser, base)
    row = leader.locator(f"#approvals tr[data-ticket='{t['id']}']")
    await expect(row).to_contain_text("Lê Thị Hồng")
    await row.get_by_role("button", name="Phê duyệt").click()
    await expect(row).to_have_count(0)
    await expect(leader.locator("#notice.ok")).to_contain_text("Đã phê duyệt")

    await expect(staff.locator("li.step.done[data-step='approve']")).to_have_count(1)
    await expect(staff.locator("li.step[data-step='approve'] .step-who")).to_have_text("Chủ tịch UBND xã")
    await run_step(staff, "return")
    await staff.check("#wrote-forms")
    await staff.click("#btn-finish")
    await expect(staff.locator("#current-empty")).to_be_visible()

    await expect(tablet.locator("#ask")).to_be_visible()
    await expect(tablet.locator("#ask-number")).to_have_text(t["number"])
    await tablet.click(".face[data-score='2']")
    await expect(tablet.locator("#reason")).to_be_visible()
    await tablet.get_by_role("button", name="Phải chờ lâu").click()
    await expect(tablet.locator("#thanks")).to_be_visible()
    await expect(tablet.locator("#thanks-text")).to_have_text("Ông/bà đã đánh giá: Bình thường.")

    row_db = app[READER].execute(
        "SELECT r.score, r.reason, r.counter_id, u.username, t.wrote_forms, t.outcome FROM ratings r"
        " JOIN users u ON u.id = r.user_id JOIN tickets t ON t.id = r.ticket_id").fetchone()
    assert tuple(row_db) == (2, "Phải chờ lâu", 3, "canbo3", 1, "result_returned")
    steps = app[READER].execute("SELECT step, started_by, ended_by FROM steps ORDER BY started_at, rowid").fetchall()
    assert [s[0] for s in steps] == ["receive", "appraise", "approve", "return"]
    assert steps[2][2] == 2  # approved by the leader (user 2)


async def test_overdue_step_turns_amber_then_red_and_the_leader_sees_it(
        base: str, browser: Browser, app: web.Application, clock: FakeClock) -> None:
    t = await issue(base)
    staff = await console_at(browser, base, 3)
    await call_and_start(staff, t["number"])
    await step_button(staff, "receive").click()
    receive = staff.locator("li.step.open[data-step='receive']")
    await expect(receive).to_have_count(1)
    leader = await leader_page(browser, base)
    await expect(leader.locator("#overdue-empty")).to_be_visible()

    clock.advance(minutes=5, seconds=30)  # target 5 min: past 100%
    assert [c["level"] for c in await check_overdue(app)] == ["amber"]
    await expect(receive).to_have_class(re.compile(r"\bamber\b"))
    overdue = leader.locator(f"#overdue tr[data-ticket='{t['id']}']")
    await expect(overdue).to_have_class(re.compile(r"\bamber\b"))
    await expect(overdue).to_contain_text("Tiếp nhận")

    clock.advance(minutes=2, seconds=30)  # 8 min: past 150%
    assert [c["level"] for c in await check_overdue(app)] == ["red"]
    await expect(receive).to_have_class(re.compile(r"\bred\b"))
    await expect(overdue).to_have_class(re.compile(r"\bred\b"))
    await expect(overdue.locator(".badge.red")).to_have_text("Quá hạn nhiều")
    await expect(leader.locator("#k-overdue")).to_have_text("1")


async def test_two_consoles_calling_at_once_never_get_the_same_ticket(
        base: str, browser: Browser, app: web.Application) -> None:
    for _ in range(6):
        await issue(base)
    c3, c4 = await asyncio.gather(console_at(browser, base, 3), console_at(browser, base, 4))
    await expect(c3.locator("#queue li")).to_have_count(6)
    seen: list[str] = []
    for _ in range(3):
        await asyncio.gather(c3.click("#btn-next"), c4.click("#btn-next"))
        for page in (c3, c4):
            await expect(page.locator("#current")).to_be_visible()
        pair = [await c3.locator("#cur-number").text_content(), await c4.locator("#cur-number").text_content()]
        assert pair[0] != pair[1]
        seen += [n or "" for n in pair]
        await asyncio.gather(c3.click("#btn-noshow"), c4.click("#btn-noshow"))
        for page in (c3, c4):
            await expect(page.locator("#current-empty")).to_be_visible()
    assert sorted(seen) == [str(n) for n in range(1001, 1007)]
    calls = app[READER].execute("SELECT number, calls FROM tickets ORDER BY number").fetchall()
    assert [tuple(r) for r in calls] == [(str(n), 1) for n in range(1001, 1007)]


async def test_reprint_without_printer_service_says_so_and_transfer_dialog_moves_the_ticket(
        base: str, browser: Browser, app: web.Application) -> None:
    t = await issue(base)
    staff = await console_at(browser, base, 3)
    await staff.click("#btn-next")
    await expect(staff.locator("#cur-number")).to_have_text(t["number"])
    await staff.keyboard.press("F9")
    await expect(staff.locator("#notice")).to_have_text(re.compile(r"in lại|máy in", re.IGNORECASE))
    await staff.keyboard.press("F8")
    await expect(staff.locator("#transfer-dialog")).to_be_visible()
    await staff.select_option("#transfer-counter", "4")
    await staff.click("#transfer-ok")
    await expect(staff.locator("#current-empty")).to_be_visible()
    row = app[READER].execute("SELECT status, target_counter_id FROM tickets WHERE id = ?", (t["id"],)).fetchone()
    assert tuple(row) == ("waiting", 4)


async def test_other_counters_tablet_is_refused_and_staff_cannot_take_a_held_counter(
        base: str, browser: Browser) -> None:
    tablet = await new_page(browser, *LAPTOP, locale="vi-VN")
    r = await tablet.goto(base + "rate/3?device=demo-rate-4")
    assert r is not None and r.status == 403
    await expect(tablet.locator("h1")).to_contain_text("chưa được đăng ký")
    await console_at(browser, base, 3)
    page = await new_page(browser, *LAPTOP, locale="vi-VN")
    await sign_in(page, base + "counter", "canbo4")
    await page.click("[data-counter='3']")
    await expect(page.locator("#choose-error")).to_have_text("Quầy 3 đang do Lê Thị Hồng phụ trách.")


async def test_a_leaders_takeover_tells_the_old_console_and_ends_its_actions(
        base: str, browser: Browser, app: web.Application) -> None:
    t = await issue(base)
    await issue(base)
    staff = await console_at(browser, base, 3)
    await staff.click("#btn-next")
    await expect(staff.locator("#cur-number")).to_have_text(t["number"])
    async with aiohttp.ClientSession() as s:
        leader = await api_sign_in(s, base, "lanhdao")
        await call(s, "POST", base + "api/counters/3/signin", {"force": True}, leader)
    await expect(staff.locator("#taken")).to_be_visible()
    await expect(staff.locator("#taken-text")).to_have_text("Chủ tịch UBND xã đã nhận thay Quầy số 3.")
    await expect(staff.locator("#console")).to_be_hidden()
    await expect(staff.locator("#btn-next")).to_be_hidden()
    await staff.keyboard.press("F4")  # the no-show key: no longer offered
    await staff.keyboard.press("F2")
    calls = app[READER].execute("SELECT number, status, calls FROM tickets ORDER BY number").fetchall()
    assert [tuple(r) for r in calls] == [(t["number"], "called", 1), ("1002", "waiting", 0)]
    await staff.click("#lang")
    await expect(staff.locator("#taken-text")).to_have_text("Chủ tịch UBND xã took over Counter 3.")
    await staff.click("#lang")
    await staff.click("#taken-choose")
    await expect(staff.locator("#choose")).to_be_visible()
    await expect(staff.locator("[data-counter='3']")).to_contain_text("Đang do Chủ tịch UBND xã phụ trách")
    await staff.reload()  # a reloaded console does not reopen the counter it lost
    await expect(staff.locator("#choose")).to_be_visible()


async def test_a_console_that_missed_the_takeover_leaves_the_counter_at_its_next_action(
        base: str, browser: Browser, app: web.Application) -> None:
    await issue(base)
    staff = await new_page(browser, *LAPTOP, locale="vi-VN")
    deaf = asyncio.Event()  # set: the live socket no longer brings the server's messages (a flaky Wi-Fi)

    def relay(ws: Any) -> None:
        server = ws.connect_to_server()
        server.on_message(lambda message: None if deaf.is_set() else ws.send(message))

    await staff.route_web_socket(re.compile(r".*/api/live.*"), relay)
    await sign_in(staff, base + "counter", "canbo3")
    await staff.click("[data-counter='3']")
    await expect(staff.locator("#live-dot.online")).to_have_count(1)
    await expect(staff.locator("#queue li")).to_have_count(1)
    deaf.set()
    async with aiohttp.ClientSession() as s:
        leader = await api_sign_in(s, base, "lanhdao")
        await call(s, "POST", base + "api/counters/3/signin", {"force": True}, leader)
    await expect(staff.locator("#console")).to_be_visible()  # it has not heard
    await staff.click("#btn-next")
    await expect(staff.locator("#taken-text")).to_have_text("Chủ tịch UBND xã đã nhận thay Quầy số 3.")
    await expect(staff.locator("#console")).to_be_hidden()
    assert app[READER].execute("SELECT status FROM tickets").fetchone()[0] == "waiting"


async def test_phone_status_page_rates_once(base: str, browser: Browser, app: web.Application) -> None:
    t = await issue(base, 4)  # not same day: may end with "dossier received"
    staff = await console_at(browser, base, 3)
    await call_and_start(staff, t["number"])
    await staff.check("input[value=dossier_received]")
    await staff.fill("#receipt", "H12-0007")
    await staff.click("#btn-finish")
    await expect(staff.locator("#current-empty")).to_be_visible()
    phone = await new_page(browser, 390, 800, locale="vi-VN")
    resp = await phone.goto(base + f"t/{t['status_token']}")
    if resp is None or resp.status != 200:
        pytest.skip("the ticket status page (kiosk part) is not served")
    await phone.click(".rp-face[data-score='4']")
    await expect(phone.locator(".rp-thanks")).to_have_text("Cảm ơn ông/bà đã đánh giá!")
    await phone.reload()
    await expect(phone.locator(".rp-thanks")).to_contain_text("đã đánh giá")
    assert app[READER].execute("SELECT score, channel, receipt_no FROM ratings").fetchone()[:] == (
        4, "phone", "H12-0007")


def called_tickets(app: web.Application) -> list[str]:
    return [r[0] for r in app[READER].execute("SELECT number FROM tickets WHERE status != 'waiting'").fetchall()]


async def test_a_leader_releases_a_counter_from_the_leader_page_and_the_old_console_stops(
        base: str, browser: Browser, app: web.Application) -> None:
    await issue(base)
    staff = await console_at(browser, base, 3)
    errors = record_errors(staff)
    leader = await new_page(browser, 1366, 768, locale="vi-VN")
    await sign_in(leader, base + "leader", "lanhdao")
    await expect(leader.locator("#live-dot.online")).to_have_count(1)
    row = leader.locator("#counters tr[data-counter='3']")
    await expect(row).to_contain_text("Lê Thị Hồng")

    await row.locator("button[data-action=release]").click()  # asked first; cancelling changes nothing
    await expect(leader.locator("#confirm-title")).to_have_text("Giải phóng Quầy số 3?")
    await leader.click("#confirm-cancel")
    await expect(leader.locator("#confirm-dialog")).to_be_hidden()
    await expect(staff.locator("#console")).to_be_visible()

    await row.locator("button[data-action=release]").click()
    await expect(leader.locator("#confirm-text")).to_contain_text("Lê Thị Hồng sẽ được đăng xuất khỏi quầy")
    await shot(leader, "leader-release-confirm")
    await leader.click("#confirm-ok")
    await expect(leader.locator("#notice.ok")).to_have_text(
        "Đã giải phóng Quầy số 3: Lê Thị Hồng đã được đăng xuất khỏi quầy.")
    await expect(row.locator("td").nth(1)).to_have_text("—")
    await expect(row.locator("button")).to_have_count(0)

    await expect(staff.locator("#taken")).to_be_visible()
    await expect(staff.locator("#taken-title")).to_have_text("Quầy đã được giải phóng")
    await expect(staff.locator("#taken-text")).to_have_text(
        "Chủ tịch UBND xã đã giải phóng Quầy số 3 và đăng xuất bạn khỏi quầy.")
    await expect(staff.locator("#console")).to_be_hidden()
    await staff.keyboard.press("F2")  # the call key: no longer offered
    await staff.click("#lang")
    await expect(staff.locator("#taken-title")).to_have_text("Counter released")
    await expect(staff.locator("#taken-text")).to_have_text(
        "Chủ tịch UBND xã released Counter 3 and signed you out of it.")
    await staff.click("#lang")
    assert called_tickets(app) == []
    assert app[READER].execute("SELECT actor FROM audit_log WHERE action = 'counter_release'").fetchall()[0][0] == (
        "user:lanhdao")
    await staff.click("#taken-choose")
    await expect(staff.locator("[data-counter='3']")).to_contain_text("Còn trống")
    assert errors == []


async def test_a_leader_takes_over_a_counter_from_the_leader_page(
        base: str, browser: Browser, app: web.Application) -> None:
    staff = await console_at(browser, base, 4)
    leader = await leader_page(browser, base)
    row = leader.locator("#counters tr[data-counter='4']")
    await row.locator("button[data-action=takeover]").click()
    await expect(leader.locator("#confirm-title")).to_have_text("Nhận thay Quầy số 4?")
    await leader.click("#confirm-ok")
    await expect(leader.locator("#notice.ok")).to_have_text("Bạn đã nhận thay Quầy số 4.")
    await expect(row).to_contain_text("Bạn đang phụ trách")
    await expect(row.locator("a[href='/counter']")).to_have_text("Mở bàn làm việc quầy")
    await expect(staff.locator("#taken-title")).to_have_text("Quầy đã được nhận thay")
    await expect(staff.locator("#taken-text")).to_have_text("Chủ tịch UBND xã đã nhận thay Quầy số 4.")
    await row.locator("a[href='/counter']").click()  # the leader serves there from the console
    await expect(leader.locator("#console")).to_be_visible()
    await expect(leader.locator("#who-counter")).to_have_text("Quầy số 4")


async def test_an_idle_sign_in_lapses_and_the_console_says_so(
        base: str, browser: Browser, app: web.Application, clock: FakeClock) -> None:
    await issue(base)
    staff = await new_page(browser, 1366, 768, locale="vi-VN")
    await sign_in(staff, base + "counter", "canbo3")
    await staff.click("[data-counter='3']")
    await expect(staff.locator("#live-dot.online")).to_have_count(1)
    clock.advance(minutes=119)
    assert await run_idle_lapse(app) == []
    await expect(staff.locator("#console")).to_be_visible()
    clock.advance(minutes=2)
    assert [row["number"] for row in await run_idle_lapse(app)] == [3]
    await expect(staff.locator("#taken-title")).to_have_text("Quầy đã tự đăng xuất")
    await expect(staff.locator("#taken-text")).to_have_text(
        "Quầy số 3 đã tự đăng xuất sau 120 phút không có thao tác nào.")
    await expect(staff.locator("#console")).to_be_hidden()
    await shot(staff, "console-sign-in-lapsed")
    counters = {c["number"]: c for c in catalog.counters(app[READER])}
    assert counters[3]["signed_in_user"] is None
    await staff.click("#taken-choose")
    await staff.click("[data-counter='3']")  # back to work in one click
    await expect(staff.locator("#console")).to_be_visible()
    await staff.click("#btn-next")
    await expect(staff.locator("#cur-number")).to_have_text("1001")


async def api_as(base: str, user: str, calls: list[tuple[str, str]]) -> None:
    """Sign in and run (method, path) calls in order, each expected to succeed."""
    async with aiohttp.ClientSession() as s:
        headers = await api_sign_in(s, base, user)
        for method, path in calls:
            await call(s, method, base + path, {}, headers)


@pytest.mark.skipif(not SHOOT, reason="set MOTCUA_SHOTS=1 to regenerate docs/screenshots")
async def test_screenshots(base: str, browser: Browser, app: web.Application, clock: FakeClock) -> None:
    """A busy morning: the console with a called ticket and running step timers, the leader's board,
    the rating tablet."""
    first = await issue(base)
    prio = await issue(base, 2, priority="nguoi_cao_tuoi")
    for proc in (10, 17, 14, 23, 3, 7, 1):
        clock.advance(minutes=1, seconds=40)
        await issue(base, proc)
    staff = await console_at(browser, base, 3)
    await call_and_start(staff, prio["number"])  # the priority ticket goes first
    c4 = f"api/counters/4/tickets/{first['id']}"
    async with aiohttp.ClientSession() as s:
        h = await staff_at(s, base, 4)
        await call(s, "POST", base + "api/counters/4/call", {"ticket_id": first["id"]}, h)
        await call(s, "POST", base + f"{c4}/start", {}, h)
        for step_, action in (("receive", "start"), ("receive", "end"), ("appraise", "start"), ("appraise", "end"),
                              ("approve", "start")):
            await call(s, "POST", base + f"{c4}/steps/{step_}/{action}", {}, h)
    await api_as(base, "canbo1", [("POST", "api/counters/1/signin"), ("POST", "api/counters/1/call-next")])
    await api_as(base, "canbo6", [("POST", "api/counters/6/signin")])
    await step_button(staff, "receive").click()
    await expect(staff.locator("li.step.open[data-step='receive']")).to_have_count(1)
    clock.advance(minutes=4, seconds=10)
    await step_button(staff, "receive").click()
    await expect(staff.locator("li.step.done[data-step='receive']")).to_have_count(1)
    await step_button(staff, "appraise").click()
    await expect(staff.locator("li.step.open[data-step='appraise']")).to_have_count(1)
    clock.advance(minutes=10, seconds=45)
    await check_overdue(app)
    await issue(base, 11)  # any event brings the server's time to the pages
    await expect(staff.locator("li.step.open.amber[data-step='appraise']")).to_have_count(1)
    await staff.locator("#notice").evaluate("n => n.classList.add('hidden')")
    await staff.screenshot(path=SHOTS / "console-serving.png")
    leader = await leader_page(browser, base)
    await expect(leader.locator("#approvals tr")).to_have_count(1)
    await leader.screenshot(path=SHOTS / "leader-overview.png", full_page=True)
    tablet = await new_page(browser, 1280, 800, locale="vi-VN")
    await tablet.goto(base + "rate/3?device=demo-rate-3")
    await expect(tablet.locator("#idle")).to_be_visible()
    await tablet.screenshot(path=SHOTS / "rating-idle.png")
    await staff.check("input[value=incomplete]")
    await staff.click("#btn-finish")
    await expect(tablet.locator("#ask")).to_be_visible()
    await tablet.screenshot(path=SHOTS / "rating-tablet.png")
    await tablet.click(".face[data-score='1']")
    await expect(tablet.locator("#reason")).to_be_visible()
    await tablet.screenshot(path=SHOTS / "rating-reason.png")
