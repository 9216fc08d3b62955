"""Appointments end to end over HTTP under a controllable clock: slots, booking with consent, masking,
manage by code + phone, check-in at the kiosk, called at the slot ahead of walk-ins, no-shows, purge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.api.appointments import run_no_shows, run_purge, run_reminders
from server.domain import appointments as rules
from server.domain.clock import FakeClock
from server.domain.errors import Invalid
from server.keys import READER
from tests.conftest import KIOSK, TZ, issue, login, make_config, staff_at
from tests.server.pages.test_admin import admin_session

THURSDAY_9AM = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
BIRTH = 1  # Đăng ký khai sinh (Hộ tịch, counters 3 and 4)


@pytest.fixture
def config(tmp_path):  # noqa: ANN001, ANN201
    return make_config(tmp_path, voice={"enabled": False}, appointments={"purge_days": 30})


async def make_slots(client: TestClient, **over: Any) -> list[dict[str, Any]]:
    admin = await login(client, "admin")
    body = {"procedure_id": BIRTH, "day_from": "2026-11-26", "day_to": "2026-11-26", "start": "09:00",
            "end": "10:00", "length_min": 30, "capacity": 2, **over}
    r = await client.post("/api/appointments/slots", json=body, headers=admin)
    assert r.status == 201, await r.text()
    r = await client.get("/api/appointments/slots", params={"procedure_id": str(BIRTH), "day_from": "2026-11-26"})
    return (await r.json())["slots"]


def as_public(client: TestClient) -> None:
    """Forget the sign-in cookie the logins left: what follows is a citizen with no account."""
    client.session.cookie_jar.clear()


async def book(client: TestClient, slot_id: int, phone: str = "0912345123", **over: Any) -> tuple[int, Any]:
    as_public(client)
    body = {"slot_id": slot_id, "name": "Nguyễn Văn An", "phone": phone, "consent": True, **over}
    r = await client.post("/api/appointments", json=body)
    return r.status, await r.json()


async def test_booking_is_masked_and_managed_by_code_and_phone(client: TestClient) -> None:
    slots = await make_slots(client)
    assert [s["start"] for s in slots] == ["2026-11-26T09:00+07:00", "2026-11-26T09:30+07:00"]
    status, a = await book(client, slots[0]["id"])
    assert status == 201
    assert a["name"] == "Nguyễn V*** A" and a["phone"] == "09****123"
    assert len(a["code"]) == 6 and set(a["code"]) <= set(rules.CODE_ALPHABET)
    r = await client.get(a["qr_url"])
    assert r.status == 200 and r.content_type == "image/svg+xml"
    # A stranger with the code but not the phone learns nothing.
    r = await client.get(f"/api/appointments/{a['code']}", params={"phone": "0900000000"})
    assert r.status == 404
    r = await client.get(f"/api/appointments/{a['code'].lower()}", params={"phone": "0912 345 123"})
    assert r.status == 200 and (await r.json())["status"] == "booked"
    # Reschedule to 9:30, then cancel; a cancelled booking cannot be moved again.
    r = await client.post(f"/api/appointments/{a['code']}/reschedule",
                          json={"phone": "0912345123", "slot_id": slots[1]["id"]})
    assert r.status == 200 and (await r.json())["slot_at"] == "2026-11-26T09:30+07:00"
    r = await client.post(f"/api/appointments/{a['code']}/cancel", json={"phone": "0912345123"})
    assert (await r.json())["status"] == "cancelled"
    r = await client.post(f"/api/appointments/{a['code']}/cancel", json={"phone": "0912345123"})
    assert r.status == 409 and "cancelled" in (await r.json())["error"]["message"]
    # The staff console sees the real name; the public slot list never does.
    staff = await login(client, "canbo3")
    r = await client.get("/api/appointments", params={"day": "2026-11-26"}, headers=staff)
    body = await r.json()
    assert body["appointments"][0]["name"] == "Nguyễn Văn An" and body["counts"] == {"cancelled": 1}
    as_public(client)
    r = await client.get("/api/appointments", params={"day": "2026-11-26"})
    assert r.status == 401
    assert "Nguy" not in await (await client.get("/api/appointments/slots")).text()


async def test_booking_errors_say_what_to_do(client: TestClient) -> None:
    slots = await make_slots(client, capacity=1)
    status, body = await book(client, slots[0]["id"], consent=False)
    assert status == 422 and "đồng ý" in body["error"]["message"]
    status, body = await book(client, slots[0]["id"], phone="12345")
    assert status == 422 and "Số điện thoại" in body["error"]["message"]
    assert (await book(client, slots[0]["id"]))[0] == 201
    status, body = await book(client, slots[0]["id"], phone="0987654321")
    assert status == 409 and body["error"]["code"] == "appointment_slot_full"
    status, body = await book(client, 9999)
    assert status == 404
    r = await client.post("/api/appointments", json={"slot_id": slots[1]["id"], "name": "A B", "phone": "0912345123",
                                                     "consent": True, "extra": 1})
    assert r.status == 422
    as_public(client)
    r = await client.post("/api/appointments/check-in", json={"code": "OOOO00"})
    assert r.status == 401  # the public may not issue tickets
    r = await client.post("/api/appointments/check-in", json={"code": "OOOO00"}, headers=KIOSK)
    assert r.status == 422 and "Mã đặt lịch" in (await r.json())["error"]["message"]


async def test_check_in_at_the_kiosk_is_called_at_the_slot_ahead_of_walk_ins(client: TestClient,
                                                                            clock: FakeClock) -> None:
    slots = await make_slots(client)
    _, a = await book(client, slots[0]["id"])
    clock.set(THURSDAY_9AM.replace(hour=7, minute=30))
    r = await client.post("/api/appointments/check-in", json={"code": a["code"]}, headers=KIOSK)
    assert r.status == 409 and "trước giờ hẹn tối đa 60 phút" in (await r.json())["error"]["message"]
    clock.set(THURSDAY_9AM.replace(hour=8, minute=30))
    walk_ins = [await issue(client, BIRTH) for _ in range(2)]
    clock.set(THURSDAY_9AM.replace(hour=8, minute=50))
    r = await client.post("/api/appointments/check-in", json={"code": f"https://x/book?code={a['code']}"},
                          headers=KIOSK)
    assert r.status == 201, await r.text()
    ticket = await r.json()
    assert ticket["slot_at"] == "2026-11-26T09:00+07:00" and ticket["procedure"]["id"] == BIRTH
    assert {"number", "status_url", "waiting_ahead", "estimated_wait_min"} <= set(ticket)
    assert ticket["appointment"]["name"] == "Nguyễn V*** A"
    r = await client.post("/api/appointments/check-in", json={"code": a["code"]}, headers=KIOSK)
    assert r.status == 409 and ticket["number"] in (await r.json())["error"]["message"]
    staff = await staff_at(client, 3)
    first = (await (await client.post("/api/counters/3/call-next", headers=staff)).json())["ticket"]
    assert first["id"] == ticket["id"] and first["appointment"] is True and first["slot_at"] is not None
    await client.post(f"/api/tickets/{first['id']}/cancel", json={}, headers=staff)
    second = (await (await client.post("/api/counters/3/call-next", headers=staff)).json())["ticket"]
    assert second["id"] == walk_ins[0]["id"]


async def test_late_bookings_become_no_shows_and_personal_data_is_purged(client: TestClient,
                                                                        clock: FakeClock) -> None:
    slots = await make_slots(client)
    _, a = await book(client, slots[0]["id"])
    admin = await login(client, "admin")
    r = await client.get(f"/api/appointments/{a['code']}/personal-data", headers=admin)
    data = await r.json()
    assert data["appointment"]["phone"] == "0912345123" and data["events"][0]["type"] == "appointment.booked"
    staff = await login(client, "canbo3")
    assert (await client.get(f"/api/appointments/{a['code']}/personal-data", headers=staff)).status == 403
    clock.set(THURSDAY_9AM.replace(hour=8))
    assert await run_reminders(client.app) == 1
    assert await run_reminders(client.app) == 0  # once
    clock.set(THURSDAY_9AM.replace(minute=14))
    assert await run_no_shows(client.app) == 0  # still inside the late window
    clock.set(THURSDAY_9AM.replace(minute=16))
    assert await run_no_shows(client.app) == 1
    r = await client.post("/api/appointments/check-in", json={"code": a["code"]}, headers=KIOSK)
    assert r.status == 409
    assert await run_purge(client.app) == 0  # not yet 30 days
    clock.set(THURSDAY_9AM.replace(day=27, month=12))
    assert await run_purge(client.app) == 1
    assert await run_purge(client.app) == 0  # idempotent
    row = client.app[READER].execute("SELECT name, phone, status FROM appointments").fetchone()
    assert tuple(row) == (None, None, "no_show")


def test_masks_and_codes() -> None:
    assert rules.mask_name("Nguyễn Văn An") == "Nguyễn V*** A"
    assert rules.mask_name("Trần Thị Ngọc Hân") == "Trần T*** N*** H"
    assert rules.mask_phone("0912345123") == "09****123"
    assert rules.normalize_code(" kcm-4pq ") == "KCM4PQ"
    assert rules.normalize_phone("+84 912 345 123") == "0912345123"
    with pytest.raises(Invalid):
        rules.normalize_code("ABC10O")


async def test_slots_follow_the_calendar_and_bookings_on_a_day_closed_later_are_flagged(client: TestClient) -> None:
    admin = await login(client, "admin")
    hours = [{"weekday": d, "start": a, "end": b} for d in range(1, 6) for a, b in (("07:00", "11:30"),
                                                                                  ("13:30", "17:00"))]
    r = await client.put("/api/calendar/hours", json={"hours": hours}, headers=admin)
    assert r.status == 200, await r.text()
    r = await client.post("/api/calendar/special-days", headers=admin, json={
        "name": "Ngày không hẹn", "day": "2026-11-27", "tags": ["ngay_khong_hen"]})
    assert r.status in (200, 201), await r.text()
    # 11:00-14:00 on Thursday and on Friday (a ngày không hẹn): only 11:00 and 13:30 on Thursday are open.
    slots = await make_slots(client, day_to="2026-11-27", weekdays=[4, 5], start="11:00", end="14:00")
    r = await client.get("/api/appointments/slots", params={"procedure_id": str(BIRTH), "day_from": "2026-11-26"})
    assert [s["start"] for s in (await r.json())["slots"]] == ["2026-11-26T11:00+07:00", "2026-11-26T13:30+07:00"]
    status, a = await book(client, slots[0]["id"])
    assert status == 201
    # Thursday becomes a holiday after the booking: its slots are no longer sold, and staff are told to call.
    r = await client.put("/api/calendar/holidays/2026-11-26", json={"name": "Nghỉ bù"}, headers=admin)
    assert r.status in (200, 201), await r.text()
    r = await client.get("/api/appointments/slots", params={"procedure_id": str(BIRTH), "day_from": "2026-11-26"})
    assert (await r.json())["slots"] == []
    status, body = await book(client, slots[1]["id"], phone="0987654321")
    assert status == 409 and body["error"]["code"] == "appointment_slot_closed"
    assert "không làm việc" in body["error"]["message"]
    await admin_session(client)
    page = await (await client.get("/admin/appointments")).text()
    assert 'id="stranded"' in page and a["code"] in page and "0912345123" in page and "gọi báo công dân" in page
    day = await (await client.get("/admin/appointments", params={"day": "2026-11-26"})).text()
    assert "⚠ Văn phòng không làm việc giờ này" in day
    # Reopened: the flag goes, the slot sells again.
    r = await client.delete("/api/calendar/holidays/2026-11-26", headers=admin)
    assert r.status == 200
    assert 'id="stranded"' not in await (await client.get("/admin/appointments")).text()
    assert (await book(client, slots[1]["id"], phone="0987654321"))[0] == 201


async def test_a_day_made_no_appointment_day_later_refuses_its_slots(client: TestClient) -> None:
    slots = await make_slots(client)  # no calendar configured: always open
    admin = await login(client, "admin")
    hours = [{"weekday": 4, "start": "07:00", "end": "11:30"}]
    assert (await client.put("/api/calendar/hours", json={"hours": hours}, headers=admin)).status == 200
    r = await client.post("/api/calendar/special-days", headers=admin, json={
        "name": "Tiếp dân", "weekday": 4, "tags": ["ngay_khong_hen"]})
    assert r.status in (200, 201), await r.text()
    status, body = await book(client, slots[0]["id"])
    assert status == 409 and "ngày không hẹn" in body["error"]["message"]
