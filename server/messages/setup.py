"""The first-run checklist's words (/admin/setup and the head of the overview): Vietnamese on screen, English behind
the admin's language switch. `setup.<step>` is a step's title, `setup.<step>_what` what it asks for."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "setup.title": ("Bắt đầu thiết lập", "Getting started"),
    "setup.intro": ("Làm lần lượt các bước dưới đây để đơn vị bắt đầu phát số. Mọi thiết lập đều làm trên các trang "
                    "quản trị này: không sửa tệp cấu hình, không khởi động lại máy chủ.",
                    "Work through these steps to start issuing tickets. Everything is set on these admin pages: "
                    "no configuration file to edit, no server restart."),
    "setup.progress": ("Đã xong {done}/{total} bước", "{done} of {total} steps done"),
    "setup.done_mark": ("Đã xong", "Done"),
    "setup.todo_mark": ("Cần làm", "To do"),
    "setup.all_done": ("Đã xong mọi bước: đơn vị sẵn sàng phục vụ người dân.",
                       "Every step is done: the office is ready to serve citizens."),
    "setup.hide": ("Ẩn khỏi trang tổng quan", "Hide from the overview"),
    "setup.show": ("Hiện lại trên trang tổng quan", "Show on the overview again"),
    "setup.hidden_note": ("Danh sách này đã được ẩn khỏi trang tổng quan; vẫn mở được từ mục “Bắt đầu thiết lập”.",
                          "This list is hidden from the overview; it stays under “Getting started”."),
    "setup.hide_refused": ("Chưa thể ẩn danh sách: còn {left} bước chưa xong.",
                           "The list cannot be hidden yet: {left} step(s) still to do."),
    "setup.office": ("Thông tin đơn vị", "Office details"),
    "setup.office_what": ("Tên, mã đơn vị, địa chỉ, đường dây nóng, logo, địa chỉ công khai in trong mã QR của phiếu, "
                          "dòng cuối phiếu.",
                          "Name, office code, address, hotline, logo, the public address printed in the slip's QR "
                          "code, the slip's footer."),
    "setup.office_done": ("Đã có tên, mã, địa chỉ, đường dây nóng và địa chỉ công khai.",
                          "Name, code, address, hotline and public address are set."),
    "setup.office_missing": ("Còn thiếu: {missing}.", "Still missing: {missing}."),
    "setup.key_name": ("tên đơn vị", "the office name"),
    "setup.key_code": ("mã đơn vị", "the office code"),
    "setup.key_address": ("địa chỉ", "the address"),
    "setup.key_hotline": ("đường dây nóng", "the hotline"),
    "setup.key_public_url": ("địa chỉ công khai cho mã QR", "the public address for QR codes"),
    "setup.no_logo": ("Chưa có logo (không bắt buộc).", "No logo yet (optional)."),
    "setup.catalogue": ("Lĩnh vực và thủ tục", "Fields and procedures"),
    "setup.catalogue_what": ("Nhập danh mục thủ tục từ tệp XLSX/CSV của Cổng dịch vụ công, rồi đặt các bước "
                             "“4 tại chỗ” cho từng thủ tục.",
                             "Import the procedure catalogue from the public-service portal's XLSX/CSV file, then "
                             "set each procedure's “4 on the spot” steps."),
    "setup.catalogue_state": ("{procedures} thủ tục trong {fields} lĩnh vực.",
                              "{procedures} procedures in {fields} fields."),
    "setup.catalogue_sample": ("Đang dùng danh mục mẫu ({procedures} thủ tục trong {fields} lĩnh vực): hãy nhập danh "
                               "mục của đơn vị.",
                               "The sample catalogue is in use ({procedures} procedures in {fields} fields): import "
                               "the office's own."),
    "setup.procedures_link": ("Danh sách thủ tục", "Procedure list"),
    "setup.counters": ("Quầy và cán bộ", "Counters and staff"),
    "setup.counters_what": ("Quầy nào nhận lĩnh vực nào; một tài khoản cho mỗi cán bộ.",
                            "Which counter serves which field; an account for each staff member."),
    "setup.counters_state": ("{counters} quầy, {staff} tài khoản cán bộ.",
                             "{counters} counters, {staff} staff accounts."),
    "setup.counters_idle": ("{idle} quầy chưa nhận lĩnh vực nào.", "{idle} counter(s) serve no field yet."),
    "setup.users_link": ("Tài khoản cán bộ", "Staff accounts"),
    "setup.printers": ("Máy in phiếu", "Ticket printers"),
    "setup.printers_what": ("Thêm máy in (mạng, USB, cổng COM hoặc tệp thiết bị), in thử và gán cho ki-ốt.",
                            "Add a printer (network, USB, serial or device file), print a test slip and assign it "
                            "to kiosks."),
    "setup.printers_state": ("{printers} máy in.", "{printers} printer(s)."),
    "setup.printers_state_none": ("Chưa có máy in nào.", "No printer yet."),
    "setup.devices": ("Màn hình, ki-ốt và máy đánh giá", "Screens, kiosks and rating tablets"),
    "setup.devices_what": ("Mở /display, /kiosk hoặc /rate trên thiết bị mới, rồi nhập mã 6 ký tự hiện trên đó vào "
                           "trang Thiết bị (hoặc quét mã QR).",
                           "Open /display, /kiosk or /rate on the new device, then type the 6-character code it "
                           "shows on the Devices page (or scan its QR code)."),
    "setup.devices_state": ("Đã ghép nối {displays} TV, {kiosks} ki-ốt, {ratings} máy đánh giá.",
                            "Paired: {displays} TV(s), {kiosks} kiosk(s), {ratings} rating tablet(s)."),
    "setup.devices_need": ("Cần ít nhất một TV và một ki-ốt.", "At least one TV and one kiosk are needed."),
    "setup.voice": ("Giọng đọc gọi số", "Calling voice"),
    "setup.voice_what": ("Chọn giọng, tốc độ, âm lượng, câu gọi; nghe thử ngay trên máy này.",
                         "Choose the voice, speed, volume and call phrase; listen on this computer."),
    "setup.voice_chosen": ("Đã chọn giọng đọc.", "The voice is chosen."),
    "setup.voice_off": ("Đã tắt giọng đọc: TV chỉ hiện số.", "The voice is off: the TVs show the numbers only."),
    "setup.keep_voice": ("Dùng giọng mặc định", "Keep the default voice"),
    "setup.voice_default": ("Chưa chọn: đang dùng giọng mặc định.", "Not chosen yet: the default voice is used."),
    "setup.ticket": ("Lấy số đầu tiên", "Take a first ticket"),
    "setup.ticket_what": ("Chạm màn hình ki-ốt đã ghép nối để lấy một số: phiếu được in ra, quầy gọi số và TV hiện số.",
                          "Tap a paired kiosk to take a ticket: the slip prints, a counter calls it and the TV shows "
                          "it."),
    "setup.ticket_state": ("Đã phát {tickets} số.", "{tickets} ticket(s) issued."),
    "setup.ticket_state_none": ("Chưa phát số nào.", "No ticket issued yet."),
}
