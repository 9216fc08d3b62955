"""The one message catalogue: every user-facing sentence, Vietnamese first, English second.

Pages and API errors look text up here by code; `{name}` placeholders are filled
from the error's parameters.
"""

from __future__ import annotations

from typing import Any

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
    "ticket_at_other_counter": (
        "Vé {ticket} đang ở quầy {ticket_counter}; chỉ cán bộ quầy đó hoặc lãnh đạo mới thao tác được.",
        "Ticket {ticket} is at counter {ticket_counter}: only that counter's staff or a leader may act on it.",
    ),
    "csrf_failed": (
        "Phiên làm việc đã hết hạn, vui lòng tải lại trang.",
        "Your session form expired: reload the page.",
    ),
    # queue
    "ticket_not_found": ("Không tìm thấy vé {ticket}.", "Ticket {ticket} not found."),
    "procedure_not_found": ("Không tìm thấy thủ tục {procedure}.", "Procedure {procedure} not found."),
    "procedure_inactive": (
        "Thủ tục {procedure} hiện không tiếp nhận.",
        "Procedure {procedure} is not being received now.",
    ),
    "counter_not_found": ("Không tìm thấy quầy {counter}.", "Counter {counter} not found."),
    "counter_inactive": ("Quầy {counter} đang đóng.", "Counter {counter} is closed."),
    "counter_does_not_serve": (
        "Quầy {counter} không phục vụ thủ tục này.",
        "Counter {counter} does not serve this procedure.",
    ),
    "priority_unknown": ("Không có nhóm ưu tiên '{priority}'.", "Unknown priority group '{priority}'."),
    "queue_empty": (
        "Không còn công dân nào đang chờ tại quầy {counter}.",
        "Nobody is waiting for counter {counter}.",
    ),
    "counter_busy": (
        "Quầy {counter} đang phục vụ vé {ticket}. Hãy kết thúc hoặc chuyển vé đó trước.",
        "Counter {counter} is still handling ticket {ticket}: finish or transfer it first.",
    ),
    "bad_transition": (
        "Không thể {action} vé {ticket} khi vé đang ở trạng thái {state}.",
        "Cannot {action_en} ticket {ticket} while it is {state_en}.",
    ),
    "wrong_counter_for_ticket": (
        "Vé {ticket} đang ở quầy {ticket_counter}, không phải quầy {counter}.",
        "Ticket {ticket} is at counter {ticket_counter}, not counter {counter}.",
    ),
    "outcome_required": ("Cần chọn kết quả giải quyết.", "Choose an outcome."),
    "receipt_required": (
        "Cần nhập số biên nhận hồ sơ khi tiếp nhận hồ sơ.",
        "A receipt number is required when a dossier is received.",
    ),
    "transfer_target_required": (
        "Cần chọn quầy hoặc thủ tục để chuyển đến.",
        "Choose a counter or a procedure to transfer to.",
    ),
    "number_block_full": (
        "Dãy số {series} đã hết số trong ngày ({end}). Quản trị viên cần mở rộng dãy số.",
        "Number block {series} is used up for today ({end}): an admin must widen it.",
    ),
    "number_taken": (
        "Chưa cấp được số: số {number} hôm nay đã được một dãy số khác cấp. Vui lòng báo cán bộ; "
        "quản trị viên cần sửa dãy số {series} cho khỏi trùng.",
        "No ticket issued: number {number} was already issued today by another series. Please tell the staff; "
        "an admin must change series {series} so that it does not overlap.",
    ),
    "office_closed": (
        "Bộ phận hiện không làm việc. Mở cửa lại lúc {opens}.",
        "The office is closed now. It opens again at {opens}.",
    ),
    # admin
    "duplicate": ("Đã có {what} '{value}'.", "{what} '{value}' already exists."),
    "in_use": ("Không thể xóa {what}: đang được sử dụng.", "Cannot delete {what}: it is in use."),
}

LANGS = ("vi", "en")


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Parts add their sentences to the one catalogue at import; a code may be defined once."""
    for code, pair in entries.items():
        if code in MESSAGES and MESSAGES[code] != pair:
            raise KeyError(f"message {code} is already defined differently")
        MESSAGES[code] = pair


def text(code: str, lang: str = "vi", **params: Any) -> str:
    """The message for `code` in `lang`, with placeholders filled; unknown codes fall back to the code."""
    pair = MESSAGES.get(code)
    if pair is None:
        return code
    template = pair[1] if lang == "en" else pair[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
