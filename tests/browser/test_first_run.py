"""Issue 21's "Must show": an office sets itself up from `motcua init` through the admin pages only, then serves.

A real `motcua serve` child process on a database made by `motcua init` (no demo data); the config file holds only
[server] and is never touched again; the server is never restarted. In Chromium, the admin follows the first-run
checklist: office details, the portal's catalogue file (tests/data/tthc_cap_xa.csv, 116 procedures; its source is
in tests/data/README.md) imported through /admin/procedures/import, twelve counters with their fields, a staff
account, the ESC/POS emulator as a network printer, a TV and a kiosk paired by their short codes, an imported
procedure's four "4 tại chỗ" steps, the voice. Then a citizen takes a ticket on the paired kiosk, the slip prints
on the emulator and its number reads back by OCR, the staff member calls it from the counter console, and the
paired TV shows it. The checklist is all done and the admin hides it. Screenshots (MOTCUA_SCREENSHOTS=1): the
checklist before and after (admin-setup-checklist-start.png, admin-setup-checklist-done.png, 1366x768).
"""

from __future__ import annotations

import asyncio
import csv
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from printers.emulator.readback import read_number
from printers.emulator.server import PrinterEmulator
from server.demo.catalogue import FIELDS
from tests.browser.conftest import new_page, record_errors, shot
from tests.browser.test_kiosk import take_ticket
from tests.browser.test_pairing import code_on
from tests.printers.test_printer_emulator import needs_tesseract
from tests.procs import ServerProcess, free_port, toml_sections
from tests.server.cli.test_it_cli import motcua

pytestmark = [pytest.mark.browser, needs_tesseract]

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "tthc_cap_xa.csv"
PASSWORD = "quan-tri-xa-hoa-vang"
STEPS = ("office", "catalogue", "counters", "printers", "devices", "voice", "ticket")
SEEDED_FIELDS = {vi for _, vi, *_ in FIELDS}  # what `motcua init` puts in the catalogue


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """`motcua init` then `motcua serve`, with a config of the machine's part only."""
    port = free_port()
    config = tmp_path / "motcua.toml"
    config.write_text(toml_sections({"server": {"host": "127.0.0.1", "port": port,
                                                "data_dir": str(tmp_path / "data")}}), encoding="utf-8")
    code, said = await motcua("init", "--config", str(config), "--password-file", "-", stdin=PASSWORD + "\n")
    assert code == 0, said
    server = ServerProcess(config, port, tmp_path / "server.log")
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


def rows(server: ServerProcess, sql: str, *args: object) -> list[tuple]:
    """Read the office's database (read-only, beside the running server) to find what the pages created."""
    with sqlite3.connect(f"file:{server.db_file}?mode=ro", uri=True) as conn:
        return conn.execute(sql, args).fetchall()


def portal_procedure() -> tuple[str, str, str]:
    """(code, name, field) of the file's first procedure in a field `motcua init` does not have."""
    with CATALOGUE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["Lĩnh vực"] not in SEEDED_FIELDS and row["Mã thủ tục"].startswith("9."):
                return row["Mã thủ tục"], row["Thủ tục"], row["Lĩnh vực"]
    raise AssertionError("no procedure in a new field")


async def checklist_states(page: Page) -> dict[str, str]:
    steps = page.locator(".checklist li.step")
    await expect(steps).to_have_count(len(STEPS))
    return {await s.get_attribute("data-step") or "": await s.get_attribute("data-done") or ""
            for s in await steps.all()}


async def follow_step(admin: Page, base: str, step: str) -> None:
    """From the checklist (in the nav), open the page that does `step`."""
    await admin.goto(base + "/admin")
    await admin.click("nav.side >> text=Bắt đầu thiết lập")
    await admin.click(f".checklist li[data-step={step}] a.go")


async def set_office(admin: Page) -> None:
    form = admin.locator("section#office form")
    for name, value in (("name", "Trung tâm Phục vụ hành chính công xã Hòa Vang"), ("code", "hoavang"),
                        ("address", "Thôn Dương Lâm 1, xã Hòa Vang, TP Đà Nẵng"), ("hotline", "0236 3846 111"),
                        ("public_url", "http://192.168.1.10:8080"), ("slip_footer", "Cảm ơn quý khách!")):
        await form.locator(f"input[name={name}]").fill(value)
    await form.locator("button[type=submit]").click()
    await expect(admin.locator(".notice.ok")).to_be_visible()
    await expect(admin.locator("header .office")).to_have_text("Trung tâm Phục vụ hành chính công xã Hòa Vang")


