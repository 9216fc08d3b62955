"""The catalogue and calendar kept in memory per connection, reloaded only when `catalog_version`
(bumped by triggers, migration 0010) says something changed. Issuing a ticket, estimating a wait and
laying out a slip read them on every tap; this turns a dozen queries into one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from server.store.tickets import Conn

T = TypeVar("T")


class CatalogCache:
    """Loaded values, all dropped together when the version moves. One instance per connection.

    Every lookup reads the version first (one row by its key), so an edit made by any connection or tool
    is seen by the next lookup. The writer also drops everything when a decision or a batch is rolled
    back, since values loaded inside it may hold edits that were undone."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._values: dict[str, Any] = {}

    def clear(self) -> None:
        """Forget everything."""
        self._values.clear()
        self._version = None

    def get(self, conn: Conn, key: str, loader: Callable[[Conn], T]) -> T:
        row = conn.execute("SELECT v FROM catalog_version WHERE id = 1").fetchone()
        version = int(row[0]) if row else -1
        if version != self._version or version < 0:
            self._values.clear()
            self._version = version
        if key not in self._values:
            self._values[key] = loader(conn)
        return self._values[key]
