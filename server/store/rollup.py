"""The office's per-day report summary on SQLite: kept up to date from the event log, read with today's
(and any other changed day's) figures made on the fly, so a report is always exact however far behind
the summary is.

Which days changed is read from the events written since the summary last looked (`seq` in
`report_rollup_state`): every change of a ticket, rating or step writes an event, a mobile import
included (its events get new local seqs), so the days of those events' tickets are the days to sum
again. They wait in `report_rollup_dirty` until a refresh (a writer job, day by day) sums them; a past
day is then left alone until an event touches it again. Today stays dirty: it is cheap to sum live.
A change of a procedure's service target (which `within_service_target` reads), or of the summary's
definition (`SUMMARY_VERSION`), marks every day.

The server sums a day in two parts (`server.reports.refresh`): the SELECT on a read-only connection
(`compute`), then a short writer job that stores its rows unless the day changed meanwhile (`store`).
`refresh` does both in one transaction per step, for the benchmark and offline use.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from typing import Any

from server.reports import rollup as ru
from server.store.sql import rollup as sql_ru
from server.store.sql.report import Sql

DIRTY_SINCE = """SELECT DISTINCT COALESCE(t.day, e.day) FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id
WHERE e.seq > ?"""
CATALOG = "SELECT COALESCE(group_concat(id || ':' || service_target_min, ','), '') FROM " \
          "(SELECT id, service_target_min FROM procedures ORDER BY id)"
# Days of the summary, through its (dim, day) index: one short range per dimension, not a table scan.
_DAYS = f"dim IN ({', '.join(repr(d) for d in ru.DIMS)}) AND day >= ? AND day <= ?"
BUILD_DAYS = 7  # days summed by one writer job (a few hundred ms for a 2,000-tickets-a-day centre)


def catalog(conn: sqlite3.Connection) -> str:
    """What the stored summary depends on besides the tickets: the summary's own version and the targets."""
    return f"v{ru.SUMMARY_VERSION};{conn.execute(CATALOG).fetchone()[0]}"


def mark(conn: sqlite3.Connection) -> int:
    """Move the days touched since the last look into the dirty set; returns the event seq now reached.
    Runs in a write transaction (the writer's, or the benchmark's own)."""
    head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
    state = conn.execute("SELECT seq, catalog FROM report_rollup_state WHERE id = 1").fetchone()
    fingerprint = catalog(conn)
    if state is None or state[1] != fingerprint:
        conn.execute("INSERT OR IGNORE INTO report_rollup_dirty (day) SELECT DISTINCT day FROM tickets")
    elif head > state[0]:
        conn.execute(f"INSERT OR IGNORE INTO report_rollup_dirty (day) {DIRTY_SINCE}", (state[0],))
    conn.execute("INSERT INTO report_rollup_state (id, seq, catalog) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE"
                 " SET seq = excluded.seq, catalog = excluded.catalog", (head, fingerprint))
    return head


def sum_days(conn: sqlite3.Connection, first: str, last: str) -> None:
    """Replace the stored summary of days first..last (inside the caller's write transaction)."""
    params = {"from_day": first, "to_day": last}
    conn.execute(f"DELETE FROM report_rollup WHERE {_DAYS}", (first, last))
    conn.execute(f"DELETE FROM report_rollup_steps WHERE {_DAYS}", (first, last))
    for table, sql, cols in (("report_rollup", sql_ru.rollup_select("sqlite"), ru.COLUMNS),
                             ("report_rollup_steps", sql_ru.steps_select("sqlite"), ru.STEP_COLUMNS)):
        conn.execute(f"INSERT INTO {table} (day, dim, k, {', '.join(cols)}) {sql.text}", sql.bind(params))


def dirty_before(conn: sqlite3.Connection, today: str) -> list[str]:
    """Mark (in the caller's write transaction), then the dirty days before today, oldest first."""
    mark(conn)
    return [r[0] for r in conn.execute("SELECT day FROM report_rollup_dirty WHERE day < ? ORDER BY day", (today,))]


Computed = tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]]


def compute(conn: sqlite3.Connection, first: str, last: str) -> Computed:
    """The summary rows of days first..last and the event seq they reflect, read in one snapshot of a
    read-only connection: the costly part, done off the writer (a quarter of a second for 2,000 tickets)."""
    params = {"from_day": first, "to_day": last}
    conn.execute("BEGIN")
    try:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        out = [[tuple(r) for r in conn.execute(sql.text, sql.bind(params)).fetchall()]
               for sql in (sql_ru.rollup_select("sqlite"), sql_ru.steps_select("sqlite"))]
    finally:
        conn.execute("COMMIT")
    return seq, out[0], out[1]


