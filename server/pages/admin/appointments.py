"""/admin/appointments: slots per procedure (a week's grid at once), one day's bookings, booking for a
hotline/Zalo caller, cancel and reschedule. Every change runs the API operation itself (`run_op`).

Who sees what follows the API: the page is for the roles that may list bookings unmasked (`listAppointments`:
admin, leader, staff: staff book for callers); the slot grid is offered only to roles that may create slots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from server import auth
from server.api.registry import operation_of, principal_of
from server.domain.clock import epoch
from server.domain.errors import DomainError
from server.keys import OFFICE_SETTINGS, READER
from server.messages import labels
from server.pages.admin.calendar import WEEKDAYS, hhmm, run_op
from server.pages.admin.site import error_text, render
from server.services import appointments as service
from server.services.views import local_now
from server.store import admin as admin_store
from server.store import appointments as store
from server.store import catalog

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATUS = labels.APPOINTMENT_STATUSES
CHANNELS = labels.APPOINTMENT_CHANNELS
BOOKABLE_DAYS = 14
STRANDED_DAYS = 62  # how far ahead the page looks for bookings on days the calendar has closed since
REFUSALS = {"closed": ("Văn phòng không làm việc giờ này", "the office is closed then"),
            "no_appointments": ("Ngày không hẹn", "a no-appointment day")}


def people_only(handler: Handler) -> Handler:
    """Anonymous -> sign-in; a role the API does not let list bookings -> the 403 page."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        principal = principal_of(request)
        if principal.role == "public":
            raise web.HTTPSeeOther(f"/admin/login?next={request.path}")
        if not auth.allowed(principal, operation_of(request.app, "listAppointments").roles):
            return await render(request, "forbidden.html", status=403)
        return await handler(request)

    return guarded


def _day(request: web.Request) -> date:
    try:
        return date.fromisoformat(request.query.get("day", ""))
    except ValueError:
        return local_now(request.app).date()


def _local(app: web.Application, ts: float) -> datetime:
    return datetime.fromtimestamp(ts, app[OFFICE_SETTINGS].current.tz)


def slot_label(app: web.Application, s: dict[str, Any]) -> str:
    start, end = _local(app, s["start_at"]), _local(app, s["end_at"])
    short = "CN" if start.isoweekday() == 7 else f"T{start.isoweekday() + 1}"  # T2 ... T7, CN as on calendars here
    return f"{short} {start:%d/%m} {start:%H:%M}–{end:%H:%M} · còn {s['free']}"


def free_slots(app: web.Application) -> dict[int, list[tuple[int, str]]]:
    """Bookable slots of the coming days by procedure: (id, label) for the slot pickers."""
    now = epoch(local_now(app))
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for s in service.open_slots(app[READER], app[OFFICE_SETTINGS].current.tz, now, now + BOOKABLE_DAYS * 86400):
        if s["free"] > 0:
            out[s["procedure_id"]].append((s["id"], slot_label(app, s)))
    return out


def week_after(today: date) -> tuple[date, date]:
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(days=6)


async def appointments_page(request: web.Request, *, status: int = 200, failed: str = "",
                            error: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> web.Response:
    app, conn = request.app, request.app[READER]
    day = _day(request)
    start = epoch(datetime.combine(day, time(0), tzinfo=app[OFFICE_SETTINGS].current.tz))
    procs = catalog.procedures(conn, only_active=True)
    names = {p["id"]: p["name_vi"] for p in procs}
    first, last = week_after(local_now(app).date())
    forms: dict[str, dict[str, Any]] = {
        "slots": {"day_from": first.isoformat(), "day_to": last.isoformat(), "weekdays": ["4"], "start": "09:00",
                  "end": "11:00", "length_min": "30", "capacity": "2", "procedure_ids": [], "field_ids": []},
        "book": {"channel": "hotline"}}
    if failed:
        forms[failed] = values or {}
    booked = None
    if request.query.get("booked"):
        try:
            booked = service.public_view(conn, service.find(conn, request.query["booked"], None),
                                         app[OFFICE_SETTINGS].current.tz)
        except DomainError:
            booked = None
    principal = principal_of(request)
    now = epoch(local_now(app))
    stranded = service.stranded(conn, app[OFFICE_SETTINGS].current.tz, now, now + STRANDED_DAYS * 86400)
    return await render(
        request, "appointments.html", status=status, day=day, prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1), weekday=WEEKDAYS[day.isoweekday()],
        bookings=store.of_day(conn, day.isoformat()), counts=store.counts(conn, day.isoformat()),
        day_slots=store.slots(conn, start, start + 86400), free=free_slots(app), names=names, procs=procs,
        forms=forms, failed=failed, form_error=error, booked=booked, run=slot_run(request),
        groups=field_groups(conn, procs),
        can_create=auth.allowed(principal, operation_of(request.app, "createAppointmentSlots").roles),
        weekdays=WEEKDAYS, statuses=STATUS,
        channels=CHANNELS, hm=lambda ts: f"{_local(app, ts):%H:%M}", stranded=stranded,
        day_flags={a["id"]: a["refusal"]
                   for a in service.stranded(conn, app[OFFICE_SETTINGS].current.tz, start, start + 86400)},
        refusals=REFUSALS,
        dmy=lambda ts: f"{_local(app, ts):%d/%m/%Y}")


