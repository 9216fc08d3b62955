"""SQL for `motcua mobile prepare`: a mobile laptop's database gets the office's catalogue and nothing else.

The tables are an allowlist: a table added later (and whatever personal data it may hold) stays behind
until someone decides it belongs on the laptop. Tickets, events, ratings, appointments (names, phones),
sign-in tokens, the audit log, hub sync state and report tables never travel.
"""

from __future__ import annotations

import sqlite3

from server.store.tx import Tx

CATALOGUE_TABLES = (
    "office", "number_series", "fields", "procedures", "counters", "counter_services", "priority_categories",
    "users", "devices", "calendar_hours", "calendar_holidays", "calendar_special_days", "calendar_mobile",
    "slogans",
)


def _columns(conn: Tx | sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()]


def copy_catalogue(conn: Tx, source: sqlite3.Connection) -> dict[str, int]:
    """Copy the catalogue tables' rows from `source` (the office, read in one read transaction) into `conn`
    (a new database in a write transaction); columns both have. Returns the rows copied per table."""
    copied: dict[str, int] = {}
    source.execute("BEGIN")
    try:
        for table in CATALOGUE_TABLES:
            mine = set(_columns(conn, table))
            cols = [c for c in _columns(source, table) if c in mine]
            if not cols:
                continue
            names = ", ".join(f'"{c}"' for c in cols)
            rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
            conn.execute(f"DELETE FROM {table}")  # what migrations seed (default slogans): the office's instead
            conn.conn.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", [tuple(r) for r in rows])
            copied[table] = len(rows)
    finally:
        source.execute("COMMIT")
    # The office's counters' streaks and devices' last-seen times mean nothing on the laptop.
    conn.execute("UPDATE counters SET priority_streak = 0, appointment_streak = 0")
    conn.execute("UPDATE devices SET last_seen = NULL")
    return copied

