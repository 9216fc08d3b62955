"""Administrative-reform slogans for the hall's TV and main LED board.

A new database starts with the two slogans Ngã Bảy's roundabout screen plays "10 times an hour, every day"
(seed 003), so a fresh office has something true to show; admins edit or delete them, and because a
migration runs once, deleting them never brings them back. The second starts three minutes later so the
two alternate instead of firing in the same minute.
"""

from __future__ import annotations

from sqlite_utils import Database

SEED_SLOGANS = (
    ("CCHC góp phần mang lại sự hài lòng của tổ chức, cá nhân", "00:00"),
    ("CCHC góp phần giải quyết sớm thủ tục hành chính cho tổ chức, cá nhân", "00:03"),
)


def migrate(db: Database) -> None:
    db.execute(
        """CREATE TABLE slogans (
            id INTEGER PRIMARY KEY, text TEXT NOT NULL,
            every_n_minutes INTEGER, times_per_hour INTEGER,
            start_date TEXT, end_date TEXT, weekdays TEXT NOT NULL DEFAULT '0,1,2,3,4,5,6',
            window_start TEXT NOT NULL DEFAULT '00:00', window_end TEXT,
            enabled INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL DEFAULT 0, updated_at REAL NOT NULL DEFAULT 0,
            CHECK ((every_n_minutes IS NULL) != (times_per_hour IS NULL)))"""
    )
    for text, start in SEED_SLOGANS:
        db.execute(
            "INSERT INTO slogans (text, times_per_hour, window_start) VALUES (?, 10, ?)", (text, start)
        )
