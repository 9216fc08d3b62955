"""SQL for the calendar rules, sessions, once-per-period job runs and this machine's settings."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from server.domain.calendar import Calendar, Hours, MobileSession, SpecialDay
from server.store.tickets import Conn


def _ids(raw: str | None) -> frozenset[int] | None:
    return None if raw is None else frozenset(json.loads(raw))


def _dump_ids(ids: list[int] | None) -> str | None:
    return None if ids is None else json.dumps(sorted(ids))


def _t(raw: str) -> time:
    return time.fromisoformat(raw)


def load(conn: Conn) -> Calendar:
    hours = tuple(
        Hours(r[0], _t(r[1]), _t(r[2]), r[3], _ids(r[4]), _ids(r[5]))
        for r in conn.execute(
            'SELECT weekday, start, "end", session_type, procedure_ids, counter_ids FROM calendar_hours'
            " ORDER BY weekday, start").fetchall()
    )
    holidays = {date.fromisoformat(r[0]): r[1] for r in conn.execute("SELECT day, name FROM calendar_holidays")}
    specials = tuple(
        SpecialDay(r[0], r[1], tuple(json.loads(r[2])), date.fromisoformat(r[3]) if r[3] else None, r[4],
                   tuple((_t(a), _t(b)) for a, b in json.loads(r[5])), _ids(r[6]))
        for r in conn.execute(
            "SELECT id, name, tags, day, weekday, hours, procedure_ids FROM calendar_special_days ORDER BY id")
    )
    mobile = tuple(
        MobileSession(r[0], r[1], _t(r[2]), _t(r[3]), r[4], date.fromisoformat(r[5]) if r[5] else None,
                      _ids(r[6]), _ids(r[7]))
        for r in conn.execute(
            'SELECT id, place, start, "end", weekday, day, procedure_ids, counter_ids FROM calendar_mobile ORDER BY id')
    )
    return Calendar(hours, holidays, specials, mobile)


def rules(conn: Conn) -> dict[str, Any]:
    """The calendar as the admin edits it (JSON-ready)."""
    def rows(sql: str) -> list[dict[str, Any]]:
        cur = conn.execute(sql)
        names = [d[0] for d in cur.description]
        out = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        for r in out:
            for key in ("procedure_ids", "counter_ids", "tags", "hours"):
                if isinstance(r.get(key), str):
                    r[key] = json.loads(r[key])
        return out

    return {
        "hours": rows('SELECT id, weekday, start, "end", session_type, procedure_ids, counter_ids FROM calendar_hours'
                      " ORDER BY weekday, start"),
        "holidays": rows("SELECT day, name FROM calendar_holidays ORDER BY day"),
        "special_days": rows("SELECT id, name, tags, day, weekday, hours, procedure_ids FROM calendar_special_days"
                             " ORDER BY id"),
        "mobile_sessions": rows('SELECT id, place, start, "end", weekday, day, procedure_ids, counter_ids'
                                " FROM calendar_mobile ORDER BY id"),
    }


def replace_hours(conn: Conn, hours: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM calendar_hours")
    for h in hours:
        conn.execute(
            'INSERT INTO calendar_hours (weekday, start, "end", session_type, procedure_ids, counter_ids)'
            " VALUES (?,?,?,?,?,?)",
            (h["weekday"], h["start"], h["end"], h.get("session_type", "regular"),
             _dump_ids(h.get("procedure_ids")), _dump_ids(h.get("counter_ids"))),
        )


def put_holiday(conn: Conn, day: str, name: str) -> None:
    conn.execute("INSERT INTO calendar_holidays (day, name) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET"
                 " name = excluded.name", (day, name))


def delete_holiday(conn: Conn, day: str) -> int:
    return conn.execute("DELETE FROM calendar_holidays WHERE day = ?", (day,)).rowcount


def add_special_day(conn: Conn, s: dict[str, Any]) -> int:
    cur = conn.execute(
        "INSERT INTO calendar_special_days (name, tags, day, weekday, hours, procedure_ids) VALUES (?,?,?,?,?,?)",
        (s["name"], json.dumps(s.get("tags", [])), s.get("day"), s.get("weekday"), json.dumps(s.get("hours", [])),
         _dump_ids(s.get("procedure_ids"))),
    )
    return int(cur.lastrowid or 0)


def add_mobile(conn: Conn, m: dict[str, Any]) -> int:
    cur = conn.execute(
        'INSERT INTO calendar_mobile (place, start, "end", weekday, day, procedure_ids, counter_ids)'
        " VALUES (?,?,?,?,?,?,?)",
        (m["place"], m["start"], m["end"], m.get("weekday"), m.get("day"), _dump_ids(m.get("procedure_ids")),
         _dump_ids(m.get("counter_ids"))),
    )
    return int(cur.lastrowid or 0)


RULE_TABLES = {"special": "calendar_special_days", "mobile": "calendar_mobile"}


def delete_rule(conn: Conn, kind: str, rule_id: int) -> int:
    return conn.execute(f"DELETE FROM {RULE_TABLES[kind]} WHERE id = ?", (rule_id,)).rowcount


def get_setting(conn: Conn, key: str, default: Any = None) -> Any:
    row = conn.execute("SELECT value FROM calendar_settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else default


def put_setting(conn: Conn, key: str, value: Any) -> None:
    conn.execute("INSERT INTO calendar_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                 " value = excluded.value", (key, json.dumps(value, ensure_ascii=False)))


def ensure_session(conn: Conn, sid: str, day: str, type_: str, tags: tuple[str, ...], place: str, origin: str,
                   at: float) -> None:
    conn.execute("INSERT OR IGNORE INTO sessions (id, day, type, tags, place, origin, opened_at)"
                  " VALUES (?,?,?,?,?,?,?)", (sid, day, type_, json.dumps(list(tags)), place, origin, at))


def session(conn: Conn, sid: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, day, type, tags, place, origin, opened_at FROM sessions WHERE id = ?",
                       (sid,)).fetchone()
    if row is None:
        return None
    counts = conn.execute("SELECT COUNT(*), SUM(status = 'done') FROM tickets WHERE session_id = ?", (sid,)).fetchone()
    return {"id": row[0], "day": row[1], "type": row[2], "tags": json.loads(row[3]), "place": row[4],
            "origin": row[5], "opened_at": row[6], "tickets": counts[0], "done": counts[1] or 0}


def sessions_of(conn: Conn, day: str | None = None, origin: str | None = None) -> list[str]:
    rows = conn.execute("SELECT id FROM sessions WHERE (? IS NULL OR day = ?) AND (? IS NULL OR origin = ?)"
                        " ORDER BY day, id", (day, day, origin, origin)).fetchall()
    return [r[0] for r in rows]


def claim_job(conn: Conn, job: str, key: str, at: float, detail: dict[str, Any] | None = None) -> bool:
    """True the first time (job, key) is claimed: once-per-period jobs stay idempotent across restarts."""
    cur = conn.execute("INSERT OR IGNORE INTO job_runs (job, key, at, detail) VALUES (?,?,?,?)",
                       (job, key, at, json.dumps(detail or {})))
    return cur.rowcount == 1


def reset_all_streaks(conn: Conn) -> None:
    conn.execute("UPDATE counters SET priority_streak = 0, appointment_streak = 0")


def open_ticket_ids(conn: Conn, up_to_day: str, statuses: tuple[str, ...] = ("waiting",)) -> list[str]:
    marks = ",".join("?" * len(statuses))
    rows = conn.execute(f"SELECT id FROM tickets WHERE day <= ? AND status IN ({marks}) ORDER BY arrival_at",
                        (up_to_day, *statuses)).fetchall()
    return [r[0] for r in rows]


# Mobile-session files: rows travel with every column their table has (parts may add columns), ids unchanged.
MOBILE_TABLES = ("sessions", "tickets", "events", "steps", "ratings")
_OF_TICKETS = "ticket_id IN (SELECT id FROM tickets WHERE session_id IN ({marks}))"


def session_rows(conn: Conn, session_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    marks = ",".join("?" * len(session_ids))
    where = {"sessions": f"id IN ({marks})", "tickets": f"session_id IN ({marks})"}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in MOBILE_TABLES:
        cur = conn.execute(f"SELECT * FROM {table} WHERE {where.get(table, _OF_TICKETS.format(marks=marks))}"
                           " ORDER BY rowid", session_ids)
        names = [d[0] for d in cur.description]
        out[table] = [{k: v for k, v in zip(names, r, strict=True) if k != "seq" or table != "events"}
                      for r in cur.fetchall()]
    return out


def foreign_work(conn: Conn, session_ids: list[str], machine_id: str) -> list[dict[str, Any]]:
    """Tickets outside the exported sessions, made by another machine, that this machine's events touched
    on the sessions' days: work a file of these sessions cannot carry."""
    marks = ",".join("?" * len(session_ids))
    rows = conn.execute(
        "SELECT DISTINCT t.id, t.number, t.day, t.origin FROM events e JOIN tickets t ON t.id = e.ticket_id"
        f" WHERE e.origin = ? AND t.origin != ? AND t.day IN (SELECT day FROM sessions WHERE id IN ({marks}))"
        f" AND (t.session_id IS NULL OR t.session_id NOT IN ({marks})) ORDER BY t.day, t.number",
        (machine_id, machine_id, *session_ids, *session_ids)).fetchall()
    return [{"ticket_id": r[0], "number": r[1], "day": r[2], "origin": r[3]} for r in rows]


