"""The "4 tại chỗ" step timers of a ticket, and the citizen's satisfaction ratings."""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
        db,
        """CREATE TABLE steps (
            id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id), step TEXT NOT NULL,
            day TEXT NOT NULL, counter_id INTEGER, target_min REAL, started_at REAL NOT NULL,
            started_by INTEGER, ended_at REAL, ended_by INTEGER, overdue_level INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL DEFAULT '', UNIQUE (ticket_id, step))""",
        "CREATE INDEX steps_open ON steps(ended_at, step)",
        "CREATE INDEX steps_day ON steps(day, step)",
        """CREATE TABLE ratings (
            id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL UNIQUE REFERENCES tickets(id), day TEXT NOT NULL,
            counter_id INTEGER, user_id INTEGER, procedure_id INTEGER, receipt_no TEXT,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4), reason TEXT, channel TEXT NOT NULL,
            at REAL NOT NULL, origin TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX ratings_day ON ratings(day)",
    )
