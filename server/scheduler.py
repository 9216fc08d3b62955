"""Every timed job of the office server, in one table: what runs, when, and what a start after a night off does.

This module is the only place that gives APScheduler (3.x, asyncio) a job. A job's body lives with its domain
(the day roll-over in `server/api/calendar.py`, the reminders in `server/api/appointments.py`, ...); the table
`JOBS` below says WHEN. The slogans are the one family of jobs made from data: one job per enabled slogan,
kept by `SloganJobs` as the admin edits them. docs/operations.md lists the jobs for the IT officer.

Policy, the same for every job:
- jobs live in memory and are registered at every start from this table, the config and the database;
- `coalesce=True` with a `misfire_grace_time`: a loop held up (a PC waking from sleep) runs a missed job once;
- office PCs are switched off at night: a job with a catch-up runs once at start, however many of its windows
  passed meanwhile (coalesced). Every job is idempotent for its period: the once-a-day ones claim their day in
  the `job_runs` table (roll-over, day close), the monthly report keeps its file, the others act on what the
  database says is still due (bookings not yet reminded, data past its keeping time). So a start that missed
  nothing changes nothing, and a restart never does a job twice in effect;
- a failing job is logged and tried again at its next time; it never stops the scheduler or the server.
Job bodies take the time from `app[CLOCK]` (tests run them under a FakeClock); the triggers follow the real clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from display.service import hall_of
from display.slogans.trigger import build_apscheduler_trigger
from server.api import appointments, calendar
from server.api import counters as counters_api
from server.api import reports as reports_api
from server.config import Config
from server.domain.errors import Invalid
from server.keys import CONFIG, OFFICE_SETTINGS, READER, SCHEDULER, SERVICES
from server.ops import devices
from server.reports import refresh
from server.services import steps
from server.services.slogans import schedule_of
from server.store import slogans as slogan_store
from server.tasks import cancel_and_wait
from server.web import security

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


class CatchUp(Enum):
    """What a start does for a job whose window passed while the server was off."""

    NONE = "none"  # nothing: there is nothing to make up, or its first run after start is soon by design
    AT_START = "at start"  # run once before the server answers its first request (quick writer jobs)
    AFTER_START = "after start"  # run once in the background as the server starts (heavy work in a thread)


def always(config: Config) -> bool:
    return True


@dataclass(frozen=True)
class Job:
    """One timed job: `when` builds its trigger from the config, `run(app)` does the work."""

    id: str
    what: str
    when: Callable[[Config], BaseTrigger]
    run: Callable[[web.Application], Awaitable[object]]
    catch_up: CatchUp
    enabled: Callable[[Config], bool] = always


def cron(**fields: Any) -> Callable[[Config], BaseTrigger]:
    """A cron trigger in the office's time zone (`cron(hour=2, minute=30)`: every day at 02:30)."""
    return lambda config: CronTrigger(timezone=config.tz, **fields)


def steps_every(config: Config) -> BaseTrigger:
    """[steps] check_seconds (30)."""
    _, seconds = steps.settings(config)
    return IntervalTrigger(seconds=seconds, timezone=config.tz)


def rollup_every(config: Config) -> BaseTrigger:
    """Every 10 minutes, the first time 2 minutes after start: a first build of a large office's history runs
    then (a week per writer job), not in the rush of a start-up."""
    first = datetime.now(config.tz) + timedelta(minutes=2)
    return IntervalTrigger(minutes=10, start_date=first, timezone=config.tz)


def device_flush_every(config: Config) -> BaseTrigger:
    """[security] device_flush_s (60)."""
    return IntervalTrigger(seconds=float(security.settings(config)["device_flush_s"]), timezone=config.tz)


def monthly_enabled(config: Config) -> bool:
    """[reports] monthly (true)."""
    return config.reports.monthly


# The sections the triggers and the enabled set are built from (see `settings_changed`).
TRIGGER_SECTIONS = frozenset({"steps", "security", "reports", "office"})

