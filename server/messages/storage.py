"""What the IT officer reads about the database and its disk (`ops/storage_problems.py` picks the sentence)
and the labels of a part's health on the devices page (`health.<key>`, read by `ops/health.py`)."""

from __future__ import annotations

_NEW_OR_RESTORE = (
    " Văn phòng mới: chạy `motcua init --config <tệp cấu hình>`. Dữ liệu cũ: khôi phục bản sao lưu bằng"
    " `motcua restore <tệp sao lưu> --db {file}` (hoặc `sudo motcua-restore` để xem các bản sao lưu).",
    " For a new office run `motcua init --config <config file>`. To bring an office's data back, restore a"
    " backup: `motcua restore <backup file> --db {file}` (or `sudo motcua-restore` to list the backups).",
)
_RESTORE = (
    " Hãy khôi phục bản sao lưu gần nhất: `motcua restore <tệp sao lưu> --db {file}` (hoặc `sudo motcua-restore`"
    " để xem các bản sao lưu); tệp hiện tại được giữ lại bên cạnh để kiểm tra.",
    " Restore the latest backup: `motcua restore <backup file> --db {file}` (or `sudo motcua-restore` to list"
    " the backups); the current file is kept beside it for inspection.",
)


def _with(pair: tuple[str, str], tail: tuple[str, str]) -> tuple[str, str]:
    return pair[0] + tail[0], pair[1] + tail[1]


