"""The monthly report, made and kept on the 1st by the scheduler (and caught up at start).

Idempotent by construction: one file per month, `<folder>/bao-cao-thang-YYYY-MM.xlsx`; if it is
there, nothing is done. A restart, a missed run or two servers' clocks never make a second copy.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from server.config import Config, ReportsSection
from server.domain.clock import Clock
from server.reports import service
from server.reports.period import previous_month
from server.store import reports as store

log = logging.getLogger(__name__)


def folder(config: Config, s: ReportsSection) -> Path:
    return Path(s.folder) if s.folder else config.data_path / "reports"


def month_file(config: Config, s: ReportsSection, month_start: date) -> Path:
    return folder(config, s) / f"bao-cao-thang-{month_start.strftime('%Y-%m')}.xlsx"


def make_monthly(config: Config, clock: Clock) -> Path | None:
    """Write last month's report unless it exists; returns the new file, or None when skipped."""
    s = config.reports
    today = clock.now().astimezone(config.tz).date()
    start, end = previous_month(today)
    path = month_file(config, s, start)
    if path.exists() or not store.has_tickets(config.db_file, start, end):  # a new office: no file
        return None
    data = service.render(config.db_file, start, end, s.monthly_group, s.wait_target_min, "xlsx",
                          generated_at=clock.now().astimezone(config.tz).isoformat(timespec="seconds"),
                          letters_since=s.letters_since)
    service.write_atomically(path, data)
    log.info("monthly report written: %s", path)
    return path
