"""Pairing a screen by a short code: the waiting screen's words (`pair.*`) and the admin's refusals."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the waiting screen (a TV across the hall: Vietnamese; the English is for the catalogue's checks)
    "pair.title": ("Ghép nối màn hình", "Pair this screen"),
    "pair.lead": ("Màn hình này chưa được ghép nối với hệ thống.", "This screen is not paired with the system yet."),
    "pair.how": ("Trên máy quản trị, mở Thiết bị → Ghép nối màn hình và nhập mã:",
                 "On the admin computer, open Devices → Pair a screen and type the code:"),
    "pair.qr": ("hoặc quét mã QR bằng điện thoại đã đăng nhập quản trị.",
                "or scan the QR code with a phone signed in as admin."),
    "pair.expires": ("Mã dùng một lần, hết hạn sau {minutes} phút; khi hết hạn màn hình tự lấy mã mới.",
                     "The code works once and expires after {minutes} minutes; the screen then gets a new one."),
    "pair.waiting": ("Đang chờ ghép nối…", "Waiting to be paired…"),
    "pair.paired": ("Đã ghép nối. Đang mở trang…", "Paired. Opening the page…"),
    "pair.renewing": ("Mã đã hết hạn, đang lấy mã mới…", "The code expired, getting a new one…"),
    "pair.offline": ("Mất kết nối máy chủ — đang thử lại…", "Connection lost, retrying…"),
    "pair.asked_as": ("Màn hình này sẽ là: {kind}", "This screen will be: {kind}"),
    # refusals (the admin's dialog, the API)
    "pair_code_unknown": (
        "Không có màn hình nào đang chờ ghép nối với mã {pair_code}. Mã chỉ dùng một lần và hết hạn sau "
        "{minutes} phút: hãy xem lại mã đang hiện trên màn hình.",
        "No screen is waiting to be paired with code {pair_code}. A code works once and expires after "
        "{minutes} minutes: check the code the screen shows now."),
    "pair_bad_code": ("Mã ghép nối gồm 6 chữ cái và chữ số, ví dụ ABC 234.",
                      "A pairing code is 6 letters and digits, e.g. ABC 234."),
    "pair_throttled": ("Đã nhập sai mã ghép nối quá nhiều lần. Hãy thử lại sau {retry_after} giây.",
                       "Too many wrong pairing codes. Try again in {retry_after} seconds."),
    "pair_request_throttled": ("Máy này đã xin quá nhiều mã ghép nối. Hãy thử lại sau {retry_after} giây.",
                               "This machine asked for too many pairing codes. Try again in {retry_after} seconds."),
    "pair_too_many": ("Đang có quá nhiều màn hình chờ ghép nối. Hãy thử lại sau ít phút.",
                      "Too many screens are waiting to be paired. Try again in a few minutes."),
    "pair_bad_kind": ("Hãy chọn loại thiết bị: màn hình sảnh, ki-ốt hoặc máy đánh giá.",
                      "Choose the kind of device: hall screen, kiosk or rating tablet."),
    "pair_bad_layout": ("Hãy chọn bố cục màn hình: toàn sảnh, nhóm quầy, một quầy hoặc một khu vực.",
                        "Choose the screen's layout: whole hall, group of counters, one counter or one area."),
    "pair_group_needs_counters": ("Bố cục nhóm quầy cần chọn ít nhất một quầy.",
                                  "A group of counters needs at least one counter."),
    "pair_counter_needs_one": ("Bố cục một quầy cần chọn đúng một quầy.", "The one-counter layout needs one counter."),
    "pair_unknown_counter": ("Có quầy đã chọn không có trong danh sách quầy.", "A chosen counter does not exist."),
    "pair_unknown_floor": ("Hãy chọn một khu vực (nhóm quầy) có trong danh sách.",
                           "Choose an area (counter group) from the list."),
    "pair_rating_needs_counter": ("Máy đánh giá cần được gắn với một quầy.",
                                  "A rating tablet needs the counter it stands at."),
    "pair_already_paired": ("Màn hình này đã được ghép nối.", "This screen is already paired."),
    "pair_unknown_printer": ("Không có máy in '{printer}'.", "There is no printer '{printer}'."),
}
