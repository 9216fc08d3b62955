"""A decision's handle on the open write transaction: the connection, the event log, and
what will be published to live clients once the transaction commits."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ulid import ULID

from server.store.catalog_cache import CatalogCache
from server.web import jsonio


def new_id(at: float) -> str:
    """A ULID of the instant `at`: ids sort by time and stay unique across machines (mobile laptops, the
    province hub). Ids are not secrets: a citizen's link uses the ticket's `public_token`."""
    return ulid_at(at, os.urandom(10))


def ulid_at(at: float, randomness: bytes) -> str:
    """The ULID of the instant `at` (epoch seconds, kept to the millisecond) with these 10 bytes as its
    random part: fresh ones for a new id, derived ones where the same input must give the same id."""
    return str(ULID.from_bytes(int(at * 1000).to_bytes(6, "big") + randomness))


@dataclass
class Published:
    """One committed event and the state a live client needs to apply it."""

    seq: int
    event: dict[str, Any]
    ticket: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Tx:
    def __init__(self, conn: sqlite3.Connection, origin: str, cache: CatalogCache | None = None) -> None:
        self.conn = conn
        self.origin = origin
        self.cache = cache or CatalogCache()
        self.published: list[Published] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def emit(
        self,
        type_: str,
        *,
        at: float,
        day: str,
        ticket_id: str | None = None,
        counter_id: int | None = None,
        actor: str | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
        data: dict[str, Any] | None = None,
        ticket_view: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Published:
        """Append to the event log (same transaction) and queue it for live clients."""
        event = {
            "id": new_id(at),
            "at": at,
            "day": day,
            "type": type_,
            "ticket_id": ticket_id,
            "counter_id": counter_id,
            "actor": actor,
            "from_status": from_status,
            "to_status": to_status,
            "data": data or {},
            "origin": self.origin,
        }
        cur = self.conn.execute(
            "INSERT INTO events (id, at, day, type, ticket_id, counter_id, actor, from_status, to_status, data,"
            " origin) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                event["id"], at, day, type_, ticket_id, counter_id, actor, from_status, to_status,
                jsonio.dumps(event["data"]), self.origin,
            ),
        )
        pub = Published(seq=int(cur.lastrowid or 0), event=event, ticket=ticket_view, extra=extra or {})
        pub.event["seq"] = pub.seq
        self.published.append(pub)
        return pub