async def create_slots(request: web.Request, form: MultiDictProxy[Any]) -> str:
    """Slots for the ticked procedures and whole fields; the page after the redirect shows what the decision
    made and skipped, read back from its audit line (`run`)."""
    body: dict[str, Any] = {k: form.get(k) or None for k in ("day_from", "day_to", "start", "end", "length_min",
                                                            "capacity")}
    for key in ("procedure_ids", "field_ids", "weekdays"):
        body[key] = [str(v) for v in form.getall(key, [])]
    body["start"], body["end"] = hhmm(body["start"]), hhmm(body["end"])
    made = await run_op(request, "createAppointmentSlots", body)
    return f"/admin/appointments?day={body['day_from']}&created={made['created']}&run={made['run']}#slots"


def slot_run(request: web.Request) -> dict[str, Any] | None:
    """What a slot form just did (its audit line's answer), for the notice after the redirect."""
    run = request.query.get("run", "")
    entry = admin_store.audit_entry(request.app[READER], int(run), "appointments.slots") if run.isdigit() else None
    return entry["detail"] if entry else None


def field_groups(conn: Any, procs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The slot form's picker: each field with its procedures still received."""
    return [(f, [p for p in procs if p["field_id"] == f["id"]]) for f in catalog.fields(conn)]


async def book(request: web.Request, form: MultiDictProxy[Any]) -> str:
    answer = await run_op(request, "bookAppointment", {
        "slot_id": form.get("slot_id") or None, "name": form.get("name", ""), "phone": form.get("phone", ""),
        "consent": bool(form.get("consent")), "channel": form.get("channel") or "hotline"})
    return f"/admin/appointments?day={answer['day']}&booked={answer['code']}#booked"


FORMS = {"slots": create_slots, "book": book}


async def submit(request: web.Request) -> web.StreamResponse:
    name = request.match_info["form"]
    form = await request.post()
    try:
        target = await FORMS[name](request, form)
    except DomainError as exc:
        values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        for key in ("weekdays", "procedure_ids", "field_ids"):
            values[key] = [str(v) for v in form.getall(key, [])]
        return await appointments_page(request, status=exc.status, failed=name, error=error_text(exc), values=values)
    raise web.HTTPSeeOther(target)


async def change(request: web.Request) -> web.StreamResponse:
    """Cancel or move one booking (staff need no phone number, as in the API)."""
    code, action = request.match_info["code"], request.match_info["action"]
    form = await request.post()
    try:
        if action == "cancel":
            answer = await run_op(request, "cancelAppointment", {}, code=code)
        else:
            answer = await run_op(request, "rescheduleAppointment", {"slot_id": form.get("slot_id") or None},
                                  code=code)
    except DomainError as exc:
        return await appointments_page(request, status=exc.status, failed="change", error=error_text(exc))
    raise web.HTTPSeeOther(f"/admin/appointments?day={answer['day']}&saved=1#bookings")


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/appointments", people_only(appointments_page))
    r.add_post(r"/admin/appointments/{form:slots|book}", people_only(submit))
    r.add_post(r"/admin/appointments/{code:[A-Za-z0-9]{4,12}}/{action:cancel|reschedule}", people_only(change))
