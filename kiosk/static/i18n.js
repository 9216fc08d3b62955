// Kiosk texts, Vietnamese first. Elements with data-t="key" get their text from here on every language switch;
// `t(key, params)` fills {placeholders}. Keep sentences short and plain: many users are elderly.

export const TEXTS = {
  offline: ["Mất kết nối với máy chủ. Đang thử kết nối lại… Vui lòng chờ hoặc báo cán bộ.",
    "Connection to the server lost. Retrying… Please wait or tell the staff."],
  switch_lang: ["English", "Tiếng Việt"],
  loading: ["Đang tải…", "Loading…"],
  start_title: ["Xin mời chọn lĩnh vực", "Please choose a field"],
  start_lead: ["Chạm vào lĩnh vực của thủ tục bạn cần làm", "Touch the field of the procedure you need"],
  search_button: ["Tìm thủ tục theo tên", "Find a procedure by name"],
  appt_button: ["Tôi có lịch hẹn", "I have an appointment"],
  back: ["← Quay lại", "← Back"],
  procs_lead: ["Chạm vào thủ tục bạn cần làm", "Touch the procedure you need"],
  search_title: ["Tìm thủ tục", "Find a procedure"],
  search_prompt: ["Gõ vài chữ, không cần dấu (ví dụ: ket hon)", "Type a few letters, no accents needed (e.g. ket hon)"],
  search_empty: ["Không tìm thấy thủ tục. Thử từ khác hoặc hỏi cán bộ hướng dẫn.",
    "No procedure found. Try other words or ask the staff."],
  priority_title: ["Bạn có thuộc nhóm ưu tiên không?", "Do you belong to a priority group?"],
  priority_lead: ["Nếu không, chạm nút xanh:", "If not, touch the green button:"],
  no_priority: ["Không — lấy số thứ tự", "No — get my number"],
  priority_yes: ["Nếu có, chạm vào nhóm của bạn:", "If yes, touch your group:"],
  your_number: ["Số thứ tự của bạn", "Your number"],
  waiting_ahead: ["Người chờ trước bạn", "People ahead of you"],
  estimated_wait: ["Thời gian chờ dự kiến", "Estimated wait"],
  issued_at: ["Giờ lấy số", "Issued at"],
  minutes: ["khoảng {n} phút", "about {n} min"],
  very_soon: ["sắp đến lượt", "very soon"],
  priority_label: ["Ưu tiên: {name}", "Priority: {name}"],
  printing: ["Đang in vé…", "Printing your ticket…"],
  printed: ["Mời bạn nhận vé ở khe bên dưới.", "Please take your ticket from the slot below."],
  print_problem_vi: ["Máy in đang gặp sự cố. Số của bạn là {n} — vui lòng báo cán bộ.",
    "Máy in đang gặp sự cố. Số của bạn là {n} — vui lòng báo cán bộ."],
  print_problem_en: ["The printer has a problem. Your number is {n} — please tell the staff.",
    "The printer has a problem. Your number is {n} — please tell the staff."],
  qr_hint: ["Quét mã để theo dõi lượt của bạn trên điện thoại", "Scan to follow your turn on your phone"],
  done: ["Xong", "Done"],
  appt_title: ["Tôi có lịch hẹn", "I have an appointment"],
  appt_lead: ["Nhập mã lịch hẹn (trong tin nhắn hoặc giấy hẹn)", "Enter your appointment code (from your message or slip)"],
  appt_prompt: ["Mã lịch hẹn", "Appointment code"],
  appt_submit: ["Xác nhận", "Confirm"],
  appt_not_found: ["Không tìm thấy lịch hẹn với mã này. Vui lòng kiểm tra lại mã hoặc hỏi cán bộ.",
    "No appointment has this code. Please check the code or ask the staff."],
  wait_moment: ["Vui lòng chờ giây lát", "Please wait a moment"],
  net_failed: ["Chưa lấy được số vì mất kết nối. Vui lòng thử lại hoặc báo cán bộ.",
    "Could not get a number: the connection was lost. Please try again or tell the staff."],
  closed: ["Chưa đến giờ tiếp nhận", "Not open now"],
  opens_at: ["Mở lúc {t}", "Opens at {t}"],
  office_closed: ["Hiện ngoài giờ tiếp nhận. Giờ mở cửa tiếp theo: {t}", "Outside opening hours. Next opening: {t}"],
  office_closed_plain: ["Hiện ngoài giờ tiếp nhận.", "Outside opening hours."],
  procedures_count: ["{n} thủ tục", "{n} procedures"],
  printer: ["Máy in: {s}", "Printer: {s}"],
  printer_ok: ["sẵn sàng", "ready"],
  printer_offline: ["mất kết nối", "offline"],
  printer_paper_out: ["hết giấy", "out of paper"],
  printer_error: ["lỗi", "error"],
  printer_unknown: ["đang kiểm tra", "checking"],
  printer_missing: ["chưa cấu hình", "not configured"],
  paper_near_end: ["sắp hết giấy", "paper low"],
  hotline: ["Đường dây nóng:", "Hotline:"],
  key_space: ["Dấu cách", "Space"],
  key_delete: ["⌫ Xóa", "⌫ Delete"],
  key_clear: ["Xóa hết", "Clear"],
};

let lang = "vi";

export function setLang(value) {
  lang = value === "en" ? "en" : "vi";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
}

export function getLang() {
  return lang;
}

export function t(key, params = {}) {
  const pair = TEXTS[key];
  if (!pair) return key;
  return pair[lang === "en" ? 1 : 0].replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// A catalogue row's name in the current language (rows carry name_vi and name_en).
export function nameOf(row) {
  return (lang === "en" && row.name_en) || row.name_vi;
}
