"""Office settings live in the database (issue 21): one row per section of the configuration model (`queue`,
`kiosk`, `printers`, ...) holding that section as JSON, validated by server/config.py's models before it is
written. The TOML file keeps only the machine's part ([server], [mobile], [hub]). `office_files` holds the
office's uploaded pictures (the logo), so a backup of the database carries them.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.execute(
        """CREATE TABLE settings (
            section TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at REAL NOT NULL,
            updated_by TEXT NOT NULL DEFAULT 'system')"""
    )
    db.execute(
        """CREATE TABLE office_files (
            name TEXT PRIMARY KEY, content_type TEXT NOT NULL, data BLOB NOT NULL, sha256 TEXT NOT NULL,
            updated_at REAL NOT NULL)"""
    )
