"""Report periods, validated with messages a person understands ([reports] settings: server/config.py)."""

from __future__ import annotations

from datetime import date, timedelta

from server.domain.errors import Invalid

MAX_DAYS = 1200  # a bit over three years: the longest period one request may cover
FORMATS = ("xlsx", "csv", "json")


def check_period(start: date, end: date) -> None:
    if start > end:
        raise Invalid("report_period_order", start=start.isoformat(), end=end.isoformat())
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise Invalid("report_period_too_long", days=days, max=MAX_DAYS)


def previous_month(today: date) -> tuple[date, date]:
    """The whole calendar month before `today`'s month (the monthly report made on the 1st)."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
