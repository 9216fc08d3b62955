// Shared by the counter console, the leader page and the rating tablet: language, the API with the
// bearer token, the server's clock (the office clock may differ from this PC's), DOM helpers, sign-in.
import { api } from "/static/live.js";

export const $ = (id) => document.getElementById(id);

// ---- language: Vietnamese first; the choice is shared with the other motcua pages ----
export let lang = localStorage.getItem("motcua-lang") === "en" ? "en" : "vi";
const langListeners = [];
export function onLang(fn) { langListeners.push(fn); }
export function setLang(next) {
  lang = next;
  localStorage.setItem("motcua-lang", lang);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-vi]")) node.textContent = node.dataset[lang] || node.dataset.vi;
  for (const node of document.querySelectorAll("[data-ph-vi]")) node.placeholder = lang === "en" ? node.dataset.phEn : node.dataset.phVi;
  for (const fn of langListeners) fn(lang);
}
export const t = (vi, en) => (lang === "en" ? en : vi);
// The page's words from the one catalogue (server/messages/console.py and the label tables), carried in
// <script type="application/json" id="texts">: `say(key, params)` in the current language.
export const TEXTS = JSON.parse(document.getElementById("texts")?.textContent || "{}");
export const say = (key, params = {}) => t(...(TEXTS[key] || [key, key]))
  .replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
export function bindLangButton(button) {
  const label = () => { button.textContent = say("switch_lang"); };
  button.addEventListener("click", () => { setLang(lang === "vi" ? "en" : "vi"); label(); });
  label();
}

// ---- a DOM builder that never parses HTML: text always goes through textContent ----
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// ---- the staff session (bearer token in sessionStorage: gone when the tab closes) ----
const KEY = "motcua-staff";
export const session = {
  get() { try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (err) { return null; } },
  set(value) { sessionStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(KEY); },
};

export function call(path, options = {}) {
  const s = session.get();
  return api(path, { token: options.token || (s && s.token), lang, ...options });
}

// Errors as a person reads them: the server's message in the current language.
export function message(err) {
  if (lang === "en" && err.messageEn) return err.messageEn;
  return err.message || String(err);
}

// ---- the server's clock: every snapshot, event and answer carries the server's time ----
let skew = 0; // local seconds minus server seconds
export const serverClock = {
  sync(serverNow) { if (typeof serverNow === "number") skew = Date.now() / 1000 - serverNow; },
  now() { return Date.now() / 1000 - skew; },
};

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export const LEVELS = ["on_time", "amber", "red"];
// Amber past amber_pct of the target, red past red_pct (the server's [steps] settings).
export function levelFor(elapsed, targetMin, th) {
  if (!targetMin) return "on_time";
  const pct = (elapsed / (targetMin * 60)) * 100;
  if (pct > th.red_pct) return "red";
  if (pct > th.amber_pct) return "amber";
  return "on_time";
}
export const worse = (a, b) => (LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b);

// ---- a short message at the bottom of the screen; errors stay until the next action ----
export function notify(text, kind = "info") {
  const box = $("notice");
  if (!box) return;
  box.textContent = text;
  box.className = `notice ${kind}`;
  clearTimeout(notify.timer);
  if (kind !== "error") notify.timer = setTimeout(() => box.classList.add("hidden"), 5000);
}

// ---- sign-in form: #login-form with #username, #password, #login-error ----
export function signIn(roles, onDone) {
  const form = $("login-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    try {
      const r = await api("/api/login", { method: "POST", lang, body: { username: $("username").value, password: $("password").value } });
      if (!roles.includes(r.user.role)) {
        await api("/api/logout", { method: "POST", token: r.token }).catch(() => {});
        $("login-error").textContent = say("account_cannot_use");
        return;
      }
      session.set({ token: r.token, user: r.user, counter_id: r.counter_id });
      $("password").value = "";
      onDone(session.get());
    } catch (err) {
      $("login-error").textContent = message(err);
    }
  });
}

export async function signOut() {
  try { await call("/api/counters/signout", { method: "POST" }); } catch (err) { /* signing out anyway */ }
  try { await call("/api/logout", { method: "POST" }); } catch (err) { /* token may be gone */ }
  session.clear();
  location.reload();
}

export function showOnly(id, ids) {
  for (const other of ids) $(other).classList.toggle("hidden", other !== id);
}

export function connBanner(status) {
  const banner = $("conn-banner");
  banner.textContent = say("offline");
  banner.classList.toggle("hidden", status !== "offline");
}
