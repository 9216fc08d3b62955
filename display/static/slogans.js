// Slogan admin: the table is rendered by the server (autoescaped); this script fills the form for an edit and
// sends writes to /api/slogans with the session cookie and its CSRF token. Errors are shown as text. Its words
// come from the catalogue (the page's texts block) in the page's language (<html lang>).
const texts = JSON.parse(document.getElementById("texts").textContent);
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const say = (key, params = {}) =>
  texts[key][lang === "en" ? 1 : 0].replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const form = document.getElementById("slogan-form");
const errorBox = document.getElementById("error");

async function send(method, path, body) {
  const headers = { "X-CSRF-Token": csrf, "Accept-Language": lang };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, credentials: "same-origin",
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  if (!resp.ok) {
    let message = say("failed", { status: resp.status });
    try { message = (await resp.json()).error.message; } catch (err) { /* keep the status */ }
    throw new Error(message);
  }
  return resp.json();
}

function fill(s) {
  form.elements.id.value = s ? s.id : "";
  form.elements.text.value = s ? s.text : "";
  form.elements.mode.value = s && s.every_n_minutes ? "every_n_minutes" : "times_per_hour";
  form.elements.amount.value = s ? (s.every_n_minutes || s.times_per_hour) : 10;
  form.elements.window_start.value = s ? s.window_start : "00:00";
  form.elements.window_end.value = (s && s.window_end) || "";
  form.elements.start_date.value = (s && s.start_date) || "";
  form.elements.end_date.value = (s && s.end_date) || "";
  for (const box of form.querySelectorAll('input[name="weekday"]')) {
    box.checked = s ? s.weekdays.includes(Number(box.value)) : true;
  }
  form.elements.enabled.checked = s ? s.enabled : true;
  document.getElementById("form-title").textContent = s ? say("edit_title", { id: s.id }) : say("new");
  errorBox.textContent = "";
}

function body() {
  const f = form.elements;
  const amount = Number(f.amount.value);
  return {
    text: f.text.value,
    every_n_minutes: f.mode.value === "every_n_minutes" ? amount : null,
    times_per_hour: f.mode.value === "times_per_hour" ? amount : null,
    start_date: f.start_date.value || null,
    end_date: f.end_date.value || null,
    weekdays: [...form.querySelectorAll('input[name="weekday"]:checked')].map((b) => Number(b.value)),
    window_start: f.window_start.value || "00:00",
    window_end: f.window_end.value || null,
    enabled: f.enabled.checked,
  };
}

if (form) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = form.elements.id.value;
    try {
      await send(id ? "PUT" : "POST", id ? `/api/slogans/${id}` : "/api/slogans", body());
      location.reload();
    } catch (err) {
      errorBox.textContent = err.message;
    }
  });
  document.getElementById("reset").addEventListener("click", () => fill(null));
  for (const row of document.querySelectorAll("#slogans tr[data-slogan]")) {
    const s = JSON.parse(row.dataset.slogan);
    row.querySelector(".edit").addEventListener("click", () => { fill(s); form.scrollIntoView(); });
    row.querySelector(".delete").addEventListener("click", async () => {
      if (!confirm(say("confirm_delete", { id: s.id }))) return;
      try {
        await send("DELETE", `/api/slogans/${s.id}`);
        location.reload();
      } catch (err) {
        errorBox.textContent = err.message;
      }
    });
  }
}
