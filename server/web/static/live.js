// motcua live client: one WebSocket with snapshot + ordered deltas, reconnect with backoff and resume.
// Usage (ES module):
//   import { LiveClient } from "/static/live.js";
//   const live = new LiveClient({ token, topics: "office", onSnapshot(s) {}, onEvent(m) {}, onStatus(st) {}, onMessage(m) {} });
//   live.start();
// onStatus receives "connecting" | "online" | "offline". Events with seq <= the last applied are dropped,
// so a resume never applies an event twice. After a server restart the client gets a fresh snapshot
// and the page updates in place: no reload.
// Reconnect delays double from minDelay up to maxDelay. On the office LAN (the page came from a private
// address or a local name) they stop at LAN_MAX_DELAY: a TV or a console is back within 2-3 s of a restarted
// server, and a few dozen screens trying every 1.5 s cost the server nothing. From the internet (a citizen's
// phone through the public address) they grow to 10 s, so a hundred phones do not hammer a server that is down.

export const LAN_MAX_DELAY = 1500;
export const WAN_MAX_DELAY = 10000;

// True for an address a page on the office LAN is served from: loopback, private IPv4 ranges, link-local,
// IPv6 unique-local/link-local, a name without dots ("motcua"), or a local name (.local, .lan, .home.arpa).
export function isLanHost(hostname) {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1" || !host.includes(".") && !host.includes(":")) return true;
  if (/\.(local|lan|internal|home\.arpa)$/.test(host)) return true;
  if (/^(fe8|fe9|fea|feb|fc|fd)[0-9a-f]*:/.test(host)) return true;
  const ip = host.match(/^(\d+)\.(\d+)\.\d+\.\d+$/);
  if (!ip) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 10 || a === 127 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31)
    || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);  // 100.64/10: carrier NAT, VPNs
}

export class LiveClient {
  constructor({ token = "", topics = "office", onSnapshot, onEvent, onStatus, onMessage, minDelay = 500,
                maxDelay = isLanHost(location.hostname) ? LAN_MAX_DELAY : WAN_MAX_DELAY, pingEvery = 10000 }) {
    this.token = token;
    this.topics = topics;
    this.onSnapshot = onSnapshot || (() => {});
    this.onEvent = onEvent || (() => {});
    this.onStatus = onStatus || (() => {});
    this.onMessage = onMessage || (() => {});
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.seq = null;
    this.delay = minDelay;
    this.ws = null;
    this.stopped = false;
    this.pingTimer = null;
    // A frozen server or a pulled cable closes nothing: if no message (not even a pong) arrives for two
    // ping intervals, the socket is treated as dead and closed, which starts the reconnect.
    this.pingEvery = pingEvery;
    this.lastHeard = 0;
  }

  url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams({ topics: this.topics });
    if (this.token) params.set("token", this.token);
    if (this.seq !== null) params.set("since", String(this.seq));
    return `${proto}//${location.host}/api/live?${params}`;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.ws) this.ws.close();
    clearInterval(this.pingTimer);
  }

  connect() {
    this.onStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (err) {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.delay = this.minDelay;
      this.lastHeard = Date.now();
      this.onStatus("online");
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (ws.readyState !== 1) return;
        if (Date.now() - this.lastHeard > 2 * this.pingEvery) {
          ws.close();
          return;
        }
        ws.send("ping");
      }, this.pingEvery);
    };
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      let msg;
      try { msg = JSON.parse(ev.data); } catch (err) { return; }
      if (msg.type === "snapshot") {
        this.seq = msg.seq;
        this.onSnapshot(msg);
      } else if (msg.type === "event") {
        if (this.seq !== null && msg.seq <= this.seq) return;
        this.seq = msg.seq;
        this.onEvent(msg);
      } else if (msg.type === "resume") {
        // the missed events follow
      } else if (msg.type === "device.reload") {
        // Sent only to this device's pages: the admin changed what it shows, or revoked it.
        location.reload();
      } else if (msg.type !== "pong") {
        this.onMessage(msg);
      }
    };
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = null;
      if (!this.stopped) {
        this.onStatus("offline");
        this.retry();
      }
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  retry() {
    const jitter = Math.random() * this.delay * 0.3;
    setTimeout(() => { if (!this.stopped) this.connect(); }, this.delay + jitter);
    this.delay = Math.min(this.delay * 2, this.maxDelay);
  }
}

// Fetch JSON with the API's error shape turned into an Error whose message is human text.
export async function api(path, { method = "GET", body, token, lang = "vi" } = {}) {
  const headers = { "Accept-Language": lang };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers["Authorization"] = `Bearer ${token}`;
  // A paired screen holds its token in an HttpOnly cookie: its page carries the matching CSRF token.
  const csrf = document.querySelector('meta[name="csrf-token"]');
  if (!token && csrf && method !== "GET") headers["X-CSRF-Token"] = csrf.content;
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await resp.json(); } catch (err) { data = null; }
  if (!resp.ok) {
    const e = new Error((data && data.error && data.error.message) || `HTTP ${resp.status}`);
    e.status = resp.status;
    e.code = data && data.error && data.error.code;
    e.messageEn = data && data.error && data.error.message_en;
    const retry = Number(resp.headers.get("Retry-After"));
    if (retry > 0) e.retryAfterS = retry;  // seconds, as a 429 or 503 says
    throw e;
  }
  return data;
}
