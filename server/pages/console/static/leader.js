// The leader's office view: waiting per field, longest wait, each counter's state, dossiers waiting for
// approval (approve from here) and overdue steps, all live.
import { LiveClient } from "/static/live.js";
import {
  $, bindLangButton, call, connBanner, duration, el, lang, levelFor, message, notify, onLang, serverClock,
  say, session, setLang, showOnly, signIn, signOut, t, worse,
} from "./common.js";

const PAGES = ["login", "board"];
const state = { tickets: new Map(), counters: [], fields: [], procedures: new Map(), open: null };
const procName = (id) => { const p = state.procedures.get(id); return p ? t(p.name_vi, p.name_en) : `#${id}`; };
const counterName = (c) => (c ? t(c.name_vi, c.name_en) : "—");

let refreshTimer = null;
function refreshSteps() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      const r = await call("/api/steps/open");
      serverClock.sync(r.now);
      state.open = r;
      render();
    } catch (err) { notify(message(err), "error"); }
  }, 50);
}

async function approve(row) {
  try {
    await call(`/api/tickets/${row.ticket_id}/approve`, { method: "POST" });
    notify(say("approved_ok", { number: row.number }), "ok");
    refreshSteps();
  } catch (err) { notify(message(err), "error"); }
}

function stepLevel(row, now) {
  return worse(row.level, levelFor(now - row.started_at, row.target_min, state.open.thresholds));
}

// ---------- a counter whose holder is gone: release it (they are signed out) or take it over ----------
const me = () => (session.get() || {}).user || {};

function counterActions(c, at) {
  if (!c.signed_in_user) return [];
  if (c.signed_in_user === me().id) {
    return [el("span", { class: "badge", text: say("leader_yours") }), " ",
      el("a", { href: "/counter", class: "small", text: say("leader_open_console") })];
  }
  return [
    el("button", { type: "button", class: "small", dataset: { action: "release" }, text: say("leader_release"), onclick: () => confirmAction("release", c, at) }),
    " ",
    el("button", { type: "button", class: "small", dataset: { action: "takeover" }, text: say("leader_takeover"), onclick: () => confirmAction("takeover", c, at) }),
  ];
}

let pending = null; // { kind, counter } while the confirmation is open
function confirmAction(kind, c, at) {
  pending = { kind, counter: c };
  const where = counterName(c);
  $("confirm-title").textContent = say(`confirm_${kind}_title`, { counter: where });
  $("confirm-text").textContent = say(`confirm_${kind}_text`, { user: c.staff_name || "—" });
  $("confirm-ticket").textContent = at ? say("confirm_ticket_here", { number: at.number, state: say(`state_${at.status}`) }) : "";
  $("confirm-ticket").classList.toggle("hidden", !at);
  $("confirm-ok").textContent = say(kind === "release" ? "leader_release" : "leader_takeover");
  $("confirm-error").textContent = "";
  $("confirm-dialog").showModal();
  $("confirm-cancel").focus();
}

async function confirmed(ev) {
  ev.preventDefault();
  if (!pending) return;
  const { kind, counter } = pending;
  const where = counterName(counter);
  try {
    if (kind === "release") {
      const r = await call(`/api/counters/${counter.id}/release`, { method: "POST" });
      notify(say("released_ok", { counter: where, user: r.released_user }), "ok");
    } else {
      await call(`/api/counters/${counter.id}/signin`, { method: "POST", body: { force: true } });
      notify(say("taken_over_ok", { counter: where }), "ok");
    }
    pending = null;
    $("confirm-dialog").close();
    reloadCounters();
  } catch (err) { $("confirm-error").textContent = message(err); }
}

