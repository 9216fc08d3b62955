"""Appointment operations: free slots and booking (public, no account), manage by code + phone, check-in at
the kiosk (answers like issueTicket and prints), the staff list, the admin's slot grid and data export;
and the bodies of its timed jobs: no-shows after the late window, reminders, the personal-data purge (when
they run, and their catch-up after a night off: server/scheduler.py)."""

from __future__ import annotations

import io
import logging
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from aiohttp import web
from pydantic import Field, model_validator

from server import auth
from server.api.calendar import HHMM, job_ctx
from server.api.common import decide, ok
from server.api.registry import Api, Body, Query
from server.auth import Principal
from server.domain import appointments as rules
from server.domain.clock import epoch
from server.domain.errors import Invalid, NotFound
from server.keys import AFTER_ISSUE, OFFICE_SETTINGS, READER, RECEIVED_AT, SERVICES, WRITER
from server.services import appointments as service
from server.services.views import local_now, ticket_detail
from server.store import appointments as store
from server.web.security import CHECKIN_GUARD

api = Api()

log = logging.getLogger(__name__)
REMINDER = "reminder"
KIOSK_OR_STAFF = frozenset({"kiosk", *auth.STAFF})
APPT = {"type": "object", "required": ["code", "status", "slot_at", "procedure_id"]}
CODE_IN_PATH = {"code": {"type": "string", "pattern": f"^{rules.PATH_CODE}$"}}  # what rules.normalize_code reads


class LogReminder:
    """The default reminder: logs that one would be sent (masked). An SMS gateway replaces it."""

    def send(self, phone: str, text: str) -> None:
        log.info("reminder to %s: %s", rules.mask_phone(phone), text)


def settings_of(app: web.Application) -> service.Settings:
    """[appointments] as the office has it now (changed on the admin's Settings page without a restart)."""
    return service.settings_from(app[OFFICE_SETTINGS].current)


async def run_no_shows(app: web.Application) -> int:
    return await app[WRITER].run(service.mark_no_shows, job_ctx(app, "system:appointments"), settings_of(app))


async def run_reminders(app: web.Application) -> int:
    due = await app[WRITER].run(service.take_reminders, job_ctx(app, "system:appointments"), settings_of(app))
    reminder = app[SERVICES][REMINDER]
    for a in due:
        try:
            reminder.send(a["phone"], service.reminder_text(app[READER], a, app[OFFICE_SETTINGS].current.tz))
        except Exception:  # a gateway failure must not stop the others; it is logged for the admin
            log.exception("reminder for booking %s failed", a["code"])
    return len(due)


async def run_purge(app: web.Application) -> int:
    return await app[WRITER].run(service.purge, job_ctx(app, "system:appointments"), settings_of(app))


def setup(app: web.Application) -> None:
    app[SERVICES].setdefault(REMINDER, LogReminder())


class SlotsQuery(Query):
    procedure_id: int | None = Field(default=None, ge=1)
    day_from: date | None = None
    days: int = Field(default=14, ge=1, le=62)


@api.operation("listAppointmentSlots", "GET", "/api/appointments/slots", "Free appointment slots (no personal data)",
               tag="appointments", query=SlotsQuery, roles=auth.ANY, response={"type": "object", "required": ["slots"]})
async def list_slots(request: web.Request, principal: Principal, query: SlotsQuery) -> web.Response:
    tz, now = request.app[OFFICE_SETTINGS].current.tz, local_now(request.app)
    first = datetime.combine(query.day_from or now.date(), time(0), tzinfo=tz)
    start = max(epoch(first), epoch(now))
    rows = service.open_slots(request.app[READER], tz, start, epoch(first + timedelta(days=query.days)),
                              query.procedure_id)
    return ok({"slots": [{**r, "start": service.local_iso(r["start_at"], tz), "end": service.local_iso(r["end_at"], tz)}
                         for r in rows]})


class SlotGridBody(Body):
    procedure_id: int | None = Field(default=None, ge=1, description="One procedure (the older form of the body)")
    procedure_ids: list[int] = Field(default=[], max_length=1000, description="Several procedures at once")
    field_ids: list[int] = Field(default=[], max_length=200,
                                 description="Whole fields: every procedure of each that is still received")
    day_from: date
    day_to: date
    weekdays: list[int] = Field(default=[1, 2, 3, 4, 5], min_length=1, max_length=7)
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    length_min: int = Field(default=30, ge=5, le=240)
    capacity: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _order(self) -> SlotGridBody:
        if self.day_to < self.day_from or self.end <= self.start:
            raise ValueError("day_to must not be before day_from, and end must be after start")
        if any(not 1 <= d <= 7 for d in self.weekdays):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return self

    @property
    def procedures(self) -> list[int]:
        return [*([self.procedure_id] if self.procedure_id else []), *self.procedure_ids]


