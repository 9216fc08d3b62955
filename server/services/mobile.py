"""Mobile sessions: the laptop's file out, the office's import in.

The file is JSON Lines: a header (format, office code, machine id, the sessions, and the laptop's catalogue
keys), then one `{"table", "row"}` line per row (sessions, tickets, events, steps, ratings), then an end line
with the row count, so a truncated copy is refused. Ids are ULIDs made on the laptop, so they never clash
with the office's; procedures, fields, counters and users are matched by code, number and username, because
the laptop's numeric ids may differ. Importing is one transaction and idempotent: tickets, steps and ratings
are upserted by id, events inserted once by id, and the same file twice changes nothing.

Imported tickets are history, never queue: one still waiting, called or being served when the laptop's
session ended is written as closed at the end of the day (`closed_at_end_of_day`), with a cancel event whose
id is derived from the ticket's, so it is written once however often the file comes. The header's `left_out`
lists tickets of other machines this laptop handled (a laptop made from a copy of the office's database):
their work cannot travel in the file, and the export says so instead of dropping it silently.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ulid import ULID

from server.domain.errors import DomainError, Invalid
from server.domain.tickets import OPEN_STATUSES, Outcome, Status
from server.services.context import Ctx
from server.store import accounts, catalog
from server.store import calendar as store
from server.store import tickets as ticket_store
from server.store.tx import Tx

FORMAT = "motcua-mobile-session"
VERSION = 1
# Columns holding catalogue ids, per table: (column, which map).
REMAP = {
    "tickets": [("procedure_id", "procedures"), ("field_id", "fields"), ("counter_id", "counters"),
                ("target_counter_id", "counters"), ("served_by", "users")],
    "events": [("counter_id", "counters")],
    "steps": [("counter_id", "counters"), ("started_by", "users"), ("ended_by", "users")],
    "ratings": [("counter_id", "counters"), ("user_id", "users"), ("procedure_id", "procedures")],
}


def export_lines(conn: Any, session_ids: list[str], machine_id: str, at: float) -> Iterator[str]:
    if not session_ids:
        raise DomainError("mobile_no_sessions", status=404, what="?")
    office = catalog.office(conn) or {"code": ""}
    rows = store.session_rows(conn, session_ids)
    header = {"format": FORMAT, "version": VERSION, "office_code": office["code"], "machine_id": machine_id,
              "sessions": session_ids, "exported_at": at, "keys": store.id_maps(conn),
              "left_out": store.foreign_work(conn, session_ids, machine_id)}
    yield json.dumps(header, ensure_ascii=False)
    n = 0
    for table, items in rows.items():
        for row in items:
            n += 1
            yield json.dumps({"table": table, "row": row}, ensure_ascii=False)
    yield json.dumps({"end": True, "rows": n})


@dataclass(frozen=True)
class MobileFile:
    header: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    sha256: str


def parse(lines: Iterable[str]) -> MobileFile:
    digest = hashlib.sha256()
    items: list[dict[str, Any]] = []
    for line in lines:
        digest.update(line.encode())
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise Invalid("mobile_file_invalid", detail=f"line {len(items) + 1} is not JSON") from exc
    if not items or items[0].get("format") != FORMAT:
        raise Invalid("mobile_file_invalid", detail="not a motcua mobile-session file")
    if items[0].get("version") != VERSION:
        raise Invalid("mobile_file_invalid", detail=f"version {items[0].get('version')} is not supported")
    end = items[-1]
    body = items[1:-1]
    if not end.get("end") or end.get("rows") != len(body):
        raise Invalid("mobile_file_invalid", detail="the file is incomplete (copy it again from the laptop)")
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in store.MOBILE_TABLES}
    for item in body:
        if item.get("table") not in tables or not isinstance(item.get("row"), dict):
            raise Invalid("mobile_file_invalid", detail=f"unexpected line {item!r:.60}")
        tables[item["table"]].append(item["row"])
    return MobileFile(items[0], tables, digest.hexdigest())


MAX_BYTES = 50 * 1024 * 1024  # a day at a cultural house is a few hundred kilobytes


def parse_upload(raw: bytes) -> MobileFile:
    """A file as uploaded (the API's body, the admin page's file): at most MAX_BYTES of UTF-8 JSON Lines."""
    if len(raw) > MAX_BYTES:
        raise DomainError("mobile_file_too_big", status=413, max_mb=MAX_BYTES // (1024 * 1024))
    try:
        return parse(raw.decode("utf-8").splitlines())
    except UnicodeDecodeError as exc:
        raise Invalid("mobile_file_invalid", detail="not UTF-8 text") from exc


def _remap(f: MobileFile, here: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The laptop's catalogue ids turned into this office's, through codes, numbers and usernames."""
    theirs = {name: {int(k): v for k, v in keys.items()} for name, keys in f.header["keys"].items()}
    mine = {name: {v: k for k, v in keys.items()} for name, keys in here.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for table, rows in f.tables.items():
        fixed = []
        for row in rows:
            row = dict(row)
            for col, kind in REMAP.get(table, []):
                if row.get(col) is None:
                    continue
                key = theirs[kind].get(row[col])
                if key not in mine[kind] and kind == "procedures":
                    # `code` is DomainError's own argument: the placeholder is `procedure`
                    raise DomainError("mobile_unknown_procedure", procedure=key if key is not None else row[col])
                row[col] = mine[kind].get(key)
            fixed.append(row)
        out[table] = fixed
    return out


CLOSED = Outcome.CLOSED_AT_END_OF_DAY.value
_OPEN = {str(s) for s in OPEN_STATUSES}


def _closing_event_id(ticket_id: str, at: float) -> str:
    """A ULID at `at` whose random part comes from the ticket's id: the same on every import of the file."""
    digest = hashlib.sha256(f"{ticket_id}:closed_at_end_of_day".encode()).digest()
    return str(ULID.from_bytes(int(at * 1000).to_bytes(6, "big") + digest[:10]))


def as_history(tickets: list[dict[str, Any]], at: float, actor: str, origin: str) -> tuple[list[dict[str, Any]],
                                                                                          list[dict[str, Any]]]:
    """(tickets, closing events): every ticket the laptop left open becomes closed at the end of the day,
    so it never enters the office's hall queue; `at` is the file's export time (the session was over)."""
    rows, events = [], []
    for t in tickets:
        if t.get("status") not in _OPEN:
            rows.append(t)
            continue
        rows.append({**t, "status": str(Status.CANCELLED), "outcome": CLOSED, "done_at": t.get("done_at") or at})
        events.append({"id": _closing_event_id(t["id"], at), "at": at, "day": t["day"], "type": "ticket.cancel",
                       "ticket_id": t["id"], "counter_id": t.get("counter_id"), "actor": actor,
                       "from_status": t["status"], "to_status": str(Status.CANCELLED),
                       "data": json.dumps({"reason": CLOSED, "mobile_session_ended": True}), "origin": origin})
    return rows, events


def import_file(tx: Tx, ctx: Ctx, f: MobileFile) -> dict[str, Any]:
    """One transaction: everything from the file, or nothing with a message saying why."""
    office = catalog.office(tx) or {"code": ""}
    h = f.header
    if h["office_code"] != office["code"]:
        raise DomainError("mobile_wrong_office", file_office=h["office_code"], office=office["code"])
    if h["machine_id"] == tx.origin:
        raise DomainError("mobile_same_machine", machine=h["machine_id"])
    tables = _remap(f, store.id_maps(tx))
    clash = store.foreign_ids(tx, tables["tickets"], h["machine_id"])
    if clash:
        raise DomainError("mobile_id_clash", ticket=clash[0])
    numbers = store.number_clashes(tx, tables["tickets"])
    if numbers:
        raise DomainError("mobile_number_clash", day=numbers[0][0], number=numbers[0][1])
    tables["tickets"], closing = as_history(tables["tickets"], float(h.get("exported_at") or time.time()),
                                            ctx.actor, tx.origin)
    changed = {table: store.upsert_rows(tx, table, tables[table]) for table in store.MOBILE_TABLES}
    closed = store.upsert_rows(tx, "events", closing)  # after the laptop's own events: the last word
    ticket_store.recount_waiting(tx, [t["day"] for t in tables["tickets"]])  # rows were written as they came
    for t in tables["tickets"]:
        store.bump_number_seq(tx, t["day"], t["series"], t["seq"])
    first = store.record_import(tx, f.sha256, h["office_code"], h["machine_id"], ctx.now, changed)
    if any(changed.values()):
        tx.emit("mobile.imported", at=ctx.now, day=ctx.day, actor=ctx.actor,
                data={"machine_id": h["machine_id"], "sessions": h["sessions"], "changed": changed})
    return {"machine_id": h["machine_id"], "sessions": h["sessions"], "changed": changed,
            "rows": {t: len(r) for t, r in tables.items()}, "first_import": first, "closed": closed,
            "left_out": h.get("left_out", [])}


def import_upload(tx: Tx, ctx: Ctx, f: MobileFile, file_name: str, ip: str | None = None) -> dict[str, Any]:
    """The admin page's upload: the same decision as `motcua import`, except that a file already imported is
    refused (nothing in it is new, and the admin should know it came twice), and the answer goes to the audit
    log, from which the page shows it after its redirect (`run`)."""
    earlier = store.past_import(tx, f.sha256)
    if earlier is not None:
        raise DomainError("mobile_import_duplicate", status=409, machine=earlier["machine_id"],
                          at=datetime.fromtimestamp(earlier["imported_at"], ctx.tz).strftime("%d/%m/%Y %H:%M"))
    result = import_file(tx, ctx, f)
    rows, changed = result["rows"], result["changed"]
    answer = {**result, "file": file_name, "sha256": f.sha256,
              "already_here": {t: rows[t] - changed.get(t, 0) for t in rows if rows[t] > changed.get(t, 0)}}
    answer["run"] = accounts.audit(tx, ctx.now, ctx.actor, "mobile.import", answer, ip)
    return answer
