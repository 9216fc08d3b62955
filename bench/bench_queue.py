"""Queue server benchmark: ticket issuance and call-next throughput/latency at 1, 8 and 32 concurrent
clients, call -> WebSocket delivery to 50 clients, and the server's memory.

Run: .venv/bin/python bench/bench_queue.py [--seconds 5]
The server runs in its own process (`motcua serve`) on a temporary demo database with group commit
and the WAL fsynced before each answer, exactly as in production, with no printer configured
(printing is measured by bench/bench_kiosk_print.py). Issuance load comes from `wrk` (Debian's package, installed by
deploy/dev.sh): a load generator in C leaves the second core to the server, where an aiohttp client
would take most of it (`--client aiohttp` uses that instead). Call-next and the WebSocket rows need the
answers (the called ticket's id), so their load comes from this process's aiohttp client.
Each row also shows the server's CPU time per request (all threads, psutil): this machine's
speed drifts, and that column tells a machine running slower for a while from a slower server.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from server.config import load  # noqa: E402
from server.demo.catalogue import seed_demo  # noqa: E402
from server.store import migrations  # noqa: E402
from server.store.db import connect  # noqa: E402
from server.store.tx import Tx  # noqa: E402
from tests.procs import ServerProcess, free_port, write_config  # noqa: E402

KIOSK = {"Authorization": "Bearer demo-kiosk-1"}
COUNTERS = 40


def prepare(db: Path) -> None:
    conn = connect(db)
    migrations.apply(Database(conn))
    conn.execute("BEGIN IMMEDIATE")
    seed_demo(Tx(conn, "office"), time.time())
    for n in range(7, COUNTERS + 1):  # enough counters for 32 concurrent callers
        cid = conn.execute("INSERT INTO counters (number, name_vi, name_en) VALUES (?,?,?)",
                           (n, f"Quầy số {n}", f"Counter {n}")).lastrowid
        conn.execute("INSERT INTO counter_services (counter_id, field_id) VALUES (?, 1)", (cid,))
        conn.execute("INSERT INTO counter_services (counter_id, field_id) VALUES (?, 2)", (cid,))
    # a benchmark issues far more than a day's 999 tickets of one field: widen the Hộ tịch block
    conn.execute('UPDATE number_series SET start = 100000, "end" = 9999999 WHERE key = \'HT\'')
    conn.execute('UPDATE number_series SET start = 20000000, "end" = 29999999 WHERE key = \'CT\'')
    conn.execute("COMMIT")
    conn.close()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000 if s else float("nan")


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"procedure_id": 1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer demo-kiosk-1"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, e.status,
           e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
           latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def server_cpu(proc: psutil.Process) -> float:
    """CPU seconds the server process has used, all its threads (the event loop, the writer, checkpoints)."""
    times = proc.cpu_times()
    return times.user + times.system


def wrk_issue_load(base: str, clients: int, seconds: float, script: Path) -> tuple[int, float, float, int]:
    """(tickets/s, p50 ms, p99 ms, tickets) from wrk; every answer must be a 2xx (a refused ticket fails the run)."""
    command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", str(script),
               base + "/api/tickets"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    assert found, out
    requests, bad_status, socket_errors = (int(found.group(i)) for i in (1, 2, 3))
    assert bad_status == 0 and socket_errors == 0, out
    duration, p50, p99 = (float(found.group(i)) for i in (4, 5, 6))
    return int(requests / duration), p50, p99, requests


async def issue_load(base: str, clients: int, seconds: float) -> tuple[int, list[float]]:
    lat: list[float] = []
    stop = time.perf_counter() + seconds

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            async with session.post(base + "/api/tickets", json={"procedure_id": 1 + n % 2}, headers=KIOSK) as r:
                body = await r.read()
                assert r.status == 201, (r.status, body[:300])
            lat.append(time.perf_counter() - t0)

    conn = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=conn) as session:
        t = time.perf_counter()
        await asyncio.gather(*(one(session, n) for n in range(clients)))
        return int(len(lat) / (time.perf_counter() - t)), lat


# Counters that serve Chứng thực (field 2): demo counters 1 and 2, and the ones prepare() added. The call
# rows use that field so they start from a realistic hall (a few hundred waiting), not the thousands of
# Hộ tịch tickets the issue rows leave behind.
CALL_COUNTERS = [1, 2, *range(7, COUNTERS + 1)]
CALL_PROCEDURE = 10  # Chứng thực bản sao


async def prefill(base: str, n: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16)) as session:
        async def one(k: int) -> None:
            for _ in range(k):
                async with session.post(base + "/api/tickets", json={"procedure_id": CALL_PROCEDURE},
                                        headers=KIOSK) as r:
                    await r.read()
        await asyncio.gather(*(one(n // 16) for _ in range(16)))


async def call_load(base: str, admin: dict[str, str], clients: int, seconds: float) -> tuple[int, list[float]]:
    """Each client is one counter: call next, then mark the citizen absent to free the counter."""
    lat: list[float] = []
    stop = time.perf_counter() + seconds

    async def counter(session: aiohttp.ClientSession, cid: int) -> None:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            async with session.post(f"{base}/api/counters/{cid}/call-next", headers=admin) as r:
                body = await r.json()
            lat.append(time.perf_counter() - t0)
            t = body["ticket"]
            if t is None:
                return
            async with session.post(f"{base}/api/counters/{cid}/tickets/{t['id']}/no-show", headers=admin) as r:
                await r.read()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        t = time.perf_counter()
        await asyncio.gather(*(counter(session, cid) for cid in CALL_COUNTERS[:clients]))
        return int(len(lat) / (time.perf_counter() - t)), lat


async def ws_fanout(base: str, admin: dict[str, str], n_clients: int, calls: int) -> list[float]:
    """Time from sending a call to its arrival at each of n WebSocket clients."""
    delays: list[float] = []
    async with aiohttp.ClientSession() as session:
        sockets = [await session.ws_connect(base.replace("http", "ws") + "/api/live?token=demo-display-hall",
                                           max_msg_size=0)
                   for _ in range(n_clients)]
        for ws in sockets:
            await ws.receive_json()  # snapshot
        for _ in range(calls):
            async with session.post(base + "/api/tickets", json={"procedure_id": 1}, headers=KIOSK) as r:
                await r.read()
            for ws in sockets:  # drain the issued event
                await ws.receive_json()
            t0 = time.perf_counter()
            async with session.post(base + "/api/counters/3/call-next", headers=admin) as r:
                t = (await r.json())["ticket"]

            async def arrival(ws: aiohttp.ClientWebSocketResponse, t0: float = t0) -> float:
                while True:
                    m = await ws.receive_json()
                    if m.get("type") == "event" and m["event"]["type"] == "ticket.call":
                        return time.perf_counter() - t0

            delays += await asyncio.gather(*(arrival(ws) for ws in sockets))
            async with session.post(f"{base}/api/counters/3/tickets/{t['id']}/no-show", headers=admin) as r:
                await r.read()
            for ws in sockets:
                await ws.receive_json()
        for ws in sockets:
            await ws.close()
    return delays


async def main(seconds: float, client: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    port = free_port()
    # The queue alone: speech rendering for each call is measured by bench/bench_voice.py (a real hall
    # calls a few times a minute; here every call would render a new phrase and compete for the CPU).
    cfg = write_config(tmp / "motcua.toml", tmp / "data", port, extra="[voice]\nenabled = false\n")
    prepare(load(cfg).db_file)
    server = ServerProcess(cfg, port, tmp / "server.log").start()
    proc = psutil.Process(server.proc.pid)  # type: ignore[union-attr]
    rows = []
    try:
        async with aiohttp.ClientSession() as s:
            async with s.post(server.base + "/api/login", json={"username": "admin", "password": "admin-demo"}) as r:
                admin = {"Authorization": "Bearer " + (await r.json())["token"]}
        # First, with a realistic hall (the later rows leave thousands of open tickets in every snapshot).
        delays = await ws_fanout(server.base, admin, 50, 100)
        for c in (1, 8, 32):
            cpu = server_cpu(proc)
            if client == "wrk":
                script = tmp / "issue.lua"
                script.write_text(WRK_SCRIPT)
                rate, p50, p99, n = wrk_issue_load(server.base, c, seconds, script)
            else:
                rate, lat = await issue_load(server.base, c, seconds)
                p50, p99, n = pct(lat, 50), pct(lat, 99), len(lat)
            rows.append((f"issueTicket, {c} clients", rate, p50, p99, (server_cpu(proc) - cpu) * 1000 / n))
        for c in (1, 8, 32):
            await prefill(server.base, 480)
            cpu = server_cpu(proc)
            rate, lat = await call_load(server.base, admin, c, seconds)
            rows.append((f"callNext, {c} counters", rate, pct(lat, 50), pct(lat, 99),
                         (server_cpu(proc) - cpu) * 1000 / len(lat)))
        rss = proc.memory_info().rss / 2**20
    finally:
        server.stop()
    print(f"\nmotcua queue benchmark ({seconds:.0f} s per row, fsynced group commit;"
          f" issuance load from {client})\n")
    print(f"{'case':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'cpu ms/req':>13}")
    for name, rate, p50, p99, per_request in rows:
        print(f"{name:<28}{rate:>10}{p50:>10.2f}{p99:>10.2f}{per_request:>13.3f}")
    print(f"{'call -> 50 WebSockets':<28}{len(delays):>10}{pct(delays, 50):>10.2f}{pct(delays, 99):>10.2f}"
          "   (deliveries; latency from the call request)")
    print(f"\nserver RSS after the run: {rss:.1f} MB")
    print("cpu ms/req: the server's CPU time per request, all threads (for callNext, a call-next and a\n"
          "no-show). When it rises for the same code, the machine is slower at that moment: see docs/performance.md.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--client", choices=("wrk", "aiohttp"), default="wrk" if shutil.which("wrk") else "aiohttp",
                        help="issuance load generator (default: wrk when installed)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.client))
