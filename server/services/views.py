"""Shaping answers for kiosks and citizens' phones: ticket details, live position, estimated wait
(both defined in server/services/estimate.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from server.domain.clock import epoch, iso_seconds_at
from server.domain.tickets import STATUS_LABELS, Ticket
from server.keys import CLOCK, OFFICE_SETTINGS, READ_CACHE, READER, SERVICE_TIMES
from server.services.estimate import estimate_wait_min, place_in_queue
from server.services.queue import ticket_view
from server.store import catalog, tickets
from server.store.catalog import Catalog
from server.web.lan import reachable_origin


def _estimate(app: web.Application, t: Ticket, ahead: int, now: float, cat: Catalog | None = None) -> int:
    if ahead == 0:
        return 0
    conn = app[READER]
    cat = cat or catalog.current(conn, app[READ_CACHE])
    proc = cat.procedure(t.procedure_id) or {"service_target_min": 15}
    mean_s = app[SERVICE_TIMES].mean_s(conn, t.field_id, now)
    serving = 1 if t.target_counter_id else len(cat.counters_serving(t.procedure_id, t.field_id))
    return estimate_wait_min(ahead, mean_s, proc["service_target_min"], serving)


def _counter_view(counter: dict[str, Any] | None) -> dict[str, Any] | None:
    return {"number": counter["number"], "name_vi": counter["name_vi"], "name_en": counter["name_en"]} \
        if counter else None


def _watch_fields(app: web.Application, t: Ticket) -> list[int]:
    """The fields whose events can move a waiting ticket (for the page's live feed): its own, and for a ticket
    transferred to one counter, which waits in that counter's queue, every field that counter serves."""
    if t.target_counter_id is None:
        return [t.field_id]
    conn = app[READER]
    scope = tickets.counter_scope(conn, t.target_counter_id)
    cat = catalog.current(conn, app[READ_CACHE])
    fields = set(scope.field_ids) | {t.field_id}
    fields |= {p["field_id"] for p in map(cat.procedure, scope.procedure_ids) if p}
    return sorted(fields)


def status_url(app: web.Application, token: str, origin: str = "") -> str:
    """The QR's target; `origin` (the kiosk's view of the server) is used when no public_url is set, with the
    machine's LAN address in place of a loopback one (a kiosk browser on the server PC)."""
    public = app[OFFICE_SETTINGS].current.office.public_url
    base = (public or (reachable_origin(origin) if origin else "")).rstrip("/")
    return f"{base}/t/{token}"


def _local(app: web.Application, ts: float) -> str:
    return iso_seconds_at(ts, app[OFFICE_SETTINGS].current.tz)


def ticket_detail(app: web.Application, result: dict[str, Any], origin: str = "") -> dict[str, Any]:
    t: Ticket = result["ticket"]
    proc, field = result["procedure"], result["field"]
    return {
        "id": t.id,
        "number": t.number,
        "procedure": {"id": proc["id"], "code": proc["code"], "name_vi": proc["name_vi"], "name_en": proc["name_en"]},
        "field": {"id": field["id"], "name_vi": field["name_vi"], "name_en": field["name_en"]},
        "priority": t.priority,
        "issued_at": _local(app, t.issued_at),
        "day": t.day,
        "waiting_ahead": result["waiting_ahead"],
        "estimated_wait_min": _estimate(app, t, result["waiting_ahead"], t.issued_at, result["catalog"]),
        "status_token": t.public_token,
        "status_url": status_url(app, t.public_token, origin),
    }


def ticket_status(app: web.Application, t: Ticket) -> dict[str, Any]:
    conn = app[READER]
    proc = catalog.procedure(conn, t.procedure_id) or {}
    now = epoch(app[CLOCK].now())
    ahead = place_in_queue(conn, t, now, app[OFFICE_SETTINGS].policy)
    transferred = catalog.counter(conn, t.target_counter_id) if t.is_waiting and t.target_counter_id else None
    watch = _watch_fields(app, t) if transferred else [t.field_id]
    counter = catalog.counter(conn, t.counter_id) if t.counter_id else None
    return {
        **{k: v for k, v in ticket_view(t).items() if k in ("number", "status", "day", "called_at", "calls")},
        "status_label_vi": STATUS_LABELS[t.status][0],
        "status_label_en": STATUS_LABELS[t.status][1],
        "procedure_vi": proc.get("name_vi"),
        "procedure_en": proc.get("name_en"),
        "position": ahead,
        "estimated_wait_min": _estimate(app, t, ahead, now) if t.is_waiting else 0,
        "counter": _counter_view(counter) if t.status.value in ("called", "serving") else None,
        "transferred_to": _counter_view(transferred),
        "watch_fields": watch,
        "issued_at": _local(app, t.issued_at),
        "done": t.status.value == "done",
    }


def local_now(app: web.Application) -> datetime:
    return app[CLOCK].now().astimezone(app[OFFICE_SETTINGS].current.tz)
