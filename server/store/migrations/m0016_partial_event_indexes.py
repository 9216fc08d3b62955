"""`events_report` held every event, so each one written (issuing a ticket, calling it...) added an
entry and 2-3 pages to its commit's WAL; its readers want recalls and transfers only (the report, whose
query names the same two types). The one other query by type, a counter's last finished ticket
(store/ratings.py), gets an index of finishes by day and counter.
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.m0005_report_indexes import EVENTS_REPORT


def migrate(db: Database) -> None:
    db.execute("DROP INDEX IF EXISTS events_report")
    db.execute(EVENTS_REPORT)
    db.execute("CREATE INDEX events_finish ON events(day, counter_id) WHERE type = 'ticket.finish'")
