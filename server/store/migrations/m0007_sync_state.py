"""The centre's sync progress towards the province hub (one row per hub URL).

The hub's answer is the truth (a centre asks it on start); this row is what the admin sees:
how far the hub has acknowledged, when it last answered, and the last error.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.execute(
        """CREATE TABLE sync_state (
            hub_url TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL DEFAULT 0, catalog_hash TEXT NOT NULL DEFAULT '',
            last_ok_at REAL, last_error TEXT, last_error_at REAL, updated_at REAL NOT NULL)"""
    )
