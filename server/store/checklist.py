"""SQL of the first-run checklist: the counts it is decided from, and whether the admin hid it.

The hidden flag lives in the office row's own JSON (`office.settings`, beside the demo's mark): it is the
office's state, not a setting of the configuration model, and a backup carries it.
"""

from __future__ import annotations

import json
from typing import Any

from server.store.tickets import Conn

# The actor `settings.migrate_from_file` writes the defaults with at the first start: not a person's choice.
FIRST_START_ACTOR = "motcua.toml"


def _one(conn: Conn, sql: str, *args: Any) -> int:
    return int(conn.execute(sql, args).fetchone()[0] or 0)


def counts(conn: Conn) -> dict[str, Any]:
    """Everything the checklist reads from the database, in one place."""
    devices = {r["kind"]: r["n"] for r in conn.execute(
        "SELECT kind, COUNT(*) AS n FROM devices WHERE active = 1 GROUP BY kind")}
    voice = conn.execute("SELECT value, updated_by FROM settings WHERE section = 'voice'").fetchone()
    return {
        "has_logo": _one(conn, "SELECT COUNT(*) FROM office_files WHERE name = 'logo'") > 0,
        "fields": _one(conn, "SELECT COUNT(*) FROM fields"),
        "procedures": _one(conn, "SELECT COUNT(*) FROM procedures WHERE active = 1"),
        "catalogue_edited": _one(
            conn, "SELECT (SELECT COUNT(*) FROM catalogue_imports WHERE applied_at IS NOT NULL)"
                  " + (SELECT COUNT(*) FROM audit_log WHERE action IN ('procedures.save', 'fields.save',"
                  " 'procedures.details', 'procedures.import'))") > 0,
        "counters": _one(conn, "SELECT COUNT(*) FROM counters WHERE active = 1"),
        "counters_idle": _one(
            conn, "SELECT COUNT(*) FROM counters c WHERE c.active = 1"
                  " AND NOT EXISTS (SELECT 1 FROM counter_services s WHERE s.counter_id = c.id)"),
        "staff": _one(conn, "SELECT COUNT(*) FROM users WHERE active = 1 AND role IN ('staff', 'leader')"),
        "displays": devices.get("display", 0),
        "kiosks": devices.get("kiosk", 0),
        "ratings": devices.get("rating", 0),
        "voice_chosen": bool(voice and voice["updated_by"] != FIRST_START_ACTOR),
        "voice_enabled": bool(json.loads(voice["value"]).get("enabled", True)) if voice else True,
        "tickets": _one(conn, "SELECT COUNT(*) FROM tickets"),
        "dismissed": bool(_office_state(conn).get("checklist_hidden_at")),
    }


def _office_state(conn: Conn) -> dict[str, Any]:
    row = conn.execute("SELECT settings FROM office WHERE id = 1").fetchone()
    return json.loads(row["settings"] or "{}") if row else {}


def set_hidden(conn: Conn, at: float | None) -> None:
    """Hide the checklist from the overview (`at`: when) or show it again (None); other keys are kept."""
    state = _office_state(conn)
    state.pop("checklist_hidden_at", None)
    if at is not None:
        state["checklist_hidden_at"] = at
    conn.execute("UPDATE office SET settings = ? WHERE id = 1", (json.dumps(state, ensure_ascii=False),))
