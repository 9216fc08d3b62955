"""The IT officer's commands: `motcua user ...`, `motcua check`, `motcua printer test` (Vietnamese unless the
command is given `--lang en`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # motcua user add | passwd | disable
    "cli.user_added": ("Đã tạo tài khoản {username} ({role}).", "Account {username} ({role}) created."),
    "cli.password_once": ("Mật khẩu: {password}  (chỉ hiện một lần: hãy ghi lại)",
                          "Password: {password}  (shown once: write it down)"),
    "cli.password_set": ("Đã đặt mật khẩu mới cho {username}; các phiên đăng nhập cũ đã kết thúc.",
                         "New password set for {username}; their old sign-ins have ended."),
    "cli.user_disabled": (
        "Đã khóa tài khoản {username}: không đăng nhập được nữa, và rời quầy đang giữ (nếu có). Trên máy chủ đang "
        "chạy, phiên đang mở hết hiệu lực trong vòng 5 phút.",
        "Account {username} disabled: it can no longer sign in, and left the counter it held (if any). On a running "
        "server its open sign-ins stop working within 5 minutes."),
    "cli.user_not_found": ("Không có tài khoản {username}.", "There is no account {username}."),
    # motcua check: one line per check, OK or LỖI, with what to do
    "cli.ok": ("OK  ", "OK  "),
    "cli.fail": ("LỖI", "FAIL"),
    "cli.config_ok": ("Tệp cấu hình {file} hợp lệ.", "The config file {file} is valid."),
    "cli.config_none": ("Không dùng tệp cấu hình: các giá trị mặc định.", "No config file: the defaults are used."),
    "cli.config_bad": ("Tệp cấu hình sai: {detail} → Sửa tệp theo docs/settings.md rồi chạy lại `motcua check`.",
                       "The config file is wrong: {detail} → Fix it (docs/settings.md), then run `motcua check` "
                       "again."),
    "cli.db_ok": ("Cơ sở dữ liệu {file}: kiểm tra nhanh (quick_check) không thấy lỗi.",
                  "Database {file}: the quick check (quick_check) found no damage."),
    "cli.settings_ok": ("Cài đặt của bộ phận một cửa trong cơ sở dữ liệu hợp lệ.",
                        "The office's settings stored in the database are valid."),
    "cli.settings_bad": ("Cài đặt trong cơ sở dữ liệu không hợp lệ: {detail} → Sửa ở trang quản trị (Cài đặt).",
                         "The settings stored in the database are invalid: {detail} → Fix them in the admin pages "
                         "(Settings)."),
    "cli.disk_ok": ("Ổ đĩa chứa dữ liệu ({folder}) còn trống {free_mb} MB.",
                    "The disk holding the data ({folder}) has {free_mb} MB free."),
    "cli.no_devices": ("Chưa đăng ký thiết bị nào (ki-ốt, màn hình, máy đánh giá).",
                       "No device is registered yet (kiosk, screen, rating tablet)."),
    "cli.device_ok": ("{kind} “{name}” liên lạc lần cuối lúc {seen}.", "{kind} “{name}” was last seen at {seen}."),
    "cli.device_stale": (
        "{kind} “{name}” không liên lạc từ {seen} → Kiểm tra thiết bị đã bật, đang mở trang của nó và có mạng; "
        "máy chủ phải đang chạy.",
        "{kind} “{name}” not seen since {seen} → Check it is on, showing its page and on the network; the server "
        "must be running."),
    "cli.device_never": (
        "{kind} “{name}” chưa từng kết nối → Mở trang của thiết bị trên máy đó (ghép nối ở trang quản trị Thiết bị).",
        "{kind} “{name}” has never connected → Open its page on that machine (pair it in the admin's Devices "
        "page)."),
    "cli.no_printers": ("Chưa khai báo máy in nào → Thêm máy in ở trang quản trị Máy in.",
                        "No printer is set up → Add one in the admin's Printers page."),
    "cli.printer_ok": ("Máy in {printer} ({where}) sẵn sàng.", "Printer {printer} ({where}) is reachable."),
    "cli.printer_down": (
        "Máy in {printer} ({where}) không kết nối được: {reason} → Kiểm tra nguồn, giấy, dây mạng/USB và địa chỉ "
        "trong trang quản trị Máy in.",
        "Printer {printer} ({where}) cannot be reached: {reason} → Check its power, paper, cable and the address "
        "in the admin's Printers page."),
    "cli.all_ok": ("Tất cả đều ổn.", "Everything is fine."),
    "cli.some_failed": ("{count} mục LỖI: xem hướng dẫn ở từng dòng.", "{count} check(s) failed: see each line."),
    # motcua printer test NAME
    "cli.printer_unknown": ("Không có máy in {printer}. Các máy in đã khai báo: {known}.",
                            "There is no printer {printer}. The printers set up: {known}."),
    "cli.printer_test_ok": ("Đã in phiếu thử trên máy in {printer}.", "A test slip was printed on {printer}."),
    "cli.printer_test_failed": (
        "Không in được phiếu thử trên máy in {printer}: {reason} → Kiểm tra nguồn, giấy, dây và địa chỉ máy in.",
        "The test slip could not be printed on {printer}: {reason} → Check its power, paper, cable and address."),
}
