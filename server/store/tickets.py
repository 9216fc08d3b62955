"""SQL for tickets, number sequences and counter queue state."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from typing import Any, Protocol

from server.domain.queue_policy import CounterScope, Streaks
from server.domain.tickets import Status, Ticket


class Conn(Protocol):
    def execute(self, sql: str, params: Any = ...) -> sqlite3.Cursor: ...


TICKET_COLUMNS = [f.name for f in fields(Ticket)]
_SELECT = "SELECT " + ", ".join(TICKET_COLUMNS) + " FROM tickets"


_STATUS_AT = TICKET_COLUMNS.index("status")
_WROTE_FORMS_AT = TICKET_COLUMNS.index("wrote_forms")


def row_to_ticket(row: sqlite3.Row | tuple) -> Ticket:
    """A row of `_SELECT` (its columns in the dataclass's field order) as a Ticket."""
    if len(row) != len(TICKET_COLUMNS):
        raise ValueError(f"a ticket row has {len(TICKET_COLUMNS)} columns, not {len(row)}")
    values = list(row)
    values[_STATUS_AT] = Status(values[_STATUS_AT])
    values[_WROTE_FORMS_AT] = bool(values[_WROTE_FORMS_AT])
    return Ticket(*values)


def get(conn: Conn, ticket_id: str) -> Ticket | None:
    row = conn.execute(_SELECT + " WHERE id = ?", (ticket_id,)).fetchone()
    return row_to_ticket(row) if row else None


def get_by_token(conn: Conn, token: str) -> Ticket | None:
    row = conn.execute(_SELECT + " WHERE public_token = ?", (token,)).fetchone()
    return row_to_ticket(row) if row else None


def get_by_number(conn: Conn, day: str, number: str) -> Ticket | None:
    row = conn.execute(_SELECT + " WHERE day = ? AND number = ?", (day, number)).fetchone()
    return row_to_ticket(row) if row else None


def open_tickets(conn: Conn, day: str) -> list[Ticket]:
    """Waiting, called and serving tickets of a day (the live hall)."""
    rows = conn.execute(
        _SELECT + " WHERE day = ? AND status IN ('waiting','called','serving') ORDER BY arrival_at, seq",
        (day,),
    ).fetchall()
    return [row_to_ticket(r) for r in rows]


def waiting(conn: Conn, day: str) -> list[Ticket]:
    rows = conn.execute(_SELECT + " WHERE day = ? AND status = 'waiting'", (day,)).fetchall()
    return [row_to_ticket(r) for r in rows]


def candidate_heads(conn: Conn, day: str, scope: CounterScope, now: float, early_s: float,
                    origin: str | None = None) -> list[Ticket]:
    """The first waiting ticket of each class a counter may take: appointments due (by slot), priority,
    and walk-ins (by arrival). The queue policy only ever chooses among these heads. `origin`: only the
    tickets this machine issued (a mobile laptop).

    Each class's head is the earliest of its lanes' heads: each field the counter serves, each single
    procedure, and the tickets transferred to this very counter. A lane is one walk down a partial index
    of waiting tickets (migration 0013) that stops at its first match, so a counter of a quiet field is
    not slowed by a long queue in another field."""
    due = "(slot_at IS NOT NULL AND slot_at - ? <= ?)"
    lanes: list[tuple[str, tuple[Any, ...]]] = [
        *((" AND field_id = ? AND target_counter_id IS NULL", (f,)) for f in sorted(scope.field_ids)),
        *((" AND procedure_id = ? AND target_counter_id IS NULL", (p,)) for p in sorted(scope.procedure_ids)),
        (" AND target_counter_id = ?", (scope.counter_id,)),
    ]
    order = " ORDER BY arrival_at, seq, id LIMIT 1"
    base = _SELECT + " WHERE day = ? AND status = 'waiting'"
    if origin is not None:
        base += " AND origin = ?"
    mine_only = () if origin is None else (origin,)
    heads: list[Ticket] = []
    for klass in (" AND priority IS NOT NULL", " AND priority IS NULL"):
        found = [conn.execute(base + lane + f" AND NOT {due}" + klass + order,
                              (day, *mine_only, *args, early_s, now)).fetchone()
                 for lane, args in lanes]
        rows = [row_to_ticket(r) for r in found if r is not None]
        if rows:
            heads.append(min(rows, key=lambda t: (t.arrival_at, t.seq, t.id)))
    fields = ",".join(str(int(f)) for f in scope.field_ids) or "NULL"
    procs = ",".join(str(int(p)) for p in scope.procedure_ids) or "NULL"
    mine = (f"(target_counter_id = {int(scope.counter_id)} OR (target_counter_id IS NULL AND"
            f" (field_id IN ({fields}) OR procedure_id IN ({procs}))))")
    row = conn.execute(base + f" AND slot_at IS NOT NULL AND {mine} AND {due} ORDER BY slot_at, arrival_at, seq, id"
                       " LIMIT 1", (day, *mine_only, early_s, now)).fetchone()
    if row is not None:  # appointments are few: their index is walked in slot order for any lane
        heads.insert(0, row_to_ticket(row))
    return heads


_TAIL = 64  # at most this many tickets are counted one by one on the fast path
_WAITING_IN_FIELD = "day = ? AND status = 'waiting' AND field_id = ?"


def count_waiting_ahead(conn: Conn, ticket: Ticket) -> int:
    """Waiting tickets of the same field that are ahead (earlier, or priority ahead of a walk-in).

    A new ticket is at the tail: ahead = everyone waiting in the field (`waiting_counts`, kept by
    triggers) minus the few who arrived at or after it, so issuing costs the same in a hall of 10 or
    10,000. A ticket deep in the queue (a citizen's phone asking later) is counted from the head.
    """
    key = (ticket.day, ticket.field_id, ticket.arrival_at)
    waiting, tail, same_instant, priority_tail = conn.execute(
        "SELECT (SELECT n FROM waiting_counts WHERE day = ? AND field_id = ?), COUNT(*),"
        " TOTAL(arrival_at = ? AND seq < ?), TOTAL(priority IS NOT NULL) FROM (SELECT arrival_at,"
        f" seq, priority FROM tickets WHERE {_WAITING_IN_FIELD} AND arrival_at >= ? AND id != ? LIMIT ?)",
        (*key[:2], ticket.arrival_at, ticket.seq, *key, ticket.id, _TAIL),
    ).fetchone()
    if tail < _TAIL:
        earlier = (waiting or 0) - (1 if ticket.is_waiting else 0) - tail
    else:
        earlier, same_instant, priority_tail = _count_from_head(conn, ticket)
    return int(earlier + same_instant + (priority_tail if ticket.priority is None else 0))


def _count_from_head(conn: Conn, ticket: Ticket) -> tuple[int, int, int]:
    key = (ticket.day, ticket.field_id, ticket.arrival_at)
    earlier = conn.execute(f"SELECT COUNT(*) FROM tickets WHERE {_WAITING_IN_FIELD} AND arrival_at < ?",
                           key).fetchone()[0]
    same_instant = conn.execute(
        f"SELECT COUNT(*) FROM tickets WHERE {_WAITING_IN_FIELD} AND arrival_at = ? AND seq < ? AND id != ?",
        (*key, ticket.seq, ticket.id),
    ).fetchone()[0]
    later_priority = conn.execute(
        f"SELECT COUNT(*) FROM tickets WHERE {_WAITING_IN_FIELD} AND arrival_at >= ? AND priority IS NOT NULL"
        " AND id != ?",
        (*key, ticket.id),
    ).fetchone()[0]
    return earlier, same_instant, later_priority


def at_counter(conn: Conn, day: str, counter_id: int) -> Ticket | None:
    """The ticket a counter is busy with (called or serving), if any."""
    row = conn.execute(
        _SELECT + " WHERE day = ? AND counter_id = ? AND status IN ('called','serving') ORDER BY called_at DESC",
        (day, counter_id),
    ).fetchone()
    return row_to_ticket(row) if row else None


_INSERT = (f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}, hour, weekday)"
           f" VALUES ({', '.join('?' * (len(TICKET_COLUMNS) + 2))})")


