"""The label tables: what a status, an outcome, a step, a role, a device kind or a weekday is called, Vietnamese
first, English second. Defined here once; the domain, the reports, the admin pages and the page scripts (through
`page_texts`) all read these, so a counter, a report and a hall screen name a thing the same way.

Keys are the stored values (a `StrEnum` member is equal to its value, so `OUTCOMES[Outcome.REFUSED]` works)."""

from __future__ import annotations

# A finished ticket's outcome (`tickets.outcome`).
OUTCOMES: dict[str, tuple[str, str]] = {
    "result_returned": ("Đã trả kết quả", "Result returned"),
    "dossier_received": ("Đã tiếp nhận hồ sơ", "Dossier received"),
    "guidance_only": ("Chỉ hướng dẫn", "Guidance only"),
    "incomplete": ("Hồ sơ chưa đầy đủ, cần bổ sung", "Incomplete dossier, needs supplement"),
    "refused": ("Từ chối tiếp nhận", "Refused"),
    "closed_at_end_of_day": ("Đóng khi hết giờ làm việc", "Closed at end of day"),
}
# The outcomes a counter may choose (the last one is the day's roll-over's own).
CHOSEN_OUTCOMES = ("result_returned", "dossier_received", "guidance_only", "incomplete", "refused")

# A ticket's status (`tickets.status`), as it reads inside a sentence.
STATUSES: dict[str, tuple[str, str]] = {
    "waiting": ("đang chờ", "waiting"),
    "called": ("đã gọi", "called"),
    "serving": ("đang phục vụ", "being served"),
    "done": ("đã xong", "done"),
    "no_show": ("vắng mặt", "no-show"),
    "cancelled": ("đã hủy", "cancelled"),
}

# What a counter does to a ticket, as it reads inside "cannot {action} ticket ...".
ACTIONS: dict[str, tuple[str, str]] = {
    "call": ("gọi", "call"),
    "recall": ("gọi lại", "recall"),
    "start": ("bắt đầu phục vụ", "start serving"),
    "finish": ("kết thúc", "finish"),
    "no_show": ("đánh dấu vắng mặt", "mark as no-show"),
    "transfer": ("chuyển", "transfer"),
    "cancel": ("hủy", "cancel"),
}

# The "4 tại chỗ" steps of a dossier.
STEPS: dict[str, tuple[str, str]] = {
    "receive": ("Tiếp nhận", "Receive"),
    "appraise": ("Thẩm định", "Appraise"),
    "approve": ("Phê duyệt", "Approve"),
    "return": ("Trả kết quả", "Return result"),
}

# A rating's score: 4 and 3 count as "đạt yêu cầu", 4 alone as "tốt".
SCORES: dict[int, tuple[str, str]] = {
    4: ("Rất hài lòng", "Very satisfied"),
    3: ("Hài lòng", "Satisfied"),
    2: ("Bình thường", "Neutral"),
    1: ("Không hài lòng", "Dissatisfied"),
}
# The reasons a tablet or a phone offers after a low score (sent as the Vietnamese text).
RATING_REASONS: tuple[tuple[str, str], ...] = (
    ("Phải chờ lâu", "Long wait"),
    ("Thái độ phục vụ chưa tốt", "Unfriendly service"),
    ("Hướng dẫn chưa rõ ràng", "Unclear guidance"),
    ("Phải đi lại nhiều lần", "Had to come back several times"),
    ("Thủ tục, giấy tờ phức tạp", "Too much paperwork"),
    ("Lý do khác", "Another reason"),
)

# Accounts and devices.
ROLES: dict[str, tuple[str, str]] = {
    "admin": ("Quản trị viên", "Admin"),
    "leader": ("Lãnh đạo", "Leader"),
    "staff": ("Cán bộ", "Staff"),
}
DEVICE_KINDS: dict[str, tuple[str, str]] = {
    "kiosk": ("Ki-ốt lấy số", "Kiosk"),
    "display": ("Màn hình sảnh", "Display"),
    "rating": ("Máy đánh giá", "Rating tablet"),
}

