"""SQL for the office's catalogue: fields, procedures, counters, number series, priority groups."""

from __future__ import annotations

import json
from typing import Any

from server.domain.numbering import NumberSeries
from server.store.catalog_cache import CatalogCache
from server.store.tickets import Conn


def _dicts(cur: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in cur.fetchall()]


def office(conn: Conn) -> dict[str, Any] | None:
    row = conn.execute("SELECT code, name, address, settings FROM office WHERE id = 1").fetchone()
    if not row:
        return None
    d = dict(row)
    d["settings"] = json.loads(d["settings"])
    return d


def fields(conn: Conn) -> list[dict[str, Any]]:
    return _dicts(conn.execute("SELECT id, code, name_vi, name_en, series, sort, icon FROM fields ORDER BY sort, id"))


def field(conn: Conn, field_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, code, name_vi, name_en, series FROM fields WHERE id = ?", (field_id,)).fetchone()
    return dict(row) if row else None


_PROC = (
    "SELECT p.id, p.code, p.name_vi, p.name_en, p.field_id, f.code AS field_code, f.name_vi AS field_name_vi,"
    " f.name_en AS field_name_en, p.legal_days, p.same_day, p.steps, p.service_target_min, p.letter,"
    " p.kiosk_visible, p.active, p.sort, p.keywords, p.documents, p.fee, p.legal_time, p.portal_info"
    " FROM procedures p JOIN fields f ON f.id = p.field_id"
)


def _proc(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["steps"] = json.loads(d["steps"])
    d["documents"] = json.loads(d["documents"])
    d["portal_info"] = json.loads(d["portal_info"])
    d["same_day"] = bool(d["same_day"])
    d["kiosk_visible"] = bool(d["kiosk_visible"])
    d["active"] = bool(d["active"])
    return d


def procedures(conn: Conn, *, only_active: bool = False) -> list[dict[str, Any]]:
    where = " WHERE p.active = 1" if only_active else ""
    return [_proc(r) for r in conn.execute(_PROC + where + " ORDER BY f.sort, p.sort, p.id").fetchall()]


def procedure(conn: Conn, procedure_id: int) -> dict[str, Any] | None:
    row = conn.execute(_PROC + " WHERE p.id = ?", (procedure_id,)).fetchone()
    return _proc(row) if row else None


def procedure_by_code(conn: Conn, code: str) -> dict[str, Any] | None:
    row = conn.execute(_PROC + " WHERE p.code = ?", (code,)).fetchone()
    return _proc(row) if row else None


def set_procedure_details(conn: Conn, procedure_id: int, steps: list[dict[str, Any]], letter: str | None,
                          documents: list[str], fee: str, legal_time: str) -> int:
    """A procedure's "4 tại chỗ" steps, letter, required documents, fee and legal time as published."""
    return conn.execute(
        "UPDATE procedures SET steps = ?, letter = ?, documents = ?, fee = ?, legal_time = ? WHERE id = ?",
        (json.dumps(steps), letter or None, json.dumps(documents, ensure_ascii=False), fee, legal_time,
         procedure_id),
    ).rowcount


def series(conn: Conn, key: str) -> NumberSeries:
    row = conn.execute('SELECT key, start, "end", prefix, width FROM number_series WHERE key = ?', (key,)).fetchone()
    if row is None:
        return NumberSeries(key=key)
    return NumberSeries(key=row[0], start=row[1], end=row[2], prefix=row[3], width=row[4])


def all_series(conn: Conn) -> list[dict[str, Any]]:
    return _dicts(conn.execute('SELECT key, name, start, "end", prefix, width FROM number_series ORDER BY start'))


def counters(conn: Conn) -> list[dict[str, Any]]:
    rows = _dicts(
        conn.execute(
            "SELECT c.id, c.number, c.name_vi, c.name_en, c.grp, c.active, s.user_id AS signed_in_user,"
            " u.display_name AS staff_name FROM counters c LEFT JOIN counter_signins s ON s.counter_id = c.id"
            " LEFT JOIN users u ON u.id = s.user_id ORDER BY c.number"
        )
    )
    services = conn.execute("SELECT counter_id, field_id, procedure_id FROM counter_services").fetchall()
    for c in rows:
        c["active"] = bool(c["active"])
        c["field_ids"] = sorted(s[1] for s in services if s[0] == c["id"] and s[1] is not None)
        c["procedure_ids"] = sorted(s[2] for s in services if s[0] == c["id"] and s[2] is not None)
    return rows


def counter(conn: Conn, counter_id: int) -> dict[str, Any] | None:
    return next((c for c in counters(conn) if c["id"] == counter_id), None)


def priority_categories(conn: Conn, *, only_active: bool = True) -> list[dict[str, Any]]:
    where = " WHERE active = 1" if only_active else ""
    return _dicts(
        conn.execute("SELECT code, name_vi, name_en, active, sort FROM priority_categories" + where + " ORDER BY sort")
    )


def counters_serving(conn: Conn, procedure_id: int, field_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT DISTINCT s.counter_id FROM counter_services s JOIN counters c ON c.id = s.counter_id"
        " WHERE c.active = 1 AND (s.procedure_id = ? OR s.field_id = ?)",
        (procedure_id, field_id),
    ).fetchall()
    return [r[0] for r in rows]


class Catalog:
    """Everything a ticket decision or a slip reads from the catalogue, loaded at once (the tables are small)."""

    def __init__(self, conn: Conn) -> None:
        self.office = office(conn)
        self.procedures = {p["id"]: p for p in procedures(conn)}
        self.fields = {f["id"]: f for f in fields(conn)}
        self.series = {r["key"]: NumberSeries(key=r["key"], start=r["start"], end=r["end"], prefix=r["prefix"],
                                              width=r["width"]) for r in all_series(conn)}
        self.priority = {p["code"]: p for p in priority_categories(conn, only_active=False)}
        self.counters = {c["id"]: c for c in counters(conn)}
        self._serving: dict[tuple[int, int], tuple[int, ...]] = {}  # a snapshot never changes: answers are kept

    def procedure(self, procedure_id: int) -> dict[str, Any] | None:
        return self.procedures.get(procedure_id)

    def active_priority(self) -> set[str]:
        return {code for code, p in self.priority.items() if p["active"]}

    def series_for(self, key: str) -> NumberSeries:
        return self.series.get(key) or NumberSeries(key=key)

    def counters_serving(self, procedure_id: int, field_id: int) -> tuple[int, ...]:
        key = (procedure_id, field_id)
        if key not in self._serving:
            self._serving[key] = tuple(c["id"] for c in self.counters.values() if c["active"]
                                       and (procedure_id in c["procedure_ids"] or field_id in c["field_ids"]))
        return self._serving[key]


def current(conn: Conn, cache: CatalogCache) -> Catalog:
    """The catalogue as of now, from `cache` unless an edit bumped `catalog_version`.

    The counters' signed-in staff are not part of it (they change all day): use `counters()` for those."""
    return cache.get(conn, "catalog", Catalog)
