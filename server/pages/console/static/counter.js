// The counter console: sign in, take a counter, call and serve citizens, run the "4 tại chỗ" steps
// against their targets, record the outcome. Live through the WebSocket; usable from the keyboard
// and a USB number pad (digits + Enter call a number; + * - / . Enter are the main actions).
import { LiveClient } from "/static/live.js";
import {
  $, bindLangButton, call, connBanner, duration, el, lang, levelFor, message, notify, onLang, serverClock,
  say, session, setLang, showOnly, signIn, signOut, t, TEXTS, worse,
} from "./common.js";
import { stepActions } from "./steps-view.js";

const PAGES = ["login", "choose", "console", "taken"];
// The outcomes a counter may choose, from the catalogue's label table (the day's roll-over closes with its own).
const OUTCOMES = Object.keys(TEXTS).filter((k) => k.startsWith("outcome.") && k !== "outcome.closed_at_end_of_day")
  .map((k) => k.slice("outcome.".length));

const state = { counterId: null, counters: [], tickets: new Map(), procedures: new Map(), steps: null, busy: false, taken: null };
let live = null;

const procName = (id) => { const p = state.procedures.get(id); return p ? t(p.name_vi, p.name_en) : `#${id}`; };
const myCounter = () => state.counters.find((c) => c.id === state.counterId);
const current = () => [...state.tickets.values()].find((x) => x.counter_id === state.counterId && (x.status === "called" || x.status === "serving"));

function mayTake(ticket, counter) {
  if (ticket.status !== "waiting" || !counter) return false;
  if (ticket.target_counter_id !== null && ticket.target_counter_id !== undefined) return ticket.target_counter_id === counter.id;
  return counter.field_ids.includes(ticket.field_id) || counter.procedure_ids.includes(ticket.procedure_id);
}

// ---------- running an action: one at a time, errors shown as the server words them ----------
async function act(fn, okText) {
  if (state.busy) return null;
  state.busy = true;
  document.body.classList.add("busy");
  try {
    const result = await fn();
    if (okText) notify(typeof okText === "function" ? okText(result) : okText, "ok");
    return result;
  } catch (err) {
    if (!leftOnRefusal(err)) notify(message(err), "error");
    return null;
  } finally {
    state.busy = false;
    document.body.classList.remove("busy");
  }
}

const base = () => `/api/counters/${state.counterId}`;
const onTicket = (path) => { const c = current(); return c ? call(`${base()}/tickets/${c.id}/${path}`, { method: "POST" }) : Promise.reject(new Error(say("no_ticket_at_counter"))); };

async function callNext() {
  const r = await act(() => call(`${base()}/call-next`, { method: "POST" }));
  if (!r) return;
  if (r.ticket) { applyTicket(r.ticket); notify(say("called_number", { number: r.ticket.number }), "ok"); }
  else notify(t(r.message, r.message_en), "info");
}

async function callNumber(number) {
  const r = await act(() => call(`${base()}/call`, { method: "POST", body: { number } }));
  if (r) { applyTicket(r.ticket); $("call-number").value = ""; notify(say("called_number", { number: r.ticket.number }), "ok"); }
}

async function ticketAction(path, okVi, okEn) {
  const r = await act(() => onTicket(path));
  if (r) { applyTicket(r); notify(t(okVi, okEn), "ok"); }
}

async function reprint() {
  const c = current();
  if (!c) { notify(say("no_ticket_at_counter"), "error"); return; }
  try {
    await call(`/api/tickets/${c.id}/reprint`, { method: "POST" });
    notify(say("reprint_sent", { number: c.number }), "ok");
  } catch (err) {
    if (err.status === 404 && err.code !== "ticket_not_found") {
      notify(say("reprint_unavailable"), "error");
    } else notify(message(err), "error");
  }
}

