"""What a procedure needs beyond its name and steps (issue 21): the required documents (a JSON list) and the fee
text, kept for the kiosk and the slip; the legal time as the portal writes it ("05 ngày làm việc"); the portal's
other columns as they came (`portal_info`, JSON), so an export gives back the portal's shape. `catalogue_imports`
keeps an uploaded catalogue between its preview and the admin's "apply", and what applying it did.
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
        db,
        "ALTER TABLE procedures ADD COLUMN documents TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE procedures ADD COLUMN fee TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE procedures ADD COLUMN legal_time TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE procedures ADD COLUMN portal_info TEXT NOT NULL DEFAULT '{}'",
        """CREATE TABLE catalogue_imports (
            id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT NOT NULL, filename TEXT NOT NULL,
            rows TEXT NOT NULL, optional TEXT NOT NULL DEFAULT '[]', applied_at REAL, result TEXT)""",
    )