@api.operation("createAppointmentSlots", "POST", "/api/appointments/slots",
               "Create slots for procedures or whole fields where the calendar is open; says what was skipped and why",
               tag="appointments", body=SlotGridBody, roles=frozenset({"admin"}), success=201,
               response={"type": "object", "required": ["created", "by_procedure", "skipped", "run"]})
async def create_slots(request: web.Request, principal: Principal, body: SlotGridBody) -> web.Response:
    made = await decide(request, principal, service.create_slot_grid, body.procedures, body.field_ids, body.day_from,
                        body.day_to, body.weekdays, time.fromisoformat(body.start), time.fromisoformat(body.end),
                        body.length_min, body.capacity)
    return ok(made, status=201)


class BookBody(Body):
    slot_id: int = Field(ge=1)
    name: str = Field(min_length=2, max_length=80, description="Full name, the minimum we need")
    phone: str = Field(min_length=1, max_length=20)
    consent: bool = Field(description="The citizen agreed to the personal-data sentence (decree 13/2023)")
    channel: Literal["web", "hotline", "zalo", "counter"] = "web"


def _base(request: web.Request) -> str:
    public = request.app[OFFICE_SETTINGS].current.office.public_url
    return (public or f"{request.scheme}://{request.host}").rstrip("/")


def _answer(request: web.Request, a: dict[str, Any], status: int = 200) -> web.Response:
    base = _base(request)
    return ok({**service.public_view(request.app[READER], a, request.app[OFFICE_SETTINGS].current.tz),
               "manage_url": f"{base}/book?code={a['code']}", "qr_url": f"/api/appointments/{a['code']}/qr.svg"},
              status=status)


@api.operation("bookAppointment", "POST", "/api/appointments", "Book a slot (public page, or staff for a caller)",
               tag="appointments", body=BookBody, roles=auth.ANY, success=201, response=APPT)
async def book(request: web.Request, principal: Principal, body: BookBody) -> web.Response:
    channel = body.channel if principal.is_person else "web"
    a = await decide(request, principal, service.book, settings_of(request.app), body.slot_id, body.name, body.phone,
                     channel, body.consent)
    return _answer(request, a, 201)


class PhoneQuery(Query):
    phone: str | None = Field(default=None, max_length=16)


def _phone(principal: Principal, phone: str | None) -> str | None:
    """Citizens prove the booking is theirs with its phone number; staff need not."""
    if principal.is_person:
        return phone
    if not phone:
        raise NotFound("appointment_not_found")
    return phone


@api.operation("getAppointment", "GET", "/api/appointments/{code:[A-Za-z0-9]+}", "A booking (masked)",
               tag="appointments", path_schemas=CODE_IN_PATH, query=PhoneQuery, roles=auth.ANY, response=APPT)
async def get_appointment(request: web.Request, principal: Principal, code: str, query: PhoneQuery) -> web.Response:
    return _answer(request, service.find(request.app[READER], code, _phone(principal, query.phone)))


class ChangeBody(Body):
    phone: str | None = Field(default=None, max_length=16)
    slot_id: int | None = Field(default=None, ge=1)


@api.operation("cancelAppointment", "POST", "/api/appointments/{code:[A-Za-z0-9]+}/cancel", "Cancel a booking",
               tag="appointments", path_schemas=CODE_IN_PATH, body=ChangeBody, roles=auth.ANY, response=APPT)
async def cancel(request: web.Request, principal: Principal, code: str, body: ChangeBody) -> web.Response:
    a = await decide(request, principal, service.cancel, code, _phone(principal, body.phone))
    return _answer(request, a)


@api.operation("rescheduleAppointment", "POST", "/api/appointments/{code:[A-Za-z0-9]+}/reschedule", "Move a booking",
               tag="appointments", path_schemas=CODE_IN_PATH, body=ChangeBody, roles=auth.ANY, response=APPT)
