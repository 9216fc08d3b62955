"""SQL for tickets, number sequences and counter queue state."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from typing import Any, Protocol

from server.domain.queue_policy import ORDER, CounterScope, Streaks, WalkIns
from server.domain.tickets import Status, Ticket


class Conn(Protocol):
    """A connection or the writer's transaction (Tx): the store's functions run on either."""

    def execute(self, sql: str, params: Any = ...) -> sqlite3.Cursor: ...

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor: ...


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


_WAITING = _SELECT + " WHERE day = ? AND status = 'waiting'"
_IN_ORDER = " ORDER BY " + ", ".join(ORDER)


def _lane(lane: dict[str, int | None]) -> tuple[str, tuple[Any, ...]]:
    """One of `CounterScope.lanes` as a condition: its columns' values (None: the column is empty)."""
    sql = "".join(f" AND {column} IS NULL" if value is None else f" AND {column} = ?" for column, value in lane.items())
    return sql, tuple(value for value in lane.values() if value is not None)


def candidate_heads(conn: Conn, day: str, scope: CounterScope, origin: str | None = None) -> list[Ticket]:
    """What call-next chooses among (`queue_policy.next_for` picks; nothing is decided here): in each of the
    counter's lanes (`CounterScope.lanes`) the first walk-in with a priority group and the first without, in
    calling order (`queue_policy.ORDER`), and every booked ticket waiting today (few; the policy keeps those
    the counter may take and ranks them by slot). `origin`: only the tickets this machine issued (a mobile
    laptop).

    A lane's head is one walk down a partial index of waiting tickets (migration 0013) that stops at its first
    match, so a counter of a quiet field is not slowed by a long queue in another field."""
    base = _WAITING
    mine_only: tuple[str, ...] = ()
    if origin is not None:
        base, mine_only = base + " AND origin = ?", (origin,)
    heads: list[Ticket] = []
    for lane in scope.lanes():
        where, args = _lane(lane)
        for kind in (" AND priority IS NOT NULL", " AND priority IS NULL"):
            row = conn.execute(base + where + " AND slot_at IS NULL" + kind + _IN_ORDER + " LIMIT 1",
                               (day, *mine_only, *args)).fetchone()
            if row is not None:
                heads.append(row_to_ticket(row))
    booked = conn.execute(base + " AND slot_at IS NOT NULL", (day, *mine_only)).fetchall()
    return heads + [row_to_ticket(r) for r in booked]


def waiting_in_lanes(conn: Conn, day: str, scope: CounterScope) -> list[Ticket]:
    """Every waiting ticket a counter may take (a ticket sent to it counts its place among these)."""
    out: dict[str, Ticket] = {}
    for lane in scope.lanes():
        where, args = _lane(lane)
        out |= {t.id: t for t in map(row_to_ticket, conn.execute(_WAITING + where, (day, *args)).fetchall())}
    return list(out.values())


_TAIL = 64  # at most this many walk-ins are counted one by one on the fast path
_FIELD = "day = :day AND status = 'waiting' AND field_id = :field AND target_counter_id IS NULL AND id != :id"
_WALK_IN = {"priority": " AND slot_at IS NULL AND priority IS NOT NULL",
            "normal": " AND slot_at IS NULL AND priority IS NULL"}
_MINE = "(" + ", ".join(f":{column}" for column in ORDER) + ")"
_EARLIER = f" AND ({', '.join(ORDER)}) < {_MINE}"
_LATER = f" AND ({', '.join(ORDER)}) > {_MINE}"


def field_queue(conn: Conn, ticket: Ticket) -> tuple[list[Ticket], WalkIns]:
    """The other tickets waiting in a ticket's field (not sent to one counter: `queue_policy.in_queue_of`), for
    `queue_policy.place`: the booked ones (few) and the walk-ins counted per class, all and earlier in `ORDER`.

    Walk-ins without a priority group are most of a hall: a new ticket is at their tail, so those earlier are
    everyone waiting in the field (`waiting_counts`) minus those sent to one counter, the booked, the priority
    walk-ins, this ticket and the few that come after it; issuing costs the same in a hall of 10 or 10,000. A
    ticket deep in the queue (a citizen's phone asking later) is counted from the head."""
    params = {"day": ticket.day, "field": ticket.field_id, "id": ticket.id, "tail": _TAIL,
              **{column: getattr(ticket, column) for column in ORDER}}
    booked = [row_to_ticket(r) for r in conn.execute(
        _SELECT + f" WHERE {_FIELD} AND slot_at IS NOT NULL", params).fetchall()]
    everyone, sent_on, priority, priority_earlier, later = conn.execute(
        "SELECT (SELECT n FROM waiting_counts WHERE day = :day AND field_id = :field),"
        " (SELECT COUNT(*) FROM tickets WHERE day = :day AND status = 'waiting' AND field_id = :field"
        "  AND target_counter_id IS NOT NULL AND id != :id),"
        f" (SELECT COUNT(*) FROM tickets WHERE {_FIELD}{_WALK_IN['priority']}),"
        f" (SELECT COUNT(*) FROM tickets WHERE {_FIELD}{_WALK_IN['priority']}{_EARLIER}),"
        f" (SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE {_FIELD}{_WALK_IN['normal']}{_LATER} LIMIT :tail))",
        params).fetchone()
    total, earlier = {"priority": priority}, {"priority": priority_earlier}
    if later < _TAIL:
        others = (everyone or 0) - sent_on - (1 if ticket.is_waiting else 0)
        total["normal"] = others - len(booked) - priority
        earlier["normal"] = total["normal"] - later
    else:
        total["normal"], earlier["normal"] = conn.execute(
            f"SELECT (SELECT COUNT(*) FROM tickets WHERE {_FIELD}{_WALK_IN['normal']}),"
            f" (SELECT COUNT(*) FROM tickets WHERE {_FIELD}{_WALK_IN['normal']}{_EARLIER})", params).fetchone()
    return booked, WalkIns(total=total, earlier=earlier)


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
    if previous is not None and was and (not now or moved):
        _count_waiting(conn, previous.day, previous.field_id, -1)
    if now and (not was or moved):
        _count_waiting(conn, t.day, t.field_id, 1)


def _count_waiting(conn: Conn, day: str, field_id: int, delta: int) -> None:
    """`waiting_counts` follows every ticket written through `insert` and `update` (migration 0015 says why
    not triggers); a bulk load that writes rows directly calls `recount_waiting` afterwards."""
    conn.execute("INSERT INTO waiting_counts (day, field_id, n) VALUES (?, ?, ?)"
                 " ON CONFLICT (day, field_id) DO UPDATE SET n = n + excluded.n", (day, field_id, delta))


def recount_waiting(conn: Conn, days: list[str] | None = None) -> None:
    """Count the waiting tickets again from the table, for `days` (every day when None)."""
    scope = ""
    params: tuple[str, ...] = ()
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
