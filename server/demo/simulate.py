"""`motcua simulate`: fill a database with a realistic office history, fast, for demos and benchmarks.

This is a generator, not the live path: rows go in with `executemany` in big transactions with
`synchronous = OFF`. What it writes has the live server's shape (see `server.demo.office_model`).
The province hub calls `simulate(db_path, office_code, machine_id, days, seed)` once per centre.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from server.demo import office_model as sim
from server.demo.office_model import Day, DayModel, Office
from server.store import tickets as tickets_store
from server.store.db import connect, open_database
from server.store.tx import Tx

# Relative demand per procedure code (certified copies and civil status dominate a commune's day).
DEMAND = {"2.000815": 30, "1.001193": 9, "2.000635": 7, "2.000884": 6, "1.004873": 6, "1.004194": 6,
          "1.004222": 5, "1.000894": 3, "1.000656": 2, "2.000908": 4, "1.004227": 4, "2.001035": 3}
HOLIDAYS = ("01-01", "04-30", "05-01", "09-02")
BATCH_DAYS = 20


@dataclass(frozen=True)
class SimStats:
    path: Path
    office_code: str
    days: int
    tickets: int
    events: int
    steps: int
    ratings: int
    seconds: float


def _accounts(conn, demo_logins: bool) -> None:  # noqa: ANN001
    """The demo office's people. Their passwords work only with `demo_logins` (argon2 costs ~0.5 s each);
    otherwise the accounts are disabled ('!' is no valid hash), since a generated history needs no sign-in."""
    from server import auth
    from server.demo.catalogue import COUNTERS

    people = [("admin", "Quản trị viên", "admin"), ("lanhdao", "Chủ tịch UBND xã", "leader")]
    people += [(f"canbo{n}", f"Cán bộ quầy {n}", "staff") for n, *_ in COUNTERS]
    for username, name, role in people:
        hashed = auth.hash_password(f"{username}-demo") if demo_logins and role != "staff" else "!"
        conn.execute("INSERT INTO users (username, display_name, role, password_hash, created_at)"
                     " VALUES (?, ?, ?, ?, ?)", (username, name, role, hashed, time.time()))


def _prepare(path: Path, office_code: str, machine_id: str, per_day: float, demo_logins: bool = False) -> Office:
    """Create the catalogue (the demo office, plus counters for a large centre) and read it back."""
    from server.demo.catalogue import seed_catalog

    db = open_database(path)
    conn = db.conn
    if conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]:
        raise SystemExit(f"motcua simulate: {path} already has tickets; give a new file")
    if conn.execute("SELECT COUNT(*) FROM office").fetchone()[0] == 0:
        conn.execute("BEGIN")
        seed_catalog(Tx(conn, machine_id), office_code, f"Trung tâm mô phỏng {office_code}")
        _accounts(conn, demo_logins)
        # A big centre numbers with a prefix per series and four digits (1 to 9999 a day).
        conn.execute("UPDATE number_series SET prefix = key, start = 1, \"end\" = 9999, width = 4")
        n = conn.execute("SELECT MAX(number) FROM counters").fetchone()[0]
        for fid, extra in _extra_counters(conn, per_day).items():
            for _ in range(extra):
                n += 1
                cid = conn.execute("INSERT INTO counters (number, name_vi, name_en) VALUES (?, ?, ?)",
                                   (n, f"Quầy số {n}", f"Counter {n}")).lastrowid
                conn.execute("INSERT INTO counter_services (counter_id, field_id) VALUES (?, ?)", (cid, fid))
                conn.execute("INSERT INTO users (username, display_name, role, password_hash, created_at)"
                             " VALUES (?, ?, 'staff', '!', ?)", (f"canbo{n}", f"Cán bộ quầy {n}", time.time()))
        conn.execute("COMMIT")
    users = {r["username"]: r["id"] for r in conn.execute("SELECT id, username FROM users")}
    counters: dict[int, tuple[int, str, frozenset[int]]] = {}
    for r in conn.execute("SELECT c.id, c.number, group_concat(s.field_id) AS f FROM counters c"
                          " JOIN counter_services s ON s.counter_id = c.id GROUP BY c.id"):
        name = f"canbo{r['number']}"
        counters[r["id"]] = (users.get(name, 1), name, frozenset(int(x) for x in r["f"].split(",")))
    procs = []
    for r in conn.execute("SELECT p.id, p.code, p.field_id, f.series, p.same_day, p.steps, p.service_target_min"
                          " FROM procedures p JOIN fields f ON f.id = p.field_id WHERE p.active = 1"):
        procs.append({**dict(r), "steps": json.loads(r["steps"]), "weight": DEMAND.get(r["code"], 1)})
    series = {r["key"]: (r["start"], r["prefix"], r["width"]) for r in conn.execute("SELECT * FROM number_series")}
    leader = conn.execute("SELECT id, username FROM users WHERE role = 'leader' ORDER BY id").fetchone()
    conn.close()
    return Office(procs, counters, (leader[0], leader[1]) if leader else (1, "admin"), series, machine_id)


def _extra_counters(conn, per_day: float) -> dict[int, int]:  # noqa: ANN001
    """Counters to add per field so that a Monday is busy but served by closing time (~85% utilisation)."""
    rows = conn.execute("SELECT code, field_id, service_target_min FROM procedures WHERE active = 1").fetchall()
    total = sum(DEMAND.get(r[0], 1) for r in rows)
    minutes: dict[int, float] = {}
    for code, fid, target in rows:
        minutes[fid] = minutes.get(fid, 0.0) + per_day * 1.3 * DEMAND.get(code, 1) / total * (target * 0.75 + 1.5)
    have: dict[int, float] = {}
    for cid, fid in conn.execute("SELECT counter_id, field_id FROM counter_services WHERE field_id IS NOT NULL"):
        share = 1 / conn.execute("SELECT COUNT(*) FROM counter_services WHERE counter_id = ?", (cid,)).fetchone()[0]
        have[fid] = have.get(fid, 0.0) + share
    return {fid: max(0, math.ceil(m / (480 * 0.85) - have.get(fid, 0))) for fid, m in minutes.items()}


def _insert(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:  # noqa: ANN001
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def simulate(db_path: str | Path, office_code: str = "sim", machine_id: str = "sim", days: int = 30,
             seed: int = 1, *, per_day: float = 120, end: date | None = None,
             tz: str = "Asia/Ho_Chi_Minh", progress: bool = False, demo_logins: bool = False) -> SimStats:
    """Write `days` calendar days of history ending the day before `end` (default: today)."""
    began = time.perf_counter()
    path = Path(db_path)
    office = _prepare(path, office_code, machine_id, per_day, demo_logins)
    zone = ZoneInfo(tz)
    model = DayModel(office, random.Random(seed), per_day)
    last = (end or date.today()) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    conn = connect(path)
    conn.execute("PRAGMA journal_mode = OFF")  # a generator: a crash means generating again
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1048576")  # 1 GiB: random index keys (public tokens) stay in memory
    indexes = _drop_indexes(conn)
    totals = [0, 0, 0, 0]
    pending = Day()
    d, done_days = first, 0
    while d <= last:
        wd = d.isoweekday()
        if wd != 7 and d.strftime("%m-%d") not in HOLIDAYS:
            midnight = datetime(d.year, d.month, d.day, tzinfo=zone).timestamp()
            day = model.run(d.isoformat(), midnight, wd)
            day.events.sort(key=lambda e: e[1])
            pending.tickets += day.tickets
            pending.events += day.events
            pending.steps += day.steps
            pending.ratings += day.ratings
            pending.seqs.update(day.seqs)
        done_days += 1
        d += timedelta(days=1)
        if done_days % BATCH_DAYS == 0 or d > last:
            _flush(conn, pending, totals)
            if progress:
                print(f"  {d.isoformat()}  {totals[0]:,} tickets  {time.perf_counter() - began:.0f} s",
                      file=sys.stderr, flush=True)
            pending = Day()
    for sql in indexes:  # building an index once over sorted data beats updating it row by row
        conn.execute(sql)
    tickets_store.recount_waiting(conn)  # the rows went in directly, past the store's bookkeeping
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    tickets, events, steps, ratings = totals
    return SimStats(path, office_code, days, tickets, events, steps, ratings, seconds=time.perf_counter() - began)


def _drop_indexes(conn) -> list[str]:  # noqa: ANN001
    """Drop the history tables' secondary indexes for the bulk load; returns their CREATE statements."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                        " AND tbl_name IN ('tickets', 'events', 'steps', 'ratings')").fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _flush(conn, day: Day, totals: list[int]) -> None:  # noqa: ANN001
    conn.execute("BEGIN")
    _insert(conn, "tickets", sim.TICKET_COLUMNS, day.tickets)
    _insert(conn, "events", sim.EVENT_COLUMNS, day.events)
    _insert(conn, "steps", sim.STEP_COLUMNS, day.steps)
    _insert(conn, "ratings", sim.RATING_COLUMNS, day.ratings)
    conn.executemany("INSERT INTO number_seq (day, series, last) VALUES (?, ?, ?)",
                     [(on, series, last) for (on, series), last in day.seqs.items()])
    conn.execute("COMMIT")
    for i, rows in enumerate((day.tickets, day.events, day.steps, day.ratings)):
        totals[i] += len(rows)


