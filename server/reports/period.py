"""Report periods and the [reports] config section, validated with messages a person understands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from server.domain.errors import Invalid
from server.messages import register

MAX_DAYS = 1200  # a bit over three years: the longest period one request may cover
FORMATS = ("xlsx", "csv", "json")

register({
    "report_period_order": ("Ngày bắt đầu ({start}) phải trước hoặc bằng ngày kết thúc ({end}).",
                            "The start date ({start}) must be on or before the end date ({end})."),
    "report_period_too_long": ("Khoảng thời gian quá dài ({days} ngày); tối đa {max} ngày.",
                               "The period is too long ({days} days); at most {max} days."),
    "report_group_unknown": ("Không có cách nhóm báo cáo \"{group}\". Chọn một trong: {known}.",
                             "Unknown report grouping \"{group}\". Choose one of: {known}."),
    "report_chart_unknown": ("Không có biểu đồ \"{chart}\". Chọn một trong: {known}.",
                             "Unknown chart \"{chart}\". Choose one of: {known}."),
    "report_format_unknown": ("Không xuất được định dạng \"{format}\". Chọn một trong: {known}.",
                              "Cannot export \"{format}\". Choose one of: {known}."),
})


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


@dataclass(frozen=True)
class ReportSettings:
    wait_target_min: float = 15
    monthly: bool = True
    monthly_group: str = "field"
    folder: str = ""  # empty: <data_dir>/reports
    letters_since: str = ""  # YYYY-MM-DD: the day the office began the "Hành chính phục vụ người dân" model


def settings(section: dict[str, Any]) -> ReportSettings:
    """Validate the [reports] section of motcua.toml (see docs/reports.md)."""
    from server.config import ConfigError
    from server.reports.definitions import GROUP_NAMES

    known = {"wait_target_min", "monthly", "monthly_group", "folder", "letters_since"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"[reports]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    s = ReportSettings(**section)
    if not isinstance(s.wait_target_min, int | float) or isinstance(s.wait_target_min, bool) \
            or not 0 < s.wait_target_min <= 480:
        raise ConfigError(f"[reports] wait_target_min must be minutes between 1 and 480, got {s.wait_target_min!r}")
    if not isinstance(s.monthly, bool):
        raise ConfigError(f"[reports] monthly must be true or false, got {s.monthly!r}")
    if s.monthly_group not in GROUP_NAMES:
        raise ConfigError(f"[reports] monthly_group must be one of {', '.join(GROUP_NAMES)}, got {s.monthly_group!r}")
    if not isinstance(s.folder, str):
        raise ConfigError("[reports] folder must be text (a folder path)")
    if s.letters_since != "" and not _is_day(s.letters_since):
        raise ConfigError("[reports] letters_since must be the day the office began the \"Hành chính phục vụ người"
                          f" dân\" model, as YYYY-MM-DD (e.g. \"2024-03-01\"), got {s.letters_since!r}")
    return s


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
