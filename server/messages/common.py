"""Requests, sign-in and passwords: what any page, device or command may be told."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # generic request errors
    "bad_json": ("Nội dung gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON."),
    "invalid_input": ("Dữ liệu không hợp lệ: {detail}", "Invalid input: {detail}"),
    "body_too_large": ("Nội dung gửi lên quá lớn.", "The request body is too large."),
    "not_found": ("Không tìm thấy trang hoặc dữ liệu yêu cầu.", "Not found."),
    "method_not_allowed": ("Phương thức không được phép.", "Method not allowed."),
    "internal_error": (
        "Hệ thống gặp lỗi, vui lòng thử lại hoặc báo cán bộ.",
        "Internal error: please try again or tell the staff.",
    ),
    "rate_limited": (
        "Bạn thao tác quá nhanh, vui lòng chờ {retry_after} giây.",
        "Too many requests: please wait {retry_after} seconds.",
    ),
    "live_too_many": (
        "Địa chỉ này đã mở quá nhiều kết nối cập nhật trực tiếp (tối đa {limit}). "
        "Hãy đóng bớt trang đang mở hoặc thử lại sau {retry_after} giây.",
        "Too many live connections from this address (at most {limit}). "
        "Close some open pages or try again in {retry_after} seconds.",
    ),
    # authentication and roles
    "auth_required": ("Cần đăng nhập.", "Sign-in required."),
    "bad_credentials": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "login_throttled": (
        "Đăng nhập sai quá nhiều lần, thử lại sau {retry_after} giây.",
        "Too many failed sign-ins: try again in {retry_after} seconds.",
    ),
    "forbidden_role": (
        "Tài khoản của bạn ({role}) không được phép làm việc này.",
        "Your account ({role}) may not do this.",
    ),
    "not_your_counter": (
        "Bạn đang đăng nhập tại quầy {signed_in}, không thể thao tác tại quầy {counter}.",
        "You are signed in at counter {signed_in}; you cannot act at counter {counter}.",
    ),
    "not_signed_in_counter": (
        "Bạn chưa nhận quầy nào. Hãy chọn quầy trước.",
        "You are not signed in at any counter. Choose a counter first.",
    ),
    "counter_taken": (
        "Quầy {counter} đang do {user} phụ trách.",
        "Counter {counter} is already taken by {user}.",
    ),
    "counter_taken_over": (
        "Quầy {counter} đã được {user} nhận thay. Bạn không còn thao tác tại quầy này; hãy chọn quầy khác.",
        "{user} took over counter {counter}. You can no longer act there: choose another counter.",
    ),
    "counter_released": (
        "{user} đã giải phóng Quầy {counter}: bạn đã được đăng xuất khỏi quầy này. Hãy chọn lại quầy để làm việc tiếp.",
        "{user} released counter {counter}: you were signed out of it. Choose a counter again to go on working.",
    ),
    "counter_lapsed": (
        "Quầy {counter} đã tự đăng xuất sau {minutes} phút không có thao tác nào. Hãy chọn lại quầy để làm việc tiếp.",
        "Counter {counter} signed you out after {minutes} minutes without any action. Choose a counter again to "
        "go on working.",
    ),
    "counter_not_held": (
        "Quầy {counter} đang không có ai đăng nhập, không cần giải phóng.",
        "Nobody is signed in at counter {counter}: there is nothing to release.",
    ),
    "ticket_at_other_counter": (
        "Vé {ticket} đang ở quầy {ticket_counter}; chỉ cán bộ quầy đó hoặc lãnh đạo mới thao tác được.",
        "Ticket {ticket} is at counter {ticket_counter}: only that counter's staff or a leader may act on it.",
    ),
    "csrf_failed": (
        "Phiên làm việc đã hết hạn, vui lòng tải lại trang.",
        "Your session form expired: reload the page.",
    ),
    # a write the database refused (the log keeps SQLite's detail)
    "constraint_failed": ("Không lưu được: dữ liệu trái với một quy tắc của hệ thống. Vui lòng báo cán bộ.",
                                    "Not saved: the data breaks one of the system's rules. Please tell the staff."),
    # booking check-in throttle
    "checkin_throttled": (
        "Đã có quá nhiều mã đặt lịch không đúng. Vui lòng chờ {retry_after} giây, "
        "hoặc đến quầy để cán bộ nhận số giúp.",
        "Too many booking codes that were not found. Please wait {retry_after} seconds, or ask at a counter."),
    # passwords ({min} and {max} are filled by server/passwords.py)
    "password_short": ("Mật khẩu cần ít nhất {min} ký tự (không tính khoảng trắng ở hai đầu).",
                       "The password needs at least {min} characters (not counting spaces at either end)."),
    "password_long": ("Mật khẩu dài quá {max} ký tự.", "The password is longer than {max} characters."),
    "password_mismatch": ("Hai lần nhập mật khẩu không khớp nhau.", "The two passwords typed differ."),
    "password_file_unreadable": ("Không đọc được tệp mật khẩu {file}: {reason}.",
                                 "Cannot read the password file {file}: {reason}."),
    "password_on_command_line": (
        "Cảnh báo: mật khẩu gõ sau --password còn lưu trong lịch sử lệnh và ai cũng thấy qua ps; "
        "lần sau dùng --password-file hoặc để lệnh tự hỏi.",
        "Warning: a password after --password stays in the shell history and shows in ps; "
        "next time use --password-file or let the command ask.",
    ),
    "password_prompt": ("Mật khẩu mới (để trống: tự tạo): ", "New password (empty: generate one): "),
    "password_prompt_again": ("Nhập lại mật khẩu: ", "Type it again: "),
}
