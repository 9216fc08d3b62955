"""The kiosk page's words (and the citizen's ticket status page): short and plain, many users are elderly.
The page reads them from its `texts` block (`kiosk/static/i18n.js`); elements with data-t="key" show them."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "kiosk.offline": (
        "Mất kết nối với máy chủ. Đang thử kết nối lại… Vui lòng chờ hoặc báo cán bộ.",
        "Connection to the server lost. Retrying… Please wait or tell the staff.",
    ),
    "kiosk.switch_lang": ("English", "Tiếng Việt"),
    "kiosk.loading": ("Đang tải…", "Loading…"),
    "kiosk.start_title": ("Xin mời chọn lĩnh vực", "Please choose a field"),
    "kiosk.start_lead": ("Chạm vào lĩnh vực của thủ tục bạn cần làm", "Touch the field of the procedure you need"),
    "kiosk.search_button": ("Tìm thủ tục theo tên", "Find a procedure by name"),
    "kiosk.appt_button": ("Tôi có lịch hẹn", "I have an appointment"),
    "kiosk.back": ("← Quay lại", "← Back"),
    "kiosk.procs_lead": ("Chạm vào thủ tục bạn cần làm", "Touch the procedure you need"),
    "kiosk.search_title": ("Tìm thủ tục", "Find a procedure"),
    "kiosk.search_prompt": (
        "Gõ vài chữ, không cần dấu (ví dụ: ket hon)",
        "Type a few letters, no accents needed (e.g. ket hon)",
    ),
    "kiosk.search_empty": (
        "Không tìm thấy thủ tục. Thử từ khác hoặc hỏi cán bộ hướng dẫn.",
        "No procedure found. Try other words or ask the staff.",
    ),
    "kiosk.priority_title": ("Bạn có thuộc nhóm ưu tiên không?", "Do you belong to a priority group?"),
    "kiosk.priority_lead": ("Nếu không, chạm nút xanh:", "If not, touch the green button:"),
    "kiosk.no_priority": ("Không — lấy số thứ tự", "No — get my number"),
    "kiosk.priority_yes": ("Nếu có, chạm vào nhóm của bạn:", "If yes, touch your group:"),
    "kiosk.your_number": ("Số thứ tự của bạn", "Your number"),
    "kiosk.waiting_ahead": ("Người chờ trước bạn", "People ahead of you"),
    "kiosk.estimated_wait": ("Thời gian chờ dự kiến", "Estimated wait"),
    "kiosk.issued_at": ("Giờ lấy số", "Issued at"),
    "kiosk.minutes": ("khoảng {n} phút", "about {n} min"),
    "kiosk.very_soon": ("sắp đến lượt", "very soon"),
    "kiosk.priority_label": ("Ưu tiên: {name}", "Priority: {name}"),
    "kiosk.printing": ("Đang in vé…", "Printing your ticket…"),
    "kiosk.printed": ("Mời bạn nhận vé ở khe bên dưới.", "Please take your ticket from the slot below."),
    "kiosk.print_problem": (
        "Máy in đang gặp sự cố. Số của bạn là {n} — vui lòng báo cán bộ.",
        "The printer has a problem. Your number is {n} — please tell the staff.",
    ),
    "kiosk.qr_hint": ("Quét mã để theo dõi lượt của bạn trên điện thoại", "Scan to follow your turn on your phone"),
    "kiosk.done": ("Xong", "Done"),
    "kiosk.appt_title": ("Tôi có lịch hẹn", "I have an appointment"),
    "kiosk.appt_lead": (
        "Nhập mã lịch hẹn (trong tin nhắn hoặc giấy hẹn)",
        "Enter your appointment code (from your message or slip)",
    ),
    "kiosk.appt_prompt": ("Mã lịch hẹn", "Appointment code"),
    "kiosk.appt_submit": ("Xác nhận", "Confirm"),
    "kiosk.appt_not_found": (
        "Không tìm thấy lịch hẹn với mã này. Vui lòng kiểm tra lại mã hoặc hỏi cán bộ.",
        "No appointment has this code. Please check the code or ask the staff.",
    ),
    "kiosk.wait_moment": ("Vui lòng chờ giây lát", "Please wait a moment"),
    "kiosk.net_failed": (
        "Chưa lấy được số vì mất kết nối. Vui lòng thử lại hoặc báo cán bộ.",
        "Could not get a number: the connection was lost. Please try again or tell the staff.",
    ),
    "kiosk.closed": ("Chưa đến giờ tiếp nhận", "Not open now"),
    "kiosk.opens_at": ("Mở lúc {t}", "Opens at {t}"),
    "kiosk.office_closed": (
        "Hiện ngoài giờ tiếp nhận. Giờ mở cửa tiếp theo: {t}",
        "Outside opening hours. Next opening: {t}",
    ),
    "kiosk.office_closed_plain": ("Hiện ngoài giờ tiếp nhận.", "Outside opening hours."),
    "kiosk.procedures_count": ("{n} thủ tục", "{n} procedures"),
    "kiosk.printer": ("Máy in: {s}", "Printer: {s}"),
    "kiosk.printer_ok": ("sẵn sàng", "ready"),
    "kiosk.printer_offline": ("mất kết nối", "offline"),
    "kiosk.printer_paper_out": ("hết giấy", "out of paper"),
    "kiosk.printer_error": ("lỗi", "error"),
    "kiosk.printer_unknown": ("đang kiểm tra", "checking"),
    "kiosk.printer_missing": ("chưa cấu hình", "not configured"),
    "kiosk.paper_near_end": ("sắp hết giấy", "paper low"),
    "kiosk.hotline": ("Đường dây nóng:", "Hotline:"),
    "kiosk.key_space": ("Dấu cách", "Space"),
    "kiosk.key_delete": ("⌫ Xóa", "⌫ Delete"),
    "kiosk.key_clear": ("Xóa hết", "Clear"),
    # the citizen's ticket status page (/t/<token>)
    "kiosk.status_title": ("Số thứ tự {number}", "Ticket {number}"),
    "kiosk.status_go_to": ("Mời bạn đến", "Please go to"),
    "kiosk.status_moved_to": ("Hồ sơ của bạn được chuyển sang", "Your case has been moved to"),
    "kiosk.status_wait_moved": (
        "Vui lòng chờ quầy này gọi số của bạn.",
        "Please wait for this counter to call your number.",
    ),
    "kiosk.status_minutes": ("phút", "min"),
    "kiosk.status_state": ("Trạng thái:", "Status:"),
    "kiosk.status_issued_at": ("Giờ lấy số:", "Issued at:"),
    "kiosk.status_updates_itself": (
        "Trang tự cập nhật, không cần tải lại.",
        "This page updates by itself; no need to reload.",
    ),
    "kiosk.status_offline": (
        "Mất kết nối, đang thử lại… Số của bạn vẫn được giữ.",
        "Connection lost, retrying… Your place is kept.",
    ),
    "kiosk.rate_thanks": ("Cảm ơn ông/bà đã đánh giá!", "Thank you for your rating!"),
    "kiosk.rate_why": ("Xin cho biết lý do", "Please tell us why"),
    "kiosk.rate_no_reason": ("Gửi không kèm lý do", "Send without a reason"),
    "kiosk.rate_question": (
        "Ông/bà có hài lòng với việc giải quyết thủ tục?",
        "How satisfied are you with the service?",
    ),
    "kiosk.rate_anonymous": ("Đánh giá ẩn danh, chỉ một lần cho mỗi lượt.", "Anonymous, once per visit."),
    "kiosk.rate_already": ("Ông/bà đã đánh giá lượt phục vụ này. Xin cảm ơn!", "This visit has been rated. Thank you!"),
    "kiosk.missing_title": ("Không tìm thấy vé", "Ticket not found"),
    "kiosk.missing_text": (
        "Mã trên vé không đúng hoặc vé đã quá cũ. Vui lòng hỏi cán bộ tại quầy.",
        "The code on the ticket is wrong or the ticket is too old. Please ask at a counter.",
    ),
    "kiosk.unregistered_title": ("Ki-ốt này chưa được đăng ký", "This kiosk is not registered"),
    "kiosk.unregistered_text": (
        "Địa chỉ của ki-ốt cần có mã thiết bị hợp lệ. Vui lòng báo cán bộ quản trị ghép nối lại ki-ốt "
        "trong trang Thiết bị.",
        "The kiosk's address needs a valid device link. Please ask the administrator to pair the kiosk "
        "again on the Devices page.",
    ),
}