# A part's health keys, as the devices page labels them.
HEALTH_LABELS: dict[str, tuple[str, str]] = {
    "scheduler": ("Lịch chạy tự động", "Scheduler"),
    "printers": ("Máy in", "Printers"),
    "hall": ("Sảnh: giọng đọc và bảng LED", "Hall: voice and LED boards"),
    "jobs": ("Việc hẹn giờ", "Scheduled jobs"),
    "voice": ("Giọng đọc", "Voice"),
    "led": ("Bảng LED", "LED boards"),
    "pending": ("chờ đọc", "waiting"),
    "played": ("đã đọc", "played"),
    "last_error": ("lỗi gần nhất", "last error"),
    "state": ("trạng thái", "state"),
    "status": ("trạng thái", "status"),
    "error": ("lỗi", "error"),
    "storage": ("Cơ sở dữ liệu và ổ đĩa", "Database and disk"),
    "file": ("tệp", "file"),
    "disk_full": ("ổ đĩa đầy", "disk full"),
    "free_mb": ("còn trống (MB)", "free (MB)"),
    "low_space": ("sắp đầy", "nearly full"),
    "quick_check": ("kiểm tra tệp (quick_check)", "file check (quick_check)"),
    "checked_at": ("kiểm tra lúc", "checked at"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    # the database cannot be served or written
    "db.folder_missing": _with((
        "Không có thư mục dữ liệu {folder}: kiểm tra data_dir (hoặc db_path) trong tệp cấu hình, có thể bị gõ nhầm."
        " motcua serve không tự tạo một văn phòng trống.",
        "The data folder {folder} does not exist: check data_dir (or db_path) in the config file for a typo."
        " motcua serve does not create an empty office."), _NEW_OR_RESTORE),
    "db.missing": _with((
        "Không có cơ sở dữ liệu {file}. motcua serve không tự tạo một văn phòng trống.",
        "There is no database at {file}. motcua serve does not create an empty office."), _NEW_OR_RESTORE),
    "db.empty": _with((
        "Tệp cơ sở dữ liệu {file} rỗng (0 byte hoặc chưa có bảng nào): văn phòng chưa được khởi tạo, hoặc tệp đã bị"
        " ghi đè.",
        "The database file {file} is empty (0 bytes or no tables): the office was never set up, or the file was"
        " overwritten."), _NEW_OR_RESTORE),
    "db.foreign": (
        "Tệp {file} là cơ sở dữ liệu SQLite nhưng không phải của motcua (có các bảng: {detail}). Kiểm tra data_dir"
        " và db_path trong tệp cấu hình.",
        "{file} is an SQLite database but not a motcua one (its tables: {detail}). Check data_dir and db_path in"
        " the config file."),
    "db.corrupt": _with((
        "Tệp cơ sở dữ liệu {file} bị hỏng ({detail}). Dừng máy chủ, không sửa tay.",
        "The database file {file} is damaged ({detail}). Stop the server; do not edit it by hand."), _RESTORE),
    "db.readonly": (
        "Không ghi được vào {file} hoặc thư mục {folder} ({detail}): ổ đĩa đang ở chế độ chỉ đọc (thường do lỗi"
        " ổ đĩa), hoặc tài khoản chạy motcua không có quyền ghi. Kiểm tra ổ đĩa (mount, dmesg), quyền thư mục và"
        " chattr; nếu ổ đĩa hỏng, khôi phục bản sao lưu sang một ổ đĩa tốt.",
        "Cannot write to {file} or its folder {folder} ({detail}): the disk is read-only (often after a disk"
        " error) or the account running motcua may not write there. Check the disk (mount, dmesg), the folder's"
        " permissions and chattr; if the disk is failing, restore a backup onto a good disk."),
    "db.disk_full": (
        "Ổ đĩa chứa {file} đã đầy ({detail}). Giải phóng dung lượng (tệp tạm, bản sao lưu cũ, nhật ký) rồi chạy lại.",
        "The disk holding {file} is full ({detail}). Free some space (temporary files, old backups, logs) and"
        " start again."),
    "db.io_error": (
        "Lỗi đọc/ghi ổ đĩa với {file} ({detail}): ổ đĩa có thể đang hỏng. Sao chép bản sao lưu sang nơi khác ngay,"
        " kiểm tra ổ đĩa, rồi khôi phục bản sao lưu sang một ổ đĩa tốt.",
        "The disk failed reading or writing {file} ({detail}): it may be failing. Copy the backups elsewhere now,"
        " check the disk, then restore a backup onto a good disk."),
    "db.locked": (
        "Một chương trình khác đang giữ {file} ({detail}): một máy chủ motcua khác, hoặc một lần khôi phục đang"
        " chạy. Dừng nó trước (sudo systemctl stop motcua).",
        "Another program holds {file} ({detail}): a second motcua server, or a restore under way. Stop it first"
        " (sudo systemctl stop motcua)."),
    "db.unusable": (
        "Không dùng được cơ sở dữ liệu {file} ({detail}).",
        "The database {file} cannot be used ({detail})."),
    # A write refused for a full disk, as a kiosk, a console or the admin pages read it (503).
    "disk_full": (
        "Ổ đĩa của máy chủ đã đầy nên thao tác này chưa được lưu. Các vé đã cấp vẫn an toàn."
        " Vui lòng báo cán bộ phụ trách công nghệ thông tin.",
        "The server's disk is full, so this was not saved. Tickets already issued are safe."
        " Please call the IT officer."),
    "storage.disk_full": (
        "Ổ đĩa chứa cơ sở dữ liệu {file} đã đầy: mọi thao tác ghi (cấp vé, gọi số...) đang bị từ chối. Các vé đã"
        " cấp vẫn an toàn. Hãy giải phóng dung lượng ổ đĩa ngay (bản sao lưu cũ, tệp nhật ký, tệp tạm).",
        "The disk holding the database {file} is full: every write (issuing, calling...) is refused. Tickets"
        " already issued are safe. Free some disk space now (old backups, logs, temporary files)."),
    "storage.low_space": (
        "Ổ đĩa chứa cơ sở dữ liệu chỉ còn {free_mb} MB trống: hãy giải phóng dung lượng trước khi đầy.",
        "The disk holding the database has only {free_mb} MB free: free some space before it fills up."),
    "storage.damaged": _with((
        "Kiểm tra tệp cơ sở dữ liệu {file} phát hiện hỏng ({detail}).",
        "The check of the database file {file} found damage ({detail})."), _RESTORE),
    # health labels
    **{f"health.{key}": pair for key, pair in HEALTH_LABELS.items()},
}
