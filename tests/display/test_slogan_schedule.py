"""Slogan schedules: fire times over whole days, filters, validation, and APScheduler agreeing with them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from display.slogans.schedule import SloganSchedule, fire_times, next_fire
from display.slogans.trigger import build_apscheduler_trigger

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SLOGAN = "CCHC góp phần mang lại sự hài lòng của tổ chức, cá nhân"
MONDAY = date(2025, 7, 7)


def day(d: date, days: int = 1) -> tuple[datetime, datetime]:
    start = datetime.combine(d, time(0), tzinfo=VN)
    return start, start + timedelta(days=days)


def test_ten_times_an_hour_every_day_is_every_six_minutes() -> None:
    fires = fire_times(SloganSchedule(SLOGAN, times_per_hour=10), *day(MONDAY), VN)
    assert len(fires) == 240
    assert [f.strftime("%H:%M") for f in fires[:3]] == ["00:00", "00:06", "00:12"]
    assert fires[-1].strftime("%H:%M") == "23:54"
    assert all(b - a == timedelta(minutes=6) for a, b in zip(fires, fires[1:], strict=False))
    assert fire_times(SloganSchedule(SLOGAN, every_n_minutes=6), *day(MONDAY), VN) == fires


def test_window_counts_from_its_start_and_excludes_its_end() -> None:
    schedule = SloganSchedule(SLOGAN, every_n_minutes=20, window_start=time(7, 30), window_end=time(11, 30))
    fires = [f.strftime("%H:%M") for f in fire_times(schedule, *day(MONDAY), VN)]
    assert fires[:3] == ["07:30", "07:50", "08:10"] and fires[-1] == "11:10" and len(fires) == 12


def test_weekdays_filter_office_days() -> None:
    schedule = SloganSchedule(SLOGAN, times_per_hour=1, weekdays=frozenset({0, 1, 2, 3, 4}))
    fires = fire_times(schedule, *day(MONDAY, days=7), VN)
    assert len(fires) == 5 * 24
    assert {f.weekday() for f in fires} == {0, 1, 2, 3, 4}


def test_date_range_is_inclusive_and_disabled_never_fires() -> None:
    campaign = SloganSchedule(
        SLOGAN, times_per_hour=2, start_date=MONDAY + timedelta(days=1), end_date=MONDAY + timedelta(days=2)
    )
    fires = fire_times(campaign, *day(MONDAY, days=5), VN)
    assert {f.date() for f in fires} == {MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)}
    assert len(fires) == 96
    off = SloganSchedule(SLOGAN, times_per_hour=2, enabled=False)
    assert fire_times(off, *day(MONDAY), VN) == [] and next_fire(off, day(MONDAY)[0]) is None
    assert build_apscheduler_trigger(off, VN) is None


def test_next_fire_is_strictly_after_and_skips_to_the_next_playing_day() -> None:
    weekdays = SloganSchedule(SLOGAN, every_n_minutes=30, window_start=time(7), window_end=time(17),
                              weekdays=frozenset({0, 1, 2, 3, 4}))  # fmt: skip
    friday_close = datetime(2025, 7, 11, 16, 30, tzinfo=VN)
    assert next_fire(weekdays, friday_close) == datetime(2025, 7, 14, 7, 0, tzinfo=VN)
    assert next_fire(weekdays, datetime(2025, 7, 7, 7, 0, tzinfo=VN)) == datetime(
        2025, 7, 7, 7, 30, tzinfo=VN
    )
    utc_input = datetime(2025, 7, 7, 0, 10, tzinfo=UTC)  # 07:10 in Vietnam
    assert next_fire(weekdays, utc_input, VN) == datetime(2025, 7, 7, 7, 30, tzinfo=VN)
    ended = SloganSchedule(SLOGAN, times_per_hour=1, end_date=MONDAY)
    assert next_fire(ended, day(MONDAY)[1]) is None


def test_next_fire_walks_the_same_instants_as_fire_times() -> None:
    schedule = SloganSchedule(SLOGAN, every_n_minutes=7, window_start=time(7, 30), window_end=time(17),
                              weekdays=frozenset({0, 2, 5}))  # fmt: skip
    start, end = day(MONDAY, days=7)
    walked, t = [], start - timedelta(microseconds=1)
    while (t := next_fire(schedule, t)) is not None and t < end:  # type: ignore[assignment]
        walked.append(t)
    assert walked == fire_times(schedule, start, end, VN) and len(walked) == 3 * 82


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"times_per_hour": 7},
        {"every_n_minutes": 0},
        {"every_n_minutes": 5, "times_per_hour": 12},
        {"every_n_minutes": 5, "weekdays": frozenset()},
        {"every_n_minutes": 5, "weekdays": frozenset({7})},
        {"every_n_minutes": 5, "window_start": time(17), "window_end": time(7)},
        {"every_n_minutes": 5, "window_start": time(7, 0, 30)},
        {"every_n_minutes": 5, "start_date": date(2025, 2, 1), "end_date": date(2025, 1, 1)},
    ],
)
def test_invalid_schedules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SloganSchedule(SLOGAN, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SloganSchedule("  ", every_n_minutes=5)


# --- APScheduler agrees with fire_times -------------------------------------------------------------------


def trigger_times(trigger, start: datetime, end: datetime) -> list[datetime]:
    """Ask the trigger as the scheduler would, moving a pretend clock to each fire: no sleeping."""
    times: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire < end:
        times.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return times


@pytest.mark.parametrize(
    "schedule",
    [
        SloganSchedule(SLOGAN, times_per_hour=10),
        SloganSchedule(SLOGAN, every_n_minutes=7, window_start=time(7, 30), window_end=time(17)),
        SloganSchedule(SLOGAN, every_n_minutes=90, weekdays=frozenset({0, 1, 2, 3, 4, 5})),
        SloganSchedule(
            SLOGAN,
            every_n_minutes=13,
            window_start=time(13, 30),
            window_end=time(17),
            weekdays=frozenset({5}),
            start_date=MONDAY + timedelta(days=2),
            end_date=MONDAY + timedelta(days=12),
        ),  # fmt: skip
    ],
    ids=["10-per-hour", "every-7-office-hours", "every-90-mon-sat", "saturday-afternoons-campaign"],
)
def test_apscheduler_trigger_fires_exactly_at_fire_times(schedule: SloganSchedule) -> None:
    start, end = day(MONDAY, days=14)
    expected = fire_times(schedule, start, end, VN)
    assert expected, "the case must fire at least once to prove anything"
    trigger = build_apscheduler_trigger(schedule, VN)
    assert trigger_times(trigger, start, end) == expected


def test_apscheduler_ten_per_hour_over_one_day_is_240_fires() -> None:
    trigger = build_apscheduler_trigger(SloganSchedule(SLOGAN, times_per_hour=10), VN)
    assert len(trigger_times(trigger, *day(MONDAY))) == 240
