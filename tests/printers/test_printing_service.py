"""Specs for printers/service.py: what a kiosk's ticket prints, reprint, printer states for pages and /readyz."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient

from printers.emulator.server import PrinterEmulator
from printers.service import PrintService, service_of
from server.app import create_app
from server.config import Config, ConfigError, from_dict
from server.domain.clock import FakeClock
from server.keys import AFTER_ISSUE
from tests.conftest import KIOSK, MONDAY_9AM, issue, login, seed, staff_at
from tests.printers.test_printer_emulator import wait_until

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