# ISO weekdays (1 = Monday), and the short names a booking page's day chips use.
WEEKDAYS: dict[int, tuple[str, str]] = {
    1: ("Thứ Hai", "Monday"), 2: ("Thứ Ba", "Tuesday"), 3: ("Thứ Tư", "Wednesday"), 4: ("Thứ Năm", "Thursday"),
    5: ("Thứ Sáu", "Friday"), 6: ("Thứ Bảy", "Saturday"), 7: ("Chủ nhật", "Sunday"),
}
WEEKDAYS_SHORT: dict[int, tuple[str, str]] = {
    1: ("T2", "Mon"), 2: ("T3", "Tue"), 3: ("T4", "Wed"), 4: ("T5", "Thu"), 5: ("T6", "Fri"), 6: ("T7", "Sat"),
    7: ("CN", "Sun"),
}

# Working sessions (`domain/calendar.py` SESSION_TYPES) and the reports' "appointment" session.
SESSION_TYPES: dict[str, tuple[str, str]] = {
    "regular": ("Phiên thường", "Regular session"),
    "saturday": ("Phiên thứ Bảy", "Saturday session"),
    "special": ("Ngày đặc biệt", "Special day"),
    "mobile": ("Phiên lưu động", "Mobile session"),
    "appointment": ("Đặt lịch hẹn", "Appointment"),
}
# Tags an admin puts on a special day, and what happens to the waiting at closing time.
DAY_TAGS: dict[str, tuple[str, str]] = {
    "ngay_khong_viet": ("Ngày không viết", "No-writing day"),
    "ngay_khong_hen": ("Ngày không hẹn", "No-appointment day"),
}
AT_CLOSE: dict[str, tuple[str, str]] = {
    "serve_all": ("Phục vụ hết người đang chờ", "Serve everyone waiting"),
    "close_waiting": ("Hủy các số còn chờ khi hết giờ", "Cancel the waiting tickets at closing time"),
}

# A booking's status (`appointments.status`).
APPOINTMENT_STATUSES: dict[str, tuple[str, str]] = {
    "booked": ("Đã đặt", "Booked"),
    "checked_in": ("Đã lấy số", "Checked in"),
    "cancelled": ("Đã hủy", "Cancelled"),
    "no_show": ("Vắng mặt", "Missed"),
}
# How a booking was made.
APPOINTMENT_CHANNELS: dict[str, tuple[str, str]] = {
    "hotline": ("Gọi hotline", "Hotline call"),
    "zalo": ("Nhắn Zalo", "Zalo message"),
    "counter": ("Tại quầy", "At the counter"),
    "web": ("Trang đặt lịch", "Booking page"),
}
# The letter a procedure's result goes with ("Hành chính phục vụ người dân", `procedures.letter`; "" for none).
LETTERS: dict[str, tuple[str, str]] = {
    "": ("Không gửi thư", "No letter"),
    "congratulation": ("Thư chúc mừng (khai sinh)", "Congratulation letter (birth)"),
    "congratulation:marriage": ("Thư chúc mừng (kết hôn)", "Congratulation letter (marriage)"),
    "condolence": ("Thư chia buồn (khai tử)", "Condolence letter (death)"),
}

# Every table by the prefix its entries carry in the catalogue (`outcome.refused`, `weekday.1`, ...).
TABLES: dict[str, dict] = {
    "outcome": OUTCOMES, "status": STATUSES, "action": ACTIONS, "step": STEPS, "score": SCORES,
    "role": ROLES, "device_kind": DEVICE_KINDS, "weekday": WEEKDAYS, "weekday_short": WEEKDAYS_SHORT,
    "session_type": SESSION_TYPES, "day_tag": DAY_TAGS, "at_close": AT_CLOSE,
    "appointment_status": APPOINTMENT_STATUSES, "appointment_channel": APPOINTMENT_CHANNELS, "letter": LETTERS,
    "rating_reason": dict(enumerate(RATING_REASONS, start=1)),
}

MESSAGES: dict[str, tuple[str, str]] = {
    f"{prefix}.{key}": pair for prefix, table in TABLES.items() for key, pair in table.items()
}