async def import_catalogue(admin: Page) -> None:
    await expect(admin).to_have_url(re.compile(r"/admin/procedures/import$"))
    await admin.set_input_files("input[name=file]", str(CATALOGUE))
    await admin.click("form[enctype] button[type=submit]")
    await expect(admin.locator("[data-count=new]")).to_be_visible()  # the preview: what changes
    await admin.locator("input[name=missing][value=keep]").check()
    await admin.locator("form:has(input[name=missing]) button[type=submit]").click()
    await expect(admin.locator(".notice.ok")).to_be_visible()


async def add_counters(admin: Page, base: str, server: ServerProcess, fields: list[int]) -> None:
    """Counters 7..12 beside the six `motcua init` made; each new one serves some of the imported fields."""
    for number in range(7, 13):
        await admin.goto(base + "/admin/counters")
        form = admin.locator("form[action='/admin/counters']")
        await form.locator("input[name=number]").fill(str(number))
        await form.locator("input[name=name_vi]").fill(f"Quầy số {number}")
        await form.locator("input[name=name_en]").fill(f"Counter {number}")
        await form.locator("input[name=grp]").fill("hall")
        await form.locator("input[name=active]").check()
        await form.locator("button[type=submit]").click()
        await expect(admin.locator(".notice.ok")).to_be_visible()
        ((counter_id,),) = rows(server, "SELECT id FROM counters WHERE number = ?", number)
        await admin.goto(f"{base}/admin/counters/{counter_id}")
        for field_id in fields[number - 7::6]:
            await admin.locator(f"input[name=field_ids][value='{field_id}']").check()
        await admin.locator("form.card button[type=submit]").click()
        await expect(admin.locator(".notice.ok")).to_be_visible()


async def add_staff(admin: Page) -> str:
    """A staff account made on /admin/users with a generated password (shown once): answers the password."""
    form = admin.locator("form[action='/admin/users']")
    await form.locator("input[name=username]").fill("canbo7")
    await form.locator("input[name=display_name]").fill("Lê Văn Bảy")
    await form.locator("select[name=role]").select_option("staff")
    await form.locator("button[type=submit]").click()
    secret = admin.locator("#secret")
    await expect(secret).to_have_text(re.compile(r"\S{8,}"))
    return (await secret.inner_text()).strip()


async def add_printer(admin: Page, emulator: PrinterEmulator) -> None:
    await admin.fill("input[name=id]", "sanh")
    await admin.select_option("select[name=kind]", "network")
    await admin.fill("input[name=host]", "127.0.0.1")
    await admin.fill("input[name=port]", str(emulator.port))
    await admin.click("#printer-form button[type=submit]")
    await expect(admin.locator("tr[data-printer=sanh]")).to_contain_text("Sẵn sàng")


async def pair(admin: Page, screen: Page, name: str, printer: str | None = None) -> None:
    """Type the code the new screen shows on the devices page, name it (a kiosk: its printer), and save."""
    code = await code_on(screen)
    await expect(admin.locator("input[name=pair]")).to_be_visible()
    await admin.fill("input[name=pair]", code)
    await admin.click(".pair-form button[type=submit]")
    await admin.fill("input[name=name]", name)
    if printer:
        await admin.select_option("select[name=printer_id]", printer)
    await admin.click("form.screen-form button[type=submit]")
    await expect(admin.locator("#paired")).to_contain_text(name)


async def set_four_steps(admin: Page, base: str, procedure_id: int) -> None:
    await admin.goto(f"{base}/admin/procedures/{procedure_id}")
    for step, minutes in (("receive", "5"), ("appraise", "15"), ("approve", "10"), ("return", "5")):
        await admin.check(f"input[name=step_{step}]")
        await admin.fill(f"input[name=target_{step}]", minutes)
    await admin.click("form.card button[type=submit] >> nth=0")
    await expect(admin.locator(".notice.ok")).to_be_visible()
    await expect(admin.locator("input[name=target_appraise]")).to_have_value("15")


async def console(browser: Browser, base: str, password: str, counter: int) -> Page:
    page = await new_page(browser, 1366, 768, locale="vi-VN")
    record_errors(page)
    await page.goto(base + "/counter")
    await page.fill("#username", "canbo7")
    await page.fill("#password", password)
    await page.click("#login-form button[type=submit]")
    await page.click(f"[data-counter='{counter}']")
    await expect(page.locator("#console")).to_be_visible()
    await expect(page.locator("#live-dot.online")).to_have_count(1)
    return page


