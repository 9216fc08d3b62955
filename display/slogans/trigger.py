"""A slogan schedule as an APScheduler 3.11 trigger that fires exactly when ``fire_times`` says.

A plain ``IntervalTrigger`` drifts from the window's start and ignores weekdays and windows; a single
``CronTrigger(minute="*/7")`` restarts each hour. So we spell the schedule out: for each hour of the day the
minutes it fires, hours with the same minutes share one ``CronTrigger``, and an ``OrTrigger`` joins them.
"Every 6 minutes" is one cron (``minute=0,6,...,54``); "every 7 minutes from 07:30 to 17:00" is a few.
"""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from display.slogans.schedule import WEEKDAY_NAMES, SloganSchedule


def build_apscheduler_trigger(schedule: SloganSchedule, tz: tzinfo) -> BaseTrigger | None:
    """The trigger for ``schedule`` in ``tz``, or None when it is disabled (add no job then)."""
    if not schedule.enabled:
        return None
    minutes_by_hour: dict[int, list[int]] = {}
    for minute in schedule.minutes_of_day():
        minutes_by_hour.setdefault(minute // 60, []).append(minute % 60)
    hours_by_minutes: dict[tuple[int, ...], list[int]] = {}
    for hour, minutes in minutes_by_hour.items():
        hours_by_minutes.setdefault(tuple(minutes), []).append(hour)
    start = datetime.combine(schedule.start_date, time(0), tzinfo=tz) if schedule.start_date else None
    end = datetime.combine(schedule.end_date, time.max, tzinfo=tz) if schedule.end_date else None
    day_of_week = ",".join(WEEKDAY_NAMES[d] for d in sorted(schedule.weekdays))
    triggers = [
        CronTrigger(
            day_of_week=day_of_week,
            hour=",".join(map(str, hours)),
            minute=",".join(map(str, minutes)),
            second=0,
            start_date=start,
            end_date=end,
            timezone=tz,
        )
        for minutes, hours in hours_by_minutes.items()
    ]
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)
