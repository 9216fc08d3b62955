"""Province hub benchmark: N centres x D days of history ingested into a real PostgreSQL, then the
province month report (every grouping of the XLSX export) and the dashboard are timed.

    .venv/bin/python bench/bench_hub.py [--centres 100] [--days 365] [--per-day 30] [--templates 5]

Histories come from `motcua simulate` (server/simulate.py). Generating 100 distinct centre-years takes
long on a small machine, so `--templates` distinct histories are generated and each is pushed under
several centre codes with its ids suffixed (so every row stays unique). Batches go through the
hub's own ingest (`HubStore.ingest`, the code behind POST /api/sync/batch, minus HTTP and gzip), which
also keeps each centre's per-day report summary (so the ingest rate includes it). The month report and
the dashboard read that summary. Targets: ingest >= 20,000 events/s, month report <= 2 s, dashboard
<= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.hub import queries  # noqa: E402
from server.hub.protocol import Batch  # noqa: E402
from server.hub.store import HubStore  # noqa: E402
from server.simulate import simulate  # noqa: E402
from server.store import sync as sync_store  # noqa: E402
from server.store.db import connect  # noqa: E402
from tests.pg import PgServer  # noqa: E402


def suffixed(batch: dict[str, Any], tag: str) -> dict[str, Any]:
    """A template centre's batch made unique for one centre: every id and ticket id gets `tag`."""
    for e in batch["events"]:
        e["id"] += tag
        if e["ticket_id"]:
            e["ticket_id"] += tag
    for rows in batch["rows"].values():
        for r in rows:
            r["id"] += tag
            if "ticket_id" in r:
                r["ticket_id"] += tag
    return batch


INGEST_S = [0.0]  # time spent inside the hub's ingest (validation + PostgreSQL), not reading the centre's file


async def push(store: HubStore, cid: int, code: str, path: Path, tag: str, size: int) -> int:
    conn = connect(path, readonly=True)
    held, sent, first = 0, 0, True
    try:
        while True:
            batch = sync_store.read_batch(conn, held, size)
            if not batch["events"]:
                return sent
            body = {"centre": code, **suffixed(batch, tag), "catalog": sync_store.catalog(conn) if first else None}
            first = False
            t0 = time.perf_counter()
            answer = await store.ingest(cid, Batch.model_validate(body), time.time())
            INGEST_S[0] += time.perf_counter() - t0
            sent += answer["held"] - held
            held = answer["held"]
    finally:
        conn.close()


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-hub-"))
    end = date.today()
    t0 = time.perf_counter()
    templates = [simulate(tmp / f"t{i}.db", f"t{i}", f"t{i}", args.days, seed=i, per_day=args.per_day, end=end)
                 for i in range(args.templates)]
    gen_s = time.perf_counter() - t0
    pg = PgServer().start()
    try:
        store = await HubStore.open(pg.create_database(), max_size=args.workers + 2)
        centres = []
        for n in range(args.centres):
            code = f"xa{n:03d}"
            await store.add_centre(code, f"Trung tâm xã số {n + 1}", time.time())
            centres.append((await store.pool.fetchval("SELECT id FROM centres WHERE code = $1", code), code,
                            templates[n % len(templates)].path, f"~{n}"))
        queue: asyncio.Queue[tuple[int, str, Path, str]] = asyncio.Queue()
        for c in centres:
            queue.put_nowait(c)
        total = 0

        async def worker() -> None:
            nonlocal total
            while not queue.empty():
                cid, code, path, tag = queue.get_nowait()
                total += await push(store, cid, code, path, tag, args.batch)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.workers)))
        wall_s = time.perf_counter() - t0
        ingest_s = INGEST_S[0]
        await store.pool.execute("ANALYZE")
        month = end.replace(day=1)
        last_month = (month.replace(year=month.year - 1, month=12) if month.month == 1
                      else month.replace(month=month.month - 1))
        day_from, day_to = last_month.isoformat(), (month.replace(day=1)).isoformat()
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
    print(f"\nhub benchmark: {args.centres} centres x {args.days} days, {args.per_day}/day "
          f"({args.templates} simulated templates, generated in {gen_s:.0f} s)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work shares them)")
    print(f"{'measure':<44}{'value':>16}{'target':>12}")
    print(f"{'events ingested':<44}{total:>16,}")
    print(f"{'tickets at the hub':<44}{tickets:>16,}")
    print(f"{'per-day summary rows (all/field/procedure)':<44}{summary:>16,}")
    print(f"{'wall time incl. reading centre files (s)':<44}{wall_s:>16.1f}")
    print(f"{'time inside hub ingest (s)':<44}{ingest_s:>16.1f}")
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
    p.add_argument("--workers", type=int, default=1, help="centres pushed at once (>1 overlaps ingest times)")
    asyncio.run(main(p.parse_args()))