function render() {
  const now = serverClock.now();
  const waiting = [...state.tickets.values()].filter((x) => x.status === "waiting").sort((a, b) => a.arrival_at - b.arrival_at);
  $("k-waiting").textContent = String(waiting.length);
  $("k-longest").textContent = waiting.length ? duration(now - waiting[0].arrival_at) : "—";
  $("k-longest-who").textContent = waiting.length ? say("longest_who", { number: waiting[0].number, procedure: procName(waiting[0].procedure_id) }) : "";

  $("fields").replaceChildren(...state.fields.map((f) => {
    const mine = waiting.filter((x) => x.field_id === f.id);
    return el("tr", {}, el("td", { text: t(f.name_vi, f.name_en) }), el("td", { class: "num", text: String(mine.length) }),
      el("td", { class: "time", text: mine.length ? duration(now - mine[0].arrival_at) : "—" }));
  }));

  $("counters").replaceChildren(...state.counters.map((c) => {
    const at = [...state.tickets.values()].find((x) => x.counter_id === c.id && (x.status === "called" || x.status === "serving"));
    let label, cls, since = null;
    if (!c.signed_in_user) { label = say("counter_closed"); cls = "closed"; }
    else if (!at) { label = say("counter_idle"); cls = "free"; }
    else if (at.status === "called") { label = say("called_number", { number: at.number }); cls = "called"; since = at.called_at; }
    else { label = say("serving_number", { number: at.number }); cls = "serving"; since = at.served_at; }
    return el("tr", { dataset: { counter: c.id } }, el("td", { text: counterName(c) }), el("td", { text: c.staff_name || "—" }),
      el("td", { class: `counter-state ${cls}`, text: label }), el("td", { class: "time", text: since ? duration(now - since) : "" }),
      el("td", { class: "nowrap" }, ...counterActions(c, at)));
  }));

  const steps = state.open ? state.open.steps : [];
  const approvals = steps.filter((s) => s.step === "approve");
  const overdue = steps.map((s) => ({ ...s, now: stepLevel(s, now) })).filter((s) => s.now !== "on_time");
  $("k-approve").textContent = String(approvals.length);
  $("k-overdue").textContent = String(overdue.length);
  $("approvals-empty").classList.toggle("hidden", approvals.length > 0);
  $("approvals").replaceChildren(...approvals.map((s) => el("tr", { class: stepLevel(s, now), dataset: { ticket: s.ticket_id } },
    el("td", { class: "num", text: s.number }), el("td", { text: t(s.procedure_vi, s.procedure_en) }),
    el("td", { class: "nowrap", text: say("counter_n", { number: s.counter_number }) }), el("td", { text: s.started_by_name || "" }),
    el("td", { class: "time", text: duration(now - s.started_at) }),
    el("td", {}, el("button", { type: "button", class: "primary small", text: say("approve"), onclick: () => approve(s) })))));
  $("overdue-empty").classList.toggle("hidden", overdue.length > 0);
  $("overdue").replaceChildren(...overdue.map((s) => el("tr", { class: s.now, dataset: { ticket: s.ticket_id, step: s.step } },
    el("td", { class: "num", text: s.number }), el("td", { text: t(s.label_vi, s.label_en) }),
    el("td", { class: "nowrap", text: say("counter_n", { number: s.counter_number }) }),
    el("td", {}, el("span", { class: `badge ${s.now}`, text: s.now === "red" ? say("well_overdue") : say("overdue") })),
    el("td", { class: "time", text: `${duration(now - s.started_at)} / ${duration(s.target_min * 60)}` }))));
}

async function reloadCounters() {
  try { state.counters = (await call("/api/counters")).counters; render(); } catch (err) { notify(message(err), "error"); }
}

async function openBoard(s) {
  $("who-name").textContent = s.user.display_name;
  $("signout").classList.remove("hidden");
  const [fields, procs] = await Promise.all([call("/api/fields"), call("/api/procedures")]);
  state.fields = fields.fields;
  state.procedures = new Map(procs.procedures.map((p) => [p.id, p]));
  showOnly("board", PAGES);
  new LiveClient({
    token: s.token,
    topics: "office",
    onStatus(st) { connBanner(st); $("live-dot").className = `live-dot ${st}`; },
    onSnapshot(snap) {
      serverClock.sync(snap.now);
      state.counters = snap.counters;
      state.tickets = new Map(snap.tickets.map((x) => [x.id, x]));
      refreshSteps();
      render();
    },
    onEvent(m) {
      serverClock.sync(m.event.at);
      const type = m.event.type;
      if (m.ticket) {
        if (["waiting", "called", "serving"].includes(m.ticket.status)) state.tickets.set(m.ticket.id, m.ticket);
        else state.tickets.delete(m.ticket.id);
      }
      if (type.startsWith("counter.")) reloadCounters();
      if (type.startsWith("step.") || type === "ticket.finish" || type === "ticket.transfer") refreshSteps();
      render();
    },
  }).start();
  setInterval(() => { if (state.open) render(); }, 1000);
}

async function main() {
  setLang(lang);
  bindLangButton($("lang"));
  onLang(render);
  $("signout").addEventListener("click", signOut);
  $("confirm-form").addEventListener("submit", confirmed);
  $("confirm-cancel").addEventListener("click", () => { pending = null; $("confirm-dialog").close(); });
  signIn(["leader", "admin"], (s) => openBoard(s).catch((err) => notify(message(err), "error")));
  const s = session.get();
  if (!s || !["leader", "admin"].includes(s.user.role)) { showOnly("login", PAGES); $("username").focus(); return; }
  try { await call("/api/me"); await openBoard(s); } catch (err) { session.clear(); showOnly("login", PAGES); }
}

main();
