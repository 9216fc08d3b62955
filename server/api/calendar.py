"""Calendar operations (the kiosk's "are we open?", the admin's rules) and the bodies of the calendar's timed
jobs: the day roll-over at local midnight and the end-of-day close (when they run: server/scheduler.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, Literal

from aiohttp import web
from pydantic import Field, field_validator, model_validator

from server import auth
from server.api.common import decide, ok
from server.api.registry import Api, Body, Query
from server.auth import Principal
from server.config import Config
from server.domain.clock import epoch
from server.domain.errors import Invalid, NotFound
from server.keys import CLOCK, CONFIG, LIVE, OFFICE_SETTINGS, READER, WRITER
from server.services import calendar as service
from server.services import mobile
from server.services.context import Ctx
from server.services.views import local_now
from server.store import accounts
from server.store import calendar as store
from server.store.tx import Tx
from server.tasks import Changes

api = Api()

log = logging.getLogger(__name__)
CALENDAR_CHANGES = web.AppKey("calendar_changes", Changes)  # [calendar] saved on the admin page, applied
ADMIN = frozenset({"admin"})
READERS = frozenset({"admin", "leader", "staff"})
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
TAG = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def job_ctx(app: web.Application, actor: str) -> Ctx:
    settings = app[OFFICE_SETTINGS]
    return Ctx(now=epoch(app[CLOCK].now()), tz=settings.current.tz, policy=settings.policy, actor=actor)


async def run_rollover(app: web.Application) -> bool:
    ctx = job_ctx(app, "system:calendar")
    done = await app[WRITER].run(service.rollover, ctx)
    if done:
        app[LIVE].broadcast({"type": "day", "day": ctx.day})
        log.info("day roll-over to %s", ctx.day)
    return done


async def run_day_close(app: web.Application) -> int | None:
    return await app[WRITER].run(service.close_day_if_due, job_ctx(app, "system:calendar"))


async def _apply_settings(app: web.Application) -> AsyncIterator[None]:
    await app[WRITER].run(service.apply_settings, service.settings_from(app[OFFICE_SETTINGS].current),
                          local_now(app).year)
    app[OFFICE_SETTINGS].subscribe(lambda config, changed: _settings_changed(app, config, changed))
    yield
    await app[CALENDAR_CHANGES].cancel()  # the scheduler's start then rolls over a server that was off at midnight


def _settings_changed(app: web.Application, config: Config, changed: frozenset[str]) -> None:
    """[calendar] changed on the admin's Settings page: record it as the start does (the rules read it from
    the database), in the writer, without a restart."""
    if "calendar" in changed:
        app[CALENDAR_CHANGES].start(_apply(app, config))


async def _apply(app: web.Application, config: Config) -> None:
    await app[WRITER].run(service.apply_settings, service.settings_from(config), local_now(app).year)


def setup(app: web.Application) -> None:
    app[CALENDAR_CHANGES] = Changes("calendar settings")
    service.settings_from(app[CONFIG])  # a bad [calendar] or [mobile] section stops the start with its message
    app.cleanup_ctx.append(_apply_settings)


NOW_SCHEMA = {"type": "object", "required": ["open", "session", "opens_at", "closes_at", "offered_procedure_ids",
                                             "procedures_next_open"]}


@api.operation("getCalendarNow", "GET", "/api/calendar/now", "Open now? The session, next opening, offered procedures",
               tag="calendar", roles=auth.ANY,
               response=NOW_SCHEMA)
async def get_now(request: web.Request, principal: Principal) -> web.Response:
    return ok(service.calendar_now(request.app[READER], local_now(request.app)))


@api.operation("getCalendar", "GET", "/api/calendar", "The calendar rules", tag="calendar", roles=READERS)
async def get_calendar(request: web.Request, principal: Principal) -> web.Response:
    return ok(store.rules(request.app[READER]))


@api.operation("getSession", "GET", "/api/sessions/{session}", "A session: type, tags, place and ticket counts",
               tag="calendar", roles=READERS)
async def get_session(request: web.Request, principal: Principal, session: str) -> web.Response:
    found = store.session(request.app[READER], session)
    if found is None:
        raise NotFound("calendar_rule_not_found", rule=session)
    return ok(found)


def _audited(action: str, fn: Any) -> Any:
    """Every calendar edit is one decision that also lands in the audit log."""
    def decision(tx: Tx, ctx: Ctx, *args: Any) -> Any:
        out = fn(tx, *args)
        accounts.audit(tx, ctx.now, ctx.actor, action, {"args": [getattr(a, "__dict__", a) for a in args]})
        return out
    return decision


Ids = list[int] | None


def _start_before_end(body: Any) -> Any:
    """The one check of a body's `start`/`end` (HH:MM strings compare in time order)."""
    if body.start >= body.end:
        raise ValueError("start must be before end")
    return body


