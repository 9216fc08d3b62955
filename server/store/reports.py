"""Read-only connections for reports (the figures come from the per-day summary, `server.store.rollup`),
group labels, the office's name and the letters report.

Nothing here loads tickets into Python: each statement returns one row per group (or per day and group
for the days summed on the fly), computed by SQLite.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from server.store import rollup
from server.store.sql.letters import letters_query


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A private read-only connection for one report, used off the event loop (in a worker thread)."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA cache_size = -262144")
    return conn


class Reader:
    """Read-only connections for one report, one per worker thread: the statements of a report run two at
    a time (SQLite releases the GIL while it works), which halves a month's report on a 2-core office PC."""

    def __init__(self, path: str | Path, workers: int = 2) -> None:
        self.path = Path(path)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="motcua-report")
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self._local.conn = open_reader(self.path)
            with self._lock:
                self._conns.append(c)
        return c

    def sums(self, jobs: Iterable[tuple[str, bool]], from_day: str, to_day: str) -> dict[tuple[str, bool], Any]:
        """Each (grouping, steps?) job's sums per group over the period (see `server.store.rollup.read`), the
        days to sum on the fly found once, the jobs run two at a time."""
        dirty = rollup.dirty_days(self.conn())

        def one(job: tuple[str, bool]) -> Any:
            return rollup.read(self.conn(), job[0], from_day, to_day, dirty, steps=job[1])

        futures = {job: self._pool.submit(one, job) for job in jobs}
        return {job: f.result() for job, f in futures.items()}

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for c in self._conns:
            c.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def labels(conn: sqlite3.Connection, group: str) -> dict[Any, tuple[str, str]]:
    """Vietnamese and English names of the group keys that live in the catalogue."""
    sql = {
        "field": "SELECT id, name_vi, name_en FROM fields",
        "procedure": "SELECT id, code || ' - ' || name_vi, code || ' - ' || name_en FROM procedures",
        "counter": "SELECT id, name_vi, name_en FROM counters",
        "staff": "SELECT id, display_name, display_name FROM users",
    }.get(group)
    if sql is None:
        return {}
    return {r[0]: (r[1], r[2]) for r in conn.execute(sql).fetchall()}


USUAL_HOURS = (7, 16)  # 7:00-17:00, a commune office's day, when no opening hours are set


def open_hours(conn: sqlite3.Connection) -> tuple[int, int]:
    """The first and last hour of the day the office opens in any week (the calendar's opening hours): the
    hours an arrivals chart shows, busy or not."""
    first, last = conn.execute('SELECT MIN(start), MAX("end") FROM calendar_hours').fetchone()
    if first is None:
        return USUAL_HOURS
    end_h, end_m = int(last[:2]), int(last[3:5])
    return int(first[:2]), end_h if end_m else max(int(first[:2]), end_h - 1)


def office(conn: sqlite3.Connection) -> dict[str, str]:
    row = conn.execute("SELECT code, name FROM office WHERE id = 1").fetchone()
    return {"code": row[0], "name": row[1]} if row else {"code": "", "name": ""}


def letters(conn: sqlite3.Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """(procedure, kind, n, first_day) rows of the letters report for the office's own tickets."""
    sql = letters_query("sqlite")
    return [dict(r) for r in conn.execute(sql.for_dialect(), sql.bind(params)).fetchall()]


def has_tickets(db: str | Path, start: Any, end: Any) -> bool:
    """Whether any ticket was issued between two dates (inclusive)."""
    conn = open_reader(db)
    try:
        return conn.execute("SELECT 1 FROM tickets WHERE day >= ? AND day <= ? LIMIT 1",
                            (start.isoformat(), end.isoformat())).fetchone() is not None
    finally:
        conn.close()
