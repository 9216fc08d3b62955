// The public booking page: procedure -> day -> slot -> name, phone, consent -> code + QR; manage by code + phone.
// Text goes in with textContent only (never innerHTML); messages from the server are shown as sent.
// The page's words come from the server's one catalogue (server/messages/booking.py, with the label tables
// appointment_status and weekday_short), carried in <script type="application/json" id="texts">.
const T = JSON.parse(document.getElementById("texts").textContent);
const $ = (id) => document.getElementById(id);
const body = document.body;
const state = { lang: "vi", procedures: [], slots: [], proc: null, day: null, slot: null, found: null, moveTo: null };
const office = document.querySelector(".office").textContent;

function t(key, params = {}) {
  const pair = T[key];
  if (!pair) return key;
  const text = pair[state.lang === "en" ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
}

function applyLang() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  $("consent-text").textContent = t("consent", { office, days: body.dataset.purgeDays });
  renderProcedures();
  renderDays();
  if (state.found) showFound(state.found);
}

function note(el, text) {
  el.textContent = text || "";
  el.classList.toggle("hidden", !text);
}

async function api(path, options = {}) {
  try {
    const headers = { "Content-Type": "application/json", "Accept-Language": state.lang };
    const r = await fetch(path, { headers, credentials: "omit", ...options });
    const data = await r.json();
    if (!r.ok) return { error: data.error.message };
    return { data };
  } catch {
    return { error: t("offline") };
  }
}

const nameOf = (p) => (state.lang === "en" ? p.name_en : p.name_vi);
const hhmm = (iso) => iso.slice(11, 16);
function dayLabel(day) {
  const d = new Date(`${day}T00:00:00`);
  return `${t(`weekday_short.${d.getDay() || 7}`)} ${day.slice(8, 10)}/${day.slice(5, 7)}`;
}
const whenText = (a) => `${hhmm(a.slot_at)}–${hhmm(a.slot_end)} ${dayLabel(a.day)}/${a.day.slice(0, 4)}`;

function chip(label, sub, pressed, disabled, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (sub) {
    const s = document.createElement("small");
    s.textContent = sub;
    b.append(s);
  }
  b.setAttribute("aria-pressed", String(pressed));
  b.disabled = disabled;
  b.addEventListener("click", onClick);
  return b;
}

function renderProcedures() {
  const select = $("proc");
  const ids = [...new Set(state.slots.map((s) => s.procedure_id))];
  const procs = state.procedures.filter((p) => ids.includes(p.id));
  select.replaceChildren(...procs.map((p) => {
    const o = document.createElement("option");
    o.value = p.id;
    o.textContent = nameOf(p);
    return o;
  }));
  if (state.proc && ids.includes(state.proc)) select.value = String(state.proc);
  else state.proc = procs.length ? procs[0].id : null;
  note($("no-slots"), procs.length ? "" : t("no_slots"));
}

function slotsOf(proc) {
  return state.slots.filter((s) => s.procedure_id === proc);
}

function renderDays() {
  const slots = slotsOf(state.proc);
  const days = [...new Set(slots.map((s) => s.day))];
  if (!days.includes(state.day)) state.day = days[0] || null;
  $("days").replaceChildren(...days.map((d) => chip(dayLabel(d), "", d === state.day, false, () => {
    state.day = d;
    state.slot = null;
    renderDays();
  })));
  renderSlots($("slots"), slots.filter((s) => s.day === state.day), "slot");
}

function renderSlots(root, slots, key) {
  root.replaceChildren(...slots.map((s) => chip(`${hhmm(s.start)}–${hhmm(s.end)}`,
    s.free > 0 ? t("left", { n: s.free }) : t("full"), state[key] === s.id, s.free <= 0, () => {
      state[key] = s.id;
      renderSlots(root, slots, key);
    })));
}

async function loadSlots() {
  const [procs, slots] = await Promise.all([api("/api/procedures"), api("/api/appointments/slots?days=21")]);
  state.procedures = procs.data ? procs.data.procedures : [];
  state.slots = slots.data ? slots.data.slots : [];
  applyLang();
}

function showDone(a) {
  $("book").classList.add("hidden");
  $("done").classList.remove("hidden");
  $("done-code").textContent = a.code;
  $("done-qr").src = a.qr_url;
  $("done-proc").textContent = state.lang === "en" ? a.procedure_en : a.procedure_vi;
  $("done-when").textContent = whenText(a);
  $("done-name").textContent = a.name;
  $("done-phone").textContent = a.phone;
}

async function submit(ev) {
  ev.preventDefault();
  if (!state.slot) return note($("book-note"), t("pick_slot"));
  $("submit").disabled = true;
  const res = await api("/api/appointments", { method: "POST", body: JSON.stringify({
    slot_id: state.slot, name: $("name").value, phone: $("phone").value, consent: $("consent").checked }) });
  $("submit").disabled = false;
  if (res.error) return note($("book-note"), res.error);
  note($("book-note"), "");
  showDone(res.data);
  loadSlots();
}

function showFound(a) {
  state.found = a;
  $("found").classList.remove("hidden");
  $("f-code").textContent = a.code;
  $("f-status").textContent = t(`appointment_status.${a.status}`);
  $("f-proc").textContent = state.lang === "en" ? a.procedure_en : a.procedure_vi;
  $("f-when").textContent = whenText(a);
  const open = a.status === "booked";
  $("f-move").classList.toggle("hidden", !open);
  $("f-cancel").classList.toggle("hidden", !open);
  renderSlots($("f-slots"), open ? slotsOf(a.procedure_id).filter((s) => s.start !== a.slot_at) : [], "moveTo");
}

async function find(ev) {
  ev.preventDefault();
  const code = encodeURIComponent($("m-code").value.trim());
  const res = await api(`/api/appointments/${code}?phone=${encodeURIComponent($("m-phone").value)}`);
  if (res.error) {
    $("found").classList.add("hidden");
    return note($("manage-note"), res.error);
  }
  note($("manage-note"), "");
  showFound(res.data);
}

async function change(action) {
  const payload = { phone: $("m-phone").value };
  if (action === "reschedule") {
    if (!state.moveTo) return note($("manage-note"), t("pick_slot"));
    payload.slot_id = state.moveTo;
  }
  const res = await api(`/api/appointments/${state.found.code}/${action}`, { method: "POST",
    body: JSON.stringify(payload) });
  if (res.error) return note($("manage-note"), res.error);
  note($("manage-note"), "");
  state.moveTo = null;
  showFound(res.data);
  loadSlots();
}

$("lang").addEventListener("click", () => {
  state.lang = state.lang === "vi" ? "en" : "vi";
  applyLang();
});
$("proc").addEventListener("change", () => {
  state.proc = Number($("proc").value);
  state.slot = null;
  renderDays();
});
$("form").addEventListener("submit", submit);
$("consent").addEventListener("change", () => note($("book-note"), ""));
$("find").addEventListener("submit", find);
$("f-move").addEventListener("click", () => change("reschedule"));
$("f-cancel").addEventListener("click", () => change("cancel"));
$("again").addEventListener("click", () => {
  $("done").classList.add("hidden");
  $("book").classList.remove("hidden");
  state.slot = null;
  renderDays();
});
$("m-code").value = (body.dataset.code || "").toUpperCase();
loadSlots();
