// A citizen's ticket page: the server renders it complete; this keeps it live.
// It listens to the public live feed of its own field only (no token: the public view, no personal data) and,
// on a snapshot or an event that can move this ticket, re-fetches GET /api/public/tickets/{token}, at most
// once per THROTTLE_MS. Every update is announced as a "motcua:ticket-status" event for the rating form.
import { LiveClient, api } from "/static/live.js";

const THROTTLE_MS = 1500;
const body = document.body;
const token = body.dataset.token;
const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("motcua-lang") === "en" ? "en" : "vi";
let last = null;
let lastFetch = 0;
let pending = null;

function applyLang() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-vi]")) el.textContent = el.dataset[lang] || el.dataset.vi;
  $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt";
  $("conn-banner").textContent = lang === "vi"
    ? "Mất kết nối, đang thử lại… Số của bạn vẫn được giữ."
    : "Connection lost, retrying… Your place is kept.";
}

function render(s) {
  last = s;
  $("number").textContent = s.number;
  setPair($("procedure"), s.procedure_vi || "", s.procedure_en || s.procedure_vi || "");
  setPair($("state"), s.status_label_vi, s.status_label_en);
  $("position").textContent = String(s.position);
  $("wait").textContent = String(s.estimated_wait_min);
  $("waiting").classList.toggle("hidden", s.status !== "waiting");
  const called = Boolean(s.counter);
  $("called").classList.toggle("hidden", !called);
  if (called) setPair($("counter"), s.counter.name_vi, s.counter.name_en);
  $("rating-slot").classList.toggle("hidden", !s.done);
  body.dataset.status = s.status;
  document.dispatchEvent(new CustomEvent("motcua:ticket-status", { detail: s }));
}

function setPair(el, vi, en) {
  el.dataset.vi = vi;
  el.dataset.en = en;
  el.textContent = lang === "en" ? en : vi;
}

async function refresh() {
  pending = null;
  lastFetch = Date.now();
  try {
    render(await api(`/api/public/tickets/${encodeURIComponent(token)}`, { lang }));
  } catch (err) {
    if (!err.status) later(); // network: try again; a 404 (ticket purged) keeps the last known view
  }
}

function later() {
  if (pending) return;
  const wait = Math.max(0, THROTTLE_MS - (Date.now() - lastFetch));
  pending = setTimeout(refresh, wait);
}

function relevant(msg) {
  // Any change in this field can move the position; calls and finishes of this number change its state.
  const t = msg.ticket || {};
  return !last || t.number === last.number || String(t.field_id) === body.dataset.field;
}

$("lang").addEventListener("click", () => {
  lang = lang === "vi" ? "en" : "vi";
  localStorage.setItem("motcua-lang", lang);
  applyLang();
});
applyLang();

const live = new LiveClient({
  topics: `field:${body.dataset.field}`,
  maxDelay: 5000,
  onSnapshot: () => later(),
  onEvent: (msg) => { if (relevant(msg)) later(); },
  onStatus: (status) => {
    if (status !== "connecting") $("conn-banner").classList.toggle("hidden", status === "online");
  },
});
live.start();
