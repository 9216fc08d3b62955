"""Province hub benchmark: N centres x D days of history ingested into a real PostgreSQL, then the
province month report (every grouping of the XLSX export) and the dashboard are timed.

    .venv/bin/python bench/bench_hub.py [--centres 100] [--days 365] [--workers 2] [--fsync]

Histories come from `motcua simulate` (server/demo/simulate.py). Generating 100 distinct centre-years takes
long on a small machine, so `--templates` distinct histories are generated and each is pushed under
several centre codes with its ids suffixed (so every row stays unique). Each template is read once into
the JSON bodies its centre would POST (the centre's work, not timed); then `--workers` centres push at
once, as a hub's centres do, and every body goes through what POST /api/sync/batch runs after the key
check: `parse_batch` (JSON and protocol checks) and `HubStore.ingest` (one transaction, which also keeps
the centre's per-day report summary). The rate is events over the wall time of that whole phase; HTTP
and gzip are not included. PostgreSQL runs with synchronous commits and, with `--fsync`, fsync and
full-page writes on (without it they are off: a disk as fast as memory). Targets: ingest >= 20,000
events/s, month report <= 2 s, dashboard <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.demo.simulate import simulate  # noqa: E402
from server.hub import queries  # noqa: E402
from server.hub.protocol import parse_batch  # noqa: E402
from server.hub.store import HubStore  # noqa: E402
from server.store import sync as sync_store  # noqa: E402
from server.store.db import connect  # noqa: E402
from tests.pg import PgServer  # noqa: E402

TAG = b'~#"'  # every id of a template ends with this mark in its bodies; each centre puts its own tag there
CODE = b"@centre@"
Body = tuple[int, list[bytes]]  # (events, the JSON body cut at each mark: a centre's body is its tag joining them)


def template_bodies(path: Path, size: int) -> list[Body]:
    """A template history as the request bodies its centre would POST (JSON, ids marked with TAG), read
    once: the centre's side of sync (reading SQLite, encoding) is not the hub's work and is not timed."""
    conn = connect(path, readonly=True)
    bodies, held, mark = [], 0, TAG[:-1].decode()
    try:
        while True:
            batch = sync_store.read_batch(conn, held, size)
            if not batch["events"]:
                return bodies
            for e in batch["events"]:
                e["id"] += mark
                if e["ticket_id"]:
                    e["ticket_id"] += mark
            for rows in batch["rows"].values():
                for r in rows:
                    r["id"] += mark
                    if "ticket_id" in r:
                        r["ticket_id"] += mark
            body = {"centre": CODE.decode(), **batch, "catalog": sync_store.catalog(conn) if not bodies else None}
            bodies.append((len(batch["events"]), json.dumps(body, ensure_ascii=False).encode().split(TAG)))
            held = batch["events"][-1]["seq"]
    finally:
        conn.close()


async def push(store: HubStore, cid: int, code: str, bodies: list[Body], tag: str) -> int:
    """One centre's history through the hub's ingest, as POST /api/sync/batch does it after the key check:
    the body parsed and checked (`parse_batch`), then stored (`HubStore.ingest`)."""
    held, sent = 0, 0
    mark = f"{tag}\"".encode()
    for n, parts in bodies:
        raw = mark.join(parts).replace(CODE, code.encode(), 1)
        answer = await store.ingest(cid, parse_batch(raw), time.time())
        assert answer["held"] > held, (code, held, answer)
        held, sent = answer["held"], sent + n
    return sent


def pg_cpu_s(pg: PgServer) -> float:
    """CPU seconds used so far by the PostgreSQL cluster: the postmaster, its live children and its ended ones."""
    root = int((pg.data / "postmaster.pid").read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(pid) == root:
            total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        elif int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pg_settings(args: argparse.Namespace) -> dict[str, str]:
    """Durable commits as a real hub runs them (fsync and full-page writes as `--fsync` says, synchronous_commit
    on); everything else PostgreSQL's defaults unless `--pg NAME=VALUE` says (2GB of shared buffers measured
    no faster than the default 128MB: the hub's tables fit in the system's file cache here)."""
    durable = "on" if args.fsync else "off"
    return {"fsync": durable, "full_page_writes": durable, "synchronous_commit": "on",
            **dict(kv.split("=", 1) for kv in args.pg)}


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-hub-"))
    end = date.today()
    t0 = time.perf_counter()
    templates = [simulate(tmp / f"t{i}.db", f"t{i}", f"t{i}", args.days, seed=i, per_day=args.per_day, end=end)
                 for i in range(args.templates)]
    bodies = [template_bodies(t.path, args.batch) for t in templates]
    shutil.rmtree(tmp, ignore_errors=True)  # the bodies are all the run needs of the templates (~170 MB on disk)
    gen_s = time.perf_counter() - t0
    pg = PgServer(pg_settings(args)).start()
    try:
        store = await HubStore.open(pg.create_database(), max_size=args.workers + 2)
        centres = []
        for n in range(args.centres):
            code = f"xa{n:03d}"
            await store.add_centre(code, f"Trung tâm xã số {n + 1}", time.time())
            centres.append((await store.pool.fetchval("SELECT id FROM centres WHERE code = $1", code), code,
                            bodies[n % len(bodies)], f"~{n}"))
        queue: asyncio.Queue[tuple[int, str, list[Body], str]] = asyncio.Queue()
        for c in centres:
            queue.put_nowait(c)
        total = 0

        async def worker() -> None:
            nonlocal total
            while not queue.empty():
                sent = await push(store, *queue.get_nowait())
                total += sent

        cpu0, pg0, t0 = time.process_time(), pg_cpu_s(pg), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.workers)))
        ingest_s = time.perf_counter() - t0
        hub_cpu_s, pg_s = time.process_time() - cpu0, pg_cpu_s(pg) - pg0
        await store.pool.execute("ANALYZE")
        month = end.replace(day=1)
        last_month = (month.replace(year=month.year - 1, month=12) if month.month == 1
                      else month.replace(month=month.month - 1))
        day_from = last_month.isoformat()
        day_to = (date.fromordinal(month.toordinal() - 1)).isoformat()
        t0 = time.perf_counter()
        for group in ("all", "centre", "field", "procedure"):
            rows = await queries.report(store.pool, day_from, day_to, group, 15)
        report_s = time.perf_counter() - t0
        today = date.fromordinal(end.toordinal() - 1).isoformat()
        timings = []
        for _ in range(5):
            t0 = time.perf_counter()
            board = await queries.dashboard(store.pool, await store.centres(), today, time.time(), 1800, 15)
            timings.append(time.perf_counter() - t0)
        tickets = await store.pool.fetchval("SELECT COUNT(*) FROM tickets")
        summary = await store.pool.fetchval("SELECT COUNT(*) FROM report_rollup")
        await store.close()
    finally:
        pg.stop()
    settings = " ".join(f"{k}={v}" for k, v in pg_settings(args).items())
    print(f"\nhub benchmark: {args.centres} centres x {args.days} days, {args.per_day}/day "
          f"({args.templates} simulated templates, generated and encoded in {gen_s:.0f} s); "
          f"{args.workers} centres pushing at once")
    print(f"PostgreSQL 15: {settings}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work shares them)")
    print(f"{'measure':<44}{'value':>16}{'target':>12}")
    print(f"{'events ingested':<44}{total:>16,}")
    print(f"{'tickets at the hub':<44}{tickets:>16,}")
    print(f"{'per-day summary rows (all/field/procedure)':<44}{summary:>16,}")
    print(f"{'ingest wall time (s)':<44}{ingest_s:>16.1f}")
    print(f"{'  CPU: hub process / PostgreSQL (s)':<44}{f'{hub_cpu_s:.1f} / {pg_s:.1f}':>16}")
    print(f"{'ingest rate (events/s)':<44}{total / ingest_s:>16,.0f}{'>= 20,000':>12}")
    print(f"{'month report, 4 groupings (s) ' + day_from[:7]:<44}{report_s:>16.2f}{'<= 2':>12}")
    print(f"{'  procedure rows':<44}{len(rows):>16,}")
    print(f"{'dashboard, median of 5 (ms)':<44}{sorted(timings)[2] * 1000:>16.0f}{'<= 300':>12}")
    print(f"{'  centres on the dashboard':<44}{len(board):>16}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--centres", type=int, default=100)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--per-day", type=float, default=30)
    p.add_argument("--templates", type=int, default=5)
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--workers", type=int, default=2, help="centres pushing at once (a hub serves many)")
    p.add_argument("--fsync", action="store_true", help="fsync and full-page writes on (default off: a RAM-speed disk)")
    p.add_argument("--pg", action="append", default=[], metavar="NAME=VALUE", help="a PostgreSQL setting")
    asyncio.run(main(p.parse_args()))