def centre_paths(db: Path, centres: int) -> list[tuple[Path, str]]:
    """One file per centre: the given path for one, `<stem>-sim01.db` ... for several."""
    if centres == 1:
        return [(db, "sim")]
    return [(db.with_name(f"{db.stem}-sim{i:02d}{db.suffix or '.db'}"), f"sim{i:02d}") for i in range(1, centres + 1)]


def cmd_simulate(args: argparse.Namespace) -> None:
    if args.days < 1 or args.centres < 1 or args.per_day <= 0:
        sys.exit("motcua simulate: --days, --centres and --per-day must be positive")
    for i, (path, code) in enumerate(centre_paths(Path(args.db), args.centres)):
        s = simulate(path, code, code, args.days, args.seed + i, per_day=args.per_day,
                     progress=args.verbose, demo_logins=args.demo_logins)
        print(f"{s.path}: {s.office_code}, {s.days} days, {s.tickets:,} tickets, {s.events:,} events, "
              f"{s.steps:,} steps, {s.ratings:,} ratings in {s.seconds:.1f} s")


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="fill a database with a realistic office history (demos, benchmarks)")
    p.add_argument("--days", type=int, required=True, help="calendar days of history, ending yesterday")
    p.add_argument("--db", required=True, help="SQLite file to create (must hold no tickets yet)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--centres", type=int, default=1, help="several centres: one file each, distinct office codes")
    p.add_argument("--per-day", type=float, default=120, help="mean tickets on an ordinary weekday")
    p.add_argument("--verbose", action="store_true", help="print progress")
    p.add_argument("--demo-logins", action="store_true", help="admin/admin-demo and lanhdao/lanhdao-demo can sign in")
    p.set_defaults(func=cmd_simulate)
