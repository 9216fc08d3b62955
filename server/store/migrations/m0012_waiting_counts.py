"""How many wait in each field today, kept by triggers on `tickets`.

SQLite counts an index range row by row, so "how many are ahead of me" on a new ticket grew with
the hall; with this count it is one lookup plus a count of the (few) tickets at the tail.
(Kept by triggers until 0015 moved the bookkeeping into the store's code.)
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run

_WAITING_PLUS = ("INSERT INTO waiting_counts (day, field_id, n) VALUES (NEW.day, NEW.field_id, 1)"
                 " ON CONFLICT (day, field_id) DO UPDATE SET n = n + 1")

_WAITING_MINUS = "UPDATE waiting_counts SET n = n - 1 WHERE day = OLD.day AND field_id = OLD.field_id"

_MOVED = "(NEW.field_id IS NOT OLD.field_id OR NEW.day IS NOT OLD.day)"


def migrate(db: Database) -> None:
    run(
        db,
        """CREATE TABLE waiting_counts (
            day TEXT NOT NULL, field_id INTEGER NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (day, field_id)) WITHOUT ROWID""",
        "INSERT INTO waiting_counts (day, field_id, n)"
        " SELECT day, field_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY day, field_id",
        f"CREATE TRIGGER waiting_count_insert AFTER INSERT ON tickets WHEN NEW.status = 'waiting'"
        f" BEGIN {_WAITING_PLUS}; END",
        f"CREATE TRIGGER waiting_count_delete AFTER DELETE ON tickets WHEN OLD.status = 'waiting'"
        f" BEGIN {_WAITING_MINUS}; END",
        f"CREATE TRIGGER waiting_count_leave AFTER UPDATE OF status, field_id, day ON tickets"
        f" WHEN OLD.status = 'waiting' AND (NEW.status IS NOT 'waiting' OR {_MOVED})"
        f" BEGIN {_WAITING_MINUS}; END",
        f"CREATE TRIGGER waiting_count_enter AFTER UPDATE OF status, field_id, day ON tickets"
        f" WHEN NEW.status = 'waiting' AND (OLD.status IS NOT 'waiting' OR {_MOVED})"
        f" BEGIN {_WAITING_PLUS}; END",
    )
