// The rating form on a citizen's phone, for the ticket status page `/t/<token>`.
// Include it with  <script type="module" src="/console-static/rate-phone.js"></script>
// It fills `#rating-slot` (or adds its own section at the end of <main>), shows the four marks when the
// ticket is done and not yet rated, asks a reason for a low mark and sends POST /api/ratings with the
// status token. It listens for the status page's "motcua:ticket-status" events, and also polls gently.
import { el, TEXTS } from "./common.js";
import { LOW_SCORE, REASONS, SCORES, sendRating } from "./rating-core.js";

const FACES = new URL("./faces/", import.meta.url);
const token = decodeURIComponent(location.pathname.split("/")[2] || "");
const lang = () => (localStorage.getItem("motcua-lang") === "en" ? "en" : "vi");
const pair = (vi, en) => ({ "data-vi": vi, "data-en": en, text: lang() === "en" ? en : vi });
// A sentence of the status page's catalogue block (server/messages/kiosk.py, "kiosk.rate_*"), both languages.
const words = (key) => pair(...(TEXTS[key] || [key, key]));

function slot() {
  let box = document.getElementById("rating-slot");
  if (!box) {
    box = el("section", { id: "rating-slot", class: "rating-slot" });
    (document.querySelector("main") || document.body).append(box);
  }
  box.classList.add("rate-phone");
  return box;
}

function css() {
  if (document.querySelector("link[data-rate-phone]")) return;
  document.head.append(el("link", { rel: "stylesheet", href: new URL("./rate-phone.css", import.meta.url).href, "data-rate-phone": "1" }));
}

let shown = "";
function show(name, build) {
  if (shown === name) return;
  shown = name;
  const box = slot();
  box.classList.remove("hidden");
  box.replaceChildren(...build());
}

function thanks(text) {
  show("thanks", () => [el("p", { class: "rp-thanks", ...text })]);
}

async function send(score, reason) {
  const body = { status_token: token, score };
  if (reason) body.reason = reason;
  try {
    await sendRating(body, { lang: lang() });
    thanks(words("rate_thanks"));
  } catch (err) {
    shown = "";
    show("error", () => [el("p", { class: "rp-error", role: "alert", text: (lang() === "en" && err.messageEn) || err.message })]);
  }
}

function askReason(score) {
  show("reason", () => [
    el("h2", words("rate_why")),
    el("div", { class: "rp-reasons" }, ...REASONS.map(([vi, en]) => el("button", { type: "button", ...pair(vi, en), onclick: () => send(score, vi) }))),
    el("button", { type: "button", class: "rp-skip", ...words("rate_no_reason"), onclick: () => send(score, null) }),
  ]);
}

function askScore() {
  show("ask", () => [
    el("h2", words("rate_question")),
    el("p", { class: "rp-note", ...words("rate_anonymous") }),
    el("div", { class: "rp-faces" }, ...SCORES.map(([score, vi, en]) => el("button", {
      type: "button", class: "rp-face", dataset: { score: String(score) },
      onclick: () => (score <= LOW_SCORE ? askReason(score) : send(score, null)),
    }, el("img", { src: new URL(`score-${score}.svg`, FACES).href, alt: "" }), el("span", pair(vi, en))))),
  ]);
}

let timer = null;
async function check() {
  try {
    const r = await fetch(`/api/public/ratings/${encodeURIComponent(token)}`);
    if (!r.ok) return;
    const s = await r.json();
    if (s.rated) { if (shown !== "thanks") thanks(words("rate_already")); clearInterval(timer); }
    else if (s.can_rate) askScore();
  } catch (err) { /* offline: the next poll tries again */ }
}

if (token) {
  css();
  document.addEventListener("motcua:ticket-status", (ev) => { if (ev.detail && ev.detail.done) check(); });
  check();
  timer = setInterval(check, 20000);
}
