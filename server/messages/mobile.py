"""Mobile sessions (a laptop away from the office) and the demo command."""

from __future__ import annotations

_NOT_TOUCHED = "Bản demo không xóa và không dùng nó: hãy chạy demo với --data-dir là một thư mục mới."
_NOT_TOUCHED_EN = "The demo neither deletes nor uses it: run the demo with --data-dir set to a new folder."

MESSAGES: dict[str, tuple[str, str]] = {
    # mobile sessions
    "mobile_file_invalid": ("Tệp phiên lưu động không hợp lệ: {detail}", "Invalid mobile-session file: {detail}"),
    "mobile_wrong_office": (
        "Tệp này của đơn vị {file_office}, không phải của đơn vị {office}. Không nhập gì.",
        "This file belongs to office {file_office}, not {office}. Nothing was imported.",
    ),
    "mobile_same_machine": ("Tệp này được xuất từ chính máy này ({machine}).",
                            "This file was exported from this very machine ({machine})."),
    "mobile_unknown_procedure": (
        "Thủ tục mã {procedure} trong tệp không có ở đơn vị này. Hãy thêm thủ tục trước khi nhập.",
        "Procedure code {procedure} in the file is unknown here: add it before importing.",
    ),
    "mobile_number_clash": (
        "Số {number} ngày {day} đã được dùng cho vé khác ở đơn vị (hai máy lưu động dùng chung dãy số?). "
        "Không nhập gì.",
        "Number {number} on {day} is already used by another ticket here (two laptops on one series?). "
        "Nothing was imported.",
    ),
    "mobile_id_clash": ("Mã vé {ticket} đã có ở đơn vị nhưng do máy khác tạo. Không nhập gì.",
                        "Ticket id {ticket} already exists here, made by another machine. Nothing was imported."),
    "mobile_no_sessions": ("Không có phiên nào để xuất ({what}).", "No session to export ({what})."),
    # motcua mobile
    "mobile_left_out": (
        "Chú ý: tệp không mang theo việc máy này đã làm trên {n} vé của máy khác: {numbers}. "
        "Hãy ghi lại các vé này ở bộ phận; lần sau chuẩn bị máy bằng motcua mobile prepare.",
        "Note: the file leaves out what this machine did on {n} ticket(s) of other machines: {numbers}. "
        "Record them at the office by hand; next time prepare the laptop with motcua mobile prepare.",
    ),
    "mobile_prepare_exists": ("{path} đã có; không làm gì. Hãy chọn thư mục mới cho máy lưu động.",
                              "{path} already exists; nothing done. Choose a new folder for the laptop."),
    "mobile_prepare_same_machine": (
        "Mã máy {machine} trùng với mã máy của bộ phận: máy lưu động cần mã riêng (ví dụ laptop-nvh4).",
        "Machine id {machine} is the office's own: the laptop needs an id of its own (e.g. laptop-nvh4).",
    ),
    "mobile_prepare_no_office": ("Không có cơ sở dữ liệu của bộ phận tại {path}.", "No office database at {path}."),
    "mobile_prepare_bad_config": ("Cấu hình máy lưu động không hợp lệ: {detail}",
                                  "Invalid laptop configuration: {detail}"),
    # motcua demo
    "demo_folder_in_use": (
        "Thư mục {folder} đang được một máy chủ motcua đang chạy sử dụng (khóa {lock}). " + _NOT_TOUCHED,
        "The folder {folder} is in use by a running motcua server (lock {lock}). " + _NOT_TOUCHED_EN,
    ),
    "demo_folder_office_db": (
        "Thư mục {folder} chứa cơ sở dữ liệu {db}, không phải dữ liệu demo do lệnh motcua demo tạo. " + _NOT_TOUCHED,
        "The folder {folder} holds the database {db}, not a demo database made by motcua demo. " + _NOT_TOUCHED_EN,
    ),
    "demo_folder_not_ours": (
        "Thư mục {folder} chứa tệp không do bản demo tạo ({names}). " + _NOT_TOUCHED,
        "The folder {folder} holds files the demo did not make ({names}). " + _NOT_TOUCHED_EN,
    ),
}
