"""Reports: periods, groupings, charts and export formats."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # report requests
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
}
