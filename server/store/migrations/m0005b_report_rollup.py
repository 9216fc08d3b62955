"""The per-day summary, where it stands in the event log (`seq`, and the procedures' service targets
it was made with), and the days waiting to be summed again (today, late events, mobile imports).
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.sql.rollup import rollup_ddl


def migrate(db: Database) -> None:
    for sql in (
        *rollup_ddl(),
        "CREATE TABLE report_rollup_state (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
        " catalog TEXT NOT NULL)",
        "CREATE TABLE report_rollup_dirty (day TEXT PRIMARY KEY)",
    ):
        db.execute(sql)
