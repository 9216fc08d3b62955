"""What migrations share: running a list of statements in order."""

from __future__ import annotations

from sqlite_utils import Database


def run(db: Database, *statements: str) -> None:
    for sql in statements:
        db.execute(sql)
