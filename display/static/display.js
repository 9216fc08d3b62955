// The hall TV: live state from /api/live (snapshot + ordered deltas, reconnect and resync via live.js),
// announcements played strictly one after another, slogans in the ticker. Everything from the server is
// put in the page with textContent: a slogan or a counter name is never HTML. No personal data reaches here:
// ticket views carry numbers, statuses and counters only.
import { LiveClient, api } from "/static/live.js";
// The hall's words from the one catalogue (server/messages/display.py), carried in the page's
// <script type="application/json" id="texts">. The hall is Vietnamese only (index 0): a citizen reads one language.
const TEXTS = JSON.parse(document.getElementById("texts")?.textContent || "{}");
const say = (key, params = {}) => (TEXTS[key] || [key])[0]
  .replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));

const OPEN = new Set(["waiting", "called", "serving"]);
const AT_COUNTER = new Set(["called", "serving"]);
const CALL_EVENTS = new Set(["ticket.call", "ticket.recall"]);
const FLASH_MS = 8000;
const RECENT_ROWS = 3;
const STUCK_AUDIO_MS = 30000;

const body = document.body;
const params = new URLSearchParams(location.search);
const token = params.get("device") || "";
const config = {
  layout: body.dataset.layout,
  counters: new Set((body.dataset.counters || "").split(",").filter(Boolean)),
  floor: body.dataset.floor || "",
  tz: body.dataset.tz || "Asia/Ho_Chi_Minh",
  sound: body.dataset.sound !== "off",
};
const state = { counters: [], fields: [], tickets: new Map(), flashUntil: new Map(), offsetMs: 0 };
// Read by tests and by whoever debugs a TV from its console; survives reconnects, not reloads.
const probe = { loadId: `${Date.now()}-${Math.random().toString(36).slice(2)}`, status: "connecting",
                renders: 0, snapshots: 0, audio: [], slogans: 0 };
window.motcuaDisplay = probe;

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- which counters this screen shows --------------------------------------------------------------
function visibleCounters() {
  return state.counters.filter((c) => {
    if (config.layout === "group") return config.counters.has(String(c.number));
    if (config.layout === "floor") return c.grp === config.floor;
    return c.active;
  });
}

function counterById(id) {
  return state.counters.find((c) => c.id === id);
}

// --- rendering ---------------------------------------------------------------------------------------
function isFlashing(ticketId) {
  const until = state.flashUntil.get(ticketId);
  return until !== undefined && until > Date.now();
}

function render() {
  const shown = visibleCounters();
  const ids = new Set(shown.map((c) => c.id));
  const atCounters = [...state.tickets.values()]
    .filter((t) => AT_COUNTER.has(t.status) && ids.has(t.counter_id))
    .sort((a, b) => (b.called_at || 0) - (a.called_at || 0));
  renderCalling(atCounters);
  renderCounters(shown, atCounters);
  renderWaiting(shown);
  probe.renders += 1;
}

function renderCalling(atCounters) {
  const [latest, ...rest] = atCounters;
  const hero = $("hero");
  $("hero-number").textContent = latest ? latest.number : "—";
  $("hero-counter").textContent = latest ? (counterById(latest.counter_id) || {}).name_vi || "" : "";
  hero.classList.toggle("flash", Boolean(latest && isFlashing(latest.id)));
  hero.dataset.ticket = latest ? latest.id : "";
  const list = $("recent");
  list.replaceChildren(...rest.slice(0, RECENT_ROWS).map((t) => {
    const li = el("li", isFlashing(t.id) ? "flash" : "");
    li.append(el("span", "num", t.number), el("span", "arrow", "→"),
              el("span", "ctr", (counterById(t.counter_id) || {}).name_vi || ""));
    return li;
  }));
}

function renderCounters(shown, atCounters) {
  const grid = $("counters");
  grid.dataset.count = String(shown.length);
  if (config.layout === "hall") body.dataset.density = shown.length <= 8 ? "" : shown.length <= 16 ? "dense" : "crowded";
  grid.replaceChildren(...shown.map((c) => {
    const t = atCounters.find((x) => x.counter_id === c.id);
    const card = el("div", "counter-card" + (t && isFlashing(t.id) ? " flash" : "") + (t ? "" : " idle"));
    card.dataset.counter = String(c.number);
    card.append(el("div", "ctr-name", c.name_vi), el("div", "ctr-number", t ? t.number : "—"));
    if (config.layout !== "hall") {
      const waiting = [...state.tickets.values()].filter((x) => x.status === "waiting" && c.field_ids.includes(x.field_id));
      card.append(el("div", "ctr-waiting", `${waiting.length} ${say("waiting")}`));
    }
    return card;
  }));
  fitCounters(false);
}

