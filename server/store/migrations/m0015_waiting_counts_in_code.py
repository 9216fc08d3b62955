"""0012's triggers move into store/tickets.py (`insert`, `update`, `recount_waiting`).

The code that writes a ticket keeps its field's waiting count in the same transaction, which is as
exact as a trigger and leaves the tickets table without one. The counts are recounted here, so a
database written under the triggers carries on exactly.
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
        db,
        "DROP TRIGGER waiting_count_insert",
        "DROP TRIGGER waiting_count_delete",
        "DROP TRIGGER waiting_count_leave",
        "DROP TRIGGER waiting_count_enter",
        "DELETE FROM waiting_counts",
        "INSERT INTO waiting_counts (day, field_id, n)"
        " SELECT day, field_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY day, field_id",
    )
