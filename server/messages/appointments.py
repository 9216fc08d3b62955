"""Bookings: the public booking page, the kiosk's check-in and the admin's list."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # bookings
    "appointment_code_invalid": ("Mã đặt lịch '{given}' không đúng dạng (6 ký tự).",
                                 "Booking code '{given}' is not valid (6 characters)."),
    "appointment_not_found": ("Không tìm thấy lịch hẹn với mã và số điện thoại này.",
                              "No booking with this code and phone number."),
    "appointment_phone_invalid": ("Số điện thoại không hợp lệ (10 hoặc 11 chữ số, bắt đầu bằng 0).",
                                  "Invalid phone number (10 or 11 digits starting with 0)."),
    "appointment_consent_required": ("Cần đồng ý với việc xử lý dữ liệu cá nhân để đặt lịch.",
                                     "Your consent to the processing of personal data is needed to book."),
    "appointment_slot_not_found": ("Không tìm thấy khung giờ {slot}.", "Time slot {slot} not found."),
    "appointment_slot_full": ("Khung giờ này đã đủ người, vui lòng chọn giờ khác.",
                              "This time slot is full: choose another one."),
    "appointment_slot_past": ("Khung giờ này đã qua.", "This time slot has passed."),
    "appointment_slot_closed": ("Văn phòng không làm việc vào giờ này, vui lòng chọn giờ khác.",
                                "The office is closed at this time: choose another slot."),
    "appointment_slot_no_appointments": ("Ngày này là ngày không hẹn, vui lòng chọn ngày khác.",
                                         "This day takes no appointments: choose another day."),
    "appointment_too_many": ("Số điện thoại này đã có {count} lịch hẹn chưa đến hạn.",
                             "This phone number already holds {count} upcoming bookings."),
    "appointment_too_early": ("Chưa đến giờ nhận số: chỉ nhận số trước giờ hẹn tối đa {minutes} phút.",
                              "Too early: check in at most {minutes} minutes before your slot."),
    "appointment_too_late": ("Đã quá giờ hẹn hơn {minutes} phút. Vui lòng lấy số thường.",
                             "More than {minutes} minutes late: please take a normal ticket."),
    "appointment_not_changeable": ("Lịch hẹn đang ở trạng thái {state}, không thể thay đổi.",
                                   "This booking is {state} and cannot be changed."),
    "appointment_already_checked_in": ("Lịch hẹn này đã nhận số {number}.",
                                       "This booking already has ticket {number}."),
}
