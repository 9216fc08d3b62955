"""The counter console, the leader's page and the rating tablet and phone form."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # shared by the console pages (common.js)
    "console.account_cannot_use": ("Tài khoản này không dùng được trang này.", "This account cannot use this page."),
    "console.offline": ("Mất kết nối tới máy chủ, đang kết nối lại…", "Connection to the server lost, reconnecting…"),
    # the ticket at the counter
    "console.state_called": ("Đã gọi, chờ công dân đến", "Called, waiting for the citizen"),
    "console.state_serving": ("Đang phục vụ", "Being served"),
    # the "4 tại chỗ" step buttons (steps-view.js)
    "console.step_start": ("Bắt đầu", "Start"),
    "console.step_end": ("Hoàn thành", "Done"),
    "console.step_ask_approval": ("Trình phê duyệt", "Ask for approval"),
    "console.step_waiting_leader": ("Chờ lãnh đạo phê duyệt", "Waiting for the leader"),
    # the console after its holder lost the counter (a leader's release, an idle sign-in's lapse)
    "console.released_title": ("Quầy đã được giải phóng", "Counter released"),
    "console.released_text": ("{by} đã giải phóng {counter} và đăng xuất bạn khỏi quầy.",
                              "{by} released {counter} and signed you out of it."),
    "console.lapsed_title": ("Quầy đã tự đăng xuất", "Signed out of the counter"),
    "console.lapsed_text": ("{counter} đã tự đăng xuất sau {minutes} phút không có thao tác nào.",
                            "{counter} signed you out after {minutes} minutes without any action."),
    "console.ended_title": ("Bạn không còn ở quầy này", "You no longer hold this counter"),
    "console.ended_text": ("Bạn đã được đăng xuất khỏi {counter}.", "You were signed out of {counter}."),
    "console.ended_help": (
        "Bạn không còn gọi số hay phục vụ tại quầy này. Công dân đang ở quầy (nếu có) vẫn chờ tại quầy cho người "
        "phụ trách tiếp theo. Hãy chọn lại quầy (có thể chính quầy này) hoặc đăng xuất.",
        "You can no longer call or serve at this counter. A citizen at the counter (if any) stays there for whoever "
        "takes it next. Choose a counter again (this one too) or sign out."),
    # the leader page's counter actions
    "console.leader_actions": ("Thao tác", "Actions"),
    "console.leader_release": ("Giải phóng quầy", "Release counter"),
    "console.leader_takeover": ("Nhận thay", "Take over"),
    "console.leader_open_console": ("Mở bàn làm việc quầy", "Open the counter console"),
    "console.leader_yours": ("Bạn đang phụ trách", "You hold it"),
    "console.confirm_release_title": ("Giải phóng {counter}?", "Release {counter}?"),
    "console.confirm_release_text": (
        "{user} sẽ được đăng xuất khỏi quầy và màn hình của cán bộ sẽ báo lý do. Dùng khi cán bộ đã rời quầy mà "
        "quên đăng xuất.",
        "{user} will be signed out of the counter and their console will say why. Use it when someone left "
        "without signing out."),
    "console.confirm_takeover_title": ("Nhận thay {counter}?", "Take over {counter}?"),
    "console.confirm_takeover_text": (
        "Bạn sẽ phụ trách quầy này thay {user}; màn hình của cán bộ sẽ báo lý do. Sau đó mở bàn làm việc quầy để "
        "gọi số.",
        "You will hold this counter instead of {user}; their console will say why. Then open the counter console "
        "to call numbers."),
    "console.confirm_ticket_here": ("Số {number} đang ở quầy ({state}) và vẫn ở lại quầy.",
                                    "Number {number} is at the counter ({state}) and stays there."),
    "console.confirm_cancel": ("Hủy", "Cancel"),
    "console.released_ok": ("Đã giải phóng {counter}: {user} đã được đăng xuất khỏi quầy.",
                            "{counter} released: {user} was signed out of it."),
    "console.taken_over_ok": ("Bạn đã nhận thay {counter}.", "You took over {counter}."),
    "console.no_ticket_at_counter": ("Chưa có vé nào tại quầy.", "No ticket at the counter."),
    "console.called_number": ("Đã gọi số {number}", "Called {number}"),
    "console.reprint_sent": ("Đã gửi lệnh in lại vé {number}.", "Reprint of {number} sent."),
    "console.reprint_unavailable": (
        "Máy chủ này chưa có chức năng in lại vé (404). Hãy báo quản trị viên.",
        "This server cannot reprint tickets yet (404). Tell the administrator.",
    ),
    "console.keep_as_is": ("— giữ nguyên —", "— keep —"),
    "console.transferred_ok": ("Đã chuyển vé {number}.", "Ticket {number} transferred."),
    "console.this_counter": ("quầy này", "this counter"),
    "console.someone_else": ("Người khác", "Someone else"),
    "console.taken_over_text": ("{by} đã nhận thay {counter}.", "{by} took over {counter}."),
    "console.choose_outcome": ("Cần chọn kết quả giải quyết.", "Choose an outcome."),
    "console.finished_rate": (
        "Đã kết thúc vé {number}. Mời công dân đánh giá trên máy tại quầy.",
        "Ticket {number} finished. The citizen may now rate the service.",
    ),
    "console.step_target": ("mục tiêu {minutes} phút", "target {minutes} min"),
    "console.priority": ("Ưu tiên", "Priority"),
    "console.transferred_badge": ("Chuyển đến", "Transferred"),
    "console.call": ("Gọi", "Call"),
    "console.taken_by": ("Đang do {name} phụ trách", "Taken by {name}"),
    "console.counter_free": ("Còn trống", "Free"),
    "console.approved_ok": ("Đã phê duyệt hồ sơ vé {number}.", "Ticket {number} approved."),
    "console.longest_who": ("số {number} · {procedure}", "no. {number} · {procedure}"),
    "console.counter_closed": ("Chưa mở", "Closed"),
    "console.counter_idle": ("Rảnh", "Free"),
    "console.serving_number": ("Đang phục vụ số {number}", "Serving {number}"),
    "console.counter_n": ("Quầy {number}", "Counter {number}"),
    "console.approve": ("Phê duyệt", "Approve"),
    "console.well_overdue": ("Quá hạn nhiều", "Well overdue"),
    "console.overdue": ("Quá hạn", "Overdue"),
    "console.rate_resets_in": ("Màn hình sẽ trở về sau {seconds} giây.", "This screen resets in {seconds} s."),
    "console.rate_rated": ("Ông/bà đã đánh giá: {label}.", "You rated: {label}."),
    "console.switch_lang": ("English", "Tiếng Việt"),
}
