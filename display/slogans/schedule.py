"""When the hall's screens play administrative-reform slogans: pure schedule logic, the clock passed in.

Seed 003's roundabout screen plays slogans "10 times an hour, every day"; offices also limit slogans to
opening hours, to some weekdays, or to a campaign's dates. A schedule fires every ``n`` minutes counted from
the daily window's start (midnight by default), so "10 times an hour" fires at :00, :06, ... :54, and a window
from 07:30 every 20 minutes fires at 07:30, 07:50, ... . The window is [start, end): a fire exactly at its end
is left out. Dates and weekdays are those of the local time zone (Asia/Ho_Chi_Minh has no DST; in zones
with DST, local times that do not exist are skipped). ``fire_times`` is the truth;
``build_apscheduler_trigger`` gives APScheduler 3.11 the same instants (tested equal over whole days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class SloganSchedule:
    """A slogan and when it plays. ``weekdays`` uses Python's numbering: 0 is Monday (thứ Hai)."""

    text: str
    every_n_minutes: int | None = None
    times_per_hour: int | None = None
    start_date: date | None = None
    end_date: date | None = None  # inclusive
    weekdays: frozenset[int] = frozenset(range(7))
    window_start: time = time(0, 0)
    window_end: time | None = None  # None: until midnight
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a slogan needs text")
        if (self.every_n_minutes is None) == (self.times_per_hour is None):
            raise ValueError("give either every_n_minutes or times_per_hour, not both or neither")
        if self.times_per_hour is not None and (
            not 1 <= self.times_per_hour <= 60 or 60 % self.times_per_hour
        ):
            raise ValueError("times_per_hour must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)")
        if self.every_n_minutes is not None and not 1 <= self.every_n_minutes <= MINUTES_PER_DAY:
            raise ValueError("every_n_minutes must be between 1 and 1440")
        if not self.weekdays or not set(self.weekdays) <= set(range(7)):
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        for moment in (self.window_start, self.window_end):
            if moment is not None and (moment.second or moment.microsecond or moment.tzinfo):
                raise ValueError("window times are whole minutes, local time, without a time zone")
        if self._end_minute <= self._start_minute:
            raise ValueError("window_end must be after window_start (windows do not cross midnight)")

    @property
    def interval(self) -> int:
        """Minutes between fires."""
        if self.every_n_minutes is not None:
            return self.every_n_minutes
        assert self.times_per_hour is not None
        return 60 // self.times_per_hour

    @property
    def _start_minute(self) -> int:
        return self.window_start.hour * 60 + self.window_start.minute

    @property
    def _end_minute(self) -> int:
        end = self.window_end
        return MINUTES_PER_DAY if end is None else end.hour * 60 + end.minute

    def minutes_of_day(self) -> range:
        """Minutes after local midnight at which the slogan fires on a day it plays."""
        return range(self._start_minute, self._end_minute, self.interval)

    def plays_on(self, day: date) -> bool:
        return (
            self.enabled
            and day.weekday() in self.weekdays
            and (self.start_date is None or day >= self.start_date)
            and (self.end_date is None or day <= self.end_date)
        )


def _fires_on(schedule: SloganSchedule, day: date, tz: tzinfo) -> list[datetime]:
    if not schedule.plays_on(day):
        return []
    fires = []
    for minute in schedule.minutes_of_day():
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
        # a local time skipped by DST comes back from a UTC round trip as another wall time: leave it out
        if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            fires.append(local)
    return fires


def fire_times(schedule: SloganSchedule, start: datetime, end: datetime, tz: tzinfo) -> list[datetime]:
    """Every fire in [start, end), as aware datetimes in ``tz``."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    fires: list[datetime] = []
    while day <= last:
        fires += [f for f in _fires_on(schedule, day, tz) if start <= f < end]
        day += timedelta(days=1)
    return fires


def next_fire(schedule: SloganSchedule, after: datetime, tz: tzinfo | None = None) -> datetime | None:
    """The first fire strictly after ``after`` (aware), or None if the schedule never fires again."""
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    tz = tz or after.tzinfo
    day = after.astimezone(tz).date()
    if schedule.start_date and schedule.start_date > day:
        day = schedule.start_date
    for _ in range(8):  # the weekly pattern repeats, so a week and a day is enough to find one
        if schedule.end_date and day > schedule.end_date:
            return None
        for fire in _fires_on(schedule, day, tz):
            if fire > after:
                return fire
        day += timedelta(days=1)
    return None