// --- every counter on the screen ------------------------------------------------------------------------
// The grid picks its columns and the card's font from the number of counters and the room it has (measured,
// so a long list of fields or a 4:3 screen is taken into account): the largest number size at which every card
// fits, never above the design size. A card is, in units of its number's font size F: the number (line 1.05F),
// the counter's name above it (NAME_SHARE of F, line 1.2; a very long name shrinks, then is cut with "…"),
// on a group's screen a waiting line (0.24F, line 1.2), padding 0.08F x 0.14F, and a 0.4rem border.
const MAX_NUMBER_REM = { hall: 10, group: 19, floor: 19 };
const NAME_SHARE = 0.37;
const MIN_NAME_SHARE = 0.24;
const CARD_PAD = { y: 0.08, x: 0.14 };
const BORDER_REM = 0.4;
const WIDEST_NUMBER = "8888";  // numbers have four digits (blocks 1001-9999); wider ones are measured
const measurer = document.createElement("canvas").getContext("2d");
let fitted = "";

function textEm(text, weight, family) {
  measurer.font = `${weight} 100px ${family}`;
  return measurer.measureText(text).width / 100;
}

// The columns and the number's font size (px) that make n cards of `card` (sizes in F, plus fixed px) fill a
// width x height box best.
function bestGrid(n, width, height, gap, card, maxFont) {
  let best = { cols: 1, rows: Math.max(1, n), font: 0 };
  for (let cols = 1; cols <= Math.max(1, n); cols += 1) {
    const rows = Math.max(1, Math.ceil(n / cols));
    const cellW = (width - (cols - 1) * gap) / cols;
    const cellH = (height - (rows - 1) * gap) / rows;
    const font = Math.min(maxFont, (cellW - card.fixed) / card.width, (cellH - card.fixed) / card.height);
    if (font > best.font * 1.01) best = { cols, rows, font };  // on a tie, fewer columns (wider cards)
  }
  return best;
}

function fitCounters(force) {
  const grid = $("counters");
  const cards = [...grid.querySelectorAll(".counter-card")];
  const width = grid.clientWidth;
  const height = grid.clientHeight;
  if (cards.length === 0 || width === 0 || height === 0) return;
  const numbers = [WIDEST_NUMBER, ...cards.map((c) => c.querySelector(".ctr-number").textContent)];
  const names = cards.map((c) => c.querySelector(".ctr-name").textContent);
  const widest = numbers.reduce((a, b) => (b.length > a.length ? b : a));
  const key = [cards.length, width, height, widest, ...names].join("|");
  if (!force && key === fitted) return;
  fitted = key;
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const family = getComputedStyle(cards[0]).fontFamily;
  const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
  const waitingLine = config.layout === "hall" ? 0 : 0.24 * 1.2;
  const card = {
    width: Math.max(...numbers.map((n) => textEm(n, 800, family))) + 2 * CARD_PAD.x,
    height: 1.05 + NAME_SHARE * 1.2 + waitingLine + 2 * CARD_PAD.y,
    fixed: 2 * BORDER_REM * rem,
  };
  const { cols, rows, font } = bestGrid(cards.length, width, height, gap, card, MAX_NUMBER_REM[config.layout] * rem);
  // The name gets NAME_SHARE of the number's size unless the longest name would not fit its card.
  const room = (width - (cols - 1) * gap) / cols - card.fixed - 2 * CARD_PAD.x * font;
  const nameEm = Math.max(...names.map((n) => textEm(n, 700, family)));
  const nameShare = Math.max(MIN_NAME_SHARE, Math.min(NAME_SHARE, room / (nameEm * font)));
  grid.style.setProperty("--cols", String(cols));
  grid.style.setProperty("--rows", String(rows));
  grid.style.setProperty("--card-font", `${Math.floor(font)}px`);
  grid.style.setProperty("--name-font", `${Math.floor(font * nameShare)}px`);
  probe.grid = { cols, rows, font: Math.floor(font), count: cards.length };
}

new ResizeObserver(() => fitCounters(true)).observe($("counters"));

function renderWaiting(shown) {
  const wanted = new Set(config.layout === "hall" ? state.fields.map((f) => f.id) : shown.flatMap((c) => c.field_ids));
  const counts = new Map();
  for (const t of state.tickets.values()) {
    if (t.status === "waiting") counts.set(t.field_id, (counts.get(t.field_id) || 0) + 1);
  }
  const fields = state.fields.filter((f) => wanted.has(f.id));
  $("waiting").replaceChildren(...fields.map((f) => {
    const chip = el("div", "chip");
    chip.dataset.field = String(f.id);
    chip.append(el("span", "field", f.name_vi), el("span", "count", String(counts.get(f.id) || 0)));
    return chip;
  }));
}

