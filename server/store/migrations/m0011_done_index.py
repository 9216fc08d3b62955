"""The wait estimate reads a field's latest finished tickets on every issue."""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(db, "CREATE INDEX tickets_done_field ON tickets(field_id, done_at) WHERE status = 'done'")
