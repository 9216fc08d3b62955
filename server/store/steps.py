"""SQL for the step log (`steps`): one row per (ticket, step), started and ended with who did it."""

from __future__ import annotations

from typing import Any

from server.domain.steps import StepLog
from server.store.tickets import Conn

_COLS = "id, ticket_id, step, target_min, started_at, started_by, ended_at, ended_by, overdue_level"


def _log(row: Any) -> StepLog:
    return StepLog(*row)


def for_ticket(conn: Conn, ticket_id: str) -> list[StepLog]:
    rows = conn.execute(f"SELECT {_COLS} FROM steps WHERE ticket_id = ? ORDER BY started_at", (ticket_id,))
    return [_log(r) for r in rows.fetchall()]


def insert(conn: Conn, log: StepLog, day: str, counter_id: int | None, origin: str) -> None:
    conn.execute(
        "INSERT INTO steps (id, ticket_id, step, day, counter_id, target_min, started_at, started_by, origin)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (log.id, log.ticket_id, log.step, day, counter_id, log.target_min, log.started_at, log.started_by, origin),
    )


def end(conn: Conn, step_id: str, at: float, by: int | None, reason: str | None = None) -> None:
    conn.execute(
        "UPDATE steps SET ended_at = ?, ended_by = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL",
        (at, by, reason, step_id),
    )


def set_level(conn: Conn, step_id: str, level: int, at: float) -> None:
    conn.execute("UPDATE steps SET overdue_level = ?, level_at = ? WHERE id = ?", (level, at, step_id))


def open_logs(conn: Conn, day: str) -> list[StepLog]:
    """Open steps of tickets still being served (a finished ticket's steps are closed with it)."""
    rows = conn.execute(
        f"SELECT {', '.join('s.' + c.strip() for c in _COLS.split(','))} FROM steps s"
        " JOIN tickets t ON t.id = s.ticket_id WHERE s.day = ? AND s.ended_at IS NULL AND t.status = 'serving'",
        (day,),
    )
    return [_log(r) for r in rows.fetchall()]


def board(conn: Conn, day: str) -> list[dict[str, Any]]:
    """Open steps with what the leader's screen shows: ticket number, counter, procedure, who started it."""
    rows = conn.execute(
        "SELECT s.id, s.ticket_id, s.step, s.target_min, s.started_at, s.overdue_level, s.counter_id,"
        " c.number AS counter_number, t.number, t.procedure_id, p.name_vi AS procedure_vi,"
        " p.name_en AS procedure_en, u.display_name AS started_by_name"
        " FROM steps s JOIN tickets t ON t.id = s.ticket_id LEFT JOIN counters c ON c.id = s.counter_id"
        " LEFT JOIN procedures p ON p.id = t.procedure_id LEFT JOIN users u ON u.id = s.started_by"
        " WHERE s.day = ? AND s.ended_at IS NULL AND t.status = 'serving' ORDER BY s.started_at",
        (day,),
    )
    return [dict(r) for r in rows.fetchall()]


def user_names(conn: Conn, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, display_name FROM users WHERE id IN ({marks})", tuple(ids)).fetchall()
    return {r[0]: r[1] for r in rows}


def delete(conn: Conn, step_id: str) -> None:
    """A step interrupted by a transfer: the event log keeps it; the next counter runs it again."""
    conn.execute("DELETE FROM steps WHERE id = ?", (step_id,))
