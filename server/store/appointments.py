"""SQL for appointment slots and bookings. Names and phones live only in `appointments` and are purged."""

from __future__ import annotations

from typing import Any

from server.store.tickets import Conn

APPT_COLUMNS = ("id", "code", "slot_id", "procedure_id", "day", "slot_at", "slot_end", "name", "phone", "channel",
                "status", "created_at", "created_by", "consent_at", "checked_in_at", "ticket_id", "cancelled_at",
                "no_show_at", "reminded_at", "purged_at")
_SELECT = f"SELECT {', '.join(APPT_COLUMNS)} FROM appointments"
_SLOT = ("SELECT s.id, s.procedure_id, s.day, s.start_at, s.end_at, s.capacity,"
         " (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status IN ('booked','checked_in'))"
         " FROM appointment_slots s")
SLOT_KEYS = ("id", "procedure_id", "day", "start_at", "end_at", "capacity", "booked")


def _slot(row: Any) -> dict[str, Any]:
    out = dict(zip(SLOT_KEYS, row, strict=True))
    out["free"] = out["capacity"] - out["booked"]
    return out


def insert_slot(conn: Conn, procedure_id: int, day: str, start_at: float, end_at: float, capacity: int) -> bool:
    cur = conn.execute("INSERT OR IGNORE INTO appointment_slots (procedure_id, day, start_at, end_at, capacity)"
                       " VALUES (?,?,?,?,?)", (procedure_id, day, start_at, end_at, capacity))
    return cur.rowcount == 1


def slot(conn: Conn, slot_id: int) -> dict[str, Any] | None:
    row = conn.execute(_SLOT + " WHERE s.id = ?", (slot_id,)).fetchone()
    return _slot(row) if row else None


def slots(conn: Conn, start: float, end: float, procedure_id: int | None = None) -> list[dict[str, Any]]:
    rows = conn.execute(_SLOT + " WHERE s.start_at >= ? AND s.start_at < ? AND (? IS NULL OR s.procedure_id = ?)"
                        " ORDER BY s.start_at, s.procedure_id", (start, end, procedure_id, procedure_id)).fetchall()
    return [_slot(r) for r in rows]


def _appt(row: Any) -> dict[str, Any]:
    return dict(zip(APPT_COLUMNS, row, strict=True))


def insert(conn: Conn, a: dict[str, Any]) -> None:
    cols = [c for c in APPT_COLUMNS if c in a]
    conn.execute(f"INSERT INTO appointments ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                 [a[c] for c in cols])


def code_taken(conn: Conn, code: str) -> bool:
    return conn.execute("SELECT 1 FROM appointments WHERE code = ?", (code,)).fetchone() is not None


def by_code(conn: Conn, code: str) -> dict[str, Any] | None:
    row = conn.execute(_SELECT + " WHERE code = ?", (code,)).fetchone()
    return _appt(row) if row else None


def update(conn: Conn, appt_id: str, **values: Any) -> None:
    conn.execute(f"UPDATE appointments SET {', '.join(k + ' = ?' for k in values)} WHERE id = ?",
                 [*values.values(), appt_id])


def active_for_phone(conn: Conn, phone: str, now: float) -> int:
    row = conn.execute("SELECT COUNT(*) FROM appointments WHERE phone = ? AND status = 'booked' AND slot_at > ?",
                       (phone, now)).fetchone()
    return int(row[0])


def of_day(conn: Conn, day: str) -> list[dict[str, Any]]:
    return [_appt(r) for r in conn.execute(_SELECT + " WHERE day = ? ORDER BY slot_at, created_at", (day,))]


def counts(conn: Conn, day: str) -> dict[str, int]:
    rows = conn.execute("SELECT status, COUNT(*) FROM appointments WHERE day = ? GROUP BY status", (day,))
    return {r[0]: r[1] for r in rows}


def booked_before(conn: Conn, slot_at_before: float) -> list[dict[str, Any]]:
    """Still 'booked' (never checked in) although the slot began before the given instant."""
    return [_appt(r) for r in conn.execute(_SELECT + " WHERE status = 'booked' AND slot_at < ?", (slot_at_before,))]


def booked_between(conn: Conn, start: float, end: float) -> list[dict[str, Any]]:
    """Bookings still 'booked' whose slot starts in [start, end), in time order."""
    return [_appt(r) for r in conn.execute(
        _SELECT + " WHERE status = 'booked' AND slot_at >= ? AND slot_at < ? ORDER BY slot_at", (start, end))]


def to_remind(conn: Conn, start: float, end: float) -> list[dict[str, Any]]:
    return [_appt(r) for r in conn.execute(
        _SELECT + " WHERE status = 'booked' AND reminded_at IS NULL AND slot_at >= ? AND slot_at < ?", (start, end))]


def purge(conn: Conn, slot_end_before: float, now: float) -> int:
    """Erase names and phones of bookings whose slot ended before the cutoff (already purged ones are skipped)."""
    cur = conn.execute("UPDATE appointments SET name = NULL, phone = NULL, purged_at = ?"
                       " WHERE purged_at IS NULL AND slot_end < ?", (now, slot_end_before))
    return cur.rowcount


def events_of(conn: Conn, appt_id: str) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT id, at, type, data FROM events WHERE type LIKE 'appointment.%'"
                        " AND json_extract(data, '$.appointment_id') = ? ORDER BY seq", (appt_id,))
    return [{"id": r[0], "at": r[1], "type": r[2], "data": r[3]} for r in rows]
