/* /reports: sign in, pick a period, show the report (tables built with textContent only), export, print. */
"use strict";

// The page's words from the one catalogue (server/messages/reports_page.py), carried by the page in
// <script type="application/json" id="texts"> as [Vietnamese, English] under their short key.
const TEXTS = JSON.parse(document.getElementById("texts")?.textContent || "{}");
let lang = sessionStorage.getItem("motcua.lang") || "vi";
let last = null;  // the last report shown
const $ = (id) => document.getElementById(id);
const tr = (key) => (TEXTS[key] || [key, key])[lang === "en" ? 1 : 0];
const say = (key, params = {}) => tr(key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));

function token() { return sessionStorage.getItem("motcua.token"); }

async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (token()) headers.Authorization = "Bearer " + token();
  const r = await fetch(path, Object.assign({}, opts, { headers }));
  if (r.status === 401) { sessionStorage.removeItem("motcua.token"); showLogin(); }
  if (!r.ok) {
    let msg = r.status + " " + r.statusText;
    try { const e = await r.json(); msg = lang === "en" ? (e.error.message_en || e.error.message) : e.error.message; }
    catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  return r;
}

function showError(err) { $("error").textContent = err ? String(err.message || err) : ""; $("error").classList.toggle("hidden", !err); }
function showLogin() { $("login").classList.remove("hidden"); $("controls").classList.add("hidden"); $("logout").classList.add("hidden"); }
function showControls() { $("login").classList.add("hidden"); $("controls").classList.remove("hidden"); $("logout").classList.remove("hidden"); }

function pad(n) { return String(n).padStart(2, "0"); }
// 2024-03-01 -> 01/03/2024, as the appendix writes a date ("" for none; the server's letters.day_vi).
function dayVi(d) { return d ? d.slice(8, 10) + "/" + d.slice(5, 7) + "/" + d.slice(0, 4) : ""; }
function iso(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }

function period() {
  const kind = $("kind").value;
  if (kind === "day") return [$("day").value, $("day").value];
  if (kind === "month") {
    const [y, m] = $("month").value.split("-").map(Number);
    return [iso(new Date(y, m - 1, 1)), iso(new Date(y, m, 0))];
  }
  if (kind === "quarter") {
    const y = Number($("qyear").value), q = Number($("quarter").value);
    return [iso(new Date(y, (q - 1) * 3, 1)), iso(new Date(y, q * 3, 0))];
  }
  return [$("from").value, $("to").value];
}

function query(extra) {
  const [from, to] = period();
  const p = new URLSearchParams({ from, to, group: $("group").value });
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p.toString();
}

function showKind() {
  const kind = $("kind").value;
  for (const k of ["day", "month", "quarter", "custom"]) {
    document.querySelectorAll(".k-" + k).forEach((el) => el.classList.toggle("hidden", k !== kind));
  }
}

