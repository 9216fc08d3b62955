"""Booking check-in at the kiosk cannot be used to guess codes (issue 19, item 10): tries are limited per kiosk,
misses over the whole code space, staff are never held up, and a burst of misses reaches the admin's audit log
and the server's log."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from server import auth
from server.config import Config
from server.domain.clock import FakeClock
from server.keys import CONFIG
from tests.conftest import KIOSK, login, make_config
from tests.procs import LOAD_TEST_LIMITS
from tests.server.pages.test_admin import admin_session
from tests.server.services.test_appointments import THURSDAY_9AM, book, make_slots

LIMITS = {**LOAD_TEST_LIMITS, "checkin_burst": 3, "checkin_every_s": 10, "checkin_miss_burst": 6,
          "checkin_miss_every_s": 60, "checkin_alert_misses": 4, "checkin_alert_window_s": 600}
KIOSK_2 = {"Authorization": "Bearer second-kiosk-token"}
WRONG = ["ACDEFG", "HJKMNP", "QRTUVW", "XY2345", "679ACD", "EFGHJK", "MNPQRT", "UVWXY2"]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, voice={"enabled": False}, security=LIMITS)


async def _try(client: TestClient, code: str, headers: dict[str, str]) -> tuple[int, dict]:
    r = await client.post("/api/appointments/check-in", json={"code": code}, headers=headers)
    body = await r.json()
    if r.status == 429:
        assert int(r.headers["Retry-After"]) >= 1
    return r.status, body


async def test_codes_cannot_be_guessed_at_speed_and_a_burst_of_misses_reaches_the_admin(
        client: TestClient, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        conn.execute("INSERT INTO devices (id, kind, name, token_hash, active) VALUES (?, 'kiosk', ?, ?, 1)",
                     ("kiosk-2", "Ki-ốt tầng 2", auth.token_hash("second-kiosk-token")))
    slots = await make_slots(client)
    _, booking = await book(client, slots[0]["id"])
    clock.set(THURSDAY_9AM.replace(minute=0))

    # one kiosk: three tries at once, then it waits (the 4th would have been the 4th guess in a second)
    assert [(await _try(client, c, KIOSK))[0] for c in WRONG[:3]] == [404, 404, 404]
    status, body = await _try(client, WRONG[3], KIOSK)
    assert status == 429 and body["error"]["code"] == "rate_limited"
    clock.advance(seconds=10)
    assert (await _try(client, WRONG[3], KIOSK))[0] == 404  # its 4th miss within the window: the alert

    # the code space: every kiosk's misses together (6), so a second kiosk cannot carry on the guessing
    assert [(await _try(client, c, KIOSK_2))[0] for c in WRONG[4:6]] == [404, 404]
    status, body = await _try(client, booking["code"], KIOSK_2)
    assert status == 429 and body["error"]["code"] == "checkin_throttled"
    assert "đến quầy" in body["error"]["message"] and body["error"]["message_en"]

    # staff at a counter are never held up: the citizen is checked in there
    staff = await login(client, "canbo3")
    assert (await _try(client, WRONG[6], staff))[0] == 404
    status, ticket = await _try(client, booking["code"], staff)
    assert status == 201 and ticket["appointment"]["code"] == booking["code"]

    # the admin sees which kiosk, in the audit log and on its page; the server's log says it too
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        rows = conn.execute("SELECT actor, detail FROM audit_log"
                            " WHERE action = 'appointment.checkin_misses'").fetchall()
    assert len(rows) == 1 and rows[0][0] == "device:kiosk-1" and '"misses": 4' in rows[0][1]
    await admin_session(client)
    page = await (await client.get("/admin/audit")).text()
    assert "appointment.checkin_misses" in page and "Ki-ốt sảnh chính" in page
    assert any("kiosk-1" in rec.getMessage() and "not found" in rec.getMessage() for rec in caplog.records)

    # the buckets refill with time: two minutes later the kiosk may try again (the code is looked up: 404)
    clock.advance(seconds=120)
    assert (await _try(client, WRONG[7], KIOSK))[0] == 404


async def test_a_misses_alert_is_written_once_a_window(client: TestClient, clock: FakeClock) -> None:
    for minute in range(8):  # 8 misses, one every 20 s: within every limit, but a steady guesser
        clock.advance(seconds=20)
        assert (await _try(client, WRONG[minute], KIOSK))[0] == 404
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        n = conn.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.checkin_misses'").fetchone()[0]
    assert n == 1