// ---------- transfer dialog: to another counter (listCounters) or procedure (listProcedures) ----------
function openTransfer() {
  const c = current();
  if (!c) { notify(say("no_ticket_at_counter"), "error"); return; }
  const counters = $("transfer-counter");
  counters.replaceChildren(el("option", { value: "", text: say("keep_as_is") }),
    ...state.counters.filter((x) => x.id !== state.counterId && x.active)
      .map((x) => el("option", { value: String(x.id), text: t(x.name_vi, x.name_en) })));
  const procs = $("transfer-procedure");
  procs.replaceChildren(el("option", { value: "", text: say("keep_as_is") }),
    ...[...state.procedures.values()].filter((p) => p.id !== c.procedure_id)
      .map((p) => el("option", { value: String(p.id), text: t(p.name_vi, p.name_en) })));
  $("transfer-error").textContent = "";
  $("transfer-dialog").showModal();
  counters.focus();
}

async function submitTransfer(ev) {
  ev.preventDefault();
  const body = {};
  if ($("transfer-counter").value) body.to_counter_id = Number($("transfer-counter").value);
  if ($("transfer-procedure").value) body.to_procedure_id = Number($("transfer-procedure").value);
  try {
    const c = current();
    const r = await call(`${base()}/tickets/${c.id}/transfer`, { method: "POST", body });
    applyTicket(r);
    $("transfer-dialog").close();
    notify(say("transferred_ok", { number: r.number }), "ok");
  } catch (err) {
    if (!leftOnRefusal(err)) $("transfer-error").textContent = message(err);
  }
}

// ---------- this console's right at the counter has ended ----------
// A leader took the counter over or released it, or the sign-in lapsed after an idle time. The server refuses
// the old holder at once; the console says why and stops offering actions. It learns it from the live
// sign-in/sign-out event, from a snapshot after a reconnect, or from a refused action.
const myUser = () => (session.get() || {}).user || {};

function takenOver(counter, by) { leaveCounter({ kind: "taken_over", counter, by }); }

// A refused action that means this console no longer holds its counter; true when it left the counter.
function leftOnRefusal(err) {
  if (err.code === "counter_taken_over") { checkHolder(true); return true; }
  if (["counter_released", "counter_lapsed", "not_signed_in_counter"].includes(err.code)) {
    leaveCounter({ kind: "refused", counter: myCounter(), err });
    return true;
  }
  return false;
}

function leaveCounter(why) {
  if (state.taken) return;
  state.taken = why;
  if (live) { live.stop(); live = null; }
  if ($("transfer-dialog").open) $("transfer-dialog").close();
  state.counterId = null;
  state.tickets = new Map();
  state.steps = null;
  session.set({ ...session.get(), counter_id: null });
  $("who-counter").classList.add("hidden");
  renderTaken();
  showOnly("taken", PAGES);
  $("taken-choose").focus();
}

function renderTaken() {
  const k = state.taken;
  if (!k) return;
  const where = k.counter ? t(k.counter.name_vi, k.counter.name_en) : say("this_counter");
  const title = $("taken-title"), help = $("taken-help");
  const own = (node) => node.dataset[lang] || node.dataset.vi; // the template's takeover wording
  title.textContent = k.kind === "taken_over" ? own(title) : say(k.kind === "refused" ? "ended_title" : `${k.kind}_title`);
  help.textContent = k.kind === "taken_over" ? own(help) : say("ended_help");
  let text;
  if (k.kind === "taken_over") {
    const by = k.by || say("someone_else");
    text = say("taken_over_text", { by, counter: where });
  } else if (k.kind === "released") text = say("released_text", { by: k.by || "?", counter: where });
  else if (k.kind === "lapsed") text = say("lapsed_text", { counter: where, minutes: k.minutes });
  else if (k.kind === "refused") text = message(k.err);
  else text = say("ended_text", { counter: where });
  $("taken-text").textContent = text;
}

function holderIsSomeoneElse(counter) {
  return !!(counter && counter.signed_in_user && counter.signed_in_user !== myUser().id);
}

// Ask the server who holds this console's counter now. `refused`: an action was just refused because the
// counter was taken over, so the console leaves it even if it cannot say by whom.
async function checkHolder(refused = false) {
  if (state.counterId === null || state.taken) return;
  const mine = myCounter();
  try {
    const { counters } = await call("/api/counters");
    const now = counters.find((c) => c.id === state.counterId);
    if (holderIsSomeoneElse(now)) { takenOver(now, now.staff_name); return; }
  } catch (err) { /* the refusal alone is enough to leave the counter */ }
  if (refused) takenOver(mine, null);
}

