// A citizen's ticket page: the server renders it complete; this keeps it live.
// It listens to the public live feed of the fields that can move this ticket only (its own; for a ticket
// transferred to a counter, that counter's: the status says which) with no token (the public view, no personal
// data) and, on a snapshot or an event that can move it, re-fetches GET /api/public/tickets/{token}, at most once
// per THROTTLE_MS. A refused fetch (429 rate limit, 5xx, network) is tried again, after Retry-After when the
// server says it; only a 404 (ticket purged) keeps the last view. Every update is announced as a
// "motcua:ticket-status" event for the rating form.
import { LiveClient, api } from "/static/live.js";

const THROTTLE_MS = 1500;
const RETRY_MAX_MS = 30000;
const body = document.body;
const token = body.dataset.token;
const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("motcua-lang") === "en" ? "en" : "vi";
let last = null;
let lastFetch = 0;
let pending = null;
let failures = 0;
let fields = body.dataset.fields || "";
let live = null;

function applyLang() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-vi]")) el.textContent = el.dataset[lang] || el.dataset.vi;
}

function render(s) {
  last = s;
  $("number").textContent = s.number;
  setPair($("procedure"), s.procedure_vi || "", s.procedure_en || s.procedure_vi || "");
  setPair($("state"), s.status_label_vi, s.status_label_en);
  $("position").textContent = String(s.position);
  $("wait").textContent = String(s.estimated_wait_min);
  $("waiting").classList.toggle("hidden", s.status !== "waiting");
  $("transferred").classList.toggle("hidden", !s.transferred_to);
  if (s.transferred_to) setPair($("transferred-counter"), s.transferred_to.name_vi, s.transferred_to.name_en);
  const called = Boolean(s.counter);
  $("called").classList.toggle("hidden", !called);
  if (called) setPair($("counter"), s.counter.name_vi, s.counter.name_en);
  $("rating-slot").classList.toggle("hidden", !s.done);
  body.dataset.status = s.status;
  document.dispatchEvent(new CustomEvent("motcua:ticket-status", { detail: s }));
  listen((s.watch_fields || []).join(","));
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
    failures = 0;
  } catch (err) {
    if (err.status === 404) return; // the ticket was purged: keep the last known view
    // 429, 5xx or no network: try again, when the server says, else backing off up to RETRY_MAX_MS.
    failures += 1;
    const backoff = Math.min(RETRY_MAX_MS, THROTTLE_MS * 2 ** (failures - 1));
    retryIn(err.retryAfterS ? err.retryAfterS * 1000 : backoff);
  }
}

function retryIn(ms) {
  clearTimeout(pending);
  pending = setTimeout(refresh, Math.max(ms, THROTTLE_MS));
}

function later() {
  if (pending) return;
  const wait = Math.max(0, THROTTLE_MS - (Date.now() - lastFetch));
  pending = setTimeout(refresh, wait);
}

function relevant(msg) {
  // Any change in a watched field can move the position; calls and finishes of this number change its state.
  const t = msg.ticket || {};
  return !last || t.number === last.number || fields.split(",").includes(String(t.field_id));
}

// (Re)subscribe when the fields that can move this ticket change (a transfer to a counter of another field).
function listen(next) {
  if (live && next === fields) return;
  fields = next || fields;
  if (live) live.stop();
  live = new LiveClient({
    topics: fields.split(",").filter(Boolean).map((f) => `field:${f}`).join(",") || "office",
    maxDelay: 5000,
    onSnapshot: () => later(),
    onEvent: (msg) => { if (relevant(msg)) later(); },
    onStatus: (status) => {
      if (status !== "connecting") $("conn-banner").classList.toggle("hidden", status === "online");
    },
  });
  live.start();
}

$("lang").addEventListener("click", () => {
  lang = lang === "vi" ? "en" : "vi";
  localStorage.setItem("motcua-lang", lang);
  applyLang();
});
applyLang();
listen(fields);
