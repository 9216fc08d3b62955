"""SQL for satisfaction ratings: one row per ticket, tied to counter, officer and receipt number,
never to the citizen."""

from __future__ import annotations

from typing import Any

from server.store.tickets import Conn


def exists(conn: Conn, ticket_id: str) -> bool:
    return conn.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", (ticket_id,)).fetchone() is not None


def insert(conn: Conn, row: dict[str, Any]) -> None:
    cols = list(row)
    conn.execute(f"INSERT INTO ratings ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                 [row[c] for c in cols])


def last_finished(conn: Conn, day: str, counter_id: int) -> dict[str, Any] | None:
    """The ticket a counter finished last today (by the event log's order, exact even when two
    finishes share a timestamp), and whether it has been rated."""
    row = conn.execute(
        "SELECT t.id, t.number, t.done_at, r.id IS NOT NULL AS rated FROM tickets t"
        " LEFT JOIN ratings r ON r.ticket_id = t.id WHERE t.status = 'done' AND t.id = ("
        "SELECT ticket_id FROM events WHERE day = ? AND type = 'ticket.finish' AND counter_id = ?"
        " ORDER BY seq DESC LIMIT 1)",
        (day, counter_id),
    ).fetchone()
    return {"id": row[0], "number": row[1], "done_at": row[2], "rated": bool(row[3])} if row else None


def summary(conn: Conn, day: str) -> dict[str, Any]:
    """Counts per score for a day (the leader's screen shows % đạt yêu cầu and % tốt)."""
    rows = conn.execute("SELECT score, COUNT(*) FROM ratings WHERE day = ? GROUP BY score", (day,)).fetchall()
    return {str(r[0]): r[1] for r in rows}
