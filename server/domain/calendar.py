"""The office calendar as pure rules: given the rules and an instant, is the office open, in which
session, with which tags, what is offered, and when does it open next?

Rules, in the order they win:
1. a holiday closes the whole day (no session at all);
2. a special day for that *date* with its own hours replaces the week's hours (session type `special`);
3. otherwise the week's hours for that weekday apply (type `regular` or `saturday`), and a special day that
   matches the date or the weekday (e.g. every Wednesday: `ngay_khong_viet`, `ngay_khong_hen`) makes that
   day's session `special` and adds its tags;
4. a machine in mobile mode (the laptop at the cultural house) has only `mobile` sessions: the calendar's
   mobile sessions for that day, or, when none is listed, one all-day session at the configured place.
No rules at all means "always open" (an office that never configured its calendar keeps working).
Every time here is local to the office; the caller converts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

SESSION_TYPES = ("regular", "saturday", "special", "mobile")
KNOWN_TAGS = ("ngay_khong_viet", "ngay_khong_hen")
NO_APPOINTMENTS = "ngay_khong_hen"  # the tag of a day that takes no bookings
HORIZON_DAYS = 31


@dataclass(frozen=True)
class Hours:
    """One opening interval of a weekday (1 = Monday ... 7 = Sunday)."""

    weekday: int
    start: time
    end: time
    session_type: str = "regular"
    procedure_ids: frozenset[int] | None = None  # None: every procedure
    counter_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class SpecialDay:
    """A dated or weekly day with tags; `hours` (dated days only) replace the week's hours that day."""

    id: int
    name: str
    tags: tuple[str, ...] = ()
    day: date | None = None
    weekday: int | None = None
    hours: tuple[tuple[time, time], ...] = ()
    procedure_ids: frozenset[int] | None = None

    def matches(self, d: date) -> bool:
        return self.day == d if self.day is not None else self.weekday == d.isoweekday()


@dataclass(frozen=True)
class MobileSession:
    """A reception away from the office (cultural house of area 4, every Friday)."""

    id: int
    place: str
    start: time
    end: time
    weekday: int | None = None
    day: date | None = None
    procedure_ids: frozenset[int] | None = None
    counter_ids: frozenset[int] | None = None

    def matches(self, d: date) -> bool:
        return self.day == d if self.day is not None else self.weekday == d.isoweekday()


@dataclass(frozen=True)
class Calendar:
    hours: tuple[Hours, ...] = ()
    holidays: dict[date, str] = field(default_factory=dict)
    special_days: tuple[SpecialDay, ...] = ()
    mobile: tuple[MobileSession, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.hours)


@dataclass(frozen=True)
class Mode:
    """What this machine is: the office, or a laptop running a mobile session at `place`."""

    mobile: bool = False
    place: str = ""


@dataclass(frozen=True)
class Window:
    """One open interval of one session on one day."""

    day: date
    session_type: str
    start: datetime
    end: datetime
    tags: tuple[str, ...] = ()
    place: str = ""
    procedure_ids: frozenset[int] | None = None
    counter_ids: frozenset[int] | None = None

    def offers(self, procedure_id: int) -> bool:
        return self.procedure_ids is None or procedure_id in self.procedure_ids


@dataclass(frozen=True)
class Now:
    open: bool
    window: Window | None  # the open window, or None when closed
    opens_at: datetime | None  # next opening when closed
    closes_at: datetime | None

    @property
    def offered_procedure_ids(self) -> frozenset[int] | None:
        return self.window.procedure_ids if self.window else None


def _at(d: date, t: time, tz: tzinfo | None) -> datetime:
    return datetime.combine(d, t, tzinfo=tz)


