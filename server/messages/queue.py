"""The queue at the counters: tickets, steps, ratings, the printers and the hall's voice."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # tickets
    "ticket_not_found": ("Không tìm thấy vé {ticket}.", "Ticket {ticket} not found."),
    "procedure_not_found": ("Không tìm thấy thủ tục {procedure}.", "Procedure {procedure} not found."),
    "procedure_inactive": (
        "Thủ tục {procedure} hiện không tiếp nhận.",
        "Procedure {procedure} is not being received now.",
    ),
    "counter_not_found": ("Không tìm thấy quầy {counter}.", "Counter {counter} not found."),
    "counter_inactive": ("Quầy {counter} đang đóng.", "Counter {counter} is closed."),
    "counter_does_not_serve": (
        "Quầy {counter} không phục vụ thủ tục này.",
        "Counter {counter} does not serve this procedure.",
    ),
    "priority_unknown": ("Không có nhóm ưu tiên '{priority}'.", "Unknown priority group '{priority}'."),
    "queue_empty": (
        "Không còn công dân nào đang chờ tại quầy {counter}.",
        "Nobody is waiting for counter {counter}.",
    ),
    "counter_busy": (
        "Quầy {counter} đang phục vụ vé {ticket}. Hãy kết thúc hoặc chuyển vé đó trước.",
        "Counter {counter} is still handling ticket {ticket}: finish or transfer it first.",
    ),
    "bad_transition": (
        "Không thể {action} vé {ticket} khi vé đang ở trạng thái {state}.",
        "Cannot {action_en} ticket {ticket} while it is {state_en}.",
    ),
    "wrong_counter_for_ticket": (
        "Vé {ticket} đang ở quầy {ticket_counter}, không phải quầy {counter}.",
        "Ticket {ticket} is at counter {ticket_counter}, not counter {counter}.",
    ),
    "outcome_required": ("Cần chọn kết quả giải quyết.", "Choose an outcome."),
    "receipt_required": (
        "Cần nhập số biên nhận hồ sơ khi tiếp nhận hồ sơ.",
        "A receipt number is required when a dossier is received.",
    ),
    "transfer_target_required": (
        "Cần chọn quầy hoặc thủ tục để chuyển đến.",
        "Choose a counter or a procedure to transfer to.",
    ),
    "number_block_full": (
        "Dãy số {series} đã hết số trong ngày ({end}). Quản trị viên cần mở rộng dãy số.",
        "Number block {series} is used up for today ({end}): an admin must widen it.",
    ),
    "number_taken": (
        "Chưa cấp được số: số {number} hôm nay đã được một dãy số khác cấp. Vui lòng báo cán bộ; "
        "quản trị viên cần sửa dãy số {series} cho khỏi trùng.",
        "No ticket issued: number {number} was already issued today by another series. Please tell the staff; "
        "an admin must change series {series} so that it does not overlap.",
    ),
    "office_closed": (
        "Bộ phận hiện không làm việc. Mở cửa lại lúc {opens}.",
        "The office is closed now. It opens again at {opens}.",
    ),
    # the "4 tại chỗ" steps
    "step_unknown": ("Thủ tục này không có bước '{step}'. Các bước: {steps}.",
                     "This procedure has no step '{step}'. Its steps: {steps}."),
    "step_definition_bad": ("Cấu hình bước của thủ tục không hợp lệ: {definition}",
                            "The procedure's step definition is invalid: {definition}"),
    "step_already_started": ("Bước {step} đã được bắt đầu.", "Step {step} has already started."),
    "step_previous_not_done": ("Chưa thể bắt đầu bước {step}: bước {previous} chưa hoàn thành.",
                               "Step {step} cannot start yet: step {previous} is not finished."),
    "step_not_started": ("Bước {step} chưa bắt đầu nên chưa thể kết thúc.",
                         "Step {step} has not started, so it cannot end."),
    "step_already_ended": ("Bước {step} đã hoàn thành.", "Step {step} is already finished."),
    "step_approve_leader_only": ("Chỉ lãnh đạo (hoặc quản trị viên) mới được phê duyệt.",
                                 "Only a leader (or an admin) may approve."),
    "step_needs_serving": ("Vé {ticket} chưa được phục vụ: hãy bấm 'Bắt đầu phục vụ' trước.",
                           "Ticket {ticket} is not being served: start service first."),
    "steps_not_done": ("Chưa thể trả kết quả vé {ticket}: còn bước {steps} chưa hoàn thành.",
                       "Cannot return the result of ticket {ticket}: step(s) {steps} not finished."),
    "steps_config_bad": ("Cấu hình [steps] không hợp lệ: {detail}", "Invalid [steps] setting: {detail}"),
    # ratings
    "rating_not_done": ("Vé {ticket} chưa phục vụ xong ({state}), chưa thể đánh giá.",
                        "Ticket {ticket} is not finished yet ({state}); it cannot be rated."),
    "rating_already_given": ("Vé {ticket} đã được đánh giá. Mỗi lượt phục vụ chỉ đánh giá một lần.",
                             "Ticket {ticket} has already been rated: one rating per service."),
    "rating_other_counter": ("Máy đánh giá của quầy {device_counter} không thể đánh giá vé của quầy {counter}.",
                             "Counter {device_counter}'s rating tablet cannot rate a ticket of counter {counter}."),
    "rating_not_latest": ("Máy đánh giá chỉ nhận đánh giá cho vé vừa phục vụ xong tại quầy ({ticket}).",
                          "The tablet only rates the ticket its counter just finished ({ticket})."),
    "rating_token_required": ("Hãy đánh giá từ trang theo dõi vé (mã trên vé).",
                              "Rate from the ticket's status page (the code on the ticket)."),
    "rating_one_of": ("Cần đúng một trong hai: ticket_id hoặc status_token.",
                      "Give exactly one of ticket_id or status_token."),
    # printers
    "printer_not_configured": (
        "Không có máy in {printer}. Hãy kiểm tra mục [[printers]] trong cấu hình.",
        "There is no printer {printer}. Check the [[printers]] tables in the configuration.",
    ),
    "printer_choose": (
        "Hãy chọn máy in để in lại (có {count} máy in).",
        "Choose the printer to reprint on ({count} printers are configured).",
    ),
    # the hall's voice
    "voice_disabled": ("Giọng đọc đang tắt trong cấu hình ([voice] enabled).", "The voice is off ([voice] enabled)."),
    "voice_failed": ("Không tạo được giọng đọc: {detail}", "Speech could not be rendered: {detail}"),
    "ticket_unreadable": ("Số thứ tự '{number}' không đọc được.", "Ticket number '{number}' cannot be read aloud."),
}
