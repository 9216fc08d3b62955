"""Specs for printers/service.py: what a kiosk's ticket prints, reprint, printer states for pages and /readyz."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData, WSMsgType, web
from aiohttp.test_utils import TestClient
from PIL import Image, ImageDraw

from printers.emulator.readback import _ink_bands, ocr
from printers.emulator.server import PrinterEmulator
from printers.service import PrintService, service_of
from server.app import create_app
from server.config import Config, ConfigError, from_dict
from server.domain.clock import FakeClock
from server.keys import AFTER_ISSUE
from tests.conftest import KIOSK, MONDAY_9AM, issue, login, seed, staff_at
from tests.printers.test_printer_emulator import needs_tesseract, wait_until

FAST = {"max_attempts": 2, "backoff_s": (0.05,), "probe_interval_s": 0.2}


@pytest.fixture
async def printing(aiohttp_client: Callable[..., Any], tmp_path: Path, emulator: PrinterEmulator,
                   clock: FakeClock) -> AsyncIterator[TestClient]:
    printer = {"id": "kiosk1", "kind": "network", "host": "127.0.0.1", "port": emulator.port, "timeout_s": 2}
    app = create_app(with_printers(tmp_path, printer), clock=clock)
    service_of(app).worker_options = FAST
    client = await aiohttp_client(app)
    await seed(app, MONDAY_9AM.timestamp())
    yield client


def with_printers(tmp_path: Path, *printers: dict[str, Any]) -> Config:
    return from_dict({"server": {"data_dir": str(tmp_path / "data")}, "printers": list(printers)})


def service(client: TestClient) -> PrintService:
    return service_of(client.app)


async def test_kiosk_ticket_prints_office_procedure_waiting_ahead_and_status_url(
    printing: TestClient, emulator: PrinterEmulator
) -> None:
    await issue(printing, 2)
    ticket = await issue(printing, 2, priority="nguoi_cao_tuoi")
    job = service(printing).job(ticket["print"]["job_id"])
    assert job is not None and ticket["print"]["printer"]["printer_id"] == "kiosk1"
    slip = job.slip
    assert slip.office_name == "Trung tâm Phục vụ hành chính công xã Hoài Thanh"
    assert slip.procedure_name == "Đăng ký kết hôn" and slip.field_name == "Hộ tịch"
    assert slip.number == ticket["number"]
    assert slip.waiting_ahead == ticket["waiting_ahead"]
    assert slip.status_url == ticket["status_url"] and slip.status_url.endswith(f"/t/{ticket['status_token']}")
    assert slip.priority_label == "Người cao tuổi"
    assert slip.counter_hint == "Quầy phục vụ: 3, 4"
    assert slip.issued_at.utcoffset() is not None and slip.issued_at.hour == 9
    await job.wait()
    assert job.status == "printed"
    await emulator.wait_for_tickets(2)


async def test_first_ticket_has_nobody_ahead_and_the_second_has_one(printing: TestClient) -> None:
    first, second = await issue(printing, 3), await issue(printing, 3)
    slips = [service(printing).job(t["print"]["job_id"]).slip for t in (first, second)]  # type: ignore[union-attr]
    assert [s.waiting_ahead for s in slips] == [0, 1]
    # Nobody ahead: no "~0 phút" line; one ahead: the estimate (the procedure's 15-minute target, one counter).
    assert slips[0].estimated_wait_min is None and slips[1].estimated_wait_min == second["estimated_wait_min"] >= 1


async def test_staff_issued_ticket_is_not_printed(printing: TestClient) -> None:
    headers = await login(printing, "canbo1")
    r = await printing.post("/api/tickets", json={"procedure_id": 10}, headers=headers)
    assert r.status == 201
    assert (await r.json())["print"] is None


async def test_reprint_queues_the_same_job_again(printing: TestClient, emulator: PrinterEmulator) -> None:
    ticket = await issue(printing, 1)
    job = service(printing).job(ticket["print"]["job_id"])
    assert job is not None
    await job.wait()
    headers = await login(printing, "canbo3")
    r = await printing.post(f"/api/tickets/{ticket['id']}/reprint", json={}, headers=headers)
    assert r.status == 200, await r.text()
    answer = await r.json()
    assert answer["job_id"] == job.id and answer["source"] == "memory" and answer["number"] == ticket["number"]
    await wait_until(lambda: job.reprints == 1 and job.status == "printed")
    await emulator.wait_for_tickets(2)


async def test_reprint_without_a_job_renders_the_ticket_from_the_database(printing: TestClient) -> None:
    staff = await login(printing, "canbo1")
    r = await printing.post("/api/tickets", json={"procedure_id": 10}, headers=staff)
    ticket = await r.json()
    r = await printing.post(f"/api/tickets/{ticket['id']}/reprint", json={}, headers=staff)
    assert r.status == 200, await r.text()
    answer = await r.json()
    assert answer["source"] == "database" and answer["printer"]["printer_id"] == "kiosk1"
    job = service(printing).job(answer["job_id"])
    assert job is not None and job.slip.number == ticket["number"]
    assert job.slip.status_url.endswith(f"/t/{ticket['status_token']}")


async def test_reprint_errors_say_what_is_wrong(printing: TestClient) -> None:
    staff = await login(printing, "canbo1")
    r = await printing.post("/api/tickets/nope/reprint", json={}, headers=staff)
    assert r.status == 404 and "Không tìm thấy vé" in (await r.json())["error"]["message"]
    ticket = await issue(printing, 1)
    r = await printing.post(f"/api/tickets/{ticket['id']}/reprint", json={"printer_id": "hall-2"}, headers=staff)
    body = await r.json()
    assert r.status == 409 and "hall-2" in body["error"]["message"] and "[[printers]]" in body["error"]["message"]
    r = await printing.post(f"/api/tickets/{ticket['id']}/reprint", json={}, headers=KIOSK)
    assert r.status == 403
    printing.session.cookie_jar.clear()  # signed out: no sign-in cookie either
    r = await printing.post(f"/api/tickets/{ticket['id']}/reprint", json={})
    assert r.status == 401


async def test_list_printers_and_readyz_report_printer_state(printing: TestClient) -> None:
    job = service(printing).job((await issue(printing, 1))["print"]["job_id"])
    assert job is not None
    await job.wait()
    r = await printing.get("/api/printers", headers=KIOSK)
    assert r.status == 200
    (state,) = (await r.json())["printers"]
    assert state["printer_id"] == "kiosk1" and state["status"] == "ok"
    r = await printing.get("/readyz")
    assert (await r.json())["checks"]["printers"]["printers"] == {"kiosk1": "ok"}
    assert (await printing.get("/api/printers")).status == 401


async def test_printer_down_keeps_the_ticket_and_tells_live_clients(
    printing: TestClient, emulator: PrinterEmulator
) -> None:
    ws = await printing.ws_connect("/api/live?token=demo-kiosk-1&topics=printers")
    assert (await ws.receive_json())["type"] == "snapshot"
    await emulator.stop()
    ticket = await issue(printing, 1)
    staff = await staff_at(printing, 3)
    r = await printing.get("/api/queue", headers=staff)
    assert ticket["number"] in [t["number"] for t in (await r.json())["tickets"]]
    seen: list[dict[str, Any]] = []
    while not any(m.get("job") and m["job"]["status"] == "failed" for m in seen):
        msg = await ws.receive(timeout=10)
        assert msg.type == WSMsgType.TEXT
        seen.append(json.loads(msg.data))
    assert any(m["type"] == "printer" and m["printer"]["status"] == "offline" for m in seen)
    failed = next(m["job"] for m in seen if m.get("job"))
    assert failed["id"] == ticket["print"]["job_id"] and failed["number"] == ticket["number"]
    await ws.close()


async def test_kiosk_without_a_configured_printer_gets_a_clear_print_state(client: TestClient) -> None:
    ticket = await issue(client, 1)
    assert ticket["print"] == {"job_id": None, "printer": {"printer_id": "kiosk1", "status": "missing"}}


def test_a_wrong_printer_table_stops_the_server_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kiosk1.*host"):
        create_app(with_printers(tmp_path, {"id": "kiosk1", "kind": "network"}))


def test_setup_registers_the_hook_and_service(app: web.Application) -> None:
    assert isinstance(service_of(app), PrintService)
    assert service_of(app).after_issue in app[AFTER_ISSUE]


def office_logo() -> bytes:
    """A 200 x 100 logo: a black bar over a mid-grey one (grey is what dithering must keep as dots)."""
    picture = Image.new("RGB", (200, 100), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 199, 39), fill="black")
    draw.rectangle((0, 60, 199, 99), fill=(128, 128, 128))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@needs_tesseract
async def test_the_offices_logo_and_slip_footer_set_on_the_office_page_are_printed_on_the_next_slip(
    printing: TestClient, emulator: PrinterEmulator, tmp_path: Path
) -> None:
    from tests.server.pages.test_settings import admin
    csrf = await admin(printing)
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("logo", office_logo(), filename="logo.png", content_type="image/png")
    assert (await printing.post("/admin/office/logo", data=form, allow_redirects=False)).status == 303
    r = await printing.post("/admin/office", data={
        "csrf": csrf, "name": "Trung tâm Phục vụ hành chính công xã Hoài Thanh", "code": "hoaithanh",
        "address": "Thôn 1", "hotline": "0256 3 888 999", "public_url": "http://192.168.1.20:8080/",
        "slip_footer": "Cảm ơn quý khách đã đến làm thủ tục", "timezone": "Asia/Ho_Chi_Minh"}, allow_redirects=False)
    assert r.status == 303, await r.text()

    await issue(printing, 2)
    (printed,) = await emulator.wait_for_tickets(1)  # decoded from the ESC/POS bytes sent over TCP
    image = printed.image.convert("L")
    assert image.width == 576
    text = " ".join(ocr(image).split())
    assert "Cảm ơn quý khách đã đến làm thủ tục" in text, text

    # The logo: the first inked rows of the slip, scaled to 160 dots high (320 wide, the picture's 2:1), centred;
    # its black bar prints solid, its grey bar as a dither of about half the dots (a threshold would drop it).
    top, bottom = _ink_bands(image)[0]
    band = image.crop((0, top, image.width, bottom))
    left, _, right, _ = band.point(lambda v: 255 - v).getbbox()
    assert abs((right - left) - 320) <= 2 and abs((bottom - top) - 64) <= 2  # the black bar: 40 of 100 rows
    def share_black(box: tuple[int, int, int, int]) -> float:
        part = image.crop(box)
        return sum(1 for v in part.tobytes() if v < 128) / (part.width * part.height)

    assert share_black((left, top + 68, right, top + 92)) == 0  # the white between the bars
    assert 0.35 <= share_black((left + 4, top + 100, right - 4, top + 156)) <= 0.65  # the grey bar, dithered
    assert abs(left - (image.width - right)) <= 2


async def test_a_logo_that_cannot_be_read_leaves_the_slip_printing(
    printing: TestClient, emulator: PrinterEmulator
) -> None:
    from tests.server.pages.test_settings import admin
    csrf = await admin(printing)
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("logo", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, filename="logo.png", content_type="image/png")
    assert (await printing.post("/admin/office/logo", data=form, allow_redirects=False)).status == 303
    ticket = await issue(printing, 2)
    job = service(printing).job(ticket["print"]["job_id"])
    assert job is not None and job.slip.logo is not None
    await job.wait()
    assert job.status == "printed"
    await emulator.wait_for_tickets(1)
