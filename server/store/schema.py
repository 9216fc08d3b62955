"""Schema migrations: numbered functions, applied at start, recorded in the database.

Times are UTC epoch seconds (REAL); `day` is the office's local date (YYYY-MM-DD).
The `tickets` table is the current state of each ticket, written in the same
transaction as the `events` row that explains every change: the events are the
history (for reports, audits and the province hub), the ticket row is the fast index.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("motcua")


def _run(db: Database, *statements: str) -> None:
    for sql in statements:
        db.execute(sql)


@migrations(name="0001_core")
def m0001_core(db: Database) -> None:
    _run(
        db,
        """CREATE TABLE office (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            code TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL DEFAULT '{}')""",
        """CREATE TABLE number_series (
            key TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, prefix TEXT NOT NULL DEFAULT '',
            width INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE fields (
            id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            series TEXT NOT NULL REFERENCES number_series(key), sort INTEGER NOT NULL DEFAULT 0,
            icon TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE procedures (
            id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            field_id INTEGER NOT NULL REFERENCES fields(id), legal_days REAL NOT NULL DEFAULT 0,
            same_day INTEGER NOT NULL DEFAULT 0, steps TEXT NOT NULL DEFAULT '[]',
            service_target_min INTEGER NOT NULL DEFAULT 15, letter TEXT,
            kiosk_visible INTEGER NOT NULL DEFAULT 1, active INTEGER NOT NULL DEFAULT 1,
            sort INTEGER NOT NULL DEFAULT 0, keywords TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE counters (
            id INTEGER PRIMARY KEY, number INTEGER NOT NULL UNIQUE, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            grp TEXT NOT NULL DEFAULT 'hall', active INTEGER NOT NULL DEFAULT 1,
            priority_streak INTEGER NOT NULL DEFAULT 0, appointment_streak INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE counter_services (
            counter_id INTEGER NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
            field_id INTEGER REFERENCES fields(id), procedure_id INTEGER REFERENCES procedures(id),
            CHECK ((field_id IS NULL) != (procedure_id IS NULL)))""",
        "CREATE UNIQUE INDEX counter_services_unique ON counter_services(counter_id, "
        "IFNULL(field_id, 0), IFNULL(procedure_id, 0))",
        """CREATE TABLE priority_categories (
            code TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1, sort INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin','leader','staff')), password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL)""",
        """CREATE TABLE devices (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('kiosk','display','rating')),
            name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, printer_id TEXT, counter_id INTEGER,
            layout TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1, last_seen REAL)""",
        """CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            created_at REAL NOT NULL, expires_at REAL NOT NULL)""",
        """CREATE TABLE counter_signins (
            counter_id INTEGER PRIMARY KEY REFERENCES counters(id), user_id INTEGER NOT NULL UNIQUE,
            signed_in_at REAL NOT NULL)""",
        """CREATE TABLE number_seq (
            day TEXT NOT NULL, series TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (day, series))""",
        """CREATE TABLE tickets (
            id TEXT PRIMARY KEY, day TEXT NOT NULL, series TEXT NOT NULL, seq INTEGER NOT NULL,
            number TEXT NOT NULL, procedure_id INTEGER NOT NULL, field_id INTEGER NOT NULL,
            status TEXT NOT NULL, priority TEXT, arrival_at REAL NOT NULL, issued_at REAL NOT NULL,
            called_at REAL, first_called_at REAL, served_at REAL, done_at REAL,
            counter_id INTEGER, target_counter_id INTEGER, calls INTEGER NOT NULL DEFAULT 0,
            outcome TEXT, receipt_no TEXT, wrote_forms INTEGER NOT NULL DEFAULT 0, served_by INTEGER,
            public_token TEXT NOT NULL UNIQUE, kiosk_id TEXT, session_id TEXT,
            session_type TEXT NOT NULL DEFAULT 'regular', appointment_id TEXT, slot_at REAL,
            origin TEXT NOT NULL DEFAULT '', hour INTEGER NOT NULL, weekday INTEGER NOT NULL,
            UNIQUE (day, series, seq), UNIQUE (day, number))""",
        "CREATE INDEX tickets_open ON tickets(day, status)",
        "CREATE INDEX tickets_day_field ON tickets(day, field_id)",
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at REAL NOT NULL,
            day TEXT NOT NULL, type TEXT NOT NULL, ticket_id TEXT, counter_id INTEGER, actor TEXT,
            from_status TEXT, to_status TEXT, data TEXT NOT NULL DEFAULT '{}', origin TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX events_ticket ON events(ticket_id, seq)",
        "CREATE INDEX events_day_type ON events(day, type)",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}', ip TEXT)""",
    )


@migrations(name="0002_steps_ratings")
def m0002_steps_ratings(db: Database) -> None:
    _run(
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


# Each part keeps its tables' migrations in its own module (numbers reserved per part, so parts
# written side by side never collide): 0003 steps/ratings extras, 0004 calendar and appointments,
# 0005 report indexes, 0006 slogans and display devices, 0007 hub sync state, 0008 security.
PART_MIGRATIONS = (
    "server.store.schema_steps",
    "server.store.schema_calendar",
    "server.store.schema_reports",
    "server.store.schema_display",
    "server.store.schema_sync",
    "server.store.schema_security",
    "server.store.schema_cache",  # last: its triggers watch the other parts' tables
)


def _load_parts() -> None:
    import importlib

    for module in PART_MIGRATIONS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


@migrations(name="0009_waiting_index")
def m0009_waiting_index(db: Database) -> None:
    """Wait counts and position on the kiosk are range counts over this index."""
    _run(db, "CREATE INDEX tickets_waiting_field ON tickets(day, status, field_id, arrival_at)")


@migrations(name="0011_done_index")
def m0011_done_index(db: Database) -> None:
    """The wait estimate reads a field's latest finished tickets on every issue."""
    _run(db, "CREATE INDEX tickets_done_field ON tickets(field_id, done_at) WHERE status = 'done'")


_WAITING_PLUS = ("INSERT INTO waiting_counts (day, field_id, n) VALUES (NEW.day, NEW.field_id, 1)"
                 " ON CONFLICT (day, field_id) DO UPDATE SET n = n + 1")
_WAITING_MINUS = "UPDATE waiting_counts SET n = n - 1 WHERE day = OLD.day AND field_id = OLD.field_id"
_MOVED = "(NEW.field_id IS NOT OLD.field_id OR NEW.day IS NOT OLD.day)"


@migrations(name="0012_waiting_counts")
def m0012_waiting_counts(db: Database) -> None:
    """How many wait in each field today, kept by triggers on `tickets`.

    SQLite counts an index range row by row, so "how many are ahead of me" on a new ticket grew with
    the hall; with this count it is one lookup plus a count of the (few) tickets at the tail.
    (Kept by triggers until 0015 moved the bookkeeping into the store's code.)"""
    _run(
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


@migrations(name="0013_waiting_order")
def m0013_waiting_order(db: Database) -> None:
    """Call-next reads the head of each lane (a field, a procedure, tickets sent to this counter) and
    class (walk-in, priority, appointment due) without sorting the hall: see tickets.candidate_heads.

    Partial indexes hold only waiting tickets, in calling order; the per-field one carries every column
    the counter filters on, so skipping a priority or a transferred ticket never reads the table.
    (Edited once before any release, to drop 0009's index in the same step.)"""
    _run(
        db,
        "CREATE INDEX tickets_waiting_order ON tickets(day, field_id, arrival_at, seq, id, procedure_id,"
        " target_counter_id, priority, slot_at) WHERE status = 'waiting'",
        "CREATE INDEX tickets_waiting_priority ON tickets(day, field_id, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND priority IS NOT NULL",
        "CREATE INDEX tickets_waiting_slot ON tickets(day, slot_at, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND slot_at IS NOT NULL",
        "CREATE INDEX tickets_waiting_target ON tickets(day, target_counter_id, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND target_counter_id IS NOT NULL",
        # 0009's index of every ticket by status: the waiting counts now use the partial one above
        "DROP INDEX tickets_waiting_field",
    )


@migrations(name="0014_drop_unused_indexes")
def m0014_drop_unused_indexes(db: Database) -> None:
    """Two indexes no query needs any more, each written on every ticket or event: tickets by (day, field)
    (the waiting counts and call-next use 0013's partial indexes) and events by (day, type) (the one query
    by day and type is served by `events_report` (type, day, ticket_id))."""
    _run(db, "DROP INDEX tickets_day_field", "DROP INDEX events_day_type")


@migrations(name="0015_waiting_counts_in_code")
def m0015_waiting_counts_in_code(db: Database) -> None:
    """0012's triggers move into store/tickets.py (`insert`, `update`, `recount_waiting`).

    Measured: any AFTER trigger on the 31-column tickets table, even an empty one, made each INSERT cost
    ~20-45 us more (SQLite builds the trigger's NEW row), a third of issuing a ticket. The counts are
    recounted here, so a database written under the triggers carries on exactly."""
    _run(
        db,
        "DROP TRIGGER waiting_count_insert",
        "DROP TRIGGER waiting_count_delete",
        "DROP TRIGGER waiting_count_leave",
        "DROP TRIGGER waiting_count_enter",
        "DELETE FROM waiting_counts",
        "INSERT INTO waiting_counts (day, field_id, n)"
        " SELECT day, field_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY day, field_id",
    )


def apply(db: Database) -> list[str]:
    """Apply pending migrations; returns their names. A failing migration rolls back and raises."""
    _load_parts()
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
