"""The hall TV and its slogans page."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the hall TV is Vietnamese only (a citizen reads one language); the English is for the catalogue's checks
    "display.title": ("Màn hình gọi số", "Calling screen"),
    "display.now_calling": ("Đang gọi", "Now calling"),
    "display.counters": ("Các quầy", "Counters"),
    "display.waiting_title": ("Đang chờ", "Waiting"),
    "display.offline": ("Mất kết nối máy chủ — đang kết nối lại…", "Connection lost, reconnecting…"),
    # under a counter's card on the smaller layouts: how many wait for the fields it serves
    "display.waiting": ("người đang chờ", "waiting"),
    "display.problem_no_device": (
        "Màn hình chưa được cấp mã thiết bị hợp lệ.",
        "This screen has no valid device link: pair it on the admin's Devices page.",
    ),
    "display.problem_bad_layout": ("Cấu hình màn hình không hợp lệ.", "The screen's layout is not valid."),
}
