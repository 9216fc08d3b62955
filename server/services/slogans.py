"""Slogan decisions (run by the one writer) and their place in the office's scheduler.

A slogan row is checked by building the library's ``SloganSchedule`` from it, so the API refuses exactly what
the schedule logic cannot play ("7 times an hour", a window that ends before it starts, ...). Each enabled
slogan is one APScheduler job ``slogan-<id>`` whose trigger fires when ``fire_times`` says; editing a slogan
replaces its job, disabling or deleting removes it. What happens on a fire (the TV ticker, the main LED
board) is the display service's business: it hands ``SloganJobs`` the function to call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, time, tzinfo
from typing import Any

from display.slogans.schedule import SloganSchedule
from display.slogans.trigger import build_apscheduler_trigger
from server.domain.errors import Invalid, NotFound
from server.messages import register
from server.services.context import Ctx
from server.store import accounts
from server.store import slogans as store
from server.store.tx import Tx

log = logging.getLogger(__name__)

register({
    "slogan_not_found": ("Không tìm thấy khẩu hiệu số {slogan}.", "Slogan {slogan} was not found."),
    "slogan_invalid": ("Lịch phát khẩu hiệu không hợp lệ: {detail}", "The slogan's schedule is not valid: {detail}"),
})

Fire = Callable[[int], Awaitable[None]]


def _time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def schedule_of(row: dict[str, Any]) -> SloganSchedule:
    """The library's schedule for a row (or for a body about to become one); raises Invalid with the reason."""
    try:
        return SloganSchedule(
            text=row["text"],
            every_n_minutes=row["every_n_minutes"],
            times_per_hour=row["times_per_hour"],
            start_date=_date(row["start_date"]),
            end_date=_date(row["end_date"]),
            weekdays=frozenset(row["weekdays"]),
            window_start=_time(row["window_start"]) or time(0, 0),
            window_end=_time(row["window_end"]),
            enabled=row["enabled"],
        )
    except ValueError as exc:
        raise Invalid("slogan_invalid", detail=str(exc)) from exc


def create(tx: Tx, ctx: Ctx, fields: dict[str, Any]) -> dict[str, Any]:
    schedule_of(fields)
    slogan_id = store.insert(tx, fields, ctx.now)
    accounts.audit(tx, ctx.now, ctx.actor, "slogan.create", {"id": slogan_id})
    return _load(tx, slogan_id)


def update(tx: Tx, ctx: Ctx, slogan_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    schedule_of(fields)
    if not store.update(tx, slogan_id, fields, ctx.now):
        raise NotFound("slogan_not_found", slogan=slogan_id)
    accounts.audit(tx, ctx.now, ctx.actor, "slogan.update", {"id": slogan_id})
    return _load(tx, slogan_id)


def delete(tx: Tx, ctx: Ctx, slogan_id: int) -> None:
    if not store.delete(tx, slogan_id):
        raise NotFound("slogan_not_found", slogan=slogan_id)
    accounts.audit(tx, ctx.now, ctx.actor, "slogan.delete", {"id": slogan_id})


def _load(tx: Tx, slogan_id: int) -> dict[str, Any]:
    row = store.slogan(tx, slogan_id)
    assert row is not None
    return row


def job_id(slogan_id: int) -> str:
    return f"slogan-{slogan_id}"


class SloganJobs:
    """Keeps one scheduler job per enabled slogan; ``fire(slogan_id)`` runs on each of its fire times."""

    def __init__(self, scheduler: Any, tz: tzinfo, fire: Fire) -> None:
        self.scheduler = scheduler
        self.tz = tz
        self.fire = fire

    def schedule(self, row: dict[str, Any]) -> None:
        """(Re-)register a slogan after it was created or edited; a disabled one loses its job."""
        trigger = build_apscheduler_trigger(schedule_of(row), self.tz)
        if trigger is None:
            self.unschedule(row["id"])
            return
        self.scheduler.add_job(
            self.fire, trigger=trigger, args=[row["id"]], id=job_id(row["id"]), name=f"slogan {row['id']}",
            replace_existing=True,
        )

    def unschedule(self, slogan_id: int) -> None:
        if self.scheduler.get_job(job_id(slogan_id)) is not None:
            self.scheduler.remove_job(job_id(slogan_id))

    def load(self, rows: list[dict[str, Any]]) -> None:
        """Register every slogan at start (jobs live in memory; the database is the truth)."""
        for row in rows:
            try:
                self.schedule(row)
            except Invalid:
                log.error("slogan %s has a schedule that cannot play; skipped", row["id"])
