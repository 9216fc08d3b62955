"""The office calendar over a whole week under a controllable clock: hours, Saturday, the Wednesday tags on
tickets, a holiday, the closed message, end-of-day closing, and numbering that restarts at local midnight."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.api.calendar import run_day_close, run_rollover
from server.domain import calendar as cal
from server.domain.clock import FakeClock
from server.keys import READER
from server.store import calendar as store
from tests.conftest import KIOSK, TZ, login, make_config, staff_at

QUIET = {"enabled": False}  # no speech synthesis in these tests
MONDAY = datetime(2026, 11, 23, tzinfo=TZ)


def at(day_offset: int, hh: int, mm: int = 0) -> datetime:
    return MONDAY + timedelta(days=day_offset, hours=hh, minutes=mm)


@pytest.fixture
def config(tmp_path):  # noqa: ANN001, ANN201
    return make_config(tmp_path, calendar={"preset": "standard", "at_close": "close_waiting"}, voice=QUIET)


async def try_issue(client: TestClient, procedure_id: int = 1) -> tuple[int, dict[str, Any]]:
    r = await client.post("/api/tickets", json={"procedure_id": procedure_id}, headers=KIOSK)
    return r.status, await r.json()


async def now(client: TestClient) -> dict[str, Any]:
    r = await client.get("/api/calendar/now")
    assert r.status == 200
    return await r.json()


async def test_a_week_of_the_standard_calendar(client: TestClient, clock: FakeClock) -> None:
    admin = await login(client, "admin")
    r = await client.put("/api/calendar/holidays/2026-11-27", json={"name": "Ngày nghỉ bù"}, headers=admin)
    assert r.status == 200, await r.text()
    seen: dict[str, Any] = {}
    # Monday 6:59 closed, says when it opens; 7:00 open; lunch closed; 17:00 closed.
    for when, is_open in [(at(0, 6, 59), False), (at(0, 7), True), (at(0, 11, 45), False), (at(0, 13, 30), True),
                          (at(0, 17), False)]:
        clock.set(when)
        state = await now(client)
        assert state["open"] is is_open, when
        status, body = await try_issue(client)
        if is_open:
            assert status == 201, body
            seen[when.isoformat()] = body
        else:
            assert status == 409
            assert body["error"]["code"] == "office_closed"
            assert "Mở cửa lại lúc" in body["error"]["message"]
            assert state["opens_at"] is not None
    clock.set(at(0, 6, 59))
    assert (await now(client))["opens_at"] == "2026-11-23T07:00+07:00"
    clock.set(at(0, 11, 45))
    assert (await now(client))["opens_at"] == "2026-11-23T13:30+07:00"
    # Wednesday: a special session with the tags, visible through the ticket's session record.
    clock.set(at(2, 8))
    state = await now(client)
    assert state["session"]["type"] == "special"
    assert state["session"]["tags"] == ["ngay_khong_viet", "ngay_khong_hen"]
    status, body = await try_issue(client)
    assert status == 201
    staff = await login(client, "canbo3")
    t = await (await client.get(f"/api/tickets/{body['id']}", headers=staff)).json()
    assert t["session_type"] == "special"
    session = store.session(client.app[READER], state["session"]["id"])
    assert session is not None and session["tags"] == ["ngay_khong_viet", "ngay_khong_hen"]
    assert session["tickets"] == 1
    r = await client.get(f"/api/sessions/{state['session']['id']}", headers=staff)
    assert (await r.json())["tags"] == ["ngay_khong_viet", "ngay_khong_hen"]
    # Friday is the holiday: closed all day, next opening is Saturday morning.
    clock.set(at(4, 9))
    state = await now(client)
    assert state["open"] is False and state["opens_at"] == "2026-11-28T07:00+07:00"
    assert (await try_issue(client))[0] == 409
    # Saturday morning open as a "saturday" session; afternoon closed until Monday.
    clock.set(at(5, 9))
    state = await now(client)
    assert state["open"] and state["session"]["type"] == "saturday"
    clock.set(at(5, 14))
    assert (await now(client))["opens_at"] == "2026-11-30T07:00+07:00"
    # Sunday closed.
    clock.set(at(6, 10))
    assert (await try_issue(client))[0] == 409


async def test_closing_time_closes_the_waiting_tickets_with_events(client: TestClient, clock: FakeClock) -> None:
    clock.set(at(0, 16, 50))
    ids = [(await try_issue(client))[1]["id"] for _ in range(3)]
    staff = await staff_at(client, 3)
    called = await (await client.post("/api/counters/3/call-next", headers=staff)).json()
    assert called["ticket"]["id"] == ids[0]
    clock.set(at(0, 16, 59))
    assert await run_day_close(client.app) is None  # not yet
    clock.set(at(0, 17, 1))
    assert await run_day_close(client.app) == 2
    assert await run_day_close(client.app) is None  # idempotent: once per day
    for tid in ids[1:]:
        t = await (await client.get(f"/api/tickets/{tid}", headers=staff)).json()
        assert t["status"] == "cancelled" and t["outcome"] == "closed_at_end_of_day"
    rows = client.app[READER].execute(
        "SELECT COUNT(*) FROM events WHERE type = 'ticket.cancel' AND json_extract(data, '$.reason') = ?",
        ("closed_at_end_of_day",)).fetchone()
    assert rows[0] == 2
    t0 = await (await client.get(f"/api/tickets/{ids[0]}", headers=staff)).json()
    assert t0["status"] == "called"  # the citizen at the counter is still served


async def test_numbering_restarts_at_local_midnight(tmp_path, aiohttp_client, clock, template_dir) -> None:  # noqa: ANN001
    from server.app import create_app
    from tests.conftest import use_demo_db

    config = make_config(tmp_path, voice=QUIET)
    use_demo_db(config, template_dir)
    app = create_app(config, clock=clock)  # no calendar: always open
    client = await aiohttp_client(app)
    clock.set(at(0, 23, 59))
    late = [(await try_issue(client))[1] for _ in range(2)]
    assert [t["number"] for t in late] == ["1001", "1002"]
    clock.set(at(1, 0, 1))
    assert await run_rollover(app) is True
    assert await run_rollover(app) is False  # idempotent
    early = (await try_issue(client))[1]
    assert early["number"] == "1001" and early["day"] == "2026-11-24"
    assert late[0]["day"] == "2026-11-23"
    # The roll-over closed yesterday's forgotten waiting tickets.
    staff = await login(client, "canbo3")
    t = await (await client.get(f"/api/tickets/{late[0]['id']}", headers=staff)).json()
    assert t["status"] == "cancelled" and t["outcome"] == "closed_at_end_of_day"


async def test_calendar_edits_are_admin_only_and_validated(client: TestClient) -> None:
    staff = await login(client, "canbo1")
    r = await client.put("/api/calendar/hours", json={"hours": []}, headers=staff)
    assert r.status == 403
    admin = await login(client, "admin")
    r = await client.put("/api/calendar/hours", json={"hours": [{"weekday": 1, "start": "11:00", "end": "07:00"}]},
                         headers=admin)
    assert r.status == 422 and "start must be before end" in (await r.json())["error"]["message"]
    r = await client.post("/api/calendar/special-days", json={"name": "x", "tags": ["Bad Tag"], "weekday": 3},
                          headers=admin)
    assert r.status == 422
    r = await client.post("/api/calendar/special-days", json={"name": "x", "weekday": 3, "day": "2026-11-25"},
                          headers=admin)
    assert r.status == 422 and "either day" in (await r.json())["error"]["message"]
    r = await client.put("/api/calendar/holidays/2026-13-01", json={}, headers=admin)
    assert r.status == 422
    r = await client.post("/api/calendar/mobile-sessions", json={"place": "x", "weekday": 5, "start": "11:00",
                                                                 "end": "07:00"}, headers=admin)
    assert r.status == 422 and "start must be before end" in (await r.json())["error"]["message"]
    r = await client.delete("/api/calendar/mobile-sessions/99", headers=admin)
    assert r.status == 404
    r = await client.post("/api/calendar/mobile-sessions", json={
        "place": "Nhà văn hóa khu vực 4", "weekday": 5, "start": "07:30", "end": "11:00", "procedure_ids": [1, 10]},
        headers=admin)
    assert r.status == 201
    rules = await (await client.get("/api/calendar", headers=admin)).json()
    assert rules["mobile_sessions"][0]["procedure_ids"] == [1, 10]
    assert len(rules["hours"]) == 11 and rules["special_days"][0]["weekday"] == 3


def test_a_saturday_list_of_procedures_and_next_opening_per_procedure() -> None:
    rules = cal.Calendar(hours=(
        cal.Hours(5, time(7), time(11)),
        cal.Hours(6, time(7), time(11), "saturday", frozenset({1})),
    ))
    saturday = datetime(2026, 11, 28, 8, tzinfo=TZ)
    state = cal.status_at(rules, saturday)
    assert state.open and state.offered_procedure_ids == frozenset({1})
    nxt = cal.next_open_for(rules, saturday, [1, 2])
    assert nxt[1] == saturday
    assert nxt[2] == datetime(2026, 12, 4, 7, tzinfo=TZ)  # the next Friday


def test_an_unconfigured_calendar_is_always_open_and_mobile_mode_falls_back_to_all_day() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=TZ)
    assert cal.status_at(cal.Calendar(), sunday_night).open
    state = cal.status_at(cal.Calendar(), sunday_night, cal.Mode(mobile=True, place="Nhà văn hóa khu vực 4"))
    assert state.open and state.window is not None and state.window.place == "Nhà văn hóa khu vực 4"
    assert state.window.session_type == "mobile"


async def test_session_row_survives_a_refused_first_ticket(client: TestClient) -> None:
    """The writer remembers which sessions it has written; a refused decision rolls its row back, and
    the next ticket must write it again (the memo is forgotten with the rollback)."""
    from server.keys import WRITER

    await client.app[WRITER].run(lambda tx: tx.execute("UPDATE procedures SET active = 0 WHERE id = 2"))
    r = await client.post("/api/tickets", json={"procedure_id": 2}, headers=KIOSK)
    assert r.status == 409, await r.text()
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    assert r.status == 201
    row = client.app[READER].execute("SELECT t.session_id, s.id FROM tickets t LEFT JOIN sessions s"
                                     " ON s.id = t.session_id WHERE t.id = ?", ((await r.json())["id"],)).fetchone()
    assert row[0] is not None and row[1] == row[0], tuple(row)
