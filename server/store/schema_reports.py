"""Migration 0005: indexes that keep a month's report over a large office fast.

The report reads a period of tickets by `day` and needs, for each, the group columns and the
times. `tickets_report` covers all of them, so SQLite answers from the index alone without
visiting the table rows (a month of a 40-counter centre is ~50,000 index entries, read in order).
Steps and ratings are read by their ticket; recalls and transfers through `events_report` (by type
first: `events_day_type` would walk every event of the period). The cost is one more index entry
updated per ticket change: a few per ticket per day.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from .schema import migrations

REPORT_INDEXES = (
    "CREATE INDEX IF NOT EXISTS tickets_report ON tickets(day, procedure_id, status, field_id, counter_id,"
    " served_by, session_type, appointment_id, hour, weekday, arrival_at, first_called_at, served_at, done_at,"
    " outcome, priority, wrote_forms, id)",
    "CREATE INDEX IF NOT EXISTS steps_report ON steps(ticket_id, ended_at, ended_reason, started_at, step, target_min)",
    # Recalls and transfers of a period: a few per cent of the events, found without reading the rest.
    "CREATE INDEX IF NOT EXISTS events_report ON events(type, day, ticket_id)",
)


@migrations(name="0005_report_indexes")
def m0005_report_indexes(db: Database) -> None:
    for sql in REPORT_INDEXES:
        db.execute(sql)


def ensure_report_indexes(conn: sqlite3.Connection) -> list[str]:
    """(Re)create the report indexes whose definition differs from this module's (a database made by an
    older build, e.g. a cached benchmark file); returns their names. Idempotent."""
    changed = []
    for sql in REPORT_INDEXES:
        name = sql.split(" ON ")[0].split()[-1]
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
        want = sql.replace("IF NOT EXISTS ", "")
        if row is None or row[0] != want:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
            conn.execute(want)
            changed.append(name)
    if changed:
        conn.execute("ANALYZE")
    return changed


def rollup_ddl(table: str = "report_rollup", key_type: str = "", prefix: str = "") -> list[str]:
    """The per-day summary's tables (see `server.reports.rollup`); the hub passes its key type and a
    `centre_id` prefix. `k` has no declared type on SQLite, so a group key keeps its own (number or text)."""
    from ..reports.rollup import ADDED, JSONS, MAXED, STEP_ADDED

    num = "DOUBLE PRECISION" if key_type else "REAL"
    cols = [f"{c} {num}" if c in ("wait_sum", "service_sum") else f"{c} INTEGER NOT NULL DEFAULT 0" for c in ADDED]
    cols += [f"{c} {num}" for c in MAXED] + [f"{c} TEXT" for c in JSONS]
    step_cols = [f"{c} {num if c == 'd_sum' else 'INTEGER'} NOT NULL DEFAULT 0" for c in STEP_ADDED]
    head = f"{prefix}day TEXT NOT NULL, dim TEXT NOT NULL, k {key_type}".rstrip()
    return [
        f"CREATE TABLE {table} ({head}, {', '.join(cols)})",
        f"CREATE INDEX {table}_dim_day ON {table}(dim, day)",
        f"CREATE TABLE {table}_steps ({head}, step TEXT NOT NULL, {', '.join(step_cols)}, d_max {num}, hist TEXT)",
        f"CREATE INDEX {table}_steps_dim_day ON {table}_steps(dim, day)",
    ]


@migrations(name="0005b_report_rollup")
def m0005b_report_rollup(db: Database) -> None:
    """The per-day summary, where it stands in the event log (`seq`, and the procedures' service targets
    it was made with), and the days waiting to be summed again (today, late events, mobile imports)."""
    for sql in (
        *rollup_ddl(),
        "CREATE TABLE report_rollup_state (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
        " catalog TEXT NOT NULL)",
        "CREATE TABLE report_rollup_dirty (day TEXT PRIMARY KEY)",
    ):
        db.execute(sql)