def insert(conn: Conn, t: Ticket, hour: int, weekday: int) -> None:
    """A new ticket's row (issued here, or brought in already called by a merge), and its waiting count."""
    values = [t.status.value if c == "status" else getattr(t, c) for c in TICKET_COLUMNS]
    conn.execute(_INSERT, [*values, hour, weekday])
    if t.status is Status.WAITING:
        _count_waiting(conn, t.day, t.field_id, 1)


_MUTABLE = [c for c in TICKET_COLUMNS if c not in ("id", "day", "series", "seq", "number", "public_token")]


def update(conn: Conn, t: Ticket, previous: Ticket | None = None) -> None:
    """Write a ticket's new state: only the columns that changed from `previous` (read when not given), so
    SQLite leaves alone the indexes that hold none of them (a call changes 4 of 25 columns)."""
    if previous is None:
        previous = get(conn, t.id)
    columns = _MUTABLE if previous is None else [c for c in _MUTABLE if getattr(t, c) != getattr(previous, c)]
    if not columns:
        return
    values = [t.status.value if c == "status" else getattr(t, c) for c in columns]
    conn.execute(f"UPDATE tickets SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?", [*values, t.id])
    was = previous is not None and previous.status is Status.WAITING
    now = t.status is Status.WAITING
    moved = previous is not None and (previous.day, previous.field_id) != (t.day, t.field_id)
    if was and (not now or moved):
        _count_waiting(conn, previous.day, previous.field_id, -1)  # type: ignore[union-attr]
    if now and (not was or moved):
        _count_waiting(conn, t.day, t.field_id, 1)