function chooseAgain() {
  state.taken = null;
  chooseCounter().catch((err) => notify(message(err), "error"));
}

// ---------- outcome form ----------
function buildOutcomes() {
  const box = $("outcomes");
  const chosen = box.querySelector("input:checked");
  box.replaceChildren(...OUTCOMES.map((code) => el("label", { class: "radio" },
    el("input", { type: "radio", name: "outcome", value: code, checked: chosen && chosen.value === code, onchange: syncReceipt }),
    el("span", { text: say(`outcome.${code}`) }))));
  syncReceipt();
}
function syncReceipt() {
  const chosen = $("outcomes").querySelector("input:checked");
  $("receipt-row").classList.toggle("hidden", !chosen || chosen.value !== "dossier_received");
}

async function finish(ev) {
  if (ev) ev.preventDefault();
  const chosen = $("outcomes").querySelector("input:checked");
  if (!chosen) { notify(say("choose_outcome"), "error"); return; }
  const body = { outcome: chosen.value, wrote_forms: $("wrote-forms").checked };
  if (chosen.value === "dossier_received") body.receipt_no = $("receipt").value;
  const c = current();
  const r = await act(() => call(`${base()}/tickets/${c.id}/finish`, { method: "POST", body }));
  if (r) {
    applyTicket(r);
    $("finish-form").reset();
    buildOutcomes();
    notify(say("finished_rate", { number: r.number }), "ok");
  }
}

// ---------- steps ----------
async function loadSteps() {
  const c = current();
  if (!c || c.status !== "serving") { state.steps = null; renderSteps(); return; }
  try {
    const s = await call(`/api/tickets/${c.id}/steps`);
    serverClock.sync(s.now);
    if (current() && current().id === s.ticket_id) state.steps = s;
  } catch (err) { notify(message(err), "error"); }
  renderSteps();
}

async function stepAction(step, action) {
  const c = current();
  const r = await act(() => call(`${base()}/tickets/${c.id}/steps/${step}/${action}`, { method: "POST" }));
  if (r) await loadSteps();
}

function renderSteps() {
  const box = $("steps-box");
  const s = state.steps;
  box.classList.toggle("hidden", !s || !s.steps.length);
  if (!s) return;
  const actions = stepActions(s.steps);
  $("steps").replaceChildren(...s.steps.map((row, i) => {
    const a = actions[row.step];
    const button = a ? el("button", { type: "button", class: a.primary ? "primary small" : "small", disabled: a.disabled,
      dataset: { step: row.step, action: a.action || "" }, onclick: () => a.action && stepAction(row.step, a.action), text: say(a.text) }) : null;
    return el("li", { class: `step ${row.state}`, dataset: { step: row.step, started: row.started_at ?? "", ended: row.ended_at ?? "", target: row.target_min, level: row.level } },
      el("span", { class: "step-no", text: String(i + 1) }),
      el("span", { class: "step-name", text: t(row.label_vi, row.label_en) }),
      el("span", { class: "step-target", text: say("step_target", { minutes: row.target_min }) }),
      el("span", { class: "step-timer", text: "" }),
      el("span", { class: "step-who", text: row.ended_by || row.started_by || "" }),
      button);
  }));
  tick();
}

// ---------- rendering ----------
function applyTicket(view) {
  if (!view || !view.id) return;
  const before = current();
  if (["waiting", "called", "serving"].includes(view.status)) state.tickets.set(view.id, view);
  else state.tickets.delete(view.id);
  const after = current();
  render();
  if ((after && (!before || before.id !== after.id || before.status !== after.status)) || (!after && before)) loadSteps();
}

