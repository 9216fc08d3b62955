"""The core: the office, number series, fields, procedures, counters, accounts, tickets and their events.

Times are UTC epoch seconds (REAL); `day` is the office's local date (YYYY-MM-DD). The `tickets` table is the
current state of each ticket, written in the same transaction as the `events` row that explains every change: the
events are the history (for reports, audits and the province hub), the ticket row is the fast index.
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
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
