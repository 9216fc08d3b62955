"""`status_at` looks only at today's windows when the office is open, and `status_until` says how long its
answer holds (the issue path keeps it that long): both must agree with the definition over the whole
horizon, at every 13th minute of a varied fortnight, and the answer must hold until the instant given."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain import calendar as cal

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _definition(c: cal.Calendar, at: datetime, mode: cal.Mode) -> cal.Now:
    if not c.configured and not mode.mobile:
        return cal.status_at(c, at, mode)
    coming = cal.upcoming(c, at, mode)
    current = next((w for w in coming if w.start <= at < w.end), None)
    if current is not None:
        return cal.Now(True, current, None, current.end)
    following = next((w for w in coming if w.start > at), None)
    return cal.Now(False, None, following.start if following else None, None)


def test_status_and_how_long_it_holds_equal_the_definition() -> None:
    week = tuple(cal.Hours(d, time(h0), time(h1)) for d in range(1, 6) for h0, h1 in ((7, 11), (13, 17)))
    saturday = (cal.Hours(6, time(7, 30), time(11, 30), "saturday", frozenset({1, 2})),)
    c = cal.Calendar(
        hours=week + saturday,
        holidays={date(2026, 11, 25): "Ngày nghỉ"},
        special_days=(cal.SpecialDay(1, "Ngày không viết", ("khong_viet",), weekday=3),
                      cal.SpecialDay(2, "Trực tăng cường", (), day=date(2026, 11, 29),
                                     hours=((time(14), time(16)), (time(8), time(10))))),
        mobile=(cal.MobileSession(1, "Nhà văn hóa thôn 4", time(8), time(11), weekday=5),),
    )
    start = datetime(2026, 11, 23, tzinfo=TZ)
    for mode in (cal.Mode(), cal.Mode(mobile=True, place="Nhà văn hóa thôn 4")):
        for minute in range(0, 14 * 24 * 60, 13):
            at = start + timedelta(minutes=minute)
            now, until = cal.status_until(c, at, mode)
            assert now == _definition(c, at, mode), (at, mode)
            if until is None:
                assert not now.open
                continue
            assert until > at  # kept until then: the same answer all the way
            for later in (at + (until - at) / 2, until - timedelta(seconds=1)):
                assert _definition(c, later, mode) == now, (at, later, mode)
