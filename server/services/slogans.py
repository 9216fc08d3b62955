"""Slogan decisions (run by the one writer).

A slogan row is checked by building the library's ``SloganSchedule`` from it, so the API refuses exactly what
the schedule logic cannot play ("7 times an hour", a window that ends before it starts, ...). Each enabled
slogan is one timed job ``slogan-<id>``, kept by ``server.scheduler.SloganJobs``; what happens on a fire (the
TV ticker, the main LED board) is the display service's business.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from display.slogans.schedule import SloganSchedule
from server.domain.errors import Invalid, NotFound
from server.services.context import Ctx
from server.store import accounts
from server.store import slogans as store
from server.store.tx import Tx


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

