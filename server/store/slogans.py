"""SQL for slogans. Rows come back as plain dicts with weekdays as a list and enabled as a bool."""

from __future__ import annotations

from typing import Any

from server.store.tickets import Conn

COLUMNS = ("text", "every_n_minutes", "times_per_hour", "start_date", "end_date", "weekdays", "window_start",
           "window_end", "enabled")
_SELECT = "SELECT id, " + ", ".join(COLUMNS) + ", created_at, updated_at FROM slogans"


def _row(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["weekdays"] = [int(x) for x in d["weekdays"].split(",") if x]
    d["enabled"] = bool(d["enabled"])
    return d


def _values(fields: dict[str, Any]) -> list[Any]:
    out = []
    for name in COLUMNS:
        value = fields[name]
        if name == "weekdays":
            value = ",".join(str(d) for d in sorted(set(value)))
        elif name == "enabled":
            value = int(bool(value))
        out.append(value)
    return out


def all_slogans(conn: Conn) -> list[dict[str, Any]]:
    return [_row(r) for r in conn.execute(_SELECT + " ORDER BY id").fetchall()]


def slogan(conn: Conn, slogan_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE id = ?", (slogan_id,)).fetchone()
    return _row(row) if row else None


def insert(conn: Conn, fields: dict[str, Any], at: float) -> int:
    cur = conn.execute(
        "INSERT INTO slogans (" + ", ".join(COLUMNS) + ", created_at, updated_at) VALUES ("
        + ", ".join("?" * (len(COLUMNS) + 2)) + ")",
        (*_values(fields), at, at),
    )
    return int(cur.lastrowid or 0)


def update(conn: Conn, slogan_id: int, fields: dict[str, Any], at: float) -> bool:
    cur = conn.execute(
        "UPDATE slogans SET " + ", ".join(f"{c} = ?" for c in COLUMNS) + ", updated_at = ? WHERE id = ?",
        (*_values(fields), at, slogan_id),
    )
    return cur.rowcount > 0


def delete(conn: Conn, slogan_id: int) -> bool:
    return conn.execute("DELETE FROM slogans WHERE id = ?", (slogan_id,)).rowcount > 0
