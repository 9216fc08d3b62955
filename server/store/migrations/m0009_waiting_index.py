"""Wait counts and position on the kiosk are range counts over this index."""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(db, "CREATE INDEX tickets_waiting_field ON tickets(day, status, field_id, arrival_at)")