function render() {
  const c = current();
  $("current").classList.toggle("hidden", !c);
  $("current-empty").classList.toggle("hidden", !!c);
  $("finish-form").classList.toggle("hidden", !c || c.status !== "serving");
  for (const id of ["btn-recall", "btn-noshow", "btn-start"]) $(id).disabled = !c || c.status !== "called";
  for (const id of ["btn-transfer", "btn-reprint"]) $(id).disabled = !c;
  $("btn-next").disabled = !!c;
  if (c) {
    $("cur-number").textContent = c.number;
    $("cur-procedure").textContent = procName(c.procedure_id);
    $("cur-state").textContent = say(`state_${c.status}`);
    $("cur-state").className = `state ${c.status}`;
    $("cur-priority").classList.toggle("hidden", !c.priority);
    $("cur-priority").textContent = say("priority");
  }
  const counter = myCounter();
  const waiting = [...state.tickets.values()].filter((x) => mayTake(x, counter)).sort((a, b) => a.arrival_at - b.arrival_at);
  $("queue-count").textContent = String(waiting.length);
  $("queue-empty").classList.toggle("hidden", waiting.length > 0);
  $("queue").replaceChildren(...waiting.map((x) => el("li", { class: x.priority ? "q priority" : "q", dataset: { id: x.id, arrival: x.arrival_at } },
    el("span", { class: "q-number", text: x.number }),
    el("span", { class: "q-proc", text: procName(x.procedure_id) }),
    x.priority ? el("span", { class: "badge priority", text: say("priority") }) : null,
    x.target_counter_id ? el("span", { class: "badge moved", text: say("transferred_badge") }) : null,
    el("span", { class: "q-wait", text: "" }),
    el("button", { type: "button", class: "small", disabled: !!c, text: say("call"), onclick: () => callNumber(x.number) }))));
  tick();
}

function tick() {
  const now = serverClock.now();
  const c = current();
  if (c) {
    const since = c.status === "serving" ? c.served_at : c.called_at;
    $("cur-timer").textContent = since ? duration(now - since) : "";
  }
  for (const li of $("queue").children) li.querySelector(".q-wait").textContent = duration(now - Number(li.dataset.arrival));
  const th = state.steps && state.steps.thresholds;
  for (const li of $("steps").children) {
    const started = Number(li.dataset.started), ended = Number(li.dataset.ended), target = Number(li.dataset.target);
    const timer = li.querySelector(".step-timer");
    if (!li.dataset.started) { timer.textContent = ""; continue; }
    const elapsed = (li.dataset.ended ? ended : now) - started;
    timer.textContent = `${duration(elapsed)} / ${duration(target * 60)}`;
    const level = li.dataset.ended ? "on_time" : worse(li.dataset.level, levelFor(elapsed, target, th));
    li.classList.toggle("amber", level === "amber");
    li.classList.toggle("red", level === "red");
  }
}

// ---------- live ----------
function startLive(token) {
  live = new LiveClient({
    token,
    topics: "office",
    onStatus(st) { connBanner(st); $("live-dot").className = `live-dot ${st}`; },
    onSnapshot(s) {
      serverClock.sync(s.now);
      state.counters = s.counters;
      if (holderIsSomeoneElse(myCounter())) { takenOver(myCounter(), myCounter().staff_name); return; }
      if (myCounter() && !myCounter().signed_in_user) { leaveCounter({ kind: "ended", counter: myCounter() }); return; }
      state.tickets = new Map(s.tickets.map((x) => [x.id, x]));
      render();
      loadSteps();
    },
    onEvent(m) {
      serverClock.sync(m.event.at);
      if (m.event.type === "counter.signed_in" && m.event.counter_id === state.counterId) checkHolder();
      const why = m.event.data || {};
      if (m.event.type === "counter.signed_out" && m.event.counter_id === state.counterId && why.reason
          && why.holder === myUser().id) {
        leaveCounter({ kind: why.reason, counter: myCounter(), by: why.released_by, minutes: why.minutes });
        return;
      }
      if (m.ticket) applyTicket(m.ticket);
      const c = current();
      if (m.event.type.startsWith("step.") && c && m.event.ticket_id === c.id) loadSteps();
    },
  });
  live.start();
}

async function openConsole(counterId) {
  state.counterId = counterId;
  const s = session.get();
  session.set({ ...s, counter_id: counterId });
  const [procs, counters] = await Promise.all([call("/api/procedures"), call("/api/counters")]);
  state.procedures = new Map(procs.procedures.map((p) => [p.id, p]));
  state.counters = counters.counters;
  const counter = myCounter();
  $("who-counter").textContent = counter ? t(counter.name_vi, counter.name_en) : "";
  $("who-counter").classList.remove("hidden");
  showOnly("console", PAGES);
  buildOutcomes();
  render();
  startLive(s.token);
  $("btn-next").focus();
}

