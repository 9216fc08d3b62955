"""Office settings kept in the database (issue 21): changed on the admin pages, checked by the configuration
model, audited, applied at once without a restart; an installed office's file sections move in once."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Config, PrinterConfig
from server.domain.clock import FakeClock
from server.domain.errors import Invalid
from server.keys import CONFIG, OFFICE_SETTINGS, SERVICES
from server.services import settings as settings_service
from tests.conftest import KIOSK, issue, make_config, staff_at, use_demo_db

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def admin(client: TestClient) -> str:
    r = await client.post("/admin/login", data={"username": "admin", "password": "admin-demo"},
                          allow_redirects=False)
    assert r.status == 303
    return CSRF.search(await (await client.get("/admin/settings")).text()).group(1)


def rows(client: TestClient, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        return conn.execute(sql, params).fetchall()


async def save(client: TestClient, csrf: str, section: str, **values: str) -> Any:
    return await client.post(f"/admin/settings/{section}", data={"csrf": csrf, **values}, allow_redirects=False)


async def call_and_finish(client: TestClient, headers: dict[str, str]) -> str:
    r = await client.post("/api/counters/3/call-next", headers=headers)
    ticket = (await r.json())["ticket"]
    base = f"/api/counters/3/tickets/{ticket['id']}"
    assert (await client.post(base + "/start", headers=headers)).status == 200
    r = await client.post(base + "/finish", json={"outcome": "result_returned"},
                          headers=headers)
    assert r.status == 200, await r.text()
    return ticket["number"]


QUEUE_TYPED = {"priority_burst": 2, "appointment_burst": 1, "normal_max_wait_min": 45, "appointment_early_min": 15}
QUEUE = {"priority_burst": "2", "appointment_burst": "1", "normal_max_wait_min": "45", "appointment_early_min": "15"}


async def test_priority_burst_saved_on_the_settings_page_changes_the_call_order_at_once(client: TestClient) -> None:
    csrf = await admin(client)
    r = await save(client, csrf, "queue", **{**QUEUE, "priority_burst": "1"})
    assert r.status == 303, await r.text()
    assert client.app[OFFICE_SETTINGS].current.queue.priority_burst == 1
    h = await staff_at(client, 3)
    walk_in = await issue(client, 4)
    priority = [await issue(client, 4, priority="nguoi_cao_tuoi") for _ in range(3)]
    called = [await call_and_finish(client, h) for _ in range(4)]
    # one priority ticket, then the walk-in who waited (with the file's 2 it would be P, P, walk-in)
    assert called == [priority[0]["number"], walk_in["number"], priority[1]["number"], priority[2]["number"]]


async def test_kiosk_timings_reach_the_kiosk_page_without_a_restart(client: TestClient) -> None:
    csrf = await admin(client)
    before = await (await client.get("/kiosk", headers=KIOSK)).text()
    assert 'data-idle-reset-s="60"' in before
    r = await save(client, csrf, "kiosk", idle_reset_s="90", ticket_show_s="25", cooldown_s="3", print_wait_s="10",
                   default_lang="vi")
    assert r.status == 303
    page = await (await client.get("/kiosk", headers=KIOSK)).text()
    assert 'data-idle-reset-s="90"' in page and 'data-ticket-show-s="25"' in page and 'data-cooldown-s="3"' in page


async def test_an_invalid_value_is_refused_with_the_models_reason_and_the_form_keeps_it(client: TestClient) -> None:
    csrf = await admin(client)
    r = await save(client, csrf, "queue", **{**QUEUE, "priority_burst": "0", "normal_max_wait_min": "nửa giờ"})
    page = await r.text()
    assert r.status == 422
    assert "Số vé ưu tiên gọi liên tiếp: phải từ 1 trở lên, đã nhập 0" in page
    assert "phải là số nguyên, đã nhập &#39;nửa giờ&#39;" in page
    assert 'value="nửa giờ"' in page  # what was typed is still there to correct
    assert client.app[OFFICE_SETTINGS].current.queue.priority_burst == 2
    assert rows(client, "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.queue'") == [(0,)]


def test_a_refusal_names_the_key_in_english_too() -> None:
    """The English behind the language switch: the model's own sentence, the key as written in the file."""
    with pytest.raises(Invalid) as refused:
        settings_service.check(Config(), "queue", {**QUEUE_TYPED, "priority_burst": 0}, {"priority_burst": "Số vé"})
    assert refused.value.params["en"] == "[queue] priority_burst: must be at least 1, got 0"
    assert refused.value.params["vi"] == "[queue] Số vé: phải từ 1 trở lên, đã nhập 0"