# Every timed job, in the order a start catches them up (the roll-over first: the office opens on today).
JOBS: tuple[Job, ...] = (
    Job("calendar.rollover", "day roll-over: streaks to zero, yesterday's waiting tickets closed",
        cron(hour=0, minute=0, second=5), calendar.run_rollover, CatchUp.AT_START),
    Job("calendar.day_close", "after the day's last window, close the waiting queue (at_close = close_waiting)",
        cron(minute="*"), calendar.run_day_close, CatchUp.AT_START),
    Job("appointments.no_show", "bookings past their late window become no-shows",
        cron(minute="*/5"), appointments.run_no_shows, CatchUp.AT_START),
    Job("appointments.reminders", "remind bookings within [appointments] reminder_hours, once each",
        cron(minute="*/10"), appointments.run_reminders, CatchUp.AT_START),
    Job("appointments.purge", "erase bookings' personal data after [appointments] purge_days",
        cron(hour=2, minute=30), appointments.run_purge, CatchUp.AT_START),
    Job("steps.overdue", "raise the level of steps past their target (amber, red) and tell the screens",
        steps_every, steps.check_overdue, CatchUp.AT_START),
    Job("reports.monthly", "last month's report file on the 1st, kept in [reports] folder",
        cron(day=1, hour=0, minute=30), reports_api.run_monthly, CatchUp.AFTER_START, enabled=monthly_enabled),
    Job("reports.rollup", "the per-day report summary: changed past days summed",
        rollup_every, refresh.refresh, CatchUp.NONE),
    Job("counters.idle_lapse", "counter sign-ins idle for [security] counter_idle_lapse_min lapse (0: never); the "
        "console says so", cron(minute="*"), counters_api.run_idle_lapse, CatchUp.AT_START),
    Job("devices.last_seen", "write the devices' last-seen times (also once more at shutdown)",
        device_flush_every, devices.flush_last_seen, CatchUp.NONE),
)


class Clockwork:
    """The office's scheduler with the table's jobs: runs each job through `run` (one at a time per job, errors
    logged, runs counted) and catches up at start."""

    def __init__(self, app: web.Application, scheduler: AsyncIOScheduler) -> None:
        self.app = app
        self.scheduler = scheduler
        self.jobs: tuple[Job, ...] = ()
        self.slogans: SloganJobs | None = None
        self.runs: Counter[str] = Counter()  # job id -> runs since start (the catch-up included)
        self.running: set[str] = set()
        self.background: asyncio.Task[None] | None = None

    async def run(self, job: Job) -> None:
        """One run of `job`; a run asked for while the last one is still going is coalesced into it."""
        if job.id in self.running:
            log.info("timed job %s is still running; this run is skipped", job.id)
            return
        self.running.add(job.id)
        try:
            await job.run(self.app)
        except Exception:  # logged; tried again at its next time, never stops the scheduler
            log.exception("timed job %s failed", job.id)
        finally:
            self.running.discard(job.id)
            self.runs[job.id] += 1

    def add_jobs(self, config: Config) -> None:
        """The table's jobs enabled by `config`, with triggers built from it (a job now disabled is removed)."""
        self.jobs = enabled_jobs(config)
        for job in JOBS:
            if job not in self.jobs and self.scheduler.get_job(job.id) is not None:
                self.scheduler.remove_job(job.id)
        for job in self.jobs:
            self.scheduler.add_job(self.run, job.when(config), args=[job], id=job.id, name=job.what,
                                   replace_existing=True)

    def settings_changed(self, config: Config, changed: frozenset[str]) -> None:
        """A setting a trigger is built from changed on the admin pages ([steps] check_seconds, [security]
        device_flush_s, [reports] monthly, the office's time zone): the jobs are registered again, at once."""
        if not self.scheduler.running or not changed & TRIGGER_SECTIONS:
            return  # before the start, `start()` registers them from the current settings
        self.add_jobs(config)
        if "office" in changed and self.slogans is not None and self.slogans.tz != config.tz:
            self.slogans.tz = config.tz
            self.slogans.load(slogan_store.all_slogans(self.app[READER]))

    async def start(self) -> None:
        """Register the table's and the slogans' jobs (from the settings the database holds), catch up what the
        night missed, then let the triggers run."""
        config = self.app[OFFICE_SETTINGS].current
        self.add_jobs(config)
        slogans = SloganJobs(self.scheduler, config.tz, hall_of(self.app).fire_slogan)
        self.slogans = slogans
        self.app[SERVICES]["slogans"] = slogans
        slogans.load(slogan_store.all_slogans(self.app[READER]))
        for job in self.jobs:
            if job.catch_up is CatchUp.AT_START:
                await self.run(job)
        self.scheduler.start()
        later = [job for job in self.jobs if job.catch_up is CatchUp.AFTER_START]
        if later:
            self.background = asyncio.create_task(self._after_start(later), name="motcua-catch-up")
        log.info("scheduler started with %d jobs", len(self.scheduler.get_jobs()))

    async def _after_start(self, jobs: list[Job]) -> None:
        for job in jobs:
            await self.run(job)

    async def stop(self) -> None:
        await cancel_and_wait(self.background)
        self.scheduler.shutdown(wait=False)

    def health(self) -> dict[str, object]:
        running = bool(self.scheduler.running)
        return {"ready": running, "jobs": len(self.scheduler.get_jobs()) if running else 0}


