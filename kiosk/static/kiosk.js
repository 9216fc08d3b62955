// The touch kiosk: field -> procedure (or search) -> priority question -> ticket; or appointment code -> ticket.
// Never shows a browser error: failed requests become plain notices and are retried; a lost server shows a banner
// until the live socket is back. Settings arrive as data attributes on <body> (see kiosk/pages.py).
import { LiveClient, api } from "/static/live.js";
import { setLang, getLang, t, nameOf } from "./i18n.js";
import { Keyboard } from "./keyboard.js";
import { search } from "./search.js";
import { TicketScreen } from "./ticket-screen.js";
import { availability } from "./calendar.js";

const $ = (id) => document.getElementById(id);
const body = document.body;
const cfg = {
  idleS: Number(body.dataset.idleResetS) || 60,
  showS: Number(body.dataset.ticketShowS) || 20,
  cooldownS: Number(body.dataset.cooldownS) || 5,
  printWaitS: Number(body.dataset.printWaitS) || 8,
  lang: body.dataset.lang || "vi",
  printer: body.dataset.printer || "",
  tz: body.dataset.tz || "Asia/Ho_Chi_Minh",
};
const token = new URLSearchParams(location.search).get("device") || "";

const state = {
  screen: "start", fields: [], procedures: [], priorities: [], calendar: null, field: null, proc: null,
  inFlight: false, lockedUntil: 0, lastTouch: Date.now(), socketOnline: true, requestFailed: false,
};
const ticketScreen = new TicketScreen({ printWaitS: cfg.printWaitS, onPrinterState: showPrinterState });

function call(path, options = {}) {
  return api(path, { token, lang: getLang(), ...options });
}

// -- connection -------------------------------------------------------------------------------------------
function setOffline() {
  $("conn-banner").classList.toggle("hidden", state.socketOnline && !state.requestFailed);
  body.classList.toggle("offline", !state.socketOnline || state.requestFailed);
}

async function loadAll() {
  try {
    const [fields, procs, prios] = await Promise.all([
      call("/api/fields"), call("/api/procedures"), call("/api/priority-categories"),
    ]);
    state.fields = fields.fields;
    state.procedures = procs.procedures.filter((p) => p.kiosk_visible !== false);
    state.priorities = prios.categories;
    state.requestFailed = false;
    await loadCalendar();
    call("/api/printers").then((r) => {
      const mine = r.printers.find((p) => p.printer_id === cfg.printer);
      showPrinterState(mine || { status: "missing" });
    }).catch(() => {});
  } catch (err) {
    state.requestFailed = true;
    setTimeout(loadAll, 3000);
  }
  setOffline();
  render();
}

async function loadCalendar() {
  try {
    state.calendar = await call("/api/calendar/now");
  } catch (err) {
    if (err.status === 404) state.calendar = null; // no calendar yet: everything is open
  }
}

// -- screens ------------------------------------------------------------------------------------------------
function go(screen) {
  state.screen = screen;
  for (const el of document.querySelectorAll(".screen")) el.classList.toggle("hidden", el.id !== `screen-${screen}`);
  body.dataset.screen = screen;
  render();
  window.scrollTo(0, 0);
}

function render() {
  const fn = { start: renderStart, procs: renderProcs, search: renderSearch, priority: renderPriority,
    ticket: () => ticketScreen.render(), appt: () => {} }[state.screen];
  fn();
  renderTyped();
  updateIssueButtons();
}

function procsOf(field) {
  return state.procedures.filter((p) => p.field_id === field.id);
}

function renderStart() {
  const box = $("fields");
  box.replaceChildren();
  for (const field of state.fields) {
    const count = procsOf(field).length;
    if (!count) continue;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "field";
    b.dataset.field = field.code;
    const icon = fieldIcon(field);
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = nameOf(field);
    const sub = document.createElement("span");
    sub.className = "sub";
    sub.textContent = t("procedures_count", { n: count });
    b.append(icon, name, sub);
    b.addEventListener("click", () => { state.field = field; go("procs"); });
    box.append(b);
  }
  const note = $("closed-note");
  const cal = state.calendar;
  const closed = cal && cal.open === false;
  note.classList.toggle("hidden", !closed);
  if (closed) {
    const next = cal.opens_at || cal.next_open || null;
    note.textContent = next ? t("office_closed", { t: when(next) }) : t("office_closed_plain");
  }
}

