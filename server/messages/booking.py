"""The public booking page's words (`/book`); a booking's status and the day chips' weekdays come from the
label tables (appointment_status, weekday_short)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "booking.title": ("Đặt lịch hẹn làm thủ tục hành chính", "Book an appointment"),
    "booking.lang": ("English", "Tiếng Việt"),
    "booking.choose_proc": ("Chọn thủ tục", "Choose the procedure"),
    "booking.no_slots": ("Hiện chưa có lịch trống cho thủ tục này.", "No free time for this procedure yet."),
    "booking.choose_slot": ("Chọn ngày và giờ", "Choose the day and time"),
    "booking.who": ("Thông tin liên hệ", "Your contact"),
    "booking.name": ("Họ và tên", "Full name"),
    "booking.phone": ("Số điện thoại", "Phone number"),
    "booking.submit": ("Đặt lịch", "Book"),
    "booking.hotline": ("Hoặc gọi đường dây nóng:", "Or call the hotline:"),
    "booking.done_title": ("Đặt lịch thành công", "Booked"),
    "booking.your_code": ("Mã đặt lịch của bạn", "Your booking code"),
    "booking.procedure": ("Thủ tục", "Procedure"),
    "booking.when": ("Thời gian", "Time"),
    "booking.how_to": (
        "Đến đúng giờ, nhập mã này (hoặc đưa mã QR) tại ki-ốt để lấy số thứ tự; bạn sẽ được gọi theo giờ hẹn.",
        "Come on time and enter this code (or show the QR) at the kiosk for your ticket: you are called at your time.",
    ),
    "booking.again": ("Đặt lịch khác", "Book another"),
    "booking.manage_title": ("Đã có mã đặt lịch?", "Already booked?"),
    "booking.code": ("Mã đặt lịch", "Booking code"),
    "booking.find": ("Tra cứu", "Look up"),
    "booking.move": ("Đổi sang giờ đã chọn", "Move to the chosen time"),
    "booking.cancel": ("Hủy lịch hẹn", "Cancel the booking"),
    "booking.footer": (
        "Dữ liệu cá nhân được bảo vệ theo Nghị định 13/2023/NĐ-CP.",
        "Personal data is protected under Decree 13/2023/NĐ-CP.",
    ),
    "booking.consent": (
        "Tôi đồng ý để {office} thu thập và xử lý họ tên, số điện thoại của tôi chỉ để đặt và nhắc lịch hẹn, "
        "theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Dữ liệu được xóa sau {days} ngày.",
        "I agree that {office} collects and processes my name and phone number only to book and remind me of this "
        "appointment, under Decree 13/2023/NĐ-CP on personal data protection. The data is erased after {days} days.",
    ),
    "booking.pick_slot": ("Hãy chọn giờ hẹn.", "Choose a time."),
    "booking.left": ("còn {n} chỗ", "{n} left"),
    "booking.full": ("hết chỗ", "full"),
    "booking.offline": ("Không kết nối được máy chủ, vui lòng thử lại.", "Cannot reach the server: please try again."),
}