class HoursRow(Body):
    weekday: int = Field(ge=1, le=7, description="1 = Monday ... 7 = Sunday")
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    session_type: Literal["regular", "saturday"] = "regular"
    procedure_ids: Ids = None
    counter_ids: Ids = None

    _order = model_validator(mode="after")(_start_before_end)


class HoursBody(Body):
    hours: list[HoursRow] = Field(max_length=50)


@api.operation("putCalendarHours", "PUT", "/api/calendar/hours", "Replace the weekly opening hours", tag="calendar",
               body=HoursBody, roles=ADMIN)
async def put_hours(request: web.Request, principal: Principal, body: HoursBody) -> web.Response:
    rows = [h.model_dump() for h in body.hours]
    await decide(request, principal, _audited("calendar.hours", store.replace_hours), rows)
    return ok(store.rules(request.app[READER]))


class HolidayBody(Body):
    name: str = Field(default="", max_length=100)


def _day(raw: str) -> str:
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError as exc:
        raise Invalid("calendar_invalid", detail=f"{raw!r} is not a date YYYY-MM-DD") from exc


@api.operation("putHoliday", "PUT", "/api/calendar/holidays/{day}", "Close a whole day (public holiday)",
               tag="calendar", body=HolidayBody, roles=ADMIN)
async def put_holiday(request: web.Request, principal: Principal, day: str, body: HolidayBody) -> web.Response:
    await decide(request, principal, _audited("calendar.holiday", store.put_holiday), _day(day), body.name)
    return ok({"day": _day(day), "name": body.name})


@api.operation("deleteHoliday", "DELETE", "/api/calendar/holidays/{day}", "Reopen a day", tag="calendar", roles=ADMIN)
async def delete_holiday(request: web.Request, principal: Principal, day: str) -> web.Response:
    if not await decide(request, principal, _audited("calendar.holiday_delete", store.delete_holiday), _day(day)):
        raise NotFound("calendar_rule_not_found", rule=day)
    return ok({"deleted": day})


class DatedOrWeekly(Body):
    day: date | None = None
    weekday: int | None = Field(default=None, ge=1, le=7)
    procedure_ids: Ids = None

    @model_validator(mode="after")
    def _one(self) -> DatedOrWeekly:
        if (self.day is None) == (self.weekday is None):
            raise ValueError("give either day (a date) or weekday (1-7), not both")
        return self


