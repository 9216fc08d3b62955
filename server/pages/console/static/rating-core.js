// What the counter's tablet and the citizen's phone share: the four marks, the reasons asked for a
// low mark, and sending one rating.
import { api } from "/static/live.js";

export const LOW_SCORE = 2; // at or below: ask for a reason (as VNPT iQMS does)
// The marks and reasons are the catalogue's label tables (server/messages/labels.py: score, rating_reason), carried
// in the page's <script type="application/json" id="texts">: [value, vi, en] and [vi, en].
const TEXTS = JSON.parse(document.getElementById("texts")?.textContent || "{}");
export const SCORES = [4, 3, 2, 1].map((score) => [score, ...(TEXTS[`score.${score}`] || [String(score), String(score)])]);
export const REASONS = [];
for (let i = 1; TEXTS[`rating_reason.${i}`]; i += 1) REASONS.push(TEXTS[`rating_reason.${i}`]);

// body: {ticket_id | status_token, score, reason?}; token: the tablet's device token (none on a phone).
export function sendRating(body, { token, lang }) {
  return api("/api/ratings", { method: "POST", body, token, lang });
}
