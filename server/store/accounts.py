"""SQL for staff accounts, sign-in tokens, devices, counter sign-ins and the audit log."""

from __future__ import annotations

import json
from typing import Any

from server.store.tickets import Conn


def user_by_name(conn: Conn, username: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, username, display_name, role, password_hash, active FROM users WHERE username = ?", (username,)
    ).fetchone()
    return dict(row) if row else None


def users(conn: Conn) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in conn.execute("SELECT id, username, display_name, role, active FROM users ORDER BY id").fetchall()
    ]


def insert_user(conn: Conn, username: str, display_name: str, role: str, password_hash: str, at: float) -> int:
    cur = conn.execute(
        "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?,?,?,?,?)",
        (username, display_name, role, password_hash, at),
    )
    return int(cur.lastrowid or 0)


def set_password(conn: Conn, user_id: int, password_hash: str) -> None:
    conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


def insert_token(conn: Conn, token_hash: str, user_id: int, at: float, expires_at: float) -> None:
    conn.execute(
        "INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)",
        (token_hash, user_id, at, expires_at),
    )


def token_user(conn: Conn, token_hash: str, now: float) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT u.id, u.username, u.display_name, u.role, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.expires_at > ? AND u.active = 1",
        (token_hash, now),
    ).fetchone()
    return dict(row) if row else None


def delete_token(conn: Conn, token_hash: str) -> None:
    conn.execute("DELETE FROM tokens WHERE token_hash = ?", (token_hash,))


def delete_expired_tokens(conn: Conn, now: float) -> int:
    return conn.execute("DELETE FROM tokens WHERE expires_at <= ?", (now,)).rowcount


def device_by_token(conn: Conn, token_hash: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, kind, name, printer_id, counter_id, layout FROM devices WHERE token_hash = ? AND active = 1",
        (token_hash,),
    ).fetchone()
    return dict(row) if row else None


def devices(conn: Conn) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, kind, name, printer_id, counter_id, layout, active, last_seen FROM devices ORDER BY kind, id"
        ).fetchall()
    ]


def insert_device(
    conn: Conn, device_id: str, kind: str, name: str, token_hash: str, printer_id: str | None = None,
    counter_id: int | None = None, layout: str = "",
) -> None:
    conn.execute(
        "INSERT INTO devices (id, kind, name, token_hash, printer_id, counter_id, layout) VALUES (?,?,?,?,?,?,?)",
        (device_id, kind, name, token_hash, printer_id, counter_id, layout),
    )


def touch_devices(conn: Conn, seen: dict[str, float]) -> None:
    conn.executemany("UPDATE devices SET last_seen = ? WHERE id = ?", [(at, d) for d, at in seen.items()])


def signins(conn: Conn) -> dict[int, int]:
    """user id -> counter id for everyone signed in at a counter."""
    return {r[0]: r[1] for r in conn.execute("SELECT user_id, counter_id FROM counter_signins").fetchall()}


def signin_at(conn: Conn, counter_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT s.user_id, u.display_name FROM counter_signins s JOIN users u ON u.id = s.user_id"
        " WHERE s.counter_id = ?",
        (counter_id,),
    ).fetchone()
    return dict(row) if row else None


def sign_in(conn: Conn, counter_id: int, user_id: int, at: float) -> None:
    conn.execute("DELETE FROM counter_signins WHERE user_id = ? OR counter_id = ?", (user_id, counter_id))
    conn.execute(
        "INSERT INTO counter_signins (counter_id, user_id, signed_in_at, active_at) VALUES (?,?,?,?)",
        (counter_id, user_id, at, at),
    )


def sign_out(conn: Conn, user_id: int) -> int | None:
    row = conn.execute("DELETE FROM counter_signins WHERE user_id = ? RETURNING counter_id", (user_id,)).fetchone()
    return row[0] if row else None


def touch_signin(conn: Conn, counter_id: int, user_id: int, at: float) -> None:
    """The holder acted at the counter: its sign-in is not idle."""
    conn.execute("UPDATE counter_signins SET active_at = ? WHERE counter_id = ? AND user_id = ?",
                 (at, counter_id, user_id))


def idle_signins(conn: Conn, before: float) -> list[dict[str, Any]]:
    """Sign-ins whose last action at the counter was before `before`, with the counter's number."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT s.counter_id, s.user_id, s.active_at, c.number FROM counter_signins s"
            " JOIN counters c ON c.id = s.counter_id WHERE s.active_at < ? ORDER BY c.number",
            (before,),
        ).fetchall()
    ]


def release(conn: Conn, counter_id: int) -> int | None:
    """End whoever's sign-in at the counter; their user id, or None when it was free."""
    row = conn.execute("DELETE FROM counter_signins WHERE counter_id = ? RETURNING user_id", (counter_id,)).fetchone()
    return row[0] if row else None


def audit(conn: Conn, at: float, actor: str, action: str, detail: dict[str, Any], ip: str | None = None) -> int:
    """One line of the audit log; its id, for a page that shows the line's detail after a redirect."""
    cur = conn.execute(
        "INSERT INTO audit_log (at, actor, action, detail, ip) VALUES (?,?,?,?,?)",
        (at, actor, action, json.dumps(detail, ensure_ascii=False), ip),
    )
    return int(cur.lastrowid or 0)