async function chooseCounter() {
  showOnly("choose", PAGES);
  const { counters } = await call("/api/counters");
  const me = session.get().user;
  $("counter-list").replaceChildren(...counters.filter((c) => c.active).map((c) => {
    const taken = c.signed_in_user && c.signed_in_user !== me.id;
    return el("button", { type: "button", class: taken ? "counter-choice taken" : "counter-choice", dataset: { counter: c.id },
      onclick: async () => {
        try {
          await call(`/api/counters/${c.id}/signin`, { method: "POST", body: {} });
          await openConsole(c.id);
        } catch (err) { $("choose-error").textContent = message(err); }
      } },
    el("strong", { text: t(c.name_vi, c.name_en) }),
    el("span", { text: taken ? say("taken_by", { name: c.staff_name }) : say("counter_free") }));
  }));
}

async function afterSignIn(s) {
  $("who-name").textContent = s.user.display_name;
  $("signout").classList.remove("hidden");
  const me = await call("/api/me");
  if (me.counter_id) await openConsole(me.counter_id);
  else await chooseCounter();
}

// ---------- keyboard and USB number pad ----------
const KEYS = {
  F2: callNext, NumpadAdd: callNext,
  F3: () => ticketAction("recall", "Đã gọi lại.", "Recalled."), NumpadMultiply: () => ticketAction("recall", "Đã gọi lại.", "Recalled."),
  F4: () => ticketAction("no-show", "Đã đánh dấu vắng mặt.", "Marked as no-show."), NumpadSubtract: () => ticketAction("no-show", "Đã đánh dấu vắng mặt.", "Marked as no-show."),
  F6: () => ticketAction("start", "Bắt đầu phục vụ.", "Service started."),
  F7: () => { const b = $("steps").querySelector("button:not([disabled])"); if (b) b.click(); },
  NumpadDecimal: () => { const b = $("steps").querySelector("button:not([disabled])"); if (b) b.click(); },
  F8: openTransfer, NumpadDivide: openTransfer,
  F9: reprint, F10: finish,
};

function onKey(ev) {
  if ($("console").classList.contains("hidden") || $("transfer-dialog").open) return;
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (/^Numpad[0-9]$/.test(ev.code) && !typing) {
    ev.preventDefault();
    $("call-number").value += ev.code.slice(6);
    return;
  }
  if (ev.code === "NumpadEnter" && !typing) {
    ev.preventDefault();
    const number = $("call-number").value.trim();
    if (number) callNumber(number);
    else ticketAction("start", "Bắt đầu phục vụ.", "Service started.");
    return;
  }
  const fn = KEYS[ev.code] || KEYS[ev.key];
  if (!fn || (typing && !ev.key.startsWith("F"))) return;
  ev.preventDefault();
  fn();
}

function wire() {
  $("btn-next").addEventListener("click", callNext);
  $("btn-recall").addEventListener("click", KEYS.F3);
  $("btn-noshow").addEventListener("click", KEYS.F4);
  $("btn-start").addEventListener("click", KEYS.F6);
  $("btn-transfer").addEventListener("click", openTransfer);
  $("btn-reprint").addEventListener("click", reprint);
  $("btn-call-number").addEventListener("click", () => { const n = $("call-number").value.trim(); if (n) callNumber(n); });
  $("call-number").addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); $("btn-call-number").click(); } });
  $("finish-form").addEventListener("submit", finish);
  $("transfer-form").addEventListener("submit", submitTransfer);
  $("transfer-cancel").addEventListener("click", () => $("transfer-dialog").close());
  $("signout").addEventListener("click", signOut);
  $("taken-choose").addEventListener("click", chooseAgain);
  document.addEventListener("keydown", onKey);
  onLang(() => { buildOutcomes(); render(); renderSteps(); renderTaken(); });
  setInterval(tick, 1000);
}

async function main() {
  setLang(lang);
  bindLangButton($("lang"));
  wire();
  signIn(["staff", "leader", "admin"], (s) => afterSignIn(s).catch((err) => notify(message(err), "error")));
  const s = session.get();
  if (!s) { showOnly("login", PAGES); $("username").focus(); return; }
  try { await afterSignIn(s); } catch (err) { session.clear(); showOnly("login", PAGES); }
}

main();
