"""SQL for the centre side of hub sync: reading a batch from the event log (read-only connection,
one read transaction so events and rows are one consistent snapshot) and recording progress."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from server.hub.protocol import FIELD_COLUMNS, PROCEDURE_COLUMNS, ROW_TABLES, actor_kind, strip_personal

_EVENTS = ("SELECT seq, id, at, day, type, ticket_id, counter_id, actor, from_status, to_status, data, origin"
           " FROM events WHERE seq > ? ORDER BY seq LIMIT ?")


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def read_batch(conn: sqlite3.Connection, after: int, limit: int) -> dict[str, Any]:
    """Events after `after` (at most `limit`), the rows of the tickets they touch, and the head seq."""
    conn.execute("BEGIN")
    try:
        events = []
        for r in conn.execute(_EVENTS, (after, limit)).fetchall():
            e = dict(r)
            e["data"] = strip_personal(json.loads(e["data"] or "{}"))
            e["actor"] = actor_kind(e["actor"])
            events.append(e)
        head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        ticket_ids = sorted({e["ticket_id"] for e in events if e["ticket_id"]})
        rows = _rows(conn, ticket_ids) if ticket_ids else {}
    finally:
        conn.execute("COMMIT")
    return {"after": after, "head": head, "events": events, "rows": rows}


def _rows(conn: sqlite3.Connection, ticket_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    versions: dict[str, int] = {}
    for i in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        versions.update(conn.execute(
            f"SELECT ticket_id, MAX(seq) FROM events WHERE ticket_id IN ({marks}) GROUP BY ticket_id", chunk))
        for table, wanted in ROW_TABLES.items():
            have = _columns(conn, table)
            cols = [c for c in wanted if c in have]
            key = "id" if table == "tickets" else "ticket_id"
            for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE {key} IN ({marks})", chunk):
                row = dict(r)
                row["version"] = versions.get(row["id"] if table == "tickets" else row["ticket_id"], 0)
                out.setdefault(table, []).append(row)
    return out


def catalog(conn: sqlite3.Connection, letters_since: str = "") -> dict[str, Any]:
    """Fields and procedures (names, targets, letters) and the day the office began the letters model, with a
    hash, sent to the hub when any of them changes."""
    fields = [dict(r) for r in conn.execute(f"SELECT {', '.join(FIELD_COLUMNS)} FROM fields ORDER BY id")]
    procs = [dict(r) for r in conn.execute(f"SELECT {', '.join(PROCEDURE_COLUMNS)} FROM procedures ORDER BY id")]
    digest = hashlib.sha256(json.dumps([fields, procs, letters_since], sort_keys=True,
                                       ensure_ascii=False).encode()).hexdigest()
    return {"hash": digest[:32], "fields": fields, "procedures": procs, "letters_since": letters_since}


def save_progress(conn: Any, hub_url: str, acked: int, catalog_hash: str, now: float, error: str | None) -> None:
    """Record the hub's answer (error None) or the last failure (acked unchanged then)."""
    if error is None:
        conn.execute(
            "INSERT INTO sync_state (hub_url, acked_seq, catalog_hash, last_ok_at, updated_at) VALUES (?,?,?,?,?)"
            " ON CONFLICT (hub_url) DO UPDATE SET acked_seq = excluded.acked_seq,"
            " catalog_hash = excluded.catalog_hash, last_ok_at = excluded.last_ok_at, last_error = NULL,"
            " updated_at = excluded.updated_at", (hub_url, acked, catalog_hash, now, now))
    else:
        conn.execute(
            "INSERT INTO sync_state (hub_url, last_error, last_error_at, updated_at) VALUES (?,?,?,?)"
            " ON CONFLICT (hub_url) DO UPDATE SET last_error = excluded.last_error,"
            " last_error_at = excluded.last_error_at, updated_at = excluded.updated_at", (hub_url, error, now, now))


def progress(conn: sqlite3.Connection, hub_url: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM sync_state WHERE hub_url = ?", (hub_url,)).fetchone()
    return dict(row) if row else None


def head_seq(conn: sqlite3.Connection) -> int:
    """The last event's number: how far the hub could be (events behind = head - acked)."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
