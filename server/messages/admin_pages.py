"""The admin pages' own words (the frame, the overview, sign-in and the error pages): Vietnamese on screen, English
behind the language switch. The sentences the admin's decisions answer with are in admin.py."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "admin_page.title": ("Quản trị", "Administration"),
    "admin_page.brand": ("Quản trị hệ thống", "Administration"),
    "admin_page.nav": ("Mục quản trị", "Administration sections"),
    "admin_page.sign_out": ("Đăng xuất", "Sign out"),
    "admin_page.switch_lang": ("English", "Tiếng Việt"),
    "admin_page.saved": ("Đã lưu.", "Saved."),
    "admin_page.overview": ("Tổng quan", "Overview"),
    "admin_page.users": ("Tài khoản", "Staff accounts"),
    "admin_page.devices": ("Thiết bị", "Devices"),
    "admin_page.audit_hint": ("Mọi thay đổi được ghi vào nhật ký kèm người thực hiện và địa chỉ IP.",
                              "Every change is written to the audit log with who did it and from which address."),
    "admin_page.audit_link": ("Xem nhật ký", "Open the audit log"),
    "admin_page.sign_in_title": ("Đăng nhập quản trị", "Admin sign-in"),
    "admin_page.sign_in_tab": ("Đăng nhập", "Sign in"),
    "admin_page.username": ("Tên đăng nhập", "Username"),
    "admin_page.password": ("Mật khẩu", "Password"),
    "admin_page.sign_in": ("Đăng nhập", "Sign in"),
    "admin_page.forbidden": ("Không được phép", "Not allowed"),
    "admin_page.forbidden_text": ("Tài khoản {account} ({role}) không có quyền quản trị.",
                                  "The account {account} ({role}) has no admin rights."),
    "admin_page.sign_in_other": ("Đăng nhập bằng tài khoản khác", "Sign in as someone else"),
    "admin_page.not_found": ("Không tìm thấy", "Not found"),
    "admin_page.not_found_text": ("Mục này không tồn tại hoặc đã bị xóa.", "This item does not exist or was deleted."),
    "admin_page.back_overview": ("Về trang tổng quan", "Back to the overview"),
}
