"""Indexes that keep a month's report over a large office fast.

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

# Recalls and transfers of a period: a few per cent of the events, found without reading the rest, and
# only they are in it (0016): the other events, a ticket's issue first, write no entry.
EVENTS_REPORT = ("CREATE INDEX IF NOT EXISTS events_report ON events(type, day, ticket_id)"
                 " WHERE type IN ('ticket.recall', 'ticket.transfer')")

REPORT_INDEXES = (
    "CREATE INDEX IF NOT EXISTS tickets_report ON tickets(day, procedure_id, status, field_id, counter_id,"
    " served_by, session_type, appointment_id, hour, weekday, arrival_at, first_called_at, served_at, done_at,"
    " outcome, priority, wrote_forms, id)",
    "CREATE INDEX IF NOT EXISTS steps_report ON steps(ticket_id, ended_at, ended_reason, started_at, step, target_min)",
    EVENTS_REPORT,
)


def migrate(db: Database) -> None:
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