def store(conn: sqlite3.Connection, first: str, last: str, computed: Computed) -> bool:
    """Replace the days' stored rows with rows `compute` made, unless an event newer than their snapshot
    touched those days meanwhile (then they stay dirty for the next refresh). In the writer: a few ms."""
    seq, rows, step_rows = computed
    # CROSS JOIN: SQLite walks the few newer events, not every ticket of the days.
    newer = conn.execute("SELECT 1 FROM events e CROSS JOIN tickets t ON t.id = e.ticket_id WHERE e.seq > ?"
                         " AND t.day >= ? AND t.day <= ? LIMIT 1", (seq, first, last)).fetchone()
    if newer:
        return False
    for table, cols, values in (("report_rollup", ru.COLUMNS, rows), ("report_rollup_steps", ru.STEP_COLUMNS,
                                                                       step_rows)):
        conn.execute(f"DELETE FROM {table} WHERE {_DAYS}", (first, last))
        conn.executemany(f"INSERT INTO {table} (day, dim, k, {', '.join(cols)}) VALUES"
                         f" ({', '.join('?' * (len(cols) + 3))})", values)
    conn.execute("DELETE FROM report_rollup_dirty WHERE day >= ? AND day <= ?", (first, last))
    return True


def refresh_step(conn: sqlite3.Connection, today: str, days: int = BUILD_DAYS) -> int:
    """One bounded piece of work: look at new events, then sum up to `days` consecutive days before today
    from the earliest dirty one. Returns how many past days are still dirty (0: up to date)."""
    mark(conn)
    first = conn.execute("SELECT MIN(day) FROM report_rollup_dirty WHERE day < ?", (today,)).fetchone()[0]
    if first is None:
        return 0
    last = min(date.fromisoformat(first) + timedelta(days=days - 1),
               date.fromisoformat(today) - timedelta(days=1)).isoformat()
    sum_days(conn, first, last)
    conn.execute("DELETE FROM report_rollup_dirty WHERE day >= ? AND day <= ?", (first, last))
    return conn.execute("SELECT COUNT(*) FROM report_rollup_dirty WHERE day < ?", (today,)).fetchone()[0]


def refresh(conn: sqlite3.Connection, today: str) -> None:
    """Sum every dirty past day, one transaction per step (the benchmark and the CLI; the server goes
    through its writer, `server.reports.refresh`)."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            left = refresh_step(conn, today)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if not left:
            return


def dirty_days(conn: sqlite3.Connection) -> set[str] | None:
    """Days whose stored summary may be out of date right now; None when there is no usable summary."""
    state = conn.execute("SELECT seq, catalog FROM report_rollup_state WHERE id = 1").fetchone()
    if state is None or state[1] != catalog(conn):
        return None
    days = {r[0] for r in conn.execute("SELECT day FROM report_rollup_dirty").fetchall()}
    days |= {r[0] for r in conn.execute(DIRTY_SINCE, (state[0],)).fetchall()}
    return days


def _rows(conn: sqlite3.Connection, sql: Sql, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = conn.execute(sql.for_dialect(), sql.bind(params))
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def read(conn: sqlite3.Connection, group: str, from_day: str, to_day: str, dirty: set[str] | None, *,
         steps: bool = False) -> dict[Any, ru.Acc]:
    """The period's sums per report group: stored days from the summary, dirty days summed now."""
    params = {"from_day": from_day, "to_day": to_day}
    if dirty is None:
        live, stored = [(from_day, to_day)], {}
    else:
        mine = [d for d in dirty if from_day <= d <= to_day]
        live = ru.day_ranges(mine)
        sql = sql_ru.read_select("sqlite", group, table="report_rollup_steps" if steps else "report_rollup",
                             where="r.day NOT IN (SELECT value FROM json_each(:dirty))", steps=steps)
        stored = ru.add_up(_rows(conn, sql, {**params, "dirty": json.dumps(mine)}), steps=steps)
    dim = sql_ru.READ_GROUPS[group][0]
    fresh = sql_ru.steps_select("sqlite", [dim]) if steps else sql_ru.rollup_select("sqlite", [dim])
    for first, last in live:
        rows = _rows(conn, fresh, {"from_day": first, "to_day": last})
        ru.add_up(rows, lambda r: ru.live_key(group, r), steps=steps, into=stored)
    return stored