// Our own SVG pictures for the usual fields (kiosks often lack an emoji font); initials for any other field.
const ICONS = new Set(["HT", "CT", "DD", "XH", "KD"]);
function fieldIcon(field) {
  if (ICONS.has(field.code)) {
    const img = document.createElement("img");
    img.className = "icon";
    img.alt = "";
    img.src = new URL(`./icons/${field.code}.svg`, import.meta.url).pathname;
    return img;
  }
  const badge = document.createElement("span");
  badge.className = "icon badge";
  badge.setAttribute("aria-hidden", "true");
  badge.textContent = field.name_vi.split(/[\s-]+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
  return badge;
}

const TIME = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: cfg.tz };

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const hm = d.toLocaleTimeString("vi-VN", TIME);
  const day = (x) => x.toLocaleDateString("en-CA", { timeZone: cfg.tz });
  if (day(new Date()) === day(d)) return hm;
  const locale = getLang() === "en" ? "en-GB" : "vi-VN";
  return `${hm} ${d.toLocaleDateString(locale, { weekday: "long", day: "2-digit", month: "2-digit", timeZone: cfg.tz })}`;
}

function procButton(proc, withField) {
  const open = availability(state.calendar, proc.id);
  const b = document.createElement("button");
  b.type = "button";
  b.className = open.open ? "proc" : "proc closed";
  b.dataset.procedure = String(proc.id);
  b.disabled = !open.open;
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = nameOf(proc);
  const sub = document.createElement("span");
  sub.className = "sub";
  const parts = [];
  if (withField) parts.push(getLang() === "en" ? proc.field_name_en : proc.field_name_vi);
  if (!open.open) parts.push(open.next ? t("opens_at", { t: when(open.next) }) : t("closed"));
  sub.textContent = parts.join(" · ");
  b.append(name, sub);
  b.addEventListener("click", () => { state.proc = proc; state.back = state.screen; go("priority"); });
  return b;
}

function renderProcs() {
  if (!state.field) return;
  $("procs-title").textContent = nameOf(state.field);
  $("procs").replaceChildren(...procsOf(state.field).map((p) => procButton(p, false)));
}

const searchKeys = new Keyboard($("search-keys"), { onChange: () => renderSearch() });
const apptKeys = new Keyboard($("appt-keys"), { onChange: () => renderTyped(), space: false, upper: true, maxLength: 20 });

function renderTyped() {
  const typed = $("search-typed");
  typed.textContent = searchKeys.value || t("search_prompt");
  typed.classList.toggle("placeholder", !searchKeys.value);
  const code = $("appt-typed");
  code.textContent = apptKeys.value || t("appt_prompt");
  code.classList.toggle("placeholder", !apptKeys.value);
}

function renderSearch() {
  renderTyped();
  const found = searchKeys.value.trim() ? search(searchKeys.value, state.procedures).slice(0, 8) : [];
  $("search-results").replaceChildren(...found.map((p) => procButton(p, true)));
  $("search-empty").classList.toggle("hidden", !searchKeys.value.trim() || found.length > 0);
}

function renderPriority() {
  if (!state.proc) return;
  $("chosen-proc").textContent = nameOf(state.proc);
  const box = $("priorities");
  box.replaceChildren();
  for (const cat of state.priorities) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "priority issue";
    b.dataset.priority = cat.code;
    b.textContent = nameOf(cat);
    b.addEventListener("click", () => issue(cat.code));
    box.append(b);
  }
}

// -- issuing ------------------------------------------------------------------------------------------------
function updateIssueButtons() {
  const locked = state.inFlight || Date.now() < state.lockedUntil;
  for (const b of document.querySelectorAll("button.issue")) b.disabled = locked;
  body.classList.toggle("busy", state.inFlight);
}

function note(el, text) {
  el.textContent = text;
  el.classList.toggle("hidden", !text);
}

function failed(err, el) {
  if (err.status === 429) {
    // too many wrong booking codes: the server's sentence sends the citizen to a counter
    note(el, err.code === "checkin_throttled" ? (getLang() === "en" && err.messageEn ? err.messageEn : err.message)
      : t("wait_moment"));
    const waitMs = 1000 * Math.min(err.retryAfterS || 3, 10);  // as the server asks, at most 10 s: a citizen may be next
    state.lockedUntil = Date.now() + waitMs;
    setTimeout(updateIssueButtons, waitMs + 100);
  } else if (!err.status) {
    state.requestFailed = true;
    setOffline();
    note(el, t("net_failed"));
  } else {
    note(el, getLang() === "en" && err.messageEn ? err.messageEn : err.message);
  }
}

