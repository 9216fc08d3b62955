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
    # the admin's mobile-session page (server/pages/admin/mobile.py)
    "mobile_import_duplicate": (
        "Tệp này đã được nhập lúc {at} (máy {machine}); không nhập lại.",
        "This file was already imported at {at} (machine {machine}); not imported again.",
    ),
    "mobile_no_file": ("Chọn tệp phiên lưu động (.jsonl) xuất từ máy lưu động.",
                       "Choose the mobile-session file (.jsonl) exported on the laptop."),
    "mobile_file_too_big": ("Tệp lớn hơn {max_mb} MB.", "The file is larger than {max_mb} MB."),
    "mobile_prepare_bad_port": ("Cổng phải là số từ 1 đến 65535.", "The port must be a number from 1 to 65535."),
    "mobile_page.title": ("Phiên lưu động", "Mobile sessions"),
    "mobile_page.intro": (
        "Máy tính xách tay tiếp nhận hồ sơ ở nhà văn hóa: chuẩn bị máy trước buổi làm việc, sau buổi làm việc tải tệp "
        "của máy lên đây để gộp vào số liệu của bộ phận.",
        "A laptop receives citizens at a cultural house: prepare it before the session, and upload its file here "
        "afterwards to merge it into the office's records."),
    "mobile_page.prepare_title": ("1. Chuẩn bị máy lưu động", "1. Prepare a laptop"),
    "mobile_page.prepare_hint": (
        "Tải về một tệp .zip gồm cơ sở dữ liệu chỉ có danh mục của bộ phận (thủ tục, lĩnh vực, quầy, tài khoản cán "
        "bộ, lịch làm việc; không có vé, lịch hẹn hay thông tin công dân) và tệp cấu hình ở chế độ lưu động. "
        "Giải nén vào thư mục dữ liệu của máy lưu động rồi chạy motcua serve --config <thư mục>/motcua.toml.",
        "Downloads a .zip with a database holding the office's catalogue only (procedures, fields, counters, staff "
        "accounts, calendar; no ticket, booking or citizen data) and a config in mobile mode. Unzip it into the "
        "laptop's data folder and run motcua serve --config <folder>/motcua.toml."),
    "mobile_page.machine_id": ("Mã máy lưu động", "Laptop id"),
    "mobile_page.machine_hint": ("Chữ, số và dấu -, khác mã máy của bộ phận ({office}).",
                                 "Letters, digits and -, not the office's own ({office})."),
    "mobile_page.place": ("Địa điểm tiếp nhận", "Place of the session"),
    "mobile_page.series": ("Dãy số thứ tự của máy", "The laptop's number series"),
    "mobile_page.series_hint": ("Dãy riêng để số của máy lưu động không trùng số của bộ phận; thêm dãy ở mục Dãy số.",
                                "A series of its own, so the laptop's numbers never match the office's; add one "
                                "under Number series."),
    "mobile_page.host": ("Máy khác kết nối vào", "Other devices connect"),
    "mobile_page.host_local": ("Không (chỉ máy này: ki-ốt và màn hình trên chính máy)",
                               "No (this laptop only: kiosk and screen on the laptop itself)"),
    "mobile_page.host_lan": ("Có, qua mạng tại chỗ (máy in, máy tính bảng, TV)",
                             "Yes, over the local network (printer, tablets, TV)"),
    "mobile_page.port": ("Cổng", "Port"),
    "mobile_page.data_dir": ("Thư mục dữ liệu trên máy lưu động", "Data folder on the laptop"),
    "mobile_page.prepare": ("Tải về bộ cài máy lưu động (.zip)", "Download the laptop's files (.zip)"),
    "mobile_page.import_title": ("2. Nhập tệp sau buổi làm việc", "2. Import the file after the session"),
    "mobile_page.import_hint": (
        "Trên máy lưu động chạy motcua export --config <thư mục>/motcua.toml --out <tệp>.jsonl (hoặc mở "
        "/api/mobile/export), rồi tải tệp lên đây. Vé, các bước xử lý và đánh giá được gộp một lần; vé còn chờ khi "
        "hết buổi được ghi là đóng cuối ngày.",
        "On the laptop run motcua export --config <folder>/motcua.toml --out <file>.jsonl (or open "
        "/api/mobile/export), then upload the file here. Tickets, steps and ratings are merged once; tickets still "
        "waiting when the session ended are recorded as closed at the end of the day."),
    "mobile_page.file": ("Tệp phiên lưu động (.jsonl)", "Mobile-session file (.jsonl)"),
    "mobile_page.import": ("Tải lên và gộp", "Upload and merge"),
    "mobile_page.result_title": ("Đã gộp tệp {file} của máy {machine}", "Merged {file} from {machine}"),
    "mobile_page.sessions": ("Phiên", "Sessions"),
    "mobile_page.col_what": ("Loại dữ liệu", "Records"),
    "mobile_page.col_in_file": ("Trong tệp", "In the file"),
    "mobile_page.col_merged": ("Đã gộp", "Merged"),
    "mobile_page.col_already": ("Đã có, bỏ qua", "Already here, skipped"),
    "mobile_page.closed": ("{count} vé còn chờ khi hết buổi được ghi là đóng cuối ngày.",
                           "{count} tickets still open when the session ended were recorded as closed at day's end."),
    "mobile_page.left_out": ("Tệp không mang theo việc máy đã làm trên {count} vé của máy khác; hãy ghi lại ở bộ "
                             "phận: {numbers}.",
                             "The file leaves out what the laptop did on {count} tickets of other machines; record "
                             "them at the office: {numbers}."),
    "mobile_page.history_title": ("Các tệp đã nhập", "Files imported"),
    "mobile_page.history_none": ("Chưa nhập tệp nào.", "No file imported yet."),
    "mobile_page.col_at": ("Thời điểm nhập", "Imported at"),
    "mobile_page.col_machine": ("Máy", "Laptop"),
    "mobile_page.col_file": ("Mã tệp (SHA-256)", "File (SHA-256)"),
    "mobile_page.table.sessions": ("Phiên", "Sessions"),
    "mobile_page.table.tickets": ("Vé", "Tickets"),
    "mobile_page.table.events": ("Sự kiện", "Events"),
    "mobile_page.table.steps": ("Bước xử lý", "Steps"),
    "mobile_page.table.ratings": ("Đánh giá", "Ratings"),
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
