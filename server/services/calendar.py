"""Calendar decisions: stamping a ticket with its session (or refusing it when the office is closed),
closing the waiting queue at the end of the day, the day roll-over, and the calendar presets.

The machine's own settings (`[calendar]`, `[mobile]` from its config) are written to `calendar_settings`
at start, so a decision inside the writer's transaction reads them with the rules it applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from server.config import Config
from server.domain import calendar as cal
from server.domain.errors import DomainError
from server.domain.tickets import Outcome, Ticket
from server.messages import text
from server.services import queue
from server.services.context import Ctx
from server.store import calendar as store
from server.store import catalog
from server.store import tickets as ticket_store
from server.store.tx import Tx

AT_CLOSE = ("serve_all", "close_waiting")
CLOSED_REASON = Outcome.CLOSED_AT_END_OF_DAY.value


@dataclass(frozen=True)
class MachineSettings:
    """This machine's calendar behaviour: `[calendar]` and `[mobile]` (keys, defaults and checks in
    server/config.py), kept together in the database for the decisions."""

    refuse_when_closed: bool
    at_close: str
    preset: str
    mobile: bool
    place: str
    series: str

    @property
    def mode(self) -> cal.Mode:
        return cal.Mode(mobile=self.mobile, place=self.place)


def settings_from(config: Config) -> MachineSettings:
    c, m = config.calendar, config.mobile
    return MachineSettings(c.refuse_when_closed, c.at_close, c.preset, m.enabled, m.place, m.series)


def load_settings(conn: Any) -> MachineSettings:
    """The config's settings, with the admin's closing rule (set on /admin/calendar) winning over the config's."""
    stored = store.get_setting(conn, "machine", None)
    s = MachineSettings(**stored) if stored else settings_from(Config())  # before the first start
    chosen = store.get_setting(conn, "at_close")
    return replace(s, at_close=chosen) if chosen in AT_CLOSE else s


def set_at_close(tx: Tx, at_close: str) -> None:
    """The admin's closing rule; it outlives restarts (the config's `at_close` is only the default)."""
    if at_close not in AT_CLOSE:
        raise DomainError("calendar_invalid", status=422, detail=f"at_close must be one of {', '.join(AT_CLOSE)}")
    store.put_setting(tx, "at_close", at_close)


def apply_settings(tx: Tx, s: MachineSettings, year: int) -> None:
    """At start: record this machine's settings; install the preset calendar if none is configured yet."""
    store.put_setting(tx, "machine", s.__dict__)
    store.put_setting(tx, "origin", tx.origin)
    if s.preset == "standard" and not store.load(tx).configured:
        install_standard(tx, year)


def fmt(at: datetime | None) -> str:
    return at.strftime("%H:%M %d/%m/%Y") if at else "—"


def _status(tx: Tx, ctx: Ctx, s: MachineSettings) -> cal.Now:
    """`status_at(now)`, kept while the calendar says it cannot change (until the window closes or another
    opens); the writer's cache forgets it when the calendar or the settings are edited."""
    memo: dict[str, Any] = tx.cache.get(tx, "open_now", lambda _conn: {})
    hit = memo.get("now")
    if hit is not None and hit[0] <= ctx.local < hit[1]:
        return hit[2]
    now, until = cal.status_until(tx.cache.get(tx, "calendar", store.load), ctx.local, s.mode)
    if until is not None:
        memo["now"] = (ctx.local, until, now)
    return now


def stamp_session(tx: Tx, ctx: Ctx, req: queue.IssueRequest) -> tuple[str, str, str | None]:
    """The session a new ticket belongs to, its type and the number series it takes (None: its field's);
    refuses when closed (unless configured not to) or not offered."""
    s = tx.cache.get(tx, "calendar_settings", load_settings)
    now = _status(tx, ctx, s)
    if not now.open:
        if s.refuse_when_closed:
            raise DomainError("office_closed", opens=fmt(now.opens_at))
        window = cal.Window(ctx.local.date(), "mobile" if s.mobile else "regular", ctx.local, ctx.local,
                            place=s.place)
    else:
        assert now.window is not None
        window = now.window
    if not window.offers(req.procedure_id):
        proc = catalog.procedure(tx, req.procedure_id) or {"name_vi": str(req.procedure_id)}
        rules = tx.cache.get(tx, "calendar", store.load)
        nxt = cal.next_open_for(rules, ctx.local, [req.procedure_id], s.mode).get(req.procedure_id)
        raise DomainError("procedure_not_offered", procedure=proc["name_vi"], opens=fmt(nxt))
    sid = cal.session_id(ctx.day, tx.origin, window.session_type)
    # Written once per session, not per ticket. The memo lives in the writer's cache, which forgets it
    # when a decision or a commit is rolled back (the row would be gone) or the calendar changes.
    ensured: set[str] = tx.cache.get(tx, "sessions_ensured", lambda _conn: set())
    if sid not in ensured:
        store.ensure_session(tx, sid, ctx.day, window.session_type, window.tags, window.place, tx.origin, ctx.now)
        ensured.add(sid)
    series = req.series_override
    if s.mobile and series is None:
        if s.series not in {r["key"] for r in catalog.all_series(tx)}:
            raise DomainError("mobile_series_missing", series=s.series)
        series = s.series
    return sid, window.session_type, series


