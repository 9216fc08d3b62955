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
    # the admin's slogan page (/admin/slogans) and its sign-in; the script reads the slogans.* entries
    "slogans.title": ("Khẩu hiệu cải cách hành chính", "Administrative-reform slogans"),
    "slogans.intro": ("Khẩu hiệu chạy trên TV sảnh và bảng LED chính theo lịch. "
                      "Nội dung luôn hiển thị dạng chữ thường.",
                      "Slogans scroll on the hall TV and the main LED board on their schedule, always as plain text."),
    "slogans.text": ("Nội dung", "Text"),
    "slogans.schedule": ("Lịch", "Schedule"),
    "slogans.days": ("Ngày", "Days"),
    "slogans.state": ("Trạng thái", "State"),
    "slogans.times_per_hour": ("{n} lần/giờ", "{n} times an hour"),
    "slogans.every_minutes": ("mỗi {n} phút", "every {n} minutes"),
    "slogans.on": ("Đang bật", "On"),
    "slogans.off": ("Tắt", "Off"),
    "slogans.edit": ("Sửa", "Edit"),
    "slogans.delete": ("Xóa", "Delete"),
    "slogans.none": ("Chưa có khẩu hiệu nào.", "No slogans yet."),
    "slogans.new": ("Thêm khẩu hiệu", "New slogan"),
    "slogans.edit_title": ("Sửa khẩu hiệu #{id}", "Edit slogan #{id}"),
    "slogans.repeat": ("Cách lặp", "Repeat"),
    "slogans.mode_times_per_hour": ("lần mỗi giờ", "times an hour"),
    "slogans.mode_every_minutes": ("mỗi N phút", "every N minutes"),
    "slogans.amount": ("Số", "Value"),
    "slogans.from_time": ("Từ giờ", "From"),
    "slogans.until_time": ("Đến giờ", "Until"),
    "slogans.first_day": ("Từ ngày", "First day"),
    "slogans.last_day": ("Đến ngày", "Last day"),
    "slogans.weekdays": ("Các ngày trong tuần", "Weekdays"),
    "slogans.enabled": ("Bật", "Enabled"),
    "slogans.save": ("Lưu", "Save"),
    "slogans.cancel": ("Hủy", "Cancel"),
    "slogans.confirm_delete": ("Xóa khẩu hiệu #{id}?", "Delete slogan #{id}?"),
    "slogans.failed": ("Không thực hiện được (mã HTTP {status}).", "That did not work (HTTP status {status})."),
    "slogans.sign_in_title": ("Đăng nhập quản trị", "Administrator sign-in"),
    "slogans.sign_in_hint": ("Trang khẩu hiệu dành cho quản trị viên và lãnh đạo.",
                             "Slogans are managed by administrators and leaders."),
    "slogans.username": ("Tên đăng nhập", "Username"),
    "slogans.password": ("Mật khẩu", "Password"),
    "slogans.sign_in": ("Đăng nhập", "Sign in"),
}
