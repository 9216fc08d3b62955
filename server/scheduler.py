"""The office's clockwork: one APScheduler (3.x, asyncio) for every timed job.

Parts add jobs in their `setup(app)` with `app[SCHEDULER].add_job(...)` (jobs added before the
start are kept pending). Policy, the same for every job:
- jobs live in memory and are re-registered at every start from config and the database;
- `coalesce=True` and a `misfire_grace_time`: after downtime a missed run happens at most once;
- a job that must happen once per period (day roll-over, monthly report, purge) records what
  it did in the database and is idempotent, so a restart never makes it run twice in effect.
Jobs take the time from `app[CLOCK]`, so tests call them directly under a FakeClock.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from server.keys import CONFIG, SCHEDULER, SERVICES

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


class SchedulerHealth:
    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler

    def health(self) -> dict[str, object]:
        running = bool(self.scheduler.running)
        return {"ready": running, "jobs": len(self.scheduler.get_jobs()) if running else 0}


async def _run(app: web.Application) -> AsyncIterator[None]:
    scheduler = app[SCHEDULER]
    scheduler.start()
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    yield
    scheduler.shutdown(wait=False)


def setup(app: web.Application) -> None:
    scheduler = AsyncIOScheduler(timezone=app[CONFIG].tz, job_defaults=JOB_DEFAULTS)
    app[SCHEDULER] = scheduler
    app[SERVICES]["scheduler"] = SchedulerHealth(scheduler)
    app.cleanup_ctx.append(_run)
