"""Slogans: admins write them, leaders read them; each is one scheduler job firing when `fire_times` says,
replaced when edited and gone when disabled or deleted; a fire reaches the TVs and the main LED board; text
with markup stays text in the admin page and on the TV."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from display.led.emulator import LedEmulator
from display.slogans.schedule import fire_times
from server.config import Config
from server.keys import SCHEDULER
from server.services.slogans import schedule_of
from tests.conftest import DISPLAY, MONDAY_9AM, TZ, login, make_config, staff_at
from tests.display.test_display_service import next_of

SCRIPT = '<script>alert("x")</script> Cải cách & phục vụ'
TEN_AN_HOUR = {"text": "Tiếp dân đúng giờ", "times_per_hour": 10}


@pytest.fixture
def config(tmp_path: Path, led_emulator: LedEmulator) -> Config:
    return make_config(tmp_path, led={"boards": [{"address": "MAIN", "port": led_emulator.port, "timeout": 1.0}]})


async def create(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post("/api/slogans", json=body, headers=headers)
    assert r.status == 201, await r.text()
    return await r.json()


def fires_of(job: Any, start: datetime, end: datetime) -> list[datetime]:
    """Walk a job's trigger from `start` the way APScheduler does, without waiting for real time."""
    out, previous, now = [], None, start
    while True:
        fire = job.trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return out
        out.append(fire)
        previous, now = fire, fire + timedelta(microseconds=1)


async def test_a_new_database_has_the_two_seed_slogans_scheduled(client: TestClient) -> None:
    admin = await login(client, "admin")
    rows = (await (await client.get("/api/slogans", headers=admin)).json())["slogans"]
    assert [r["text"] for r in rows] == ["CCHC góp phần mang lại sự hài lòng của tổ chức, cá nhân",
                                         "CCHC góp phần giải quyết sớm thủ tục hành chính cho tổ chức, cá nhân"]
    scheduler = client.app[SCHEDULER]
    first = fires_of(scheduler.get_job("slogan-1"), MONDAY_9AM, MONDAY_9AM + timedelta(hours=1))
    second = fires_of(scheduler.get_job("slogan-2"), MONDAY_9AM, MONDAY_9AM + timedelta(hours=1))
    assert len(first) == len(second) == 10
    assert [f.minute for f in first] == [0, 6, 12, 18, 24, 30, 36, 42, 48, 54]
    assert [f.minute for f in second] == [3, 9, 15, 21, 27, 33, 39, 45, 51, 57]


async def test_an_admin_schedules_a_slogan_ten_times_an_hour_every_day(client: TestClient) -> None:
    admin = await login(client, "admin")
    row = await create(client, admin, {**TEN_AN_HOUR, "window_start": "07:00", "window_end": "17:00"})
    job = client.app[SCHEDULER].get_job(f"slogan-{row['id']}")
    day = (MONDAY_9AM, MONDAY_9AM + timedelta(days=7))
    expected = fire_times(schedule_of(row), *day, TZ)
    assert fires_of(job, *day) == expected and len(expected) == 7 * 10 * 10


async def test_editing_replaces_the_job_and_disabling_or_deleting_removes_it(client: TestClient) -> None:
    admin = await login(client, "admin")
    row = await create(client, admin, TEN_AN_HOUR)
    scheduler = client.app[SCHEDULER]
    body = {**TEN_AN_HOUR, "every_n_minutes": 20, "times_per_hour": None, "weekdays": [2]}  # Wednesdays
    r = await client.put(f"/api/slogans/{row['id']}", json=body, headers=admin)
    assert r.status == 200, await r.text()
    fires = fires_of(scheduler.get_job(f"slogan-{row['id']}"), MONDAY_9AM, MONDAY_9AM + timedelta(days=7))
    assert {f.weekday() for f in fires} == {2} and len(fires) == 72
    r = await client.put(f"/api/slogans/{row['id']}", json={**body, "enabled": False}, headers=admin)
    assert r.status == 200 and scheduler.get_job(f"slogan-{row['id']}") is None
    r = await client.put(f"/api/slogans/{row['id']}", json=body, headers=admin)
    assert scheduler.get_job(f"slogan-{row['id']}") is not None
    assert (await client.delete(f"/api/slogans/{row['id']}", headers=admin)).status == 200
    assert scheduler.get_job(f"slogan-{row['id']}") is None
    r = await client.delete(f"/api/slogans/{row['id']}", headers=admin)
    assert r.status == 404 and (await r.json())["error"]["code"] == "slogan_not_found"


