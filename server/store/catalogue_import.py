"""SQL for importing the procedure catalogue: the uploaded file kept between its preview and "apply"
(`catalogue_imports`), and the rows an import writes (new fields with their number series, new and
changed procedures, procedures no longer received)."""

from __future__ import annotations

import json
from typing import Any

from server.domain.catalogue import ImportRow
from server.domain.numbering import NumberSeries
from server.store.tickets import Conn

KEEP_DAYS = 7  # an upload nobody applied is forgotten after a week


def save_pending(conn: Conn, at: float, actor: str, filename: str, rows: list[ImportRow], optional: set[str]) -> int:
    conn.execute("DELETE FROM catalogue_imports WHERE applied_at IS NULL AND at < ?", (at - KEEP_DAYS * 86400,))
    cur = conn.execute(
        "INSERT INTO catalogue_imports (at, actor, filename, rows, optional) VALUES (?, ?, ?, ?, ?)",
        (at, actor, filename, json.dumps([r.as_json() for r in rows], ensure_ascii=False),
         json.dumps(sorted(optional))),
    )
    return int(cur.lastrowid or 0)


def pending(conn: Conn, import_id: int) -> dict[str, Any] | None:
    """One upload: its rows, which optional columns it had, and (once applied) what applying did."""
    row = conn.execute("SELECT id, at, actor, filename, rows, optional, applied_at, result FROM catalogue_imports"
                       " WHERE id = ?", (import_id,)).fetchone()
    if row is None:
        return None
    d = dict(row)
    d["rows"] = [ImportRow.from_json(r) for r in json.loads(d["rows"])]
    d["optional"] = set(json.loads(d["optional"]))
    d["result"] = json.loads(d["result"]) if d["result"] else None
    return d


def mark_applied(conn: Conn, import_id: int, at: float, result: dict[str, Any]) -> int:
    return conn.execute("UPDATE catalogue_imports SET applied_at = ?, result = ? WHERE id = ? AND applied_at IS NULL",
                        (at, json.dumps(result, ensure_ascii=False), import_id)).rowcount


def insert_series(conn: Conn, series: NumberSeries, name: str) -> None:
    conn.execute('INSERT INTO number_series (key, name, start, "end", prefix, width) VALUES (?, ?, ?, ?, ?, 0)',
                 (series.key, name, series.start, series.end, series.prefix))


def insert_field(conn: Conn, code: str, name: str, series_key: str) -> int:
    sort = conn.execute("SELECT COALESCE(MAX(sort), 0) + 1 FROM fields").fetchone()[0]
    cur = conn.execute("INSERT INTO fields (code, name_vi, name_en, series, sort) VALUES (?, ?, ?, ?, ?)",
                       (code, name, name, series_key, sort))
    return int(cur.lastrowid or 0)


def _row_values(row: ImportRow, field_id: int) -> dict[str, Any]:
    values: dict[str, Any] = {"name_vi": row.name, "field_id": field_id, "legal_days": row.legal_days,
                              "legal_time": row.legal_time, "fee": row.fee,
                              "portal_info": json.dumps(row.info, ensure_ascii=False)}
    if row.documents is not None:
        values["documents"] = json.dumps(list(row.documents), ensure_ascii=False)
    if row.active is not None:
        values["active"] = int(row.active)
    return values


def insert_procedure(conn: Conn, row: ImportRow, field_id: int, letter: str) -> int:
    """A new procedure from the file; the English name is the Vietnamese one until someone translates it, and
    "same day" follows the legal time. Steps are set on its page."""
    sort = conn.execute("SELECT COALESCE(MAX(sort), 0) + 1 FROM procedures").fetchone()[0]
    values = {"code": row.code, "name_en": row.name, "same_day": int(row.same_day), "letter": letter or None,
              "sort": sort, **_row_values(row, field_id)}
    names = ", ".join(values)
    cur = conn.execute(f"INSERT INTO procedures ({names}) VALUES ({', '.join('?' for _ in values)})",
                       list(values.values()))
    return int(cur.lastrowid or 0)


def update_procedure(conn: Conn, procedure_id: int, row: ImportRow, field_id: int) -> int:
    """What the portal states about an existing procedure; the office's own choices (steps, letter, same day,
    kiosk, English name, keywords, order) stay."""
    values = _row_values(row, field_id)
    sets = ", ".join(f"{name} = ?" for name in values)
    return conn.execute(f"UPDATE procedures SET {sets} WHERE id = ?", [*values.values(), procedure_id]).rowcount


def stop_receiving(conn: Conn, procedure_ids: list[int]) -> int:
    return conn.executemany("UPDATE procedures SET active = 0 WHERE id = ?", [(p,) for p in procedure_ids]).rowcount