class SpecialDayBody(DatedOrWeekly):
    name: str = Field(min_length=1, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=10)
    hours: list[tuple[str, str]] = Field(default_factory=list, max_length=4,
                                         description="Own hours (dated days only): [[\"07:00\", \"11:00\"]]")

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        bad = [t for t in tags if not TAG.match(t)]
        if bad:
            raise ValueError(f"tags are lower-case words with underscores, e.g. ngay_khong_viet: {bad}")
        return tags

    @field_validator("hours")
    @classmethod
    def _hours(cls, hours: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for a, b in hours:
            if not (re.match(HHMM, a) and re.match(HHMM, b) and a < b):
                raise ValueError(f"hours must be HH:MM pairs with start before end: {a}-{b}")
        return hours

    @model_validator(mode="after")
    def _own_hours_dated(self) -> SpecialDayBody:
        if self.hours and self.day is None:  # the calendar applies own hours to dated days only: say so
            raise ValueError("own hours apply to a dated day only (a weekly special day keeps the week's hours)")
        return self


class MobileBody(DatedOrWeekly):
    place: str = Field(min_length=1, max_length=120)
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    counter_ids: Ids = None

    _order = model_validator(mode="after")(_start_before_end)


def _rule_json(body: Body) -> dict[str, Any]:
    return body.model_dump(mode="json")


@api.operation("addSpecialDay", "POST", "/api/calendar/special-days", "Add a special day (tags, own hours)",
               tag="calendar", body=SpecialDayBody, roles=ADMIN, success=201)
async def add_special(request: web.Request, principal: Principal, body: SpecialDayBody) -> web.Response:
    rid = await decide(request, principal, _audited("calendar.special", store.add_special_day), _rule_json(body))
    return ok({"id": rid, **_rule_json(body)}, status=201)


@api.operation("addMobileSession", "POST", "/api/calendar/mobile-sessions", "Add a mobile session at a place",
               tag="calendar", body=MobileBody, roles=ADMIN, success=201)
async def add_mobile(request: web.Request, principal: Principal, body: MobileBody) -> web.Response:
    rid = await decide(request, principal, _audited("calendar.mobile", store.add_mobile), _rule_json(body))
    return ok({"id": rid, **_rule_json(body)}, status=201)


async def _delete(request: web.Request, principal: Principal, kind: str, rule_id: int) -> web.Response:
    n = await decide(request, principal, _audited(f"calendar.{kind}_delete", store.delete_rule), kind, rule_id)
    if not n:
        raise NotFound("calendar_rule_not_found", rule=rule_id)
    return ok({"deleted": rule_id})


@api.operation("deleteSpecialDay", "DELETE", "/api/calendar/special-days/{rule_id:\\d+}", "Remove a special day",
               tag="calendar", roles=ADMIN)
async def delete_special(request: web.Request, principal: Principal, rule_id: int) -> web.Response:
    return await _delete(request, principal, "special", rule_id)


@api.operation("deleteMobileSession", "DELETE", "/api/calendar/mobile-sessions/{rule_id:\\d+}",
               "Remove a mobile session",
               tag="calendar", roles=ADMIN)
async def delete_mobile(request: web.Request, principal: Principal, rule_id: int) -> web.Response:
    return await _delete(request, principal, "mobile", rule_id)


class ClosingBody(Body):
    at_close: Literal["serve_all", "close_waiting"] = Field(
        description="serve_all: counters serve until the hall is empty; close_waiting: cancel the waiting at close")


@api.operation("putCalendarClosing", "PUT", "/api/calendar/closing", "What happens to the waiting at closing time",
               tag="calendar", body=ClosingBody, roles=ADMIN)
async def put_closing(request: web.Request, principal: Principal, body: ClosingBody) -> web.Response:
    await decide(request, principal, _audited("calendar.at_close", service.set_at_close), body.at_close)
    return ok({"at_close": service.load_settings(request.app[READER]).at_close})


@api.operation("closeWaitingTickets", "POST", "/api/calendar/close-waiting", "Close today's waiting tickets now",
               tag="calendar", roles=frozenset({"admin", "leader"}))
async def close_waiting(request: web.Request, principal: Principal) -> web.Response:
    day = local_now(request.app).date().isoformat()
    closed = await decide(request, principal, service.close_waiting, day)
    return ok({"closed": closed, "day": day})


@api.operation("importMobileSession", "POST", "/api/mobile/import",
               "Merge a mobile-session file (JSON Lines, as uploaded) into this office; idempotent", tag="mobile",
               roles=ADMIN, response={"type": "object", "required": ["changed", "rows", "first_import"]})
async def import_mobile(request: web.Request, principal: Principal) -> web.Response:
    raw = await request.content.read(mobile.MAX_BYTES + 1)  # beyond the API's small body limit, on purpose
    return ok(await decide(request, principal, mobile.import_file, mobile.parse_upload(raw)))


class ExportQuery(Query):
    day: date | None = None
    session: str | None = Field(default=None, max_length=80)


@api.operation("exportMobileSession", "GET", "/api/mobile/export", "A session's file for the office (JSON Lines)",
               tag="mobile", query=ExportQuery, roles=ADMIN, response={"type": "string"},
               media=("application/x-ndjson",))
async def export_mobile(request: web.Request, principal: Principal, query: ExportQuery) -> web.Response:
    conn, cfg = request.app[READER], request.app[CONFIG]
    day = (query.day or local_now(request.app).date()).isoformat()
    sessions = [query.session] if query.session else store.sessions_of(conn, day=day, origin=cfg.server.machine_id)
    lines = mobile.export_lines(conn, sessions, cfg.server.machine_id, epoch(request.app[CLOCK].now()))
    name = f"motcua-{cfg.office.code}-{cfg.server.machine_id}-{day}.jsonl"
    return web.Response(text="\n".join(lines) + "\n", content_type="application/x-ndjson",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