@pytest.mark.parametrize(
    ("body", "words"),
    [({"text": "x", "times_per_hour": 7}, "must divide 60"),
     ({"text": "x", "times_per_hour": 10, "every_n_minutes": 5}, "not both"),
     ({"text": "x", "times_per_hour": 10, "window_start": "17:00", "window_end": "07:00"}, "window_end"),
     ({"text": "x", "times_per_hour": 10, "start_date": "2026-12-01", "end_date": "2026-11-01"}, "end_date"),
     ({"text": "x", "times_per_hour": 10, "weekdays": [7]}, "weekdays"),
     ({"text": "x", "times_per_hour": 10, "window_start": "7h"}, "window_start"),
     ({"text": "", "times_per_hour": 10}, "text"),
     ({"text": "x", "times_per_hour": 10, "colour": "red"}, "colour")],
)
async def test_a_schedule_that_cannot_play_is_refused_and_nothing_is_stored(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    admin = await login(client, "admin")
    r = await client.post("/api/slogans", json=body, headers=admin)
    error = (await r.json())["error"]
    assert r.status == 422 and words in error["message"] and error["message"].startswith(("Lịch", "Dữ liệu"))
    assert len((await (await client.get("/api/slogans", headers=admin)).json())["slogans"]) == 2


async def test_roles(client: TestClient) -> None:
    leader = await login(client, "lanhdao")
    assert (await client.get("/api/slogans", headers=leader)).status == 200
    assert (await client.post("/api/slogans", json=TEN_AN_HOUR, headers=leader)).status == 403
    staff = await staff_at(client, 3)
    assert (await client.get("/api/slogans", headers=staff)).status == 403
    assert (await client.get("/api/slogans", headers=DISPLAY)).status == 403
    client.session.cookie_jar.clear()  # sign-ins above left a cookie
    assert (await client.get("/api/slogans")).status == 401
    admin = await login(client, "admin")
    assert (await client.put("/api/slogans/99", json=TEN_AN_HOUR, headers=admin)).status == 404


async def test_cookie_writes_need_the_csrf_token(client: TestClient) -> None:
    r = await client.post("/api/login", json={"username": "admin", "password": "admin-demo"})
    csrf = (await r.json())["csrf"]
    r = await client.post("/api/slogans", json=TEN_AN_HOUR)  # the cookie alone
    assert r.status == 403 and (await r.json())["error"]["code"] == "csrf_failed"
    r = await client.post("/api/slogans", json=TEN_AN_HOUR, headers={"X-CSRF-Token": csrf})
    assert r.status == 201


async def test_a_fire_reaches_the_tvs_and_the_main_board(client: TestClient, led_emulator: LedEmulator) -> None:
    admin = await login(client, "admin")
    row = await create(client, admin, {**TEN_AN_HOUR, "text": SCRIPT})
    job = client.app[SCHEDULER].get_job(f"slogan-{row['id']}")
    async with client.ws_connect("/api/live?token=demo-display-hall") as ws:
        await next_of(ws, "snapshot")
        await job.func(*job.args)  # what the scheduler does at the fire time
        assert await next_of(ws, "slogan") == {"type": "slogan", "text": SCRIPT}
    await led_emulator.wait_for("MAIN", SCRIPT)
    page = await (await client.get("/display?device=demo-display-hall")).text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Cải cách &amp; phục vụ" in page
    assert "<script>alert" not in page


async def test_a_disabled_slogan_does_not_play_even_if_its_job_runs(client: TestClient) -> None:
    admin = await login(client, "admin")
    row = await create(client, admin, {**TEN_AN_HOUR, "enabled": False})
    from display.service import hall_of

    await hall_of(client.app).fire_slogan(row["id"])
    assert hall_of(client.app).slogan is None


async def test_the_admin_page_shows_markup_as_text_and_carries_the_csrf_token(client: TestClient) -> None:
    r = await client.get("/admin/slogans")
    assert r.status == 401 and 'id="login"' in await r.text()
    admin = await login(client, "admin")
    await create(client, admin, {**TEN_AN_HOUR, "text": SCRIPT})
    r = await client.post("/api/login", json={"username": "admin", "password": "admin-demo"})
    csrf = (await r.json())["csrf"]
    page = await (await client.get("/admin/slogans")).text()
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    assert f'<meta name="csrf-token" content="{csrf}">' in page
    assert ">Xóa</button>" in page
