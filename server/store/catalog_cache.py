"""The catalogue and calendar kept in memory per connection, reloaded only when `catalog_version`
(bumped by triggers, migration 0010) says something changed. Issuing a ticket, estimating a wait and
laying out a slip read them on every tap; this turns a dozen queries into one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .tickets import Conn

T = TypeVar("T")


class CatalogCache:
    """Memoised loaders, all dropped together when the version moves. One instance per connection."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._values: dict[str, Any] = {}

    def _check(self, conn: Conn) -> None:
        row = conn.execute("SELECT v FROM catalog_version WHERE id = 1").fetchone()
        version = int(row[0]) if row else -1
        if version != self._version or version < 0:
            self._values.clear()
            self._version = version

    def get(self, conn: Conn, key: str, loader: Callable[[Conn], T]) -> T:
        self._check(conn)
        if key not in self._values:
            self._values[key] = loader(conn)
        return self._values[key]
