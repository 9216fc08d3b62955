"""The timed jobs: every one in server/scheduler.py's table, and an office PC switched off for nights (and over
the 1st of the month) catches up once when it starts, and a second start the same day changes nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from server import scheduler
from server.api.appointments import REMINDER
from server.app import create_app
from server.config import Config
from server.domain.clock import FakeClock
from server.keys import READER, SCHEDULER, SERVICES
from tests.conftest import TZ, issue, make_config, use_demo_db
from tests.server.services.test_appointments import book, make_slots

ROOT = Path(__file__).resolve().parents[2]
MONDAY_EVENING = datetime(2026, 11, 30, 16, 0, tzinfo=TZ)  # the last working day of November
THURSDAY_8AM = datetime(2026, 12, 3, 8, 0, tzinfo=TZ)  # the PC was off Monday night to Thursday morning


class Outbox:
    """Stands in for the SMS gateway: what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


async def start(aiohttp_client: Callable[..., Any], config: Config, clock: FakeClock, outbox: Outbox) -> TestClient:
    app = create_app(config, clock=clock)
    app[SERVICES][REMINDER] = outbox
    return await aiohttp_client(app)


async def runs_of(app: web.Application, job: str, count: int, timeout: float = 20.0) -> int:
    """Wait (polling, with a deadline) until `job` has run `count` times; returns its runs."""
    clockwork = app[scheduler.CLOCKWORK]
    deadline = asyncio.get_running_loop().time() + timeout
    while clockwork.runs[job] < count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    return clockwork.runs[job]


def rows(app: web.Application, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in app[READER].execute(sql, args).fetchall()]


async def test_every_timed_job_is_in_the_table(client: TestClient) -> None:
    running = {job.id for job in client.app[SCHEDULER].get_jobs() if not job.id.startswith("slogan-")}
    assert running == {job.id for job in scheduler.JOBS}
    assert {"calendar.rollover", "appointments.reminders", "appointments.purge", "reports.monthly",
            "steps.overdue"} <= running


def test_no_job_is_scheduled_anywhere_else() -> None:
    """A job added elsewhere (or a hand-rolled `while True: sleep` loop in the server) fails here: timed work
    goes into server/scheduler.py's table. Device workers (printers, LED boards, voice) poll on their own."""
    found = []
    for folder in ("server", "display", "printers", "kiosk"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            if where != "server/scheduler.py" and ".add_job(" in text:
                found.append(f"{where}: add_job")
            if where not in ("server/scheduler.py", "display/slogans/trigger.py") and re.search(
                    r"^\s*(from|import) apscheduler", text, re.MULTILINE):
                found.append(f"{where}: imports apscheduler")
            if folder == "server" and "asyncio.sleep(" in text:
                found.append(f"{where}: sleeps in a loop")
    assert found == []


def test_the_operations_guide_lists_every_job() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert [job.id for job in scheduler.JOBS if f"`{job.id}`" not in guide] == []


async def test_a_pc_switched_off_for_nights_catches_up_once_at_start(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path) -> None:
    config = make_config(tmp_path, voice={"enabled": False})
    use_demo_db(config, template_dir)
    clock = FakeClock(MONDAY_EVENING)
    monday = await start(aiohttp_client, config, clock, Outbox())
    waiting = [(await issue(monday))["id"] for _ in range(2)]
    slots = await make_slots(monday, day_from="2026-12-03", day_to="2026-12-03")
    status, booking = await book(monday, slots[0]["id"])
    assert status == 201 and slots[0]["start"] == "2026-12-03T09:00+07:00"
    await monday.close()

    # Three midnights and the 1st of December passed with the PC off.
    clock.set(THURSDAY_8AM)
    outbox = Outbox()
    thursday = await start(aiohttp_client, config, clock, outbox)
    app = thursday.app
    assert app[scheduler.CLOCKWORK].runs["calendar.rollover"] == 1  # before the first request was answered
    assert rows(app, "SELECT key FROM job_runs WHERE job = 'rollover' ORDER BY key") == [
        ("2026-11-30",), ("2026-12-03",)]  # one roll-over for the nights missed, not one per night
    for tid in waiting:
        assert rows(app, "SELECT status, outcome FROM tickets WHERE id = ?", tid) == [
            ("cancelled", "closed_at_end_of_day")]
        assert rows(app, "SELECT COUNT(*) FROM events WHERE type = 'ticket.cancel' AND ticket_id = ?", tid) == [(1,)]
    assert [phone for phone, _ in outbox.sent] == ["0912345123"]  # the 9:00 booking reminded at start
    assert booking["code"] in outbox.sent[0][1]
    assert await runs_of(app, "reports.monthly", 1) == 1
    reports = config.data_path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == ["bao-cao-thang-2026-11.xlsx"]
    written = (reports / "bao-cao-thang-2026-11.xlsx").stat().st_mtime_ns
    await thursday.close()

    # Switched off and on again the same morning: the catch-up runs, and changes nothing.
    clock.advance(minutes=20)
    again = Outbox()
    restarted = await start(aiohttp_client, config, clock, again)
    app = restarted.app
    assert await runs_of(app, "reports.monthly", 1) == 1
    assert app[scheduler.CLOCKWORK].runs["appointments.reminders"] == 1 and again.sent == []
    assert rows(app, "SELECT COUNT(*) FROM job_runs WHERE job = 'rollover'") == [(2,)]
    assert rows(app, "SELECT COUNT(*) FROM events WHERE type = 'ticket.cancel'") == [(2,)]
    assert sorted(p.name for p in reports.iterdir()) == ["bao-cao-thang-2026-11.xlsx"]
    assert (reports / "bao-cao-thang-2026-11.xlsx").stat().st_mtime_ns == written
