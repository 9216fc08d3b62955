"""The admin's printers page: a printer added through the form prints at once (no restart), its test slip reads
back, kiosks print where the page says, and bad input or a printer still in use is refused in Vietnamese."""

from __future__ import annotations

import json
import shutil

import pytest
from aiohttp.test_utils import TestClient

from printers.emulator.readback import ocr
from printers.emulator.server import PrinterEmulator
from printers.service import service_of
from tests.conftest import issue
from tests.server.pages.test_admin import admin_session, db_rows

OFFICE = "Trung tâm Phục vụ hành chính công xã Hoài Thanh"
FAST = {"max_attempts": 2, "backoff_s": (0.05,), "probe_interval_s": 0.2}


def network_form(csrf: str, emulator: PrinterEmulator, **more: str | list[str]) -> dict[str, str | list[str]]:
    return {"csrf": csrf, "id": "sanh", "kind": "network", "host": "127.0.0.1", "port": str(emulator.port),
            "paper_mm": "80", "mode": "text", "timeout_s": "2", "show_qr": "on", **more}


def form_data(values: dict[str, str | list[str]]) -> list[tuple[str, str]]:
    """A form with repeated keys (the kiosks' checkboxes), as a browser posts it."""
    out: list[tuple[str, str]] = []
    for key, value in values.items():
        out += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return out


async def add_printer(client: TestClient, form: dict[str, str | list[str]], path: str = "/admin/printers") -> None:
    r = await client.post(path, data=form_data(form), allow_redirects=False)
    assert r.status == 303, await r.text()


def stored_printers(client: TestClient) -> list[dict[str, object]]:
    rows = db_rows(client, "SELECT value FROM settings WHERE section = 'printers'")
    return json.loads(rows[0][0]) if rows else []


@pytest.fixture
def fast_printers(client: TestClient) -> TestClient:
    service_of(client.app).worker_options = FAST  # the manager is built when the first printer is added
    return client


async def test_a_network_printer_added_on_the_page_prints_its_test_slip_and_the_kiosks_tickets(
    fast_printers: TestClient, emulator: PrinterEmulator
) -> None:
    client = fast_printers
    csrf = await admin_session(client)
    assert not service_of(client.app).has_printer("sanh")
    await add_printer(client, network_form(csrf, emulator, kiosk_ids=["kiosk-1"]))

    # Stored as settings (checked by the config model), the kiosk points at it, both audited; running at once.
    (stored,) = stored_printers(client)
    assert stored["id"] == "sanh" and stored["port"] == emulator.port and stored["mode"] == "text"
    assert db_rows(client, "SELECT printer_id FROM devices WHERE id = 'kiosk-1'") == [("sanh",)]
    actions = [a for (a,) in db_rows(client, "SELECT action FROM audit_log")]
    assert "settings.printers" in actions and "printer.kiosks" in actions
    assert service_of(client.app).has_printer("sanh")
    page = await (await client.get("/admin/printers")).text()
    assert "sanh" in page and f"127.0.0.1:{emulator.port}" in page and "Sẵn sàng" in page  # its first answer

    # The test slip goes through the print queue and reads back with the office's name.
    r = await client.post("/admin/printers/sanh/test", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303, await r.text()
    page = await (await client.get(r.headers["Location"])).text()
    assert "Đã gửi phiếu in thử tới máy in sanh" in page
    (slip,) = await emulator.wait_for_tickets(1)
    assert OFFICE in slip.text
    assert any(line.startswith("IN THỬ — máy in sanh") for line in slip.text)

    # The kiosk assigned on the page prints its tickets there.
    ticket = await issue(client, 1)
    assert ticket["print"]["printer"]["printer_id"] == "sanh" and ticket["print"]["job_id"]
    _, printed = await emulator.wait_for_tickets(2)
    assert ticket["number"] in printed.text and OFFICE in printed.text


async def test_the_offices_first_printer_is_asked_for_its_state_at_once(
    client: TestClient, emulator: PrinterEmulator
) -> None:
    """An office that started with no printer (as after `motcua init`): the first one added shows 'ready' on the
    page that answers the form, with the production probe interval (15 s), not 'unknown' until the next probe."""
    csrf = await admin_session(client)
    await add_printer(client, network_form(csrf, emulator))
    page = await (await client.get("/admin/printers")).text()
    row = page[page.index('data-printer="sanh"'):]
    assert "Sẵn sàng" in row[:row.index("</tr>")]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")
async def test_the_test_slip_printed_as_a_picture_reads_back_by_ocr(
    fast_printers: TestClient, emulator: PrinterEmulator
) -> None:
    client = fast_printers
    csrf = await admin_session(client)
    await add_printer(client, network_form(csrf, emulator, mode="image", paper_mm="58"))
    r = await client.post("/admin/printers/sanh/test", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    (slip,) = await emulator.wait_for_tickets(1)
    assert service_of(client.app).manager.worker("sanh").layout.dots == 384  # type: ignore[union-attr]  # 58 mm
    read = ocr(slip.image)
    # OCR of 58 mm print may take the hook above Ư for an acute accent; the rest reads exactly.
    assert "máy in sanh, khổ 58 mm" in read and "Hoài Thanh" in read and "IN TH" in read


async def test_a_changed_printer_keeps_running_and_a_removed_one_stops(
    fast_printers: TestClient, emulator: PrinterEmulator
) -> None:
    client = fast_printers
    csrf = await admin_session(client)
    await add_printer(client, network_form(csrf, emulator, kiosk_ids=["kiosk-1"]))
    worker = service_of(client.app).manager.worker("sanh")  # type: ignore[union-attr]
    await add_printer(client, network_form(csrf, emulator, paper_mm="58", kiosk_ids=["kiosk-1"]),
                      path="/admin/printers/sanh")
    assert service_of(client.app).manager.worker("sanh") is worker and worker.config.paper_mm == 58  # type: ignore
    assert stored_printers(client)[0]["paper_mm"] == 58

    # A kiosk still prints on it: removing it is refused, in Vietnamese, and nothing changes.
    r = await client.post("/admin/printers/sanh/delete", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 409
    assert "Máy in sanh đang được ki-ốt Ki-ốt sảnh chính dùng" in await r.text()
    assert service_of(client.app).has_printer("sanh")

    await add_printer(client, network_form(csrf, emulator, paper_mm="58"), path="/admin/printers/sanh")  # no kiosk
    assert db_rows(client, "SELECT printer_id FROM devices WHERE id = 'kiosk-1'") == [(None,)]
    r = await client.post("/admin/printers/sanh/delete", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    assert stored_printers(client) == [] and not service_of(client.app).has_printer("sanh")
    assert worker._task is None  # its worker was stopped
    ticket = await issue(client, 1)
    assert ticket["print"]["printer"]["status"] == "missing"


async def test_bad_printer_input_is_refused_in_vietnamese_and_nothing_is_stored(
    client: TestClient, emulator: PrinterEmulator
) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/printers", data=form_data(network_form(csrf, emulator, port="abc")),
                          allow_redirects=False)
    assert r.status == 422
    page = await r.text()
    assert "Cổng TCP" in page and "phải là số nguyên" in page
    assert 'value="abc"' in page  # what was typed is kept in the form
    r = await client.post("/admin/printers", data=form_data(network_form(csrf, emulator, kind="usb")),
                          allow_redirects=False)
    assert r.status == 422 and "Cần nhập Mã hãng USB (vendor id" in await r.text()
    assert stored_printers(client) == [] and not service_of(client.app).has_printer("sanh")