def _count_waiting(conn: Conn, day: str, field_id: int, delta: int) -> None:
    """`waiting_counts` follows every ticket written through `insert` and `update` (migration 0015 says why
    not triggers); a bulk load that writes rows directly calls `recount_waiting` afterwards."""
    conn.execute("INSERT INTO waiting_counts (day, field_id, n) VALUES (?, ?, ?)"
                 " ON CONFLICT (day, field_id) DO UPDATE SET n = n + excluded.n", (day, field_id, delta))


def recount_waiting(conn: Conn, days: list[str] | None = None) -> None:
    """Count the waiting tickets again from the table, for `days` (every day when None)."""
    scope, params = "", ()
    if days is not None:
        params = tuple(sorted(set(days)))
        scope = f" AND day IN ({', '.join('?' * len(params))})"
    conn.execute("DELETE FROM waiting_counts WHERE 1 = 1" + scope, params)
    conn.execute("INSERT INTO waiting_counts (day, field_id, n) SELECT day, field_id, COUNT(*) FROM tickets"
                 " WHERE status = 'waiting'" + scope + " GROUP BY day, field_id", params)


def next_seq(conn: Conn, day: str, series: str) -> int:
    """The series' next number of the day, counted in the decision's transaction (so a refused or
    rolled-back decision gives its number back, and two decisions never get the same one)."""
    key = (day, series)
    conn.execute("INSERT INTO number_seq (day, series, last) VALUES (?, ?, 1)"
                 " ON CONFLICT (day, series) DO UPDATE SET last = last + 1", key)
    return int(conn.execute("SELECT last FROM number_seq WHERE day = ? AND series = ?", key).fetchone()[0])


def counter_scope(conn: Conn, counter_id: int) -> CounterScope:
    rows = conn.execute(
        "SELECT field_id, procedure_id FROM counter_services WHERE counter_id = ?", (counter_id,)
    ).fetchall()
    return CounterScope(
        counter_id=counter_id,
        field_ids=frozenset(r[0] for r in rows if r[0] is not None),
        procedure_ids=frozenset(r[1] for r in rows if r[1] is not None),
    )


def streaks(conn: Conn, counter_id: int) -> Streaks:
    row = conn.execute(
        "SELECT priority_streak, appointment_streak FROM counters WHERE id = ?", (counter_id,)
    ).fetchone()
    return Streaks(priority=row[0], appointment=row[1]) if row else Streaks()


def save_streaks(conn: Conn, counter_id: int, s: Streaks) -> None:
    conn.execute(
        "UPDATE counters SET priority_streak = ?, appointment_streak = ? WHERE id = ?",
        (s.priority, s.appointment, counter_id),
    )


def recent_service_seconds(conn: Conn, field_id: int, since: float, limit: int = 30) -> list[float]:
    """Call-to-done durations of the latest finished tickets of a field (for wait estimates)."""
    rows = conn.execute(
        "SELECT done_at - called_at FROM tickets WHERE field_id = ? AND status = 'done' AND done_at >= ?"
        " AND called_at IS NOT NULL ORDER BY done_at DESC LIMIT ?",
        (field_id, since, limit),
    ).fetchall()
    return [r[0] for r in rows if r[0] is not None and r[0] > 0]
