// The waiting screen: ask every two seconds whether an admin has typed this code. The screen's device token
// is in an HttpOnly cookie this script cannot read; the server answers "paired" once that cookie signs in.
const TEXTS = JSON.parse(document.getElementById("texts")?.textContent || "{}");
const say = (key) => (TEXTS[key] || [key])[0];
const POLL_MS = 2000;

const status = document.getElementById("status");
const left = document.getElementById("left");
const deadline = Date.now() + Number(document.body.dataset.expiresIn || 600) * 1000;
const probe = { polls: 0, state: "waiting" };
window.motcuaPair = probe;

function showLeft() {
  const s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
  left.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

async function poll() {
  probe.polls += 1;
  let answer;
  try {
    const resp = await fetch("/api/pair", { headers: { Accept: "application/json" }, cache: "no-store" });
    answer = await resp.json();
  } catch (err) {
    status.textContent = say("offline");
    status.classList.add("offline");
    return;
  }
  status.classList.remove("offline");
  probe.state = answer.state;
  if (answer.state === "paired") {
    status.textContent = say("paired");
    location.replace(answer.page);
  } else if (answer.state === "waiting") {
    status.textContent = say("waiting");
  } else {
    // expired, or the server forgot this screen: a reload gets a new code
    status.textContent = say("renewing");
    location.reload();
  }
}

async function loop() {
  await poll();
  if (probe.state !== "paired") setTimeout(loop, POLL_MS);
}

showLeft();
setInterval(showLeft, 1000);
loop();
