"""A counter sign-in remembers its holder's last action at the counter (`active_at`), so a sign-in left idle
(a forgotten sign-out) can lapse after [security] counter_idle_lapse_min instead of locking the counter all day.
Existing sign-ins count as active from when they were made.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    db.execute("ALTER TABLE counter_signins ADD COLUMN active_at REAL")
    db.execute("UPDATE counter_signins SET active_at = signed_in_at")