async def test_a_change_is_written_to_the_audit_log_with_each_key_and_the_hub_key_masked(client: TestClient) -> None:
    csrf = await admin(client)
    assert (await save(client, csrf, "queue", **{**QUEUE, "appointment_burst": "3"})).status == 303
    actor, detail = rows(client, "SELECT actor, detail FROM audit_log WHERE action = 'settings.queue'")[0]
    assert actor.endswith("admin") and json.loads(detail) == {"changed": {"appointment_burst": [1, 3]}}
    r = await save(client, csrf, "sync", hub_url="http://127.0.0.1:9", key="bí-mật-của-trung-tâm",
                   centre_code="", interval_s="5")
    assert r.status == 303, await r.text()
    (detail,), = rows(client, "SELECT detail FROM audit_log WHERE action = 'settings.sync'")
    assert "bí-mật" not in detail and json.loads(detail)["changed"]["key"] == "(changed)"
    stored = json.loads(rows(client, "SELECT value FROM settings WHERE section = 'sync'")[0][0])
    assert stored["hub_url"] == "http://127.0.0.1:9" and stored["key"] == "bí-mật-của-trung-tâm"


async def test_hub_sync_set_on_the_page_starts_the_client_and_shows_its_state(client: TestClient) -> None:
    csrf = await admin(client)
    assert "sync" not in client.app[SERVICES]
    r = await save(client, csrf, "sync", hub_url="http://127.0.0.1:9", key="k", centre_code="", interval_s="5")
    assert r.status == 303
    page = await (await client.get("/admin/settings")).text()
    assert "sync" in client.app[SERVICES]  # started without a restart
    assert "Số sự kiện chưa gửi" in page and 'id="sync-behind"' in page
    assert "đã đặt; để trống ô khóa để giữ nguyên" in page and 'value="k"' not in page
    # the key left empty keeps the stored one
    r = await save(client, csrf, "sync", hub_url="http://127.0.0.1:9", key="", centre_code="x1", interval_s="5")
    assert r.status == 303 and client.app[OFFICE_SETTINGS].current.sync.key == "k"


async def test_the_office_page_names_the_office_everywhere_and_keeps_its_logo(client: TestClient) -> None:
    csrf = await admin(client)
    r = await client.post("/admin/office", data={
        "csrf": csrf, "name": "TT Phục vụ hành chính công xã Hoài Thanh", "code": "hoaithanh", "address": "Thôn 1",
        "hotline": "0256 3 888 999", "public_url": "http://192.168.1.20:8080/", "slip_footer": "Cảm ơn quý khách",
        "timezone": "Asia/Ho_Chi_Minh"}, allow_redirects=False)
    assert r.status == 303, await r.text()
    assert (await (await client.get("/api/office")).json())["name"] == "TT Phục vụ hành chính công xã Hoài Thanh"
    assert "0256 3 888 999" in await (await client.get("/kiosk", headers=KIOSK)).text()
    ticket = await issue(client, 4)
    assert ticket["status_url"].startswith("http://192.168.1.20:8080/t/")  # the QR's address, at once
    r = await client.post("/admin/office", data={"csrf": csrf, "public_url": "192.168.1.20"})
    assert r.status == 422 and "must start with http://" in await r.text()
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("logo", png, filename="logo.png", content_type="image/png")
    assert (await client.post("/admin/office/logo", data=form, allow_redirects=False)).status == 303
    r = await client.get("/office/logo")
    assert r.status == 200 and r.content_type == "image/png" and await r.read() == png
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("logo", b"GIF89a....", filename="logo.gif", content_type="image/png")
    r = await client.post("/admin/office/logo", data=form)
    assert r.status == 422 and "PNG hoặc JPEG" in await r.text()


async def _started(config: Any, clock: FakeClock) -> TestClient:
    client = TestClient(TestServer(create_app(config, clock=clock)))
    await client.start_server()
    return client


