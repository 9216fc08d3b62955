// What the counter's tablet and the citizen's phone share: the four marks, the reasons asked for a
// low mark, and sending one rating.
import { api } from "/static/live.js";

export const LOW_SCORE = 2; // at or below: ask for a reason (as VNPT iQMS does)
export const SCORES = [
  [4, "Rất hài lòng", "Very satisfied"],
  [3, "Hài lòng", "Satisfied"],
  [2, "Bình thường", "Neutral"],
  [1, "Không hài lòng", "Dissatisfied"],
];
export const REASONS = [
  ["Phải chờ lâu", "Long wait"],
  ["Thái độ phục vụ chưa tốt", "Unfriendly service"],
  ["Hướng dẫn chưa rõ ràng", "Unclear guidance"],
  ["Phải đi lại nhiều lần", "Had to come back several times"],
  ["Thủ tục, giấy tờ phức tạp", "Too much paperwork"],
  ["Lý do khác", "Another reason"],
];

// body: {ticket_id | status_token, score, reason?}; token: the tablet's device token (none on a phone).
export function sendRating(body, { token, lang }) {
  return api("/api/ratings", { method: "POST", body, token, lang });
}
