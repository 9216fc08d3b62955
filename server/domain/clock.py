"""Time for the queue rules: passed in, never read from the OS inside the domain.

Tests move a `FakeClock`; the server uses `SystemClock`. All stored instants are
UTC epoch seconds; the office's *service day* is the local calendar date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock a test sets and moves by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when

    def advance(self, **delta: float) -> datetime:
        self._now = self._now + timedelta(**delta)
        return self._now


def service_day(at: datetime, tz: ZoneInfo) -> date:
    """The office's calendar day for an instant (numbering restarts on it)."""
    return at.astimezone(tz).date()


def epoch(at: datetime) -> float:
    return at.timestamp()


def from_epoch(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def local_at(ts: float, tz: ZoneInfo) -> datetime:
    """The local time of an epoch instant (as `from_epoch(ts).astimezone(tz)`, in one step)."""
    return datetime.fromtimestamp(ts, tz)


def iso_seconds_at(ts: float, tz: tzinfo) -> str:
    """The local time of an epoch instant as ISO 8601 to the second, with its offset (what answers show)."""
    return datetime.fromtimestamp(ts // 1, tz).isoformat(timespec="seconds")