def own_tickets_only(tx: Tx) -> str | None:
    """This machine's origin when it runs a mobile session (its counters take only the tickets it issued,
    so no office ticket is served where its handling could not travel back), else None."""
    s = tx.cache.get(tx, "calendar_settings", load_settings)
    return tx.origin if s.mobile else None


def check_own_ticket(tx: Tx, ticket: Ticket) -> None:
    origin = own_tickets_only(tx)
    if origin is not None and ticket.origin != origin:
        raise DomainError("mobile_foreign_ticket", number=ticket.number, origin=ticket.origin or "?")


def close_waiting(tx: Tx, ctx: Ctx, up_to_day: str) -> int:
    """Cancel every still-waiting ticket up to `up_to_day`, each with its event and the end-of-day outcome."""
    ids = store.open_ticket_ids(tx, up_to_day)
    for tid in ids:
        t = queue.cancel(tx, ctx, tid, CLOSED_REASON)
        ticket_store.update(tx, replace(t, outcome=CLOSED_REASON))
    return len(ids)


def close_day_if_due(tx: Tx, ctx: Ctx) -> int | None:
    """After the day's last window, under `at_close = close_waiting`: close the waiting queue once."""
    s = load_settings(tx)
    if s.at_close != "close_waiting":
        return None
    windows = cal.windows_on(store.load(tx), ctx.local.date(), ctx.tz, s.mode)
    if not windows or ctx.local < windows[-1].end or not store.claim_job(tx, "day_close", ctx.day, ctx.now):
        return None
    return close_waiting(tx, ctx, ctx.day)


def rollover(tx: Tx, ctx: Ctx) -> bool:
    """Once per local day: streaks start from zero, yesterday's forgotten waiting tickets are closed.
    Numbering needs nothing: `number_seq` is keyed by the local day."""
    if not store.claim_job(tx, "rollover", ctx.day, ctx.now):
        return False
    store.reset_all_streaks(tx)
    yesterday = (ctx.local.date() - timedelta(days=1)).isoformat()
    close_waiting(tx, ctx, yesterday)
    return True


def install_standard(tx: Tx, year: int) -> None:
    """The usual commune calendar: Mon-Fri 7:00-11:30 and 13:30-17:00, Saturday mornings, Wednesday as
    "ngày không viết, ngày không hẹn", the fixed public holidays (the admin adds Tết, which moves)."""
    hours = [{"weekday": d, "start": a, "end": b} for d in range(1, 6) for a, b in (("07:00", "11:30"),
                                                                                  ("13:30", "17:00"))]
    hours.append({"weekday": 6, "start": "07:00", "end": "11:30", "session_type": "saturday"})
    store.replace_hours(tx, hours)
    store.add_special_day(tx, {"name": "Ngày không viết, ngày không hẹn", "weekday": 3,
                               "tags": ["ngay_khong_viet", "ngay_khong_hen"]})
    for y in (year, year + 1):
        for md, name in (("01-01", "Tết Dương lịch"), ("04-30", "Ngày Giải phóng miền Nam"),
                         ("05-01", "Ngày Quốc tế Lao động"), ("09-02", "Quốc khánh")):
            store.put_holiday(tx, f"{y}-{md}", name)


def calendar_now(conn: Any, local: datetime) -> dict[str, Any]:
    """What the kiosk shows: open or not, the session, the next opening, what is offered and when."""
    s = load_settings(conn)
    rules = store.load(conn)
    now = cal.status_at(rules, local, s.mode)
    w = now.window
    sid = cal.session_id(local.date(), store.get_setting(conn, "origin", ""), w.session_type) if w else None
    procs = [p["id"] for p in catalog.procedures(conn, only_active=True)]
    nxt = cal.next_open_for(rules, local, procs, s.mode)
    opens = fmt(now.opens_at)
    iso = lambda at: at.isoformat(timespec="minutes") if at else None  # noqa: E731
    return {
        "open": now.open,
        "session": {"id": sid, "type": w.session_type, "tags": list(w.tags), "place": w.place} if w else None,
        "opens_at": iso(now.opens_at),
        "closes_at": iso(now.closes_at),
        "offered_procedure_ids": sorted(w.procedure_ids) if w and w.procedure_ids is not None else None,
        "procedures_next_open": {str(p): iso(at) for p, at in nxt.items()},
        "configured": rules.configured or s.mobile,
        "message": None if now.open else {"code": "office_closed", "vi": text("office_closed", "vi", opens=opens),
                                          "en": text("office_closed", "en", opens=opens)},
    }
