"""Appointment decisions: slots, booking, cancel, reschedule, check-in (issues the ticket), no-shows,
reminders and the personal-data purge. Each runs in the writer's transaction and logs an event whose
data holds ids only, never a name or a phone number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from server.config import Config
from server.domain import appointments as rules
from server.domain import calendar as cal
from server.domain.clock import from_epoch
from server.domain.errors import DomainError, Invalid, NotFound
from server.services import queue
from server.services.context import Ctx
from server.store import accounts, catalog
from server.store import appointments as store
from server.store import calendar as calendar_store
from server.store.tx import Tx, new_id


@dataclass(frozen=True)
class Settings:
    """`[appointments]` (keys, defaults and checks in server/config.py) with the windows the rules use."""

    early_min: int
    late_min: int
    purge_days: int
    reminder_hours: int
    max_active_per_phone: int

    @property
    def windows(self) -> rules.Windows:
        return rules.Windows(self.early_min * 60, self.late_min * 60)


def settings_from(config: Config) -> Settings:
    return Settings(**config.appointments.model_dump())


class Reminder(Protocol):
    """Sends a reminder to a booked citizen; an SMS or Zalo gateway adapter plugs in here."""

    def send(self, phone: str, text: str) -> None: ...


def _emit(tx: Tx, ctx: Ctx, kind: str, a: dict[str, Any], **extra: Any) -> None:
    tx.emit(f"appointment.{kind}", at=ctx.now, day=a["day"], actor=ctx.actor,
            data={"appointment_id": a["id"], "procedure_id": a["procedure_id"], "slot_at": a["slot_at"], **extra})


def create_slots(tx: Tx, ctx: Ctx, procedure_id: int, first: date, last: date, weekdays: list[int],
                 start: time, end: time, length_min: int, capacity: int) -> int:
    """One procedure's slots (the demo's week); the count made."""
    return create_slot_grid(tx, ctx, [procedure_id], [], first, last, weekdays, start, end, length_min,
                            capacity)["created"]


def slot_procedures(tx: Tx, procedure_ids: list[int], field_ids: list[int]) -> list[int]:
    """The chosen procedures, and every procedure still received of each chosen field, each once."""
    known = {p["id"]: p for p in catalog.procedures(tx)}
    for procedure_id in procedure_ids:
        if procedure_id not in known:
            raise NotFound("procedure_not_found", procedure=procedure_id)
    fields = {f["id"] for f in catalog.fields(tx)}
    for field_id in field_ids:
        if field_id not in fields:
            raise NotFound("field_not_found", field=field_id)
    chosen = [*procedure_ids, *(p["id"] for p in known.values() if p["field_id"] in field_ids and p["active"])]
    if not chosen:
        raise Invalid("appointment_slots_no_procedure")
    return list(dict.fromkeys(chosen))


def create_slot_grid(tx: Tx, ctx: Ctx, procedure_ids: list[int], field_ids: list[int], first: date, last: date,
                     weekdays: list[int], start: time, end: time, length_min: int, capacity: int) -> dict[str, Any]:
    """Slots for several procedures (or whole fields) over a range of days, made only where the calendar takes
    bookings for the procedure. Answers what was made per procedure and what was skipped and why (one line per
    day and reason; slots already there are kept and counted as "exists"); the audit line keeps the same answer,
    so the page shows it after its redirect (`run`)."""
    ids = slot_procedures(tx, procedure_ids, field_ids)
    plan = rules.plan_slots(calendar_store.load(tx), ids, first, last, weekdays, start, end, length_min, ctx.tz)
    made = dict.fromkeys(ids, 0)
    exists: dict[tuple[date, str], dict[str, Any]] = {}
    for procedure_id, d, a, b in plan.make:
        if store.insert_slot(tx, procedure_id, d.isoformat(), a.timestamp(), b.timestamp(), capacity):
            made[procedure_id] += 1
        else:
            rules.note_skipped(exists, "exists", "", procedure_id, a, b)
    skipped = sorted([*plan.skipped, *exists.values()], key=lambda s: (s["day"], s["reason"]))
    answer: dict[str, Any] = {
        "created": sum(made.values()), "by_procedure": {str(k): v for k, v in made.items()}, "skipped": skipped,
        "asked": {"procedure_ids": procedure_ids, "field_ids": field_ids, "day_from": first.isoformat(),
                  "day_to": last.isoformat(), "weekdays": weekdays, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
                  "length_min": length_min, "capacity": capacity}}
    answer["run"] = accounts.audit(tx, ctx.now, ctx.actor, "appointments.slots", answer)
    return answer


def _refusal(calendar: cal.Calendar, s: dict[str, Any], tz: Any) -> str | None:
    """Why the calendar as it stands now refuses slot (or booking) `s`: a day closed or made a ngày không hẹn
    after its slots were made takes no more bookings there."""
    start_key, end_key = ("start_at", "end_at") if "start_at" in s else ("slot_at", "slot_end")
    return cal.booking_refusal(calendar, from_epoch(s[start_key]).astimezone(tz),
                               from_epoch(s[end_key]).astimezone(tz), s["procedure_id"])


def open_slots(conn: Any, tz: Any, start: float, end: float, procedure_id: int | None = None) -> list[dict[str, Any]]:
    """The slots from `start` to `end` that the calendar still lets citizens book (full ones included)."""
    calendar = calendar_store.load(conn)
    return [s for s in store.slots(conn, start, end, procedure_id) if _refusal(calendar, s, tz) is None]


def stranded(conn: Any, tz: Any, start: float, end: float) -> list[dict[str, Any]]:
    """Bookings still to come whose day or hours the calendar has closed since: staff call these citizens.
    Each carries `refusal` ("closed" or "no_appointments")."""
    calendar = calendar_store.load(conn)
    out = []
    for a in store.booked_between(conn, start, end):
        why = _refusal(calendar, a, tz)
        if why is not None:
            out.append({**a, "refusal": why})
    return out


def _free_slot(tx: Tx, ctx: Ctx, slot_id: int) -> dict[str, Any]:
    s = store.slot(tx, slot_id)
    if s is None:
        raise NotFound("appointment_slot_not_found", slot=slot_id)
    if s["start_at"] <= ctx.now:
        raise DomainError("appointment_slot_past")
    if s["free"] <= 0:
        raise DomainError("appointment_slot_full")
    refusal = _refusal(tx.cache.get(tx, "calendar", calendar_store.load), s, ctx.tz)
    if refusal is not None:
        raise DomainError(f"appointment_slot_{refusal}")
    return s


def book(tx: Tx, ctx: Ctx, cfg: Settings, slot_id: int, name: str, phone: str, channel: str,
         consent: bool) -> dict[str, Any]:
    if not consent:
        raise Invalid("appointment_consent_required")
    phone = rules.normalize_phone(phone)
    s = _free_slot(tx, ctx, slot_id)
    active = store.active_for_phone(tx, phone, ctx.now)
    if active >= cfg.max_active_per_phone:
        raise DomainError("appointment_too_many", count=active)
    code = rules.new_code()
    while store.code_taken(tx, code):
        code = rules.new_code()
    a = {"id": new_id(ctx.now), "code": code, "slot_id": s["id"], "procedure_id": s["procedure_id"], "day": s["day"],
         "slot_at": s["start_at"], "slot_end": s["end_at"], "name": " ".join(name.split()), "phone": phone,
         "channel": channel, "status": "booked", "created_at": ctx.now, "created_by": ctx.actor,
         "consent_at": ctx.now}
    store.insert(tx, a)
    _emit(tx, ctx, "booked", a, channel=channel)
    return a


def find(tx: Any, code: str, phone: str | None) -> dict[str, Any]:
    """The booking for a code; the phone must match unless the caller is staff (phone None)."""
    a = store.by_code(tx, rules.normalize_code(code))
    if a is None or (phone is not None and a["phone"] != rules.normalize_phone(phone)):
        raise NotFound("appointment_not_found")
    return a


def cancel(tx: Tx, ctx: Ctx, code: str, phone: str | None) -> dict[str, Any]:
    a = find(tx, code, phone)
    rules.may_change(a["status"])
    store.update(tx, a["id"], status="cancelled", cancelled_at=ctx.now)
    _emit(tx, ctx, "cancelled", a)
    return {**a, "status": "cancelled", "cancelled_at": ctx.now}


def reschedule(tx: Tx, ctx: Ctx, code: str, phone: str | None, slot_id: int) -> dict[str, Any]:
    a = find(tx, code, phone)
    rules.may_change(a["status"])
    s = _free_slot(tx, ctx, slot_id)
    moved = {"slot_id": s["id"], "procedure_id": s["procedure_id"], "day": s["day"], "slot_at": s["start_at"],
             "slot_end": s["end_at"], "reminded_at": None}
    store.update(tx, a["id"], **moved)
    _emit(tx, ctx, "rescheduled", {**a, **moved}, from_slot_at=a["slot_at"])
    return {**a, **moved}


def check_in(tx: Tx, ctx: Ctx, cfg: Settings, code: str, kiosk_id: str | None) -> dict[str, Any]:
    """Issue the booked citizen's ticket: it carries the appointment and its slot, so the queue policy calls
    it at the slot ahead of walk-ins (within `appointment_burst`)."""
    a = find(tx, code, None)
    if a["status"] == "checked_in":
        t = queue.store.get(tx, a["ticket_id"])
        raise DomainError("appointment_already_checked_in", number=t.number if t else "?")
    rules.may_change(a["status"])
    cfg.windows.check(a["slot_at"], ctx.now)
    result = queue.issue(tx, ctx, queue.IssueRequest(procedure_id=a["procedure_id"], kiosk_id=kiosk_id,
                                                     appointment_id=a["id"], slot_at=a["slot_at"]))
    store.update(tx, a["id"], status="checked_in", checked_in_at=ctx.now, ticket_id=result["ticket"].id)
    _emit(tx, ctx, "checked_in", a, ticket_id=result["ticket"].id)
    return {**result, "appointment": {**a, "status": "checked_in", "ticket_id": result["ticket"].id}}


def note_checkin_misses(tx: Tx, ctx: Ctx, detail: dict[str, Any], ip: str | None) -> None:
    """A kiosk's burst of codes that matched no booking, for the admin's audit log."""
    accounts.audit(tx, ctx.now, ctx.actor, "appointment.checkin_misses", detail, ip)


def mark_no_shows(tx: Tx, ctx: Ctx, cfg: Settings) -> int:
    missed = store.booked_before(tx, ctx.now - cfg.late_min * 60)
    for a in missed:
        store.update(tx, a["id"], status="no_show", no_show_at=ctx.now)
        _emit(tx, ctx, "no_show", a)
    return len(missed)


def take_reminders(tx: Tx, ctx: Ctx, cfg: Settings) -> list[dict[str, Any]]:
    """Bookings whose slot is within `reminder_hours`, marked as reminded (each is reminded once)."""
    due = store.to_remind(tx, ctx.now, ctx.now + cfg.reminder_hours * 3600)
    for a in due:
        store.update(tx, a["id"], reminded_at=ctx.now)
    return due


def purge(tx: Tx, ctx: Ctx, cfg: Settings) -> int:
    n = store.purge(tx, ctx.now - cfg.purge_days * 86400, ctx.now)
    if n:
        tx.emit("appointment.purged", at=ctx.now, day=ctx.day, actor=ctx.actor, data={"count": n})
    return n


def local_iso(ts: float, tz: Any) -> str:
    return from_epoch(ts).astimezone(tz).isoformat(timespec="minutes")


def public_view(conn: Any, a: dict[str, Any], tz: Any) -> dict[str, Any]:
    """A booking as a citizen's phone or a kiosk sees it: name and phone masked."""
    proc = catalog.procedure(conn, a["procedure_id"]) or {}
    return {"code": a["code"], "status": a["status"], "procedure_id": a["procedure_id"],
            "procedure_vi": proc.get("name_vi"), "procedure_en": proc.get("name_en"),
            "slot_at": local_iso(a["slot_at"], tz), "slot_end": local_iso(a["slot_end"], tz), "day": a["day"],
            "name": rules.mask_name(a["name"] or ""), "phone": rules.mask_phone(a["phone"] or ""),
            "channel": a["channel"]}


def reminder_text(conn: Any, a: dict[str, Any], tz: Any) -> str:
    v = public_view(conn, a, tz)
    when = datetime.fromisoformat(v["slot_at"])
    return (f"Nhắc lịch hẹn {v['code']}: {when:%H:%M %d/%m/%Y}, {v['procedure_vi']}. "
            "Nhập mã này tại ki-ốt để lấy số.")
