"""The province hub: sync keys, batches, centres."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # sync protocol
    "hub_key_required": (
        "Thiếu khóa đồng bộ của trung tâm (tiêu đề Authorization: Bearer <khóa>).",
        "The centre's sync key is missing (header Authorization: Bearer <key>).",
    ),
    "hub_key_invalid": (
        "Khóa đồng bộ không đúng hoặc đã bị thu hồi. Hãy xin khóa mới từ quản trị tỉnh.",
        "The sync key is wrong or has been revoked. Ask the province's admin for a new key.",
    ),
    "hub_key_other_centre": (
        "Khóa này cấp cho trung tâm {key_centre}, không dùng được cho trung tâm {centre}.",
        "This key was issued to centre {key_centre}; it cannot be used for centre {centre}.",
    ),
    "hub_sync_gap": (
        "Lô dữ liệu bắt đầu sau số {after} nhưng hệ thống tỉnh mới có đến số {held}. Hãy gửi lại từ số {held}.",
        "The batch starts after seq {after} but the hub holds only up to {held}. Resend from {held}.",
    ),
    "hub_batch_order": (
        "Các sự kiện trong lô phải theo thứ tự số tăng dần và lớn hơn {after}.",
        "Events in a batch must be in increasing seq order and above {after}.",
    ),
    "hub_protocol": (
        "Phiên bản giao thức đồng bộ {got} không được hỗ trợ (cần {want}).",
        "Sync protocol version {got} is not supported (need {want}).",
    ),
    "hub_centre_unknown": ("Không có trung tâm {centre}.", "No centre {centre}."),
    "hub_centre_exists": ("Đã có trung tâm {centre}.", "Centre {centre} already exists."),
    "hub_bad_period": (
        "Kỳ báo cáo không hợp lệ: {detail}. Dùng dạng YYYY-MM hoặc from/to dạng YYYY-MM-DD.",
        "Invalid report period: {detail}. Use YYYY-MM, or from/to as YYYY-MM-DD.",
    ),
}
