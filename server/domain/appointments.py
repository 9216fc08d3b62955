"""Appointment rules without I/O: booking codes, check-in windows, masking personal data, slot grids.

Personal data (decree 13/2023/NĐ-CP): we keep only a name and a phone number, show them masked everywhere
but the staff console, and purge them after a configured number of days.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from server.domain import calendar as cal
from server.domain.errors import DomainError, Invalid

# No 0/O, 1/I/L, 5/S or 8/B: a code read over the phone or typed on a kiosk cannot be mistaken.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY2345679"
CODE_LENGTH = 6
_SEP = r"[\s.\-]"  # what people type between the characters
CODE_CHAR = "[" + CODE_ALPHABET + "".join(c for c in CODE_ALPHABET.lower() if c.isalpha()) + "]"
# A code in a path (the API document says the same): six characters of the alphabet, either case.
PATH_CODE = f"{CODE_CHAR}{{{CODE_LENGTH}}}"
# A code as typed or scanned: spaces, dashes and dots between its characters, or the QR's URL before it (the code
# follows its last "/" or "="). `normalize_code` reads with it and the API document publishes it: they agree.
TYPED_CODE = re.compile(rf"\s*(?:[\s\S]*[/=])?{_SEP}*((?:{CODE_CHAR}{_SEP}*){{{CODE_LENGTH}}})/*\s*")
STATUSES = ("booked", "checked_in", "cancelled", "no_show")
CHANNELS = ("web", "hotline", "zalo", "counter")
PHONE = re.compile(r"^0\d{9,10}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Accept what people type or a scanner reads: lower case, spaces, dashes, or the QR's URL."""
    found = TYPED_CODE.fullmatch(raw)
    if found is None:
        raise Invalid("appointment_code_invalid", given=raw[:20])
    return re.sub(_SEP, "", found.group(1)).upper()


def normalize_phone(raw: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not PHONE.match(digits):
        raise Invalid("appointment_phone_invalid")
    return digits


def mask_name(name: str) -> str:
    """"Nguyễn Văn An" -> "Nguyễn V*** A": family name kept, the rest reduced to initials."""
    parts = name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][0] + "***"
    middle = [p[0] + "***" for p in parts[1:-1]]
    return " ".join([parts[0], *middle, parts[-1][0]])


def mask_phone(phone: str) -> str:
    """"0912345123" -> "09****123"."""
    return phone[:2] + "****" + phone[-3:] if len(phone) >= 6 else "****"


@dataclass(frozen=True)
class Windows:
    """How early and how late a booked citizen may check in around the slot's start."""

    early_s: float = 60 * 60
    late_s: float = 15 * 60

    def check(self, slot_at: float, now: float) -> None:
        if now < slot_at - self.early_s:
            raise DomainError("appointment_too_early", minutes=int(self.early_s // 60))
        if now > slot_at + self.late_s:
            raise DomainError("appointment_too_late", minutes=int(self.late_s // 60))

    def missed(self, slot_at: float, now: float) -> bool:
        return now > slot_at + self.late_s


def may_change(status: str) -> None:
    if status != "booked":
        raise DomainError("appointment_not_changeable", state=status)


def slot_grid(day: date, start: time, end: time, length_min: int, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """Slots of `length_min` from start to end on one local day (a last partial slot is dropped)."""
    if length_min < 5:
        raise Invalid("invalid_input", detail="length_min must be at least 5")
    out = []
    at = datetime.combine(day, start, tzinfo=tz)
    stop = datetime.combine(day, end, tzinfo=tz)
    step = timedelta(minutes=length_min)
    while at + step <= stop:
        out.append((at, at + step))
        at += step
    return out


MAX_SLOTS_AT_ONCE = 20_000  # one form's worth (150 procedures x 2 weeks x 8 slots is 16,800); more is a mistake


@dataclass(frozen=True)
class SlotPlan:
    """What a slot form asks of the calendar: the slots to make, (procedure, day, start, end), and the ones the
    calendar refuses, grouped by day and reason so the admin reads one line per day and cause."""

    make: list[tuple[int, date, datetime, datetime]]
    skipped: list[dict[str, Any]]


def note_skipped(lines: dict[tuple[date, str], dict[str, Any]], reason: str, name: str, procedure_id: int,
                 start: datetime, end: datetime) -> None:
    """Count one slot not made into its day's line for `reason`, with its times and procedure listed once."""
    d = start.date()
    line = lines.setdefault((d, reason), {"day": d.isoformat(), "reason": reason, "slots": 0, "name": name,
                                          "times": [], "procedure_ids": []})
    line["slots"] += 1
    for key, value in (("times", f"{start:%H:%M}–{end:%H:%M}"), ("procedure_ids", procedure_id)):
        if value not in line[key]:
            line[key].append(value)


def plan_slots(calendar: cal.Calendar, procedure_ids: list[int], first: date, last: date, weekdays: list[int],
               start: time, end: time, length_min: int, tz: tzinfo) -> SlotPlan:
    """The slots of every chosen procedure on the chosen weekdays from `first` to `last`, kept only where the
    calendar takes bookings for that procedure (`calendar.slot_refusal` says why not)."""
    if (last - first).days > 366:
        raise Invalid("invalid_input", detail="at most one year of slots at a time")
    make: list[tuple[int, date, datetime, datetime]] = []
    skipped: dict[tuple[date, str], dict[str, Any]] = {}
    d = first
    while d <= last:
        if d.isoweekday() in weekdays:
            for a, b in slot_grid(d, start, end, length_min, tz):
                for procedure_id in procedure_ids:
                    why = cal.slot_refusal(calendar, a, b, procedure_id)
                    if why is None:
                        make.append((procedure_id, d, a, b))
                        continue
                    note_skipped(skipped, why, cal.day_name(calendar, d, why), procedure_id, a, b)
        if len(make) > MAX_SLOTS_AT_ONCE:
            raise Invalid("appointment_slots_too_many", most=MAX_SLOTS_AT_ONCE)
        d += timedelta(days=1)
    return SlotPlan(make, list(skipped.values()))
