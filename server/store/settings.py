"""SQL of the office's settings: one JSON row per section of the configuration model, and the office's files.

The values are checked by server/config.py's section models before they get here (services/settings.py);
this module only stores and reads them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from server.store.tickets import Conn


def sections(conn: Conn) -> dict[str, Any]:
    """Every stored section, by name, as the JSON it was saved with (a dict, or a list for `printers`)."""
    return {r["section"]: json.loads(r["value"]) for r in conn.execute("SELECT section, value FROM settings")}


def any_stored(conn: Conn) -> bool:
    """Whether the office's settings were ever stored (after that the database wins over the file)."""
    return conn.execute("SELECT 1 FROM settings LIMIT 1").fetchone() is not None


def save(conn: Conn, section: str, value: Any, at: float, actor: str) -> None:
    conn.execute(
        "INSERT INTO settings (section, value, updated_at, updated_by) VALUES (?,?,?,?)"
        " ON CONFLICT(section) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,"
        " updated_by = excluded.updated_by",
        (section, json.dumps(value, ensure_ascii=False, sort_keys=True), at, actor),
    )


def save_file(conn: Conn, name: str, content_type: str, data: bytes, at: float) -> str:
    """Store one office file (the logo); returns its hash, which names its version in URLs."""
    digest = hashlib.sha256(data).hexdigest()
    conn.execute(
        "INSERT INTO office_files (name, content_type, data, sha256, updated_at) VALUES (?,?,?,?,?)"
        " ON CONFLICT(name) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,"
        " sha256 = excluded.sha256, updated_at = excluded.updated_at",
        (name, content_type, data, digest, at),
    )
    return digest


def delete_file(conn: Conn, name: str) -> bool:
    return conn.execute("DELETE FROM office_files WHERE name = ?", (name,)).rowcount > 0


def office_file(conn: Conn, name: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT content_type, data, sha256 FROM office_files WHERE name = ?", (name,)).fetchone()
    return dict(row) if row else None


def set_office_row(conn: Conn, code: str, name: str, address: str) -> None:
    """The `office` row other parts read (kiosk, console, hall TV, hub sync) follows the office's settings."""
    conn.execute(
        "INSERT INTO office (id, code, name, address) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET code = excluded.code, name = excluded.name, address = excluded.address",
        (code, name, address),
    )
