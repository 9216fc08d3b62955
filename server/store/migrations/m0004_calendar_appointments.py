"""The office calendar, sessions tickets point at, appointments, and mobile-session imports.

Calendar rows are the admin's rules; `sessions` holds one row per (local day, machine, session type),
written when its first ticket is issued, so a ticket's `session_id` leads to the session's type, tags
and place (a Wednesday ticket shows `ngay_khong_viet`). `job_runs` makes once-per-period jobs idempotent.
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
        db,
        """CREATE TABLE calendar_hours (
            id INTEGER PRIMARY KEY, weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
            start TEXT NOT NULL, "end" TEXT NOT NULL, session_type TEXT NOT NULL DEFAULT 'regular',
            procedure_ids TEXT, counter_ids TEXT, CHECK (start < "end"))""",
        """CREATE TABLE calendar_holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE calendar_special_days (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]', day TEXT,
            weekday INTEGER CHECK (weekday BETWEEN 1 AND 7), hours TEXT NOT NULL DEFAULT '[]', procedure_ids TEXT,
            CHECK ((day IS NULL) != (weekday IS NULL)))""",
        """CREATE TABLE calendar_mobile (
            id INTEGER PRIMARY KEY, place TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
            weekday INTEGER CHECK (weekday BETWEEN 1 AND 7), day TEXT, procedure_ids TEXT, counter_ids TEXT,
            CHECK ((day IS NULL) != (weekday IS NULL)), CHECK (start < "end"))""",
        """CREATE TABLE calendar_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY, day TEXT NOT NULL, type TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
            place TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL DEFAULT '', opened_at REAL NOT NULL)""",
        "CREATE INDEX sessions_day ON sessions(day, type)",
        """CREATE TABLE job_runs (job TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL, detail TEXT NOT NULL
            DEFAULT '{}', PRIMARY KEY (job, key))""",
        """CREATE TABLE appointment_slots (
            id INTEGER PRIMARY KEY, procedure_id INTEGER NOT NULL REFERENCES procedures(id), day TEXT NOT NULL,
            start_at REAL NOT NULL, end_at REAL NOT NULL, capacity INTEGER NOT NULL CHECK (capacity >= 1),
            UNIQUE (procedure_id, start_at))""",
        "CREATE INDEX appointment_slots_day ON appointment_slots(day, procedure_id)",
        """CREATE TABLE appointments (
            id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, slot_id INTEGER NOT NULL REFERENCES appointment_slots(id),
            procedure_id INTEGER NOT NULL, day TEXT NOT NULL, slot_at REAL NOT NULL, slot_end REAL NOT NULL,
            name TEXT, phone TEXT, channel TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'booked',
            created_at REAL NOT NULL, created_by TEXT NOT NULL, consent_at REAL, checked_in_at REAL, ticket_id TEXT,
            cancelled_at REAL, no_show_at REAL, reminded_at REAL, purged_at REAL)""",
        "CREATE INDEX appointments_slot ON appointments(slot_id, status)",
        "CREATE INDEX appointments_day ON appointments(day, status)",
        """CREATE TABLE mobile_imports (
            file_sha256 TEXT PRIMARY KEY, office_code TEXT NOT NULL, machine_id TEXT NOT NULL,
            imported_at REAL NOT NULL, counts TEXT NOT NULL)""",
    )
