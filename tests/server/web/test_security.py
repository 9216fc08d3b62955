"""Hostile input: rate limits, body size, strict validation, security headers on every kind of page,
login throttling, one server per database, readiness and device last-seen."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.auth import LoginThrottle
from server.config import Config, ConfigError
from server.domain.clock import FakeClock
from server.domain.errors import DomainError
from server.keys import SERVICES
from server.ops.backup import ServerRunning, restore_database
from server.ops.devices import TRACKER
from server.web.middleware import API_SECURITY_HEADERS, SECURITY_HEADERS
from server.web.security import Bucket, settings
from tests.conftest import DISPLAY, KIOSK, make_config, staff_at

LIMITS = {"kiosk_issue_burst": 3, "kiosk_issue_every_s": 5, "public_burst": 4, "public_every_s": 2}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, security=LIMITS)


async def test_a_kiosk_gets_three_tickets_at_once_then_one_every_five_seconds(client: TestClient,
                                                                              clock: FakeClock) -> None:
    ok = [await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK) for _ in range(3)]
    assert [r.status for r in ok] == [201, 201, 201]
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    assert r.status == 429 and r.headers["Retry-After"] == "5"
    body = await r.json()
    assert body["error"]["message"] == "Bạn thao tác quá nhanh, vui lòng chờ 5 giây."
    staff = await staff_at(client, 3)  # staff are never limited
    assert (await client.post("/api/tickets", json={"procedure_id": 1}, headers=staff)).status == 201
    clock.advance(seconds=5)
    assert (await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)).status == 201
    assert (await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)).status == 429
    numbers = (await (await client.get("/api/queue", headers=staff)).json())["tickets"]
    assert len(numbers) == 5  # the refused presses made no ticket


async def test_public_status_is_limited_per_address(client: TestClient, clock: FakeClock) -> None:
    statuses = [(await client.get("/api/public/tickets/nope")).status for _ in range(5)]
    assert statuses == [404, 404, 404, 404, 429]
    clock.advance(seconds=2)
    assert (await client.get("/api/public/tickets/nope")).status == 404
    assert (await client.get("/api/office")).status == 200  # the catalogue is not a limited path


async def test_the_booking_pages_own_files_cost_no_budget(client: TestClient) -> None:
    page = await (await client.get("/book")).text()  # one of the budget's 4
    assets = re.findall(r'(?:src|href)="(/book/static/[^"]+)"', page)
    assert len(assets) == 2
    for _ in range(3):  # a phone that reloads: the page's script and style each time
        assert [(await client.get(a)).status for a in assets] == [200, 200]
    # The citizen's three API calls still fit in what is left of the budget.
    assert [(await client.get("/api/appointments/slots")).status for _ in range(3)] == [200, 200, 200]
    assert (await client.get("/api/appointments/slots")).status == 429


async def test_too_large_a_body_is_413_with_a_message(client: TestClient) -> None:
    r = await client.post("/api/login", data=b"{" + b" " * (70 * 1024) + b"}",
                          headers={"Content-Type": "application/json"})
    assert r.status == 413
    assert (await r.json())["error"]["message"] == "Nội dung gửi lên quá lớn."


@pytest.mark.parametrize("method,path,body,status,code", [
    ("POST", "/api/counters/abc/call-next", None, 404, "not_found"),
    ("GET", "/api/tickets/x';DROP TABLE tickets;--", None, 404, "ticket_not_found"),
    ("POST", "/api/tickets", "not json", 400, "bad_json"),
    ("POST", "/api/tickets", "[1, 2]", 422, "invalid_input"),
    ("POST", "/api/tickets", '{"procedure_id": "một"}', 422, "invalid_input"),
    ("POST", "/api/tickets", '{"procedure_id": 1, "evil": true}', 422, "invalid_input"),
    ("POST", "/api/tickets", '{"procedure_id": 99999}', 404, "procedure_not_found"),
    ("DELETE", "/api/tickets", None, 405, "method_not_allowed"),
])
async def test_bad_requests_get_clear_4xx_json_never_500(client: TestClient, method: str, path: str,
                                                       body: str | None, status: int, code: str) -> None:
    headers = {**KIOSK, "Content-Type": "application/json"}
    r = await client.request(method, path, data=body, headers=headers)
    assert r.status == status, await r.text()
    error = (await r.json())["error"]
    assert error["code"] == code and error["message"] and error["message_en"]


async def test_security_headers_on_every_kind_of_answer(client: TestClient) -> None:
    """Pages, files and redirects carry the pages' set; every JSON answer (errors too) the API's."""
    kinds = ["/api/office", "/api/nope", "/healthz", "/admin/login", "/admin/static/admin.css", "/static/base.css",
             "/nope-page", "/api/openapi.json"]
    kinds += [p for p in ("/kiosk?device=demo-kiosk-1", "/display?device=demo-display-hall", "/counter")
              if any(r.get_info().get("path") == p.split("?")[0] for r in client.app.router.resources())]
    for path in kinds:
        r = await client.get(path, allow_redirects=False)
        expected = API_SECURITY_HEADERS if r.content_type == "application/json" else SECURITY_HEADERS
        for name, value in expected.items():
            assert r.headers.get(name) == value, f"{path} ({r.status}) lacks {name}"
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers={"Authorization": "Bearer demo-kiosk-1"})
    assert r.status == 201 and r.content_type == "application/json" and r.charset == "utf-8"
    assert {name: r.headers.get(name) for name in API_SECURITY_HEADERS} == API_SECURITY_HEADERS
    assert "default-src 'none'" in API_SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in SECURITY_HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in SECURITY_HEADERS["Content-Security-Policy"]


async def test_login_is_throttled_after_five_failures_even_with_the_right_password(client: TestClient) -> None:
    for _ in range(5):
        r = await client.post("/api/login", json={"username": "admin", "password": "sai"})
        assert r.status == 401
    r = await client.post("/api/login", json={"username": "admin", "password": "admin-demo"})
    assert r.status == 429 and int(r.headers["Retry-After"]) > 0
    assert "Đăng nhập sai quá nhiều lần" in (await r.json())["error"]["message"]
    r = await client.post("/api/login", json={"username": "canbo1", "password": "canbo1-demo"})
    assert r.status == 200  # another account from the same address is not locked out


def test_login_throttle_window_passes() -> None:
    throttle = LoginThrottle(limit=2, window_s=60)
    throttle.failed("1.2.3.4", "a", now=0)
    throttle.failed("1.2.3.4", "a", now=1)
    with pytest.raises(DomainError) as refused:
        throttle.check("1.2.3.4", "a", now=30)
    assert refused.value.params["retry_after"] == 31
    throttle.check("1.2.3.4", "a", now=61.5)  # the first failure left the window
    throttle.check("5.6.7.8", "a", now=30)


def test_security_settings_are_validated_with_the_key_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kiosk_burst"):
        settings(make_config(tmp_path, security={"kiosk_burst": 3}))
    with pytest.raises(ConfigError, match="public_every_s must be above 0"):
        settings(make_config(tmp_path, security={"public_every_s": 0}))


async def test_a_second_server_on_the_same_database_is_refused(client: TestClient, config: Config) -> None:
    second = create_app(config)
    runner = web.AppRunner(second)
    with pytest.raises(ServerRunning, match="in use by a running motcua server"):
        await runner.setup()
    await runner.cleanup()
    backup = config.db_file.with_name("copy.db")
    backup.write_bytes(config.db_file.read_bytes())
    with pytest.raises(ServerRunning):
        restore_database(backup, config.db_file)


async def test_readyz_reports_database_scheduler_and_each_part(client: TestClient) -> None:
    body = await (await client.get("/readyz")).json()
    assert body["ready"] is True and body["checks"]["database"] == "ok"
    assert body["checks"]["scheduler"]["ready"] is True
    assert body["checks"]["devices"]["devices"] == 8

    class DeadPrinter:
        def health(self) -> dict[str, Any]:
            return {"ready": False, "state": "offline"}

    client.app[SERVICES]["printer:test"] = DeadPrinter()
    r = await client.get("/readyz")
    assert r.status == 503 and (await r.json())["checks"]["printer:test"]["state"] == "offline"


async def test_device_last_seen_is_flushed_and_a_silent_tv_shows_offline(client: TestClient,
                                                                         clock: FakeClock) -> None:
    tracker = client.app[TRACKER]
    assert (await client.get("/api/office", headers=KIOSK)).status == 200
    assert (await client.get("/api/queue", headers=DISPLAY)).status == 200
    assert await tracker.flush() == 2
    rows = {d["id"]: d for d in tracker.rows()}
    assert rows["kiosk-1"]["online"] and rows["tv-hall"]["online"] and not rows["rate-3"]["online"]
    clock.advance(minutes=10)
    async with client.ws_connect("/api/live?device=demo-kiosk-1") as ws:
        assert (await ws.receive_json())["type"] == "snapshot"
        rows = {d["id"]: d for d in tracker.rows()}
        assert rows["kiosk-1"]["connected"] and rows["kiosk-1"]["online"]
        assert not rows["tv-hall"]["online"]  # silent for ten minutes: the admin sees it
        await tracker.flush()
    assert client.app[TRACKER].flushes == 2
    seen = dict(await asyncio.to_thread(_last_seen, client.app))
    assert seen["kiosk-1"] > seen["tv-hall"]


def _last_seen(app: web.Application) -> list[tuple[str, float]]:
    import sqlite3

    from server.keys import CONFIG

    with sqlite3.connect(app[CONFIG].db_file) as conn:
        return conn.execute("SELECT id, last_seen FROM devices WHERE last_seen IS NOT NULL").fetchall()




async def test_a_sign_in_never_holds_up_the_tickets(client, monkeypatch) -> None:  # noqa: ANN001
    """The password hash is checked in a worker thread, outside the writer: while one sign-in is still
    checking, kiosks keep issuing tickets."""
    import asyncio
    import threading

    from server import auth
    from tests.conftest import issue

    checking, release = threading.Event(), threading.Event()
    real = auth.check_password

    def slow_check(user, password):  # noqa: ANN001, ANN202
        checking.set()
        assert release.wait(timeout=10), "the test never released the sign-in"
        return real(user, password)

    monkeypatch.setattr(auth, "check_password", slow_check)
    signing_in = asyncio.ensure_future(client.post("/api/login", json={"username": "admin", "password": "admin-demo"}))
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, checking.wait, 10)
    ticket = await issue(client, 1)  # answered while the sign-in is still inside its password check
    assert ticket["number"] and not signing_in.done()
    release.set()
    r = await signing_in
    assert r.status == 200 and (await r.json())["token"]


def test_bucket_refills_at_its_pace_up_to_its_burst_and_not_when_the_clock_goes_back() -> None:
    b = Bucket(burst=2, every_s=5, tokens=2, at=100.0)
    assert [b.take(100.0), b.take(100.0)] == [0.0, 0.0]
    assert b.take(101.0) == pytest.approx(4.0)  # 0.2 token back: 4 s until a whole one
    assert b.take(106.0) == 0.0  # 1.2 tokens: one taken
    assert b.take(50.0) == pytest.approx(4.0)  # the clock went back: nothing refilled
    assert b.take(1000.0) == 0.0 and b.tokens == pytest.approx(1.0)  # refilled to the burst only