CLOCKWORK = web.AppKey("clockwork", Clockwork)

Fire = Callable[[int], Awaitable[None]]


def slogan_job_id(slogan_id: int) -> str:
    return f"slogan-{slogan_id}"


class SloganJobs:
    """The slogans' jobs: one per enabled slogan, `slogan-<id>`, firing when its schedule says
    (`display/slogans/trigger.py`); `fire(slogan_id)` (the hall's ticker and main LED board) runs then.
    No catch-up: a slogan missed while the server was off is not played late."""

    def __init__(self, scheduler: AsyncIOScheduler, tz: tzinfo, fire: Fire) -> None:
        self.scheduler = scheduler
        self.tz = tz
        self.fire = fire

    def schedule(self, row: dict[str, Any]) -> None:
        """(Re-)register a slogan after it was created or edited; a disabled one loses its job."""
        trigger = build_apscheduler_trigger(schedule_of(row), self.tz)
        if trigger is None:
            self.unschedule(row["id"])
            return
        self.scheduler.add_job(self.fire, trigger=trigger, args=[row["id"]], id=slogan_job_id(row["id"]),
                               name=f"slogan {row['id']}", replace_existing=True)

    def unschedule(self, slogan_id: int) -> None:
        if self.scheduler.get_job(slogan_job_id(slogan_id)) is not None:
            self.scheduler.remove_job(slogan_job_id(slogan_id))

    def load(self, rows: list[dict[str, Any]]) -> None:
        """Register every slogan at start (jobs live in memory; the database is the truth)."""
        for row in rows:
            try:
                self.schedule(row)
            except Invalid:
                log.error("slogan %s has a schedule that cannot play; skipped", row["id"])


def enabled_jobs(config: Config) -> tuple[Job, ...]:
    return tuple(job for job in JOBS if job.enabled(config))


async def _start(app: web.Application) -> None:
    await app[CLOCKWORK].start()


async def _stop(app: web.Application) -> None:
    await app[CLOCKWORK].stop()


def setup(app: web.Application) -> None:
    """The scheduler and its jobs. It starts after every part's start-up (on_startup runs after the cleanup
    contexts: the database is open, the calendar's settings applied), and stops before they close."""
    scheduler = AsyncIOScheduler(timezone=app[CONFIG].tz, job_defaults=JOB_DEFAULTS)
    clockwork = Clockwork(app, scheduler)
    app[OFFICE_SETTINGS].subscribe(clockwork.settings_changed)
    app[SCHEDULER] = scheduler
    app[CLOCKWORK] = clockwork
    app[SERVICES]["scheduler"] = clockwork
    app.on_startup.append(_start)
    app.on_shutdown.append(_stop)
