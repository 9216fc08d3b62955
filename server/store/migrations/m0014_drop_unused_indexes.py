"""Two indexes no query needs any more, each written on every ticket or event: tickets by (day, field)
(the waiting counts and call-next use 0013's partial indexes) and events by (day, type) (the one query
by day and type is served by `events_report` (type, day, ticket_id)).
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(db, "DROP INDEX tickets_day_field", "DROP INDEX events_day_type")
