"""SQL for screens waiting to be paired (`device_pairings`) and for a paired screen's settings."""

from __future__ import annotations

from typing import Any

from server.store.tickets import Conn


def add(conn: Conn, code: str, token_hash: str, kind: str, counter_id: int | None, address: str, agent: str,
        at: float, expires_at: float) -> None:
    conn.execute(
        "INSERT INTO device_pairings (code, token_hash, kind, counter_id, address, agent, requested_at, expires_at) "
        "VALUES (?,?,?,?,?,?,?,?)", (code, token_hash, kind, counter_id, address, agent, at, expires_at))


def code_taken(conn: Conn, code: str) -> bool:
    return conn.execute("SELECT 1 FROM device_pairings WHERE code = ?", (code,)).fetchone() is not None


def by_code(conn: Conn, code: str, now: float) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM device_pairings WHERE code = ? AND expires_at > ?", (code, now)).fetchone()
    return dict(row) if row else None


def by_token(conn: Conn, token_hash: str) -> dict[str, Any] | None:
    """A screen's own waiting row, expired or not (the screen is told which)."""
    row = conn.execute("SELECT * FROM device_pairings WHERE token_hash = ?", (token_hash,)).fetchone()
    return dict(row) if row else None


def waiting(conn: Conn, now: float) -> int:
    return conn.execute("SELECT COUNT(*) FROM device_pairings WHERE expires_at > ?", (now,)).fetchone()[0]


def remove(conn: Conn, code: str) -> None:
    conn.execute("DELETE FROM device_pairings WHERE code = ?", (code,))


def remove_expired(conn: Conn, now: float) -> None:
    conn.execute("DELETE FROM device_pairings WHERE expires_at <= ?", (now,))


def device(conn: Conn, device_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, kind, name, printer_id, counter_id, layout, active, last_seen FROM devices "
                       "WHERE id = ?", (device_id,)).fetchone()
    return dict(row) if row else None


def device_ids(conn: Conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM devices").fetchall()}


def set_device(conn: Conn, device_id: str, name: str, printer_id: str | None, counter_id: int | None,
               layout: str) -> int:
    """A paired screen's settings (its kind and token stay)."""
    return conn.execute("UPDATE devices SET name = ?, printer_id = ?, counter_id = ?, layout = ? WHERE id = ?",
                        (name, printer_id, counter_id, layout, device_id)).rowcount