// --- ticker and clock ----------------------------------------------------------------------------------
function setTicker(text) {
  const span = $("ticker-text");
  span.textContent = text;
  span.classList.remove("run");
  void span.offsetWidth; // restart the marquee from the right edge
  span.style.setProperty("--ticker-seconds", `${Math.max(12, Math.round(text.length / 4))}s`);
  if (text) span.classList.add("run");
}

const timeFmt = new Intl.DateTimeFormat("vi-VN", { timeZone: config.tz, hour: "2-digit", minute: "2-digit", hour12: false });
const dateFmt = new Intl.DateTimeFormat("vi-VN", { timeZone: config.tz, weekday: "long", day: "2-digit", month: "2-digit", year: "numeric" });

function tick() {
  const now = new Date(Date.now() + state.offsetMs);
  $("clock-time").textContent = timeFmt.format(now);
  $("clock-date").textContent = dateFmt.format(now);
}

// --- the voice: one audio element, one queue, nothing ever overlaps -------------------------------------
const voice = $("voice");
const queue = [];
let current = null;
let stuckTimer = null;

function logAudio(item, event) {
  probe.audio.push({ src: item.src, number: item.number, recall: item.recall, event, t: performance.now() });
}

function enqueue(msg) {
  if (!config.sound) return;
  if (msg.chime) queue.push({ src: msg.chime, number: msg.number, recall: msg.recall, kind: "chime" });
  queue.push({ src: msg.audio, number: msg.number, recall: msg.recall, kind: "phrase" });
  pump();
}

function pump() {
  if (current || queue.length === 0) return;
  const item = queue.shift();
  current = item;
  voice.src = item.src;
  logAudio(item, "start");
  stuckTimer = setTimeout(() => finish(item, "stuck"), STUCK_AUDIO_MS);
  voice.play().catch(() => finish(item, "blocked"));
}

function finish(item, event) {
  if (current !== item) return;
  clearTimeout(stuckTimer);
  logAudio(item, event);
  current = null;
  pump();
}

voice.addEventListener("playing", () => { if (current) logAudio(current, "playing"); });
voice.addEventListener("ended", () => { if (current) finish(current, "ended"); });
voice.addEventListener("error", () => { if (current) finish(current, "error"); });

// --- live ------------------------------------------------------------------------------------------------
function applyTicket(t) {
  if (!t) return;
  if (OPEN.has(t.status)) state.tickets.set(t.id, t);
  else state.tickets.delete(t.id);
}

// A TV that was away when the admin changed its layout missed the reload message: it asks after a reconnect.
async function checkLayout() {
  try {
    const me = await api("/api/pair", { token });
    if (me.state === "paired" && (me.layout || "") !== (body.dataset.deviceLayout || "")) location.reload();
  } catch (err) { /* offline again: the next snapshot asks */ }
}

async function loadFields() {
  try {
    state.fields = (await api("/api/fields", { token })).fields;
  } catch (err) {
    console.warn("fields not loaded", err);
  }
}

const live = new LiveClient({
  token,
  topics: "office",
  onSnapshot(snap) {
    state.counters = snap.counters;
    state.tickets = new Map(snap.tickets.map((t) => [t.id, t]));
    state.offsetMs = snap.now * 1000 - Date.now();
    probe.snapshots += 1;
    if (probe.snapshots > 1) checkLayout();
    render();
    tick();
    loadFields().then(render);
  },
  onEvent(msg) {
    applyTicket(msg.ticket);
    if (msg.ticket && CALL_EVENTS.has(msg.event.type)) {
      state.flashUntil.set(msg.ticket.id, Date.now() + FLASH_MS);
      setTimeout(render, FLASH_MS + 50);
    }
    render();
  },
  onMessage(msg) {
    if (msg.type === "announcement") {
      const c = counterById(msg.counter_id);
      if (c && visibleCounters().includes(c)) enqueue(msg);
    } else if (msg.type === "slogan") {
      probe.slogans += 1;
      setTicker(msg.text);
    }
  },
  onStatus(status) {
    probe.status = status;
    $("conn").classList.toggle("hidden", status === "online" || (status === "connecting" && !probe.everOffline));
    if (status === "offline") probe.everOffline = true;
    if (status === "online") probe.everOffline = false;
    body.classList.toggle("offline", status === "offline");
  },
});

setTicker($("ticker-text").textContent);
setInterval(tick, 1000);
tick();
live.start();
