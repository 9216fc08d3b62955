"""What the admin pages say: forms, the calendar, slogans."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # entities
    "duplicate": ("Đã có {what} '{value}'.", "{what} '{value}' already exists."),
    "in_use": ("Không thể xóa {what}: đang được sử dụng.", "Cannot delete {what}: it is in use."),
    # forms
    "admin_required_field": ("Cần nhập {label}.", "{label} is required."),
    "admin_bad_number": ("{label} phải là một số.", "{label} must be a number."),
    "admin_too_long": ("{label} dài quá {max} ký tự.", "{label} is longer than {max} characters."),
    "admin_bad_choice": ("Giá trị của {label} không có trong danh sách.", "{label}: not one of the choices."),
    "admin_bad_code": ("{label} chỉ gồm chữ không dấu, số, '.', '-' và '_'.",
                       "{label} may hold only letters, digits, '.', '-' and '_'."),
    "admin_last_admin": ("Không thể khóa hoặc hạ quyền quản trị viên cuối cùng.",
                         "The last active admin cannot be deactivated or demoted."),
    "admin_series_range": ("Số đầu phải nhỏ hơn số cuối.", "The first number must be below the last."),
    "admin_series_overlap": ("Dãy số {key} ({start}–{end}) trùng với dãy {other} ({other_start}–{other_end}): hai "
                             "lĩnh vực sẽ phát cùng một số. Hãy chọn khoảng số không trùng, hoặc một tiền tố khác.",
                             "Series {key} ({start}–{end}) overlaps series {other} ({other_start}–{other_end}): two "
                             "fields would issue the same number. Choose a block that does not overlap, or another "
                             "prefix."),
    "admin_not_found": ("Không tìm thấy {what} '{key}'.", "{what} '{key}' not found."),
    # calendar forms
    "admin_form_invalid": ("Chưa lưu: {vi}", "Not saved: {en}"),
    "admin_unknown_codes": ("Không có {what_vi} mã: {codes}.", "No {what_en} with code: {codes}."),
    # the working calendar
    "procedure_not_offered": (
        "Thủ tục {procedure} không tiếp nhận trong phiên này. Lần tiếp nhận tới: {opens}.",
        "{procedure} is not received in this session. Next time it is: {opens}.",
    ),
    "mobile_series_missing": (
        "Chưa có dãy số {series} cho phiên lưu động: số in ra sẽ trùng với số của bộ phận. Hãy thêm dãy số này.",
        "Number series {series} for the mobile session does not exist: numbers would collide with the office's.",
    ),
    "mobile_foreign_ticket": (
        "Vé {number} do máy {origin} cấp, không thuộc phiên lưu động này: máy lưu động chỉ phục vụ vé do chính nó "
        "cấp. Hãy chuẩn bị máy bằng lệnh motcua mobile prepare.",
        "Ticket {number} was issued by {origin}, not by this mobile session: a mobile laptop serves only its own "
        "tickets. Prepare the laptop with motcua mobile prepare.",
    ),
    "calendar_rule_not_found": ("Không tìm thấy quy tắc lịch {rule}.", "Calendar rule {rule} not found."),
    "calendar_invalid": ("Lịch làm việc không hợp lệ: {detail}", "Invalid calendar: {detail}"),
    # slogans
    "slogan_not_found": ("Không tìm thấy khẩu hiệu số {slogan}.", "Slogan {slogan} was not found."),
    "slogan_invalid": ("Lịch phát khẩu hiệu không hợp lệ: {detail}", "The slogan's schedule is not valid: {detail}"),
    # office settings (services/settings.py): why the configuration model refused a value
    "settings_unknown_section": ("Không có nhóm cài đặt {section}.", "There is no settings section {section}."),
    "settings_logo_too_big": ("Biểu trưng lớn quá {max_kb} KB.", "The logo is larger than {max_kb} KB."),
    "settings_logo_type": ("Biểu trưng phải là ảnh PNG hoặc JPEG.", "The logo must be a PNG or JPEG picture."),
    "settings.reason.int_type": ("phải là số nguyên, đã nhập {value!r}", "must be a whole number, got {value!r}"),
    "settings.reason.float_type": ("phải là một số, đã nhập {value!r}", "must be a number, got {value!r}"),
    "settings.reason.bool_type": ("phải là có hoặc không", "must be true or false"),
    "settings.reason.string_type": ("phải là chữ", "must be text"),
    "settings.reason.greater_than_equal": ("phải từ {ge} trở lên, đã nhập {value!r}",
                                           "must be at least {ge}, got {value!r}"),
    "settings.reason.less_than_equal": ("không được lớn hơn {le}, đã nhập {value!r}",
                                        "must be at most {le}, got {value!r}"),
    "settings.reason.greater_than": ("phải lớn hơn {gt}, đã nhập {value!r}", "must be above {gt}, got {value!r}"),
    "settings.reason.less_than": ("phải nhỏ hơn {lt}, đã nhập {value!r}", "must be below {lt}, got {value!r}"),
    "settings.reason.literal_error": ("phải là một trong {expected}, đã nhập {value!r}",
                                      "must be {expected}, got {value!r}"),
    "settings.reason.string_too_long": ("dài quá {max_length} ký tự", "is longer than {max_length} characters"),
    "settings.reason.string_too_short": ("không được để trống", "must not be empty"),
    "settings.reason.missing": ("cần nhập", "is required"),
    "settings.reason.value_error": ("không hợp lệ: {error}", "{error}"),
}