async function request(path, payload, noteEl) {
  if (state.inFlight || Date.now() < state.lockedUntil) {
    note(noteEl, t("wait_moment"));
    return;
  }
  state.inFlight = true;
  note(noteEl, "");
  updateIssueButtons();
  try {
    const ticket = await call(path, { method: "POST", body: payload });
    state.requestFailed = false;
    setOffline();
    showTicket(ticket.number ? ticket : ticket.ticket || ticket);
  } catch (err) {
    failed(err, noteEl);
    return err;
  } finally {
    state.inFlight = false;
    updateIssueButtons();
  }
  return null;
}

function issue(priority) {
  const payload = { procedure_id: state.proc.id };
  if (priority) payload.priority = priority;
  return request("/api/tickets", payload, $("issue-note"));
}

async function checkIn() {
  const code = apptKeys.value.trim();
  if (!code) return;
  const err = await request("/api/appointments/check-in", { code }, $("appt-note"));
  if (err && err.status === 404) note($("appt-note"), t("appt_not_found"));
}

function showTicket(ticket) {
  const cat = state.priorities.find((c) => c.code === ticket.priority);
  ticket.priority_label = cat ? nameOf(cat) : ticket.priority || "";
  state.lockedUntil = Date.now() + cfg.cooldownS * 1000;
  setTimeout(updateIssueButtons, cfg.cooldownS * 1000 + 100);
  ticketScreen.show(ticket);
  go("ticket");
}

function showPrinterState(printer) {
  const status = printer.status || "unknown";
  const label = t(`printer_${status}`) + (printer.paper_near_end ? ` (${t("paper_near_end")})` : "");
  const line = $("printer-line");
  line.textContent = t("printer", { s: label });
  line.dataset.status = status;
}

// -- idle reset, clock, language ----------------------------------------------------------------------------
function reset() {
  searchKeys.set("");
  apptKeys.set("");
  note($("issue-note"), "");
  note($("appt-note"), "");
  state.field = state.proc = null;
  if (getLang() !== cfg.lang) setLang(cfg.lang);
  loadCalendar().then(() => { if (state.screen === "start") renderStart(); });
  go("start");
}

function tick() {
  const now = new Date();
  $("clock").textContent = now.toLocaleTimeString("vi-VN", TIME);
  const limit = state.screen === "ticket" ? cfg.showS * (ticketScreen.hasProblem ? 2 : 1) : cfg.idleS;
  const idle = Date.now() - state.lastTouch;
  const dirty = state.screen !== "start" || getLang() !== cfg.lang;
  if (dirty && idle > limit * 1000) reset();
}

for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => { state.lastTouch = Date.now(); }, { capture: true });
}
for (const b of document.querySelectorAll("[data-back]")) {
  b.addEventListener("click", () => go(b.dataset.back === "procs" && state.back === "search" ? "search" : b.dataset.back));
}
$("lang").addEventListener("click", () => { setLang(getLang() === "vi" ? "en" : "vi"); render(); });
$("open-search").addEventListener("click", () => go("search"));
$("open-appt").addEventListener("click", () => go("appt"));
$("no-priority").addEventListener("click", () => issue(null));
$("appt-submit").addEventListener("click", checkIn);
$("ticket-done").addEventListener("click", reset);
// A kiosk page must never show a browser error or a stack trace.
window.addEventListener("unhandledrejection", (ev) => ev.preventDefault());
document.addEventListener("contextmenu", (ev) => ev.preventDefault());

setLang(cfg.lang);
go("start");
loadAll();
setInterval(tick, 1000);
tick();
setInterval(() => loadCalendar().then(() => { if (["start", "procs", "search"].includes(state.screen)) render(); }), 60000);

const live = new LiveClient({
  token,
  topics: "printers", // the kiosk needs no ticket events, only pushes (printer states)
  maxDelay: 3000,
  onStatus(status) {
    if (status === "connecting") return;
    state.socketOnline = status === "online";
    if (state.socketOnline && state.requestFailed) loadAll();
    setOffline();
  },
  onMessage(msg) {
    if (msg.type !== "printer") return;
    if (msg.printer && msg.printer.printer_id === cfg.printer) showPrinterState(msg.printer);
    ticketScreen.printerMessage(msg, cfg.printer);
  },
});
live.start();
window.motcuaKiosk = { state, live, cfg };