const nf = () => new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 1 });
function fmt(v, unit) {
  if (v === null || v === undefined) return "–";
  if (unit === "seconds") return nf().format(v / 60);
  if (unit === "share") return nf().format(v * 100) + " %";
  return nf().format(v);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function table(id, head, rows, numericFrom = 1) {
  const t = $(id);
  t.replaceChildren();
  const thead = el("thead"), tr0 = el("tr");
  head.forEach((h) => tr0.appendChild(el("th", h)));
  thead.appendChild(tr0);
  const body = el("tbody");
  rows.forEach((r) => {
    const row = el("tr", undefined, r.total ? "total" : "");
    r.cells.forEach((c, j) => row.appendChild(el("td", c, j >= numericFrom ? "num" : "")));
    body.appendChild(row);
  });
  t.append(thead, body);
}

const SCREEN_COLUMNS = ["issued", "served", "no_show", "cancelled", "wait_mean", "wait_median", "wait_p90", "wait_max",
  "within_wait_target_share", "service_mean", "service_median", "within_service_target_share", "recalls",
  "transfers", "ratings", "satisfied_share", "good_share"];

function label(f) { return (lang === "en" ? f.en : f.vi) + (f.unit === "seconds" ? tr("minutes_suffix") : ""); }

// A date as a person reads it here: 2026-11-23 -> 23/11/2026.
const dmy = (isoDate) => isoDate.split("-").reverse().join("/");

function render(rep) {
  last = rep;
  const figs = Object.fromEntries(rep.figures.map((f) => [f.key, f]));
  $("office").textContent = rep.office.name;
  $("period-line").textContent = say("period_line", { from: dmy(rep.period.from), to: dmy(rep.period.to), days: rep.period.days });
  const cards = $("cards");
  cards.replaceChildren();
  for (const key of ["issued", "served", "no_show", "cancelled", "wait_mean", "wait_median", "wait_p90", "wait_max",
    "within_wait_target_share", "service_mean", "within_service_target_share", "satisfied_share"]) {
    const c = el("div", undefined, "card");
    c.append(el("span", fmt(rep.total[key], figs[key].unit), "value"), el("span", label(figs[key]), "name"));
    c.dataset.key = key;
    cards.appendChild(c);
  }
  const t = rep.total;
  $("satisfaction").textContent = t.ratings
    ? say("satisfaction_line", { satisfied: fmt(t.satisfied_share, "share"), good: fmt(t.good_share, "share"),
      ratings: fmt(t.ratings, "count") })
    : tr("no_ratings");
  const groupName = lang === "en" ? rep.group_label[1] : rep.group_label[0];
  $("by-title").textContent = say("by_group", { group: groupName.toLowerCase() });
  const rowsOf = (r, name, total) => ({ total, cells: [name, ...SCREEN_COLUMNS.map((k) => fmt(r[k], figs[k].unit))] });
  table("by-table", [groupName, ...SCREEN_COLUMNS.map((k) => label(figs[k]))],
    [...rep.rows.map((r) => rowsOf(r, lang === "en" ? r.label_en : r.label, false)),
      rowsOf(rep.total, tr("total"), true)]);
  const codes = Object.keys(rep.outcome_labels);
  const oname = (c) => rep.outcome_labels[c][lang === "en" ? 1 : 0];
  table("outcome-table", [groupName, ...codes.map(oname)],
    [...rep.rows.map((r) => ({ cells: [lang === "en" ? r.label_en : r.label, ...codes.map((c) => fmt(r.outcomes[c] || 0, "count"))] })),
      { total: true, cells: [tr("total"), ...codes.map((c) => fmt(t.outcomes[c] || 0, "count"))] }]);
  const sh = ["step", "done", "mean", "median", "p90", "longest", "overdue"].map((k) => tr(`step_col_${k}`));
  table("step-table", sh, t.steps.map((s) => ({ cells: [rep.step_labels[s.step] ? rep.step_labels[s.step][lang === "en" ? 1 : 0] : s.step,
    fmt(s.n, "count"), fmt(s.mean, "seconds"), fmt(s.median, "seconds"), fmt(s.p90, "seconds"), fmt(s.max, "seconds"), fmt(s.overdue, "count")] })));
  $("report").classList.remove("hidden");
  loadCharts();
  loadLetters();
}

async function loadCharts() {
  for (const name of ["arrivals_hour", "arrivals_weekday", "waits", "satisfaction"]) {
    const img = $("chart-" + name);
    try {
      const r = await api("/api/reports/charts/" + name + "?" + query() + "&lang=" + lang);
      const blob = await r.blob();
      const reader = new FileReader();
      reader.onload = () => { img.src = reader.result; img.dataset.loaded = "1"; };
      reader.readAsDataURL(blob);  // CSP allows data: images, not blob:
    } catch (err) { showError(err); }
  }
}

async function loadLetters() {
  const [from, to] = period();
  const r = await api("/api/reports/letters?" + new URLSearchParams({ from, to }));
  const L = await r.json();
  const keys = ["total", "congratulation", "birth", "marriage", "death"];
  const n = (v) => fmt(v, "count");
  table("letters-unit", L.head_unit, [{ cells: L.numbers },
    ...L.by_unit.map((u) => ({ cells: [u.no, u.unit, dayVi(u.since), ...keys.map((k) => n(u[k]))] })),
    { total: true, cells: ["", tr("total"), "", ...keys.map((k) => n(L.total[k]))] }], 3);
  table("letters-proc", L.head_procedure, [{ cells: L.numbers },
    ...L.by_procedure.map((p) => ({ cells: [p.no || "", p.unit, p.procedure, ...keys.map((k) => n(p[k]))] })),
    { total: true, cells: [tr("total").toUpperCase(), "", "", ...keys.map((k) => n(L.total[k]))] }], 3);
}

async function show() {
  showError(null);
  $("busy").classList.remove("hidden");
  try {
    const r = await api("/api/reports?" + query());
    render(await r.json());
  } catch (err) { showError(err); } finally { $("busy").classList.add("hidden"); }
}

async function download(path, fallback) {
  showError(null);
  try {
    const r = await api(path);
    const blob = await r.blob();
    const m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = m ? m[1] : fallback;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  } catch (err) { showError(err); }
}

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = tr(e.dataset.t); });
  $("lang").textContent = tr("switch_lang");
  if (last) render(last);
}

function init() {
  // The office's today (from the server: its clock and time zone), else the browser's. The page opens on this
  // month so far: a new office sees its first tickets, not last month's zeros.
  const today = document.body.dataset.today;
  const now = today ? new Date(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)))
    : new Date();
  $("day").value = iso(now);
  $("month").value = now.getFullYear() + "-" + pad(now.getMonth() + 1);
  $("qyear").value = now.getFullYear();
  $("quarter").value = String(Math.floor(now.getMonth() / 3) + 1);
  $("from").value = iso(new Date(now.getFullYear(), now.getMonth(), 1));
  $("to").value = iso(now);
  const params = new URLSearchParams(location.search);
  if (params.get("from") && params.get("to")) {
    $("kind").value = "custom"; $("from").value = params.get("from"); $("to").value = params.get("to");
  }
  if (params.get("group")) $("group").value = params.get("group");
  showKind();
  applyLang();
  $("kind").addEventListener("change", showKind);
  $("lang").addEventListener("click", () => { lang = lang === "en" ? "vi" : "en"; sessionStorage.setItem("motcua.lang", lang); applyLang(); });
  $("period-form").addEventListener("submit", (e) => { e.preventDefault(); show(); });
  $("xlsx").addEventListener("click", () => download("/api/reports/export?" + query({ format: "xlsx" }), "bao-cao.xlsx"));
  $("csv").addEventListener("click", () => download("/api/reports/export?" + query({ format: "csv" }), "bao-cao.csv"));
  $("letters-xlsx").addEventListener("click", () => {
    const [from, to] = period();
    download("/api/reports/letters?" + new URLSearchParams({ from, to, format: "xlsx" }), "thu-hcpvnd.xlsx");
  });
  $("print").addEventListener("click", () => window.print());
  $("logout").addEventListener("click", () => { sessionStorage.removeItem("motcua.token"); showLogin(); });
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    showError(null);
    const f = new FormData(e.target);
    try {
      const r = await api("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: f.get("username"), password: f.get("password") }) });
      sessionStorage.setItem("motcua.token", (await r.json()).token);
      showControls();
      show();
    } catch (err) { showError(err); }
  });
  if (token()) { showControls(); show(); } else { showLogin(); }
}

document.addEventListener("DOMContentLoaded", init);
