"""The counter console, the leader's page and the rating tablet and phone form."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # shared by the console pages (common.js)
    "console.account_cannot_use": ("Tài khoản này không dùng được trang này.", "This account cannot use this page."),
    "console.offline": ("Mất kết nối tới máy chủ, đang kết nối lại…", "Connection to the server lost, reconnecting…"),
    # the ticket at the counter
    "console.state_called": ("Đã gọi, chờ công dân đến", "Called, waiting for the citizen"),
    "console.state_serving": ("Đang phục vụ", "Being served"),
    # the "4 tại chỗ" step buttons (steps-view.js)
    "console.step_start": ("Bắt đầu", "Start"),
    "console.step_end": ("Hoàn thành", "Done"),
    "console.step_ask_approval": ("Trình phê duyệt", "Ask for approval"),
    "console.step_waiting_leader": ("Chờ lãnh đạo phê duyệt", "Waiting for the leader"),
}
