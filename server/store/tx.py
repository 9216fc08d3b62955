"""A decision's handle on the open write transaction: the connection, the event log, and
what will be published to live clients once the transaction commits."""

from __future__ import annotations

import os
import random
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from server.store.catalog_cache import CatalogCache
from server.web import jsonio

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits -> two characters
_rng = random.Random()  # seeded from os.urandom; an id needs to be unique, not secret
os.register_at_fork(after_in_child=_rng.seed)  # a forked child must not draw the parent's numbers
_random_bits = _rng.getrandbits
_last_ms: tuple[int, str] = (-1, "")  # the last millisecond seen and its 10 characters (a batch's ids share it)


def new_id(at: float) -> str:
    """A ULID (48-bit millisecond time + 80 random bits, Crockford base32): sortable by time and unique
    across machines (mobile laptops, the province hub). Encoded here because python-ulid's object
    round-trip costs ~0.1 ms, which the ticket path pays twice; tests check python-ulid parses ours.
    The random part is two 40-bit draws (small ints, cheaper than one 130-bit number): 9,000 CPU
    instructions an id instead of 19,000. Ids are not secrets: a citizen's link uses `public_token`."""
    global _last_ms
    ms, last = int(at * 1000), _last_ms  # one tuple, replaced whole: the loop and the writer thread both call
    if ms != last[0]:
        last = _last_ms = (ms, "".join([_PAIRS[(ms >> shift) & 1023] for shift in (40, 30, 20, 10, 0)]))
    a, b, p = _random_bits(40), _random_bits(40), _PAIRS
    return (f"{last[1]}{p[a >> 30]}{p[(a >> 20) & 1023]}{p[(a >> 10) & 1023]}{p[a & 1023]}"
            f"{p[b >> 30]}{p[(b >> 20) & 1023]}{p[(b >> 10) & 1023]}{p[b & 1023]}")


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

    @property
    def total_changes(self) -> int:
        return self.conn.total_changes

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