async def test_an_office_made_by_init_sets_itself_up_in_the_admin_pages_and_serves_its_first_citizen(
        browser: Browser, office: ServerProcess, emulator: PrinterEmulator) -> None:
    base = office.base
    config_text = office.config.read_text(encoding="utf-8")
    pid = office.proc.pid if office.proc else None
    code, name, field = portal_procedure()

    admin = await new_page(browser, 1366, 768, locale="vi-VN")
    record_errors(admin)
    await admin.goto(base + "/admin")
    await admin.fill("input[name=username]", "admin")
    await admin.fill("input[name=password]", PASSWORD)
    await admin.click("button[type=submit]")
    assert set((await checklist_states(admin)).values()) == {"no"}  # the first page guides
    await shot(admin, "admin-setup-checklist-start")

    await follow_step(admin, base, "office")
    await set_office(admin)

    await follow_step(admin, base, "catalogue")
    await import_catalogue(admin)
    assert rows(office, "SELECT COUNT(*) FROM procedures WHERE active = 1")[0][0] >= 116
    new_fields = [f for (f, vi) in rows(office, "SELECT id, name_vi FROM fields ORDER BY id")
                  if vi not in SEEDED_FIELDS]
    assert len(new_fields) >= 6

    await follow_step(admin, base, "counters")
    await add_counters(admin, base, office, new_fields)
    assert rows(office, "SELECT COUNT(*) FROM counters WHERE active = 1")[0][0] == 12
    ((procedure_id, field_code, field_id),) = rows(
        office, "SELECT p.id, f.code, f.id FROM procedures p JOIN fields f ON f.id = p.field_id WHERE p.code = ?",
        code)
    ((counter,),) = rows(office, "SELECT c.number FROM counters c JOIN counter_services s ON s.counter_id = c.id"
                                 " WHERE s.field_id = ?", field_id)
    await admin.goto(base + "/admin/users")
    password = await add_staff(admin)

    await follow_step(admin, base, "printers")
    await add_printer(admin, emulator)

    tv = await new_page(browser, 1920, 1080)
    record_errors(tv)
    await tv.goto(base + "/display")
    kiosk = await new_page(browser, 1080, 1920)
    record_errors(kiosk)
    await kiosk.goto(base + "/kiosk")
    await follow_step(admin, base, "devices")
    await pair(admin, tv, "TV sảnh chính")
    await admin.goto(base + "/admin/devices")
    await pair(admin, kiosk, "Ki-ốt sảnh chính", printer="sanh")
    await expect(tv).to_have_url(base + "/display")
    await expect(kiosk).to_have_url(base + "/kiosk")

    await set_four_steps(admin, base, procedure_id)

    await follow_step(admin, base, "voice")
    await admin.select_option("select[name=voice]", "central")  # Đà Nẵng: the central voice
    await admin.locator("form:has(select[name=voice]) .actions button:not([formaction])").click()
    await expect(admin.locator(".notice.ok")).to_be_visible()

    # A citizen on the paired kiosk: the slip prints on the emulator and reads back.
    number = await take_ticket(kiosk, field=field_code, procedure=procedure_id)
    await expect(kiosk.locator("#ticket-proc")).to_have_text(name)
    (slip,) = await emulator.wait_for_tickets(1)
    assert read_number(slip.image) == number

    # The staff member calls it at their counter; the hall TV shows it there.
    staff = await console(browser, base, password, counter)
    await staff.click("#btn-next")
    await expect(staff.locator("#cur-number")).to_have_text(number)
    await expect(tv.locator("#hero-number")).to_have_text(number)
    await expect(tv.locator("#hero-counter")).to_have_text(f"Quầy số {counter}")

    # Every step is done: the checklist says so and may leave the overview.
    await admin.goto(base + "/admin")
    assert await checklist_states(admin) == dict.fromkeys(STEPS, "yes")
    await expect(admin.locator("#setup-progress")).to_have_text("Đã xong 7/7 bước")
    await shot(admin, "admin-setup-checklist-done")
    await admin.click(".checklist button[type=submit]")
    await expect(admin.locator(".checklist")).to_have_count(0)
    await admin.click("nav.side >> text=Bắt đầu thiết lập")
    await expect(admin.locator(".checklist button[type=submit]")).to_have_text("Hiện lại trên trang tổng quan")

    assert office.config.read_text(encoding="utf-8") == config_text  # no TOML edited
    assert office.proc is not None and office.proc.poll() is None and office.proc.pid == pid  # no restart
    for page in (admin, tv, kiosk, staff):
        assert page.errors == [], page.errors  # type: ignore[attr-defined]
