"""Runs the report's SQL (built by `server.reports.queries`) on SQLite, and looks up group labels.

Nothing here loads tickets into Python: each statement returns one row per group (or per group and
outcome/step), computed by SQLite from the `tickets_report` covering index and friends.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..reports.letters import letters_query
from ..reports.queries import report_queries

GROUP_ORDER = ("summary", "outcomes", "events", "ratings", "steps")


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A private read-only connection for one report, used off the event loop (in a worker thread)."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA cache_size = -262144")
    return conn


def figures(conn: sqlite3.Connection, group: str, params: dict[str, Any],
            parts: tuple[str, ...] = GROUP_ORDER) -> dict[str, list[dict[str, Any]]]:
    """Rows of each requested statement for one grouping: {"summary": [...], "outcomes": [...], ...}."""
    queries = report_queries("sqlite", group)
    out: dict[str, list[dict[str, Any]]] = {}
    for name in parts:
        sql = queries[name]
        out[name] = [dict(r) for r in conn.execute(sql.for_dialect(), sql.bind(params)).fetchall()]
    return out


def labels(conn: sqlite3.Connection, group: str) -> dict[Any, tuple[str, str]]:
    """Vietnamese and English names of the group keys that live in the catalogue."""
    sql = {
        "field": "SELECT id, name_vi, name_en FROM fields",
        "procedure": "SELECT id, code || ' - ' || name_vi, code || ' - ' || name_en FROM procedures",
        "counter": "SELECT id, name_vi, name_en FROM counters",
        "staff": "SELECT id, display_name, display_name FROM users",
    }.get(group)
    if sql is None:
        return {}
    return {r[0]: (r[1], r[2]) for r in conn.execute(sql).fetchall()}


def office(conn: sqlite3.Connection) -> dict[str, str]:
    row = conn.execute("SELECT code, name FROM office WHERE id = 1").fetchone()
    return {"code": row[0], "name": row[1]} if row else {"code": "", "name": ""}


def letters(conn: sqlite3.Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """(procedure, kind, n, first_day) rows of the letters report for the office's own tickets."""
    sql = letters_query("sqlite")
    return [dict(r) for r in conn.execute(sql.for_dialect(), sql.bind(params)).fetchall()]