def columns(conn: Conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()]


def upsert_rows(conn: Conn, table: str, rows: list[dict[str, Any]]) -> int:
    """Insert or refresh rows by id (events, append-only, are only inserted); returns rows actually changed."""
    known = set(columns(conn, table)) - ({"seq"} if table == "events" else set())
    changed = 0
    for row in rows:
        cols = [c for c in row if c in known]
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        if table == "events":
            sql += " ON CONFLICT (id) DO NOTHING"
        else:
            sets = [c for c in cols if c != "id"]
            differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in sets)
            sql += f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in sets)} WHERE {differs}"
        changed += conn.execute(sql, [row[c] for c in cols]).rowcount
    return changed


def number_clashes(conn: Conn, tickets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(day, number) pairs the office already uses for a *different* ticket: importing would break UNIQUE."""
    out = []
    for t in tickets:
        row = conn.execute("SELECT id FROM tickets WHERE day = ? AND number = ? AND id != ?",
                           (t["day"], t["number"], t["id"])).fetchone()
        if row is not None:
            out.append((t["day"], t["number"]))
    return out


def foreign_ids(conn: Conn, tickets: list[dict[str, Any]], origin: str) -> list[str]:
    """Ticket ids already in the office but made by another machine: ids must stay unique across machines."""
    return [t["id"] for t in tickets if (row := conn.execute("SELECT origin FROM tickets WHERE id = ?",
                                                             (t["id"],)).fetchone()) and row[0] != origin]


def bump_number_seq(conn: Conn, day: str, series: str, last: int) -> None:
    conn.execute("INSERT INTO number_seq (day, series, last) VALUES (?, ?, ?) ON CONFLICT (day, series)"
                 " DO UPDATE SET last = MAX(last, excluded.last)", (day, series, last))


def record_import(conn: Conn, sha: str, office_code: str, machine_id: str, at: float, counts: dict[str, int]) -> bool:
    cur = conn.execute("INSERT OR IGNORE INTO mobile_imports (file_sha256, office_code, machine_id, imported_at,"
                       " counts) VALUES (?,?,?,?,?)", (sha, office_code, machine_id, at, json.dumps(counts)))
    return cur.rowcount == 1


def past_import(conn: Conn, sha: str) -> dict[str, Any] | None:
    """The earlier import of the file with this SHA-256, if any."""
    row = conn.execute("SELECT file_sha256, office_code, machine_id, imported_at, counts FROM mobile_imports"
                       " WHERE file_sha256 = ?", (sha,)).fetchone()
    return {**dict(row), "counts": json.loads(row["counts"])} if row else None


def past_imports(conn: Conn, limit: int = 100) -> list[dict[str, Any]]:
    """The mobile-session files imported here, newest first, with what each changed."""
    rows = conn.execute("SELECT file_sha256, office_code, machine_id, imported_at, counts FROM mobile_imports"
                        " ORDER BY imported_at DESC LIMIT ?", (limit,)).fetchall()
    return [{**dict(r), "counts": json.loads(r["counts"])} for r in rows]


def id_maps(conn: Conn) -> dict[str, dict[str, Any]]:
    """Catalogue ids by their stable keys (procedure/field codes, counter numbers, usernames)."""
    return {
        "procedures": dict(conn.execute("SELECT id, code FROM procedures").fetchall()),
        "fields": dict(conn.execute("SELECT id, code FROM fields").fetchall()),
        "counters": dict(conn.execute("SELECT id, number FROM counters").fetchall()),
        "users": dict(conn.execute("SELECT id, username FROM users").fetchall()),
    }


def session_type_counts(conn: Conn, day: str | None = None) -> dict[str, dict[str, int]]:
    """Per session type: tickets, tickets done, their events, ratings (each ticket counted once)."""
    rows = conn.execute(
        "SELECT t.session_type, COUNT(*), SUM(t.status = 'done'),"
        " (SELECT COUNT(*) FROM events e JOIN tickets t2 ON e.ticket_id = t2.id"
        "  WHERE t2.session_type = t.session_type AND (? IS NULL OR t2.day = ?)),"
        " (SELECT COUNT(*) FROM ratings r JOIN tickets t3 ON r.ticket_id = t3.id"
        "  WHERE t3.session_type = t.session_type AND (? IS NULL OR t3.day = ?))"
        " FROM tickets t WHERE (? IS NULL OR t.day = ?) GROUP BY t.session_type", (day,) * 6).fetchall()
    return {r[0]: {"tickets": r[1], "done": r[2] or 0, "events": r[3], "ratings": r[4]} for r in rows}