async def reschedule(request: web.Request, principal: Principal, code: str, body: ChangeBody) -> web.Response:
    if body.slot_id is None:
        raise Invalid("invalid_input", detail="slot_id is required")
    a = await decide(request, principal, service.reschedule, code, _phone(principal, body.phone), body.slot_id)
    return _answer(request, a)


class CheckInBody(Body):
    code: str = Field(min_length=rules.CODE_LENGTH, max_length=200, description="The booking code, typed or read from"
                      " its QR", json_schema_extra={"pattern": f"^{rules.TYPED_CODE.pattern}$"})


@api.operation("checkInAppointment", "POST", "/api/appointments/check-in", "Check in a booking: issues its ticket",
               tag="appointments", body=CheckInBody, roles=KIOSK_OR_STAFF, success=201,
               response={"type": "object", "required": ["id", "number", "procedure", "issued_at", "waiting_ahead"]})
async def check_in(request: web.Request, principal: Principal, body: CheckInBody) -> web.Response:
    guard, now = request.app[CHECKIN_GUARD], request[RECEIVED_AT]
    guard.attempt(principal, now)
    try:
        result = await decide(request, principal, service.check_in, settings_of(request.app), body.code,
                              principal.device_id)
    except NotFound:
        misses = guard.missed(principal, now)
        if misses:
            await _alert_misses(request, principal, misses, guard.window_s)
        raise
    payload = ticket_detail(request.app, result, f"{request.scheme}://{request.host}")
    payload["slot_at"] = service.local_iso(result["ticket"].slot_at, request.app[OFFICE_SETTINGS].current.tz)
    payload["appointment"] = service.public_view(request.app[READER], result["appointment"],
                                                 request.app[OFFICE_SETTINGS].current.tz)
    for hook in request.app[AFTER_ISSUE]:
        hook(request, principal, result, payload)
    return ok(payload, status=201)


async def _alert_misses(request: web.Request, principal: Principal, misses: int, window_s: float) -> None:
    """A kiosk that keeps typing codes that match no booking may be someone guessing: the admin reads it in the
    audit log (and the server's log), with the kiosk's name, once a window."""
    log.warning("kiosk %s: %d booking codes not found within %d s (guessing?)", principal.device_id, misses,
                window_s)
    detail = {"kiosk": principal.device_id, "kiosk_name": principal.display_name, "misses": misses,
              "window_s": int(window_s)}
    await decide(request, principal, service.note_checkin_misses, detail, request.remote)


class DayQuery(Query):
    day: date | None = None


@api.operation("listAppointments", "GET", "/api/appointments", "A day's bookings for the staff console (unmasked)",
               tag="appointments", query=DayQuery, roles=auth.STAFF, response={"type": "object",
                                                                          "required": ["appointments", "counts"]})
async def list_appointments(request: web.Request, principal: Principal, query: DayQuery) -> web.Response:
    day = (query.day or local_now(request.app).date()).isoformat()
    conn, tz = request.app[READER], request.app[OFFICE_SETTINGS].current.tz
    rows = [{**a, "slot_local": service.local_iso(a["slot_at"], tz)} for a in store.of_day(conn, day)]
    return ok({"day": day, "appointments": rows, "counts": store.counts(conn, day)})


@api.operation("exportAppointmentData", "GET", "/api/appointments/{code:[A-Za-z0-9]+}/personal-data",
               "Everything held about one booking code (a data subject's request)", tag="appointments",
               path_schemas=CODE_IN_PATH, roles=frozenset({"admin"}))
async def export_data(request: web.Request, principal: Principal, code: str) -> web.Response:
    conn = request.app[READER]
    a = service.find(conn, code, None)
    return ok({"appointment": a, "events": store.events_of(conn, a["id"])})


@api.operation("getAppointmentQr", "GET", "/api/appointments/{code:[A-Za-z0-9]+}/qr.svg", "The booking code as a QR",
               tag="appointments", path_schemas=CODE_IN_PATH, roles=auth.ANY, response={"type": "string"},
               media=("image/svg+xml",))
async def qr(request: web.Request, principal: Principal, code: str) -> web.Response:
    import qrcode.image.svg  # loaded on the first QR drawn, not with the server

    code = rules.normalize_code(code)
    out = io.BytesIO()
    qrcode.make(f"{_base(request)}/book?code={code}", image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return web.Response(body=out.getvalue(), content_type="image/svg+xml")
