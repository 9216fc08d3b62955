"""The catalogue and calendar kept in memory per connection, reloaded only when `catalog_version`
(bumped by triggers, migration 0010) says something changed. Issuing a ticket, estimating a wait and
laying out a slip read them on every tap; this turns a dozen queries into one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from server.store.tickets import Conn

T = TypeVar("T")


class CatalogCache:
    """Memoised loaders, all dropped together when the version moves. One instance per connection.

    Inside the writer's own transaction (between `hold_write_lock` and `release_write_lock`) nobody else
    can write, so the version can only move with a change made on this connection: while its
    `total_changes` stands still the last check holds, and a ticket decision asks once, not at every lookup.
    A connection that reports its own edits (`watch`) keeps the check for the whole transaction: a batch
    of tickets asks once, not once a ticket (each ticket's rows move `total_changes`)."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._values: dict[str, Any] = {}
        self._exclusive = False
        self._checked_at: int | None = None  # the connection's total_changes at the last check
        self._watched = False

    def watch(self, conn: sqlite3.Connection) -> None:
        """Have `conn` call back when it bumps `catalog_version`: a TEMP trigger, on this connection only
        (nothing is written to the file; other connections and tools are not affected)."""
        conn.create_function("motcua_catalog_edited", 0, self._edited)
        conn.execute("CREATE TEMP TRIGGER IF NOT EXISTS motcua_catalog_edited AFTER UPDATE ON main.catalog_version"
                     " BEGIN SELECT motcua_catalog_edited(); END")
        self._watched = True

    def _edited(self) -> None:
        self._checked_at = None  # the next lookup reads the version again, and drops what it changed

    def hold_write_lock(self) -> None:
        self._exclusive, self._checked_at = True, None

    def release_write_lock(self) -> None:
        self._exclusive, self._checked_at = False, None

    def clear(self) -> None:
        """Forget everything (a decision rolled back: values loaded inside it may hold its undone edits)."""
        self._values.clear()
        self._version = self._checked_at = None

    def _check(self, conn: Conn) -> None:
        if self._checked_at is not None and (self._watched or conn.total_changes == self._checked_at):
            return
        row = conn.execute("SELECT v FROM catalog_version WHERE id = 1").fetchone()
        version = int(row[0]) if row else -1
        if version != self._version or version < 0:
            self._values.clear()
            self._version = version
        if self._exclusive:
            self._checked_at = conn.total_changes

    def get(self, conn: Conn, key: str, loader: Callable[[Conn], T]) -> T:
        self._check(conn)
        if key not in self._values:
            self._values[key] = loader(conn)
        return self._values[key]
