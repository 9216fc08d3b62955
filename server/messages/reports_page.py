"""The reports page (`/reports`): its headings, sentences and table columns."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the charts (server/reports/charts.py), drawn in the page's language; Vietnamese in the XLSX
    "reports_page.chart_arrivals_hour": ("Lượt đến theo giờ trong ngày", "Arrivals by hour of day"),
    "reports_page.chart_arrivals_weekday": ("Lượt đến theo thứ trong tuần", "Arrivals by weekday"),
    "reports_page.chart_waits": ("Thời gian chờ theo thời gian (phút)", "Waits over time (minutes)"),
    "reports_page.chart_satisfaction": ("Mức độ hài lòng", "Satisfaction"),
    "reports_page.chart_no_data": ("Không có dữ liệu trong kỳ", "No data in this period"),
    "reports_page.chart_tickets": ("Số vé", "Tickets"),
    "reports_page.chart_minutes": ("Phút", "Minutes"),
    "reports_page.chart_mean": ("Trung bình", "Mean"),
    "reports_page.chart_median": ("Trung vị", "Median"),
    "reports_page.chart_p90": ("Phân vị 90", "90th percentile"),
    "reports_page.chart_target": ("Mục tiêu {minutes} phút", "Target {minutes} min"),
    "reports_page.chart_satisfied": ("Đạt yêu cầu (hài lòng trở lên)", "Satisfied or better"),
    "reports_page.chart_good": ("Mức độ tốt (rất hài lòng)", "Good (very satisfied)"),
}
