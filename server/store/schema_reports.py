"""Migration 0005: indexes that keep a month's report over a large office fast.

The report reads a period of tickets by `day` and needs, for each, the group columns and the
times. `tickets_report` covers all of them, so SQLite answers from the index alone without
visiting the table rows (a month of a 40-counter centre is ~50,000 index entries, read in order).
Steps and ratings are read by their ticket; `events_day_type` (0001) already serves recalls and
transfers. The cost is one more index entry updated per ticket change: a few per ticket per day.
"""

from __future__ import annotations

from sqlite_utils import Database

from .schema import migrations

REPORT_INDEXES = (
    "CREATE INDEX IF NOT EXISTS tickets_report ON tickets(day, procedure_id, status, field_id, counter_id,"
    " served_by, session_type, appointment_id, hour, weekday, arrival_at, first_called_at, served_at, done_at,"
    " outcome, priority, wrote_forms, id)",
    "CREATE INDEX IF NOT EXISTS steps_report ON steps(ticket_id, ended_at, started_at, step, target_min)",
)


@migrations(name="0005_report_indexes")
def m0005_report_indexes(db: Database) -> None:
    for sql in REPORT_INDEXES:
        db.execute(sql)
