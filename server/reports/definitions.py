"""Every figure of the report, defined once as data: its label, unit and SQL expression.

`docs/reports.md` explains them in words; a test checks that every key here is documented there,
so the prose and the SQL cannot drift. Expressions are written over the columns of the `base`
common table expression built in `queries.py` (one row per ticket of the period):

    g        the group key                  status   the ticket's final status
    wait     first call - arrival (s)       service  done - start of the last service (s), done tickets
    target_s the procedure's service target in seconds
    priority, wrote_forms, outcome          as on the ticket

Only standard SQL is used (CASE, COUNT, SUM, AVG, MAX, window functions), so the same text runs on
SQLite and PostgreSQL; the few dialect differences live in `queries.DIALECTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.messages import labels


@dataclass(frozen=True)
class Figure:
    key: str
    vi: str
    en: str
    unit: str  # "count", "seconds", "share" (0..1), "score"
    sql: str = ""  # aggregate over `base` (empty for percentiles and derived figures)


# Aggregates over one row per ticket of the period (the `summary` query).
COUNTS: tuple[Figure, ...] = (
    Figure("issued", "Số vé đã cấp", "Tickets issued", "count", "COUNT(*)"),
    Figure("served", "Đã phục vụ xong", "Served", "count", "SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END)"),
    Figure("no_show", "Vắng mặt", "No-shows", "count", "SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END)"),
    Figure("cancelled", "Đã hủy", "Cancelled", "count", "SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END)"),
    Figure("open", "Chưa xong (đang chờ/đang phục vụ)", "Still open", "count",
           "SUM(CASE WHEN status IN ('waiting', 'called', 'serving') THEN 1 ELSE 0 END)"),
    Figure("priority", "Vé ưu tiên", "Priority tickets", "count",
           "SUM(CASE WHEN priority IS NOT NULL THEN 1 ELSE 0 END)"),
    Figure("wrote_forms", "Cán bộ viết hộ", "Forms written by staff", "count",
           "SUM(CASE WHEN status = 'done' AND wrote_forms = 1 THEN 1 ELSE 0 END)"),
    Figure("called", "Đã được gọi", "Called at least once", "count", "COUNT(wait)"),
    Figure("wait_mean", "Thời gian chờ trung bình", "Mean wait", "seconds", "AVG(wait)"),
    Figure("wait_max", "Thời gian chờ lâu nhất", "Longest wait", "seconds", "MAX(wait)"),
    Figure("within_wait_target", "Được gọi trong thời gian chờ mục tiêu", "Called within the wait target", "count",
           "SUM(CASE WHEN CEIL(wait) <= :wait_target_s THEN 1 ELSE 0 END)"),
    Figure("service_n", "Lượt phục vụ có thời gian", "Services timed", "count", "COUNT(service)"),
    Figure("service_mean", "Thời gian phục vụ trung bình", "Mean service time", "seconds", "AVG(service)"),
    Figure("service_max", "Thời gian phục vụ lâu nhất", "Longest service", "seconds", "MAX(service)"),
    Figure("within_service_target", "Phục vụ trong thời gian mục tiêu của thủ tục",
           "Served within the procedure's target", "count",
           "SUM(CASE WHEN service <= target_s THEN 1 ELSE 0 END)"),
)

# Nearest-rank percentiles (the ceil(p*n)-th smallest value) over times rounded up to whole seconds, computed
# with window functions (`queries`) or from one-second histograms (`rollup`): the same figure.
PERCENTILES: tuple[tuple[Figure, str, float], ...] = (
    (Figure("wait_median", "Thời gian chờ trung vị", "Median wait", "seconds"), "wait", 0.5),
    (Figure("wait_p90", "Thời gian chờ phân vị 90", "90th percentile wait", "seconds"), "wait", 0.9),
    (Figure("service_median", "Thời gian phục vụ trung vị", "Median service time", "seconds"), "service", 0.5),
    (Figure("service_p90", "Thời gian phục vụ phân vị 90", "90th percentile service", "seconds"), "service", 0.9),
)

# Ratings: 4 rất hài lòng, 3 hài lòng, 2 bình thường, 1 không hài lòng.
SCORES = labels.SCORES
SATISFIED_MIN_SCORE = 3  # "đạt yêu cầu" = hài lòng or rất hài lòng
GOOD_SCORE = 4  # "mức độ tốt" = rất hài lòng
RATINGS: tuple[Figure, ...] = (
    Figure("ratings", "Số lượt đánh giá", "Ratings", "count", "COUNT(*)"),
    *(Figure(f"score_{s}", vi, en, "count", f"SUM(CASE WHEN r.score = {s} THEN 1 ELSE 0 END)")
      for s, (vi, en) in SCORES.items()),
    Figure("score_mean", "Điểm đánh giá trung bình (1-4)", "Mean score (1-4)", "score", "AVG(1.0 * r.score)"),
)

# Counted from the event log itself (the `events` query).
EVENT_COUNTS: tuple[Figure, ...] = (
    Figure("recalls", "Lượt gọi lại", "Recalls", "count", "SUM(CASE WHEN e.type = 'ticket.recall' THEN 1 ELSE 0 END)"),
    Figure("transfers", "Lượt chuyển quầy/thủ tục", "Transfers", "count",
           "SUM(CASE WHEN e.type = 'ticket.transfer' THEN 1 ELSE 0 END)"),
)

# Step durations (the `steps` query), per group and step.
STEP_FIGURES: tuple[Figure, ...] = (
    Figure("n", "Số bước đã xong", "Steps done", "count", "COUNT(*)"),
    Figure("mean", "Thời gian trung bình", "Mean time", "seconds", "AVG(d)"),
    Figure("max", "Lâu nhất", "Longest", "seconds", "MAX(d)"),
    Figure("overdue", "Quá thời gian mục tiêu", "Over target", "count",
           "SUM(CASE WHEN target_min IS NOT NULL AND d > target_min * 60 THEN 1 ELSE 0 END)"),
)
STEP_PERCENTILES: tuple[tuple[str, float], ...] = (("median", 0.5), ("p90", 0.9))
STEP_LABELS = labels.STEPS


@dataclass(frozen=True)
class Share:
    """A derived figure: numerator / denominator, both keys of other figures (None when the denominator is 0)."""

    key: str
    vi: str
    en: str
    numerator: str
    denominator: str


SHARES: tuple[Share, ...] = (
    Share("served_share", "Tỷ lệ phục vụ xong", "Share served", "served", "issued"),
    Share("no_show_share", "Tỷ lệ vắng mặt", "Share of no-shows", "no_show", "issued"),
    Share("within_wait_target_share", "Tỷ lệ được gọi trong thời gian chờ mục tiêu",
          "Share called within the wait target", "within_wait_target", "called"),
    Share("within_service_target_share", "Tỷ lệ phục vụ đúng thời gian mục tiêu",
          "Share served within target", "within_service_target", "service_n"),
    Share("satisfied_share", "Tỷ lệ đạt yêu cầu (hài lòng trở lên)", "Satisfied or better", "satisfied", "ratings"),
    Share("good_share", "Trong đó mức độ tốt (rất hài lòng)", "Of which very satisfied", "score_4", "ratings"),
)

# Groupings a report may be broken down by, with Vietnamese / English names.
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "field": ("Lĩnh vực", "Field"),
    "procedure": ("Thủ tục", "Procedure"),
    "counter": ("Quầy", "Counter"),
    "staff": ("Cán bộ", "Staff member"),
    "session_type": ("Loại phiên", "Session type"),
    "hour": ("Giờ trong ngày", "Hour of day"),
    "weekday": ("Thứ trong tuần", "Weekday"),
    "day": ("Ngày", "Day"),
    "month": ("Tháng", "Month"),
}
SESSION_TYPES = labels.SESSION_TYPES
WEEKDAYS = labels.WEEKDAYS


def all_figures() -> list[Figure]:
    """Every figure a report row carries, in display order (used by exports and the docs test)."""
    out = list(COUNTS) + [f for f, _, _ in PERCENTILES] + list(EVENT_COUNTS) + list(RATINGS)
    out.append(Figure("satisfied", "Đạt yêu cầu (hài lòng trở lên)", "Satisfied or better", "count"))
    out += [Figure(s.key, s.vi, s.en, "share") for s in SHARES]
    return out
