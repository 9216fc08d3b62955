"""Report benchmark: a month's full report and a year's summary over ~2 million simulated tickets.

    .venv/bin/python bench/bench_reports.py [--tickets 2000000] [--cache /tmp/motcua-bench/reports-2m.db]

The history (about three years of a 2,200-tickets-a-day centre) is generated once with
`server.demo.simulate` into the cache file (not committed) and reused. Each timing is the median of
`--runs` runs after one cold run (printed too). Targets on a 2-core machine: month <= 1 s, year <= 3 s.
Reports read the per-day summary (`server.store.rollup`); the script first brings it up to date (on a
file without it, that is the whole first build, timed and printed).
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.demo.simulate import simulate  # noqa: E402
from server.reports import charts, export  # noqa: E402
from server.reports.build import build_letters, build_report  # noqa: E402
from server.store import rollup  # noqa: E402
from server.store.db import open_database  # noqa: E402
from server.store.migrations.m0005_report_indexes import ensure_report_indexes  # noqa: E402
from server.store.reports import Reader, open_reader  # noqa: E402

PER_DAY = 2200


def ensure(path: Path, tickets: int, seed: int) -> tuple[int, float | None]:
    if path.exists():
        return sqlite3.connect(path).execute("SELECT COUNT(*) FROM tickets").fetchone()[0], None
    # ~0.95 of a weekday's load on average, 6 open days a week, a few holidays.
    days = math.ceil(tickets / (PER_DAY * 0.95 * 6 / 7 * 0.99))
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating ~{tickets:,} tickets ({days} days at {PER_DAY}/day) into {path} ...", flush=True)
    stats = simulate(part, "bench", "bench", days, seed, per_day=PER_DAY, end=date(2026, 11, 1), progress=True)
    part.rename(path)
    return stats.tickets, stats.seconds


CPU: list[float] = []  # CPU seconds (all threads) of the last timed call's median run


def timed(fn, runs: int) -> tuple[float, float, object]:  # noqa: ANN001
    """(cold wall s, median wall s, result); the median run's CPU time goes to CPU (this machine is shared)."""
    t0 = time.perf_counter()
    out = fn()
    cold = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    times.sort()
    wall, cpu = times[len(times) // 2] if times else (cold, cold)
    CPU.append(cpu)
    return cold, wall, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=2_000_000)
    ap.add_argument("--cache", default="/tmp/motcua-bench/reports-2m.db")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    path = Path(args.cache)
    n, gen = ensure(path, args.tickets, args.seed)
    with sqlite3.connect(path) as rw:
        rebuilt = ensure_report_indexes(rw)  # a cached file from an older build gets today's indexes
    if rebuilt:
        print(f"rebuilt indexes: {', '.join(rebuilt)}")
    db = open_database(path)  # today's migrations (the per-day summary's tables) on a cached file
    last = db.conn.execute("SELECT MAX(day) FROM tickets").fetchone()[0]
    first = db.conn.execute("SELECT COUNT(*) FROM report_rollup_state").fetchone()[0] == 0
    t0, c0 = time.perf_counter(), time.process_time()
    rollup.refresh(db.conn, (date.fromisoformat(last) + timedelta(days=1)).isoformat())
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    state = db.conn.execute("SELECT COUNT(DISTINCT day), COUNT(*) FROM report_rollup").fetchone()
    # What summing days costs, the server's way: each day of the last full month computed on a read-only
    # connection (off the writer), then stored by a write transaction (the writer's part), rolled back.
    month_end_ = date.fromisoformat(last).replace(day=1) - timedelta(days=1)
    ro, compute_s, store_ms = open_reader(path), 0.0, []
    for i in range(month_end_.day):
        day = month_end_.replace(day=i + 1).isoformat()
        t0 = time.perf_counter()
        computed = rollup.compute(ro, day, day)
        compute_s += time.perf_counter() - t0
        db.conn.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        assert rollup.store(db.conn, day, day, computed)
        store_ms.append((time.perf_counter() - t0) * 1000)
        db.conn.execute("ROLLBACK")
    ro.close()
    db.conn.close()
    reader = Reader(path)
    conn = reader.conn()
    last_day = date.fromisoformat(conn.execute("SELECT MAX(day) FROM tickets").fetchone()[0])
    month_end = last_day.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = month_end - timedelta(days=364)
    events = conn.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    rows: list[tuple[str, str, float, float, str]] = []
    load = os.getloadavg()[0]

    def month() -> dict:
        return build_report(reader, month_start, month_end, "field")

    cold, med, rep = timed(month, args.runs)
    rows.append(("month, full report (by field)", f"{month_start}..{month_end}", cold, med,
                 f"{rep['total']['issued']:,} tickets, <= 1 s"))
    for group in ("procedure", "counter", "staff", "hour"):
        c, m, _ = timed(lambda g=group: build_report(reader, month_start, month_end, g), args.runs)
        rows.append((f"month, by {group}", "", c, m, ""))
    c, m, _ = timed(lambda: build_letters(conn, month_start, month_end), args.runs)
    rows.append(("month, letters report", "", c, m, ""))
    c, m, _ = timed(lambda: export.to_xlsx(rep, build_letters(conn, month_start, month_end),
                                           lambda name: charts.render(rep, name)), 1)
    rows.append(("month, XLSX with 4 charts (render only)", "", c, m, ""))
    cold, med, yrep = timed(lambda: build_report(reader, year_start, month_end, "month"), args.runs)
    rows.append(("year summary (by month)", f"{year_start}..{month_end}", cold, med,
                 f"{yrep['total']['issued']:,} tickets, <= 3 s"))
    print(f"\ndatabase: {path} ({path.stat().st_size / 1e9:.1f} GB): {n:,} tickets, {events:,} events"
          + (f"; generated in {gen:.0f} s" if gen else " (cached)"))
    print(f"load average when starting: {load:.1f} on {os.cpu_count()} CPUs (other work shares them)")
    print(f"per-day summary: {state[0]:,} days, {state[1]:,} rows; brought up to date in {build_s:.1f} s"
          f" (CPU {build_cpu:.1f} s){' (first build)' if first else ''}")
    print(f"summing {month_end_:%Y-%m} again day by day: SELECTs {compute_s:.1f} s in all (off the writer),"
          f" writer's part {max(store_ms):.0f} ms at most per day (median {sorted(store_ms)[len(store_ms) // 2]:.0f})")
    print(f"{'what':40} {'period':24} {'cold s':>7} {'median s':>9} {'CPU s':>6}  note")
    for (what, period, c, m, note), cpu in zip(rows, CPU, strict=True):
        print(f"{what:40} {period:24} {c:7.3f} {m:9.3f} {cpu:6.2f}  {note}")
    t = rep["total"]
    print(f"\nmonth figures: issued {t['issued']:,}, served {t['served']:,}, no-shows {t['no_show']:,}, "
          f"wait mean {t['wait_mean'] / 60:.1f} min, median {t['wait_median'] / 60:.1f}, p90 {t['wait_p90'] / 60:.1f}, "
          f"đạt yêu cầu {t['satisfied_share']:.1%}, tốt {t['good_share']:.1%}")


if __name__ == "__main__":
    main()
