// The rating tablet on a counter: idle until its counter finishes a ticket (ticket.finish on the live
// feed), then four large faces; a low mark asks for a reason; back to idle after ~30 s without a touch.
import { LiveClient } from "/static/live.js";
import { $, bindLangButton, el, lang, onLang, say, setLang, showOnly, t } from "./common.js";
import { LOW_SCORE, REASONS, sendRating } from "./rating-core.js";

const SCREENS = ["idle", "ask", "reason", "thanks"];
const ASK_TIMEOUT_S = 30;
const THANKS_S = 5;
const counter = Number(document.body.dataset.counter);
const device = new URLSearchParams(location.search).get("device") || "";
let pending = null; // {id, number}
let score = null;
let deadline = 0;
let timer = null;

function idle() {
  pending = null;
  score = null;
  clearInterval(timer);
  showOnly("idle", SCREENS);
}

function countdown() {
  const left = Math.ceil((deadline - Date.now()) / 1000);
  if (left <= 0) { idle(); return; }
  $("countdown").textContent = say("rate_resets_in", { seconds: left });
}

function armTimeout() {
  deadline = Date.now() + ASK_TIMEOUT_S * 1000;
  clearInterval(timer);
  timer = setInterval(countdown, 1000);
  countdown();
}

function ask(ticket) {
  pending = ticket;
  $("rate-error").classList.add("hidden");
  $("ask-number").textContent = ticket.number;
  showOnly("ask", SCREENS);
  armTimeout();
}

async function submit(reason) {
  if (!pending) return;
  const body = { ticket_id: pending.id, score };
  if (reason) body.reason = reason;
  try {
    const r = await sendRating(body, { token: device, lang });
    clearInterval(timer);
    $("thanks-text").textContent = say("rate_rated", { label: t(r.label_vi, r.label_en) });
    showOnly("thanks", SCREENS);
    pending = null;
    setTimeout(() => { if (!pending) idle(); }, THANKS_S * 1000);
  } catch (err) {
    $("rate-error").textContent = (lang === "en" && err.messageEn) || err.message;
    $("rate-error").classList.remove("hidden");
    setTimeout(idle, THANKS_S * 1000);
  }
}

function choose(value) {
  score = value;
  if (value <= LOW_SCORE) {
    showOnly("reason", SCREENS);
    armTimeout();
  } else submit(null);
}

function buildReasons() {
  $("reasons").replaceChildren(...REASONS.map(([vi, en]) => el("button", { type: "button", text: t(vi, en), onclick: () => submit(vi) })));
}

async function checkPrompt() {
  try {
    // A tablet paired by code signs in with its cookie: no Authorization header then.
    const r = await fetch("/api/ratings/prompt", { headers: device ? { Authorization: `Bearer ${device}` } : {} });
    const data = await r.json();
    if (r.ok && data.ticket && !pending) ask(data.ticket);
  } catch (err) { /* offline: the live feed will bring the next finish */ }
}

function main() {
  setLang(lang);
  bindLangButton($("lang"));
  buildReasons();
  onLang(buildReasons);
  for (const b of document.querySelectorAll(".face")) b.addEventListener("click", () => choose(Number(b.dataset.score)));
  $("reason-skip").addEventListener("click", () => submit(null));
  new LiveClient({
    token: device,
    topics: `counter:${counter}`,
    onStatus(st) {
      $("conn-banner").textContent = say("offline");
      $("conn-banner").classList.toggle("hidden", st !== "offline");
      if (st === "online") checkPrompt();
    },
    onEvent(m) {
      const e = m.event;
      if (e.type === "ticket.finish" && e.counter_id === counter && m.ticket) ask({ id: m.ticket.id, number: m.ticket.number });
      if (e.type === "rating.given" && pending && e.ticket_id === pending.id) idle();
    },
  }).start();
  document.body.dataset.ready = "1";
}

main();
