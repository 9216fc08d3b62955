"""A screen waiting to be paired (issue 21): it shows a short code; an admin types the code and the screen
becomes a device. Only the hash of the screen's future device token is kept (the screen holds the token in an
HttpOnly cookie), so neither this table nor the code reveals a usable token. Rows live ten minutes.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.execute("""CREATE TABLE device_pairings (
        code TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL DEFAULT ''
            CHECK (kind IN ('', 'kiosk', 'display', 'rating')),
        counter_id INTEGER, address TEXT NOT NULL DEFAULT '', agent TEXT NOT NULL DEFAULT '',
        requested_at REAL NOT NULL, expires_at REAL NOT NULL)""")