async def test_the_files_printers_and_voice_move_into_the_database_once(
        tmp_path: Path, clock: FakeClock, template_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = make_config(tmp_path, voice={"rate": 200, "dialect": "south"})
    first = first.model_copy(update={"printers": [PrinterConfig(id="quay-ki-ot", kind="memory")]})
    first.model_fields_set.add("printers")  # as if the file had a [[printers]] table
    use_demo_db(first, template_dir)
    caplog.set_level(logging.INFO, logger="server.app")
    client = await _started(first, clock)
    try:
        stored = dict(rows(client, "SELECT section, value FROM settings"))
        assert json.loads(stored["voice"])["rate"] == 200 and json.loads(stored["voice"])["dialect"] == "south"
        assert [p["id"] for p in json.loads(stored["printers"])] == ["quay-ki-ot"]
        assert any("settings moved from the config file into the database" in r.message and "printers" in r.message
                   and "voice" in r.message for r in caplog.records)
        migrations = rows(client, "SELECT detail FROM audit_log WHERE action = 'settings.migrate'")
        assert len(migrations) == 1
    finally:
        await client.close()
    caplog.clear()
    second = make_config(tmp_path, voice={"rate": 300})  # the file edited afterwards: the database wins
    client = await _started(second, clock)
    try:
        current = client.app[OFFICE_SETTINGS].current
        assert current.voice.rate == 200 and [p.id for p in current.printers] == ["quay-ki-ot"]
        assert client.app[OFFICE_SETTINGS].moved is None
        assert not any("settings moved" in r.message for r in caplog.records)
        assert len(rows(client, "SELECT detail FROM audit_log WHERE action = 'settings.migrate'")) == 1
    finally:
        await client.close()


async def test_a_bookings_limit_saved_on_the_settings_page_applies_to_the_next_booking(client: TestClient) -> None:
    from tests.server.services.test_appointments import book, make_slots
    slots = await make_slots(client)
    assert (await book(client, slots[0]["id"], phone="0912000111"))[0] == 201
    csrf = await admin(client)
    r = await save(client, csrf, "appointments", early_min="60", late_min="15", reminder_hours="24",
                   max_active_per_phone="1", purge_days="90")
    assert r.status == 303, await r.text()
    status, body = await book(client, slots[1]["id"], phone="0912000111")  # the file's 3 would let it through
    assert status == 409 and "1" in body["error"]["message"], body
    assert (await book(client, slots[1]["id"], phone="0912000222"))[0] == 201


async def test_a_live_connection_limit_saved_on_the_settings_page_applies_to_the_next_connection(
        client: TestClient) -> None:
    csrf = await admin(client)
    held = [await client.ws_connect("/api/live") for _ in range(2)]
    for ws in held:
        assert (await ws.receive_json())["type"] == "snapshot"
    r = await save(client, csrf, "security", live_per_address="2", live_send_timeout_s="30",
                   live_max_queued_kb="512", counter_idle_lapse_min="120")
    assert r.status == 303, await r.text()
    r = await client.get("/api/live", headers={"Accept-Language": "vi"})  # the third from this address
    assert r.status == 429 and "(tối đa 2)" in (await r.json())["error"]["message"]
    await held[0].close()
    deadline = asyncio.get_running_loop().time() + 5
    while True:  # the slot comes back once the server has seen the close
        try:
            again = await client.ws_connect("/api/live")
            break
        except WSServerHandshakeError as exc:
            assert exc.status == 429 and asyncio.get_running_loop().time() < deadline
    assert (await again.receive_json())["type"] == "snapshot"
    for ws in [*held[1:], again]:
        await ws.close()


async def test_the_settings_page_offers_bookings_steps_hours_and_connections(client: TestClient) -> None:
    await admin(client)
    page = await (await client.get("/admin/settings")).text()
    for title in ("Lịch hẹn trực tuyến", "Các bước", "Giờ làm việc", "Kết nối và phiên làm việc"):
        assert title in page
    r = await save(client, await admin(client), "steps", amber_pct="100", red_pct="90", check_seconds="30")
    assert r.status == 422 and "red_pct" in await r.text()  # the model's own check, shown on the form
