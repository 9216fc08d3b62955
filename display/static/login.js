// Admin sign-in for the slogan page: POST /api/login sets the HttpOnly cookie, then the page reloads.
import { api } from "/static/live.js";

const form = document.getElementById("login");
form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const data = new FormData(form);
  try {
    await api("/api/login", { method: "POST", body: { username: data.get("username"), password: data.get("password") } });
    location.reload();
  } catch (err) {
    document.getElementById("error").textContent = err.message;
  }
});