def _merge(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    if a is None:
        return b
    return a if b is None else a & b


def windows_on(cal: Calendar, d: date, tz: tzinfo | None, mode: Mode = Mode()) -> list[Window]:
    """The open windows of one local day, in time order."""
    if d in cal.holidays:
        return []
    if mode.mobile:
        found = [Window(d, "mobile", _at(d, m.start, tz), _at(d, m.end, tz), (), m.place, m.procedure_ids,
                        m.counter_ids) for m in cal.mobile if m.matches(d)]
        if not found:
            start = _at(d, time(0), tz)
            found = [Window(d, "mobile", start, start + timedelta(days=1), (), mode.place)]
        return sorted(found, key=lambda w: w.start)
    specials = [s for s in cal.special_days if s.matches(d)]
    tags = tuple(dict.fromkeys(t for s in specials for t in s.tags))
    procs: frozenset[int] | None = None
    for s in specials:
        procs = _merge(procs, s.procedure_ids)
    dated = [s for s in specials if s.day is not None and s.hours]
    if dated:
        return [Window(d, "special", _at(d, a, tz), _at(d, b, tz), tags, "", procs)
                for s in dated for a, b in sorted(s.hours)]
    out = []
    for h in sorted((h for h in cal.hours if h.weekday == d.isoweekday()), key=lambda h: h.start):
        kind = "special" if specials else h.session_type
        out.append(Window(d, kind, _at(d, h.start, tz), _at(d, h.end, tz), tags, "",
                          _merge(h.procedure_ids, procs), h.counter_ids))
    return out


def upcoming(cal: Calendar, at: datetime, mode: Mode = Mode(), days: int = HORIZON_DAYS) -> list[Window]:
    """Windows that end after `at`, for `days` days from `at`'s local date."""
    tz = at.tzinfo
    out: list[Window] = []
    for i in range(days):
        out += [w for w in windows_on(cal, at.date() + timedelta(days=i), tz, mode) if w.end > at]
    return out


def status_at(cal: Calendar, at: datetime, mode: Mode = Mode()) -> Now:
    """Open or closed at local instant `at`; always open when the calendar is not configured."""
    return status_until(cal, at, mode)[0]


def status_until(cal: Calendar, at: datetime, mode: Mode = Mode()) -> tuple[Now, datetime | None]:
    """`status_at(at)`, and while open the instant until which the answer stays the same (the window's
    end, or sooner if another window starts first); None when closed. Every ticket asks: a caller may
    keep the answer until then."""
    if not cal.configured and not mode.mobile:
        day_start = datetime.combine(at.date(), time(0), tzinfo=at.tzinfo)
        window = Window(at.date(), "regular", day_start, day_start + timedelta(days=1))
        return Now(True, window, None, None), window.end
    # Only today's windows can hold `at` (later days' start after midnight): the month ahead is
    # looked at only when the office is closed.
    today = windows_on(cal, at.date(), at.tzinfo, mode)
    current = next((w for w in today if w.start <= at < w.end), None)
    if current is not None:
        until = min([current.end, *(w.start for w in today if w.start > at)])
        return Now(True, current, None, current.end), until
    following = next((w for w in upcoming(cal, at, mode) if w.start > at), None)
    return Now(False, None, following.start if following else None, None), None


def next_open_for(cal: Calendar, at: datetime, procedure_ids: list[int], mode: Mode = Mode()) -> dict[int, datetime]:
    """For each procedure, when it is next offered (now, if the open window offers it)."""
    if not cal.configured and not mode.mobile:
        return {p: at for p in procedure_ids}
    left = set(procedure_ids)
    out: dict[int, datetime] = {}
    for w in upcoming(cal, at, mode):
        for p in [p for p in left if w.offers(p)]:
            out[p] = max(w.start, at)
            left.discard(p)
        if not left:
            break
    return out


def slot_refusal(cal: Calendar, start: datetime, end: datetime, procedure_id: int) -> str | None:
    """Why the calendar refuses a slot from `start` to `end` (local), said precisely for the admin who makes
    slots: "holiday" (the day is a public holiday), "no_appointments" (a ngày không hẹn), "closed" (no open
    window of that day holds the whole slot), "not_offered" (a window holds it but does not offer the
    procedure); None when it may be booked. A calendar never configured is always open (as for tickets)."""
    if not cal.configured:
        return None
    if start.date() in cal.holidays:
        return "holiday"
    windows = windows_on(cal, start.date(), start.tzinfo)
    if any(NO_APPOINTMENTS in w.tags for w in windows):
        return "no_appointments"
    holding = [w for w in windows if w.start <= start and end <= w.end]
    if not holding:
        return "closed"
    return None if any(w.offers(procedure_id) for w in holding) else "not_offered"


def booking_refusal(cal: Calendar, start: datetime, end: datetime, procedure_id: int) -> str | None:
    """What a citizen is told: "no_appointments" on a ngày không hẹn, "closed" for every other refusal of
    `slot_refusal` (a holiday, hours, a procedure not offered then); None when it may be booked."""
    why = slot_refusal(cal, start, end, procedure_id)
    return why if why in (None, "no_appointments") else "closed"


def day_name(cal: Calendar, d: date, reason: str) -> str:
    """The name that explains a whole-day refusal: the holiday's, or the ngày không hẹn's."""
    if reason == "holiday":
        return cal.holidays.get(d, "")
    return next((s.name for s in cal.special_days if s.matches(d) and NO_APPOINTMENTS in s.tags), "")


def session_id(day: date | str, machine_id: str, session_type: str) -> str:
    """One session per local day, machine and type; the id is the same whoever computes it."""
    return f"{day}-{machine_id}-{session_type}"
