"""SQL for the admin pages: the office's catalogue tables edited row by row, users, devices, the audit log.

Table and column names come only from `TABLES` (never from a request), so the generic insert and
update below cannot be steered into other tables or columns.
"""

from __future__ import annotations

import json
from typing import Any

from server.store.tickets import Conn

# table -> (key column, editable columns). The key is generated (INTEGER PRIMARY KEY) unless it is
# itself listed as editable (number_series.key, priority_categories.code).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "office": ("id", ("code", "name", "address")),
    "fields": ("id", ("code", "name_vi", "name_en", "series", "sort", "icon")),
    "procedures": ("id", ("code", "name_vi", "name_en", "field_id", "legal_days", "same_day", "service_target_min",
                          "kiosk_visible", "active", "sort", "keywords")),
    "counters": ("id", ("number", "name_vi", "name_en", "grp", "active")),
    "number_series": ("key", ("key", "name", "start", "end", "prefix", "width")),
    "priority_categories": ("code", ("code", "name_vi", "name_en", "active", "sort")),
}
ORDER = {"fields": "sort, id", "procedures": "field_id, sort, id", "counters": "number", "number_series": "start",
         "priority_categories": "sort, code", "office": "id"}


def _q(name: str) -> str:
    return f'"{name}"'


def _columns(table: str) -> tuple[str, tuple[str, ...]]:
    key, cols = TABLES[table]  # KeyError for anything not in the allow-list
    return key, cols


def rows(conn: Conn, table: str) -> list[dict[str, Any]]:
    key, cols = _columns(table)
    names = ", ".join(_q(c) for c in dict.fromkeys((key, *cols)))
    return [dict(r) for r in conn.execute(f"SELECT {names} FROM {table} ORDER BY {ORDER[table]}").fetchall()]


def row(conn: Conn, table: str, key_value: Any) -> dict[str, Any] | None:
    key, cols = _columns(table)
    names = ", ".join(_q(c) for c in dict.fromkeys((key, *cols)))
    found = conn.execute(f"SELECT {names} FROM {table} WHERE {_q(key)} = ?", (key_value,)).fetchone()
    return dict(found) if found else None


def insert(conn: Conn, table: str, values: dict[str, Any]) -> Any:
    key, cols = _columns(table)
    names = [c for c in cols if c in values]
    cur = conn.execute(
        f"INSERT INTO {table} ({', '.join(_q(c) for c in names)}) VALUES ({', '.join('?' for _ in names)})",
        [values[c] for c in names],
    )
    return values.get(key, cur.lastrowid)


def update(conn: Conn, table: str, key_value: Any, values: dict[str, Any]) -> int:
    key, cols = _columns(table)
    names = [c for c in cols if c in values]
    cur = conn.execute(
        f"UPDATE {table} SET {', '.join(f'{_q(c)} = ?' for c in names)} WHERE {_q(key)} = ?",
        [*(values[c] for c in names), key_value],
    )
    return cur.rowcount


def set_counter_services(conn: Conn, counter_id: int, field_ids: list[int], procedure_ids: list[int]) -> None:
    conn.execute("DELETE FROM counter_services WHERE counter_id = ?", (counter_id,))
    conn.executemany("INSERT INTO counter_services (counter_id, field_id) VALUES (?, ?)",
                     [(counter_id, f) for f in field_ids])
    conn.executemany("INSERT INTO counter_services (counter_id, procedure_id) VALUES (?, ?)",
                     [(counter_id, p) for p in procedure_ids])


def user(conn: Conn, user_id: int) -> dict[str, Any] | None:
    found = conn.execute("SELECT id, username, display_name, role, active FROM users WHERE id = ?",
                         (user_id,)).fetchone()
    return dict(found) if found else None


def update_user(conn: Conn, user_id: int, display_name: str, role: str, active: bool) -> int:
    return conn.execute("UPDATE users SET display_name = ?, role = ?, active = ? WHERE id = ?",
                        (display_name, role, int(active), user_id)).rowcount


def active_admins(conn: Conn) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM users WHERE role = 'admin' AND active = 1").fetchall()]


def delete_user_tokens(conn: Conn, user_id: int) -> int:
    return conn.execute("DELETE FROM tokens WHERE user_id = ?", (user_id,)).rowcount


def set_device_active(conn: Conn, device_id: str, active: bool) -> int:
    return conn.execute("UPDATE devices SET active = ? WHERE id = ?", (int(active), device_id)).rowcount


def kiosks(conn: Conn) -> list[dict[str, Any]]:
    """The active kiosks and the printer each prints on (the printers page assigns them)."""
    return [dict(r) for r in conn.execute(
        "SELECT id, name, printer_id FROM devices WHERE kind = 'kiosk' AND active = 1 ORDER BY id").fetchall()]


def set_printer_kiosks(conn: Conn, printer_id: str, kiosk_ids: list[str]) -> None:
    """`kiosk_ids` print on `printer_id`; any other kiosk that did prints nowhere until one is chosen."""
    conn.execute("UPDATE devices SET printer_id = NULL WHERE kind = 'kiosk' AND printer_id = ?", (printer_id,))
    conn.executemany("UPDATE devices SET printer_id = ? WHERE kind = 'kiosk' AND id = ?",
                     [(printer_id, kiosk_id) for kiosk_id in kiosk_ids])


def audit_entry(conn: Conn, entry_id: int, action: str) -> dict[str, Any] | None:
    """One audit line of `action` by id (a page showing what its decision did), its detail read back."""
    row = conn.execute("SELECT id, at, actor, action, detail, ip FROM audit_log WHERE id = ? AND action = ?",
                       (entry_id, action)).fetchone()
    return {**dict(row), "detail": json.loads(row["detail"] or "{}")} if row else None


def audit_entries(conn: Conn, limit: int = 200) -> list[dict[str, Any]]:
    out = []
    for r in conn.execute("SELECT id, at, actor, action, detail, ip FROM audit_log ORDER BY id DESC LIMIT ?",
                          (limit,)).fetchall():
        d = dict(r)
        d["detail"] = json.loads(d["detail"] or "{}")
        out.append(d)
    return out
