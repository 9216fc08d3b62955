"""Queue decisions, each run inside the one writer's transaction.

Every function here has the shape `fn(tx, ctx, ...)`: it reads what the rule
needs through the store, lets the domain decide, writes the result and logs the
event. No SQL here, and no clock: `ctx.now` is the instant of the decision.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from server.domain import queue_policy
from server.domain import tickets as tk
from server.domain.errors import DomainError, Invalid, NotFound
from server.domain.tickets import Outcome, Status, Ticket, Transition
from server.services import calendar as office_calendar  # it calls back into this module only inside its functions
from server.services import steps
from server.services.context import Ctx
from server.services.estimate import place_in_queue
from server.store import catalog
from server.store import tickets as store
from server.store.tx import Tx, new_id

log = logging.getLogger(__name__)


def ticket_view(t: Ticket) -> dict[str, Any]:
    """What any screen may see of a ticket: no personal data, no status-page token."""
    return {
        "id": t.id,
        "number": t.number,
        "status": t.status.value,
        "procedure_id": t.procedure_id,
        "field_id": t.field_id,
        "priority": t.priority,
        "counter_id": t.counter_id,
        "target_counter_id": t.target_counter_id,
        "arrival_at": t.arrival_at,
        "called_at": t.called_at,
        "served_at": t.served_at,
        "calls": t.calls,
        "appointment": t.appointment_id is not None,
        "slot_at": t.slot_at,
        "session_type": t.session_type,
        "day": t.day,
    }


def _log(tx: Tx, ctx: Ctx, tr: Transition) -> None:
    # The "4 tại chỗ" steps may refuse the transition (result returned before the workflow is done) and
    # close the ticket's open steps when its service ends: in the same transaction.
    steps.on_transition(tx, ctx, tr)
    store.update(tx, tr.ticket, tr.previous)
    tx.emit(
        tr.event_type,
        at=ctx.now,
        day=tr.ticket.day,
        ticket_id=tr.ticket.id,
        counter_id=tr.counter_id,
        actor=ctx.actor,
        from_status=tr.before.value if tr.before else None,
        to_status=tr.ticket.status.value,
        data=tr.data,
        ticket_view=ticket_view(tr.ticket),
    )


def _load(tx: Tx, ticket_id: str) -> Ticket:
    t = store.get(tx, ticket_id)
    if t is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    return t


def _counter(tx: Tx, counter_id: int) -> dict[str, Any]:
    c = catalog.current(tx, tx.cache).counters.get(counter_id)
    if c is None:
        raise NotFound("counter_not_found", counter=counter_id)
    if not c["active"]:
        raise DomainError("counter_inactive", counter=c["number"])
    return c


def _ensure_free(tx: Tx, ctx: Ctx, counter: dict[str, Any]) -> None:
    busy = store.at_counter(tx, ctx.day, counter["id"])
    if busy is not None:
        raise DomainError("counter_busy", counter=counter["number"], ticket=busy.number)


@dataclass(frozen=True)
class IssueRequest:
    procedure_id: int
    priority: str | None = None
    kiosk_id: str | None = None
    session_id: str | None = None
    session_type: str = "regular"
    appointment_id: str | None = None
    slot_at: float | None = None
    series_override: str | None = None


def issue(tx: Tx, ctx: Ctx, req: IssueRequest) -> dict[str, Any]:
    session_id, session_type, series_key = req.session_id, req.session_type, req.series_override
    if session_id is None:  # the calendar stamps the session, or refuses when closed (no calendar: open)
        session_id, session_type, series_key = office_calendar.stamp_session(tx, ctx, req)
    cat = catalog.current(tx, tx.cache)
    proc = cat.procedure(req.procedure_id)
    if proc is None:
        raise NotFound("procedure_not_found", procedure=req.procedure_id)
    if not proc["active"]:
        raise DomainError("procedure_inactive", procedure=proc["name_vi"])
    if req.priority is not None and req.priority not in cat.active_priority():
        raise Invalid("priority_unknown", priority=req.priority)
    field = cat.fields[proc["field_id"]]
    series = cat.series_for(series_key or field["series"])
    day = ctx.day
    seq = store.next_seq(tx, day, series.key)
    _, number = series.number_for(seq)
    ticket_id = new_id(ctx.now)
    t = Ticket(
        id=ticket_id,
        day=day,
        number=number,
        series=series.key,
        seq=seq,
        procedure_id=proc["id"],
        field_id=proc["field_id"],
        status=Status.WAITING,
        arrival_at=ctx.now,
        issued_at=ctx.now,
        # 128 random bits after the id's 10 time characters: the token's unique index then grows at its
        # end like the others, instead of each new token landing on a random page of it.
        public_token=ticket_id[:10] + secrets.token_urlsafe(16),
        priority=req.priority,
        kiosk_id=req.kiosk_id,
        session_id=session_id,
        session_type=session_type,
        appointment_id=req.appointment_id,
        slot_at=req.slot_at,
        origin=tx.origin,
    )
    local = ctx.local
    try:
        store.insert(tx, t, local.hour, local.isoweekday())
    except sqlite3.IntegrityError as exc:  # a block laid over another's (refused by the admin pages since)
        if "tickets.number" not in str(exc):
            raise
        log.warning("series %s issued number %s that another series issued today (%s): its block overlaps",
                    series.key, number, exc)
        raise DomainError("number_taken", number=number, series=series.key) from exc
    tx.emit(
        "ticket.issued",
        at=ctx.now,
        day=day,
        ticket_id=t.id,
        actor=ctx.actor,
        to_status=t.status.value,
        data={
            "number": number,
            "procedure_id": t.procedure_id,
            "field_id": t.field_id,
            "priority": t.priority,
            "kiosk_id": t.kiosk_id,
            "session_type": t.session_type,
            "appointment_id": t.appointment_id,
        },
        ticket_view=ticket_view(t),
    )
    return {"ticket": t, "waiting_ahead": place_in_queue(tx, t, ctx.now, ctx.policy), "procedure": proc, "field": field,
            "catalog": cat}  # the snapshot this decision used: the answer and the slip read the same


def call_next(tx: Tx, ctx: Ctx, counter_id: int) -> Ticket | None:
    counter = _counter(tx, counter_id)
    _ensure_free(tx, ctx, counter)
    scope = queue_policy.CounterScope(counter_id, frozenset(counter["field_ids"]), frozenset(counter["procedure_ids"]))
    heads = store.candidate_heads(tx, ctx.day, scope, origin=office_calendar.own_tickets_only(tx))
    chosen, streaks = queue_policy.next_for(scope, heads, store.streaks(tx, counter_id), ctx.now, ctx.policy)
    if chosen is None:
        return None
    store.save_streaks(tx, counter_id, streaks)
    tr = tk.call(chosen, counter_id, ctx.user_id, ctx.now)
    _log(tx, ctx, tr)
    return tr.ticket


def call_ticket(tx: Tx, ctx: Ctx, counter_id: int, ticket_id: str | None, number: str | None) -> Ticket:
    counter = _counter(tx, counter_id)
    _ensure_free(tx, ctx, counter)
    if ticket_id is not None:
        t = _load(tx, ticket_id)
    else:
        found = store.get_by_number(tx, ctx.day, number or "")
        if found is None:
            raise NotFound("ticket_not_found", ticket=number)
        t = found
    office_calendar.check_own_ticket(tx, t)
    tr = tk.call(t, counter_id, ctx.user_id, ctx.now)
    _log(tx, ctx, tr)
    return tr.ticket


def recall(tx: Tx, ctx: Ctx, counter_id: int, ticket_id: str) -> Ticket:
    tr = tk.recall(_load(tx, ticket_id), counter_id, ctx.now)
    _log(tx, ctx, tr)
    return tr.ticket


def no_show(tx: Tx, ctx: Ctx, counter_id: int, ticket_id: str) -> Ticket:
    tr = tk.no_show(_load(tx, ticket_id), counter_id, ctx.now)
    _log(tx, ctx, tr)
    return tr.ticket


def start_service(tx: Tx, ctx: Ctx, counter_id: int, ticket_id: str) -> Ticket:
    tr = tk.start_service(_load(tx, ticket_id), counter_id, ctx.user_id, ctx.now)
    _log(tx, ctx, tr)
    return tr.ticket


def finish_service(
    tx: Tx, ctx: Ctx, counter_id: int, ticket_id: str, outcome: Outcome, receipt_no: str | None, wrote_forms: bool
) -> Ticket:
    tr = tk.finish(_load(tx, ticket_id), counter_id, ctx.now, outcome, receipt_no, wrote_forms)
    _log(tx, ctx, tr)
    return tr.ticket


def transfer(
    tx: Tx, ctx: Ctx, counter_id: int | None, ticket_id: str, to_counter_id: int | None, to_procedure_id: int | None
) -> Ticket:
    t = _load(tx, ticket_id)
    to_field_id = None
    if to_counter_id is not None:
        _counter(tx, to_counter_id)
    if to_procedure_id is not None:
        proc = catalog.procedure(tx, to_procedure_id)
        if proc is None:
            raise NotFound("procedure_not_found", procedure=to_procedure_id)
        to_field_id = proc["field_id"]
    tr = tk.transfer(
        t, counter_id, ctx.now, to_counter_id=to_counter_id, to_procedure_id=to_procedure_id, to_field_id=to_field_id
    )
    _log(tx, ctx, tr)
    return tr.ticket


def cancel(tx: Tx, ctx: Ctx, ticket_id: str, reason: str | None, at_counter: int | None = None) -> Ticket:
    tr = tk.cancel(_load(tx, ticket_id), ctx.now, reason, at_counter)
    _log(tx, ctx, tr)
    return tr.ticket


def reset_streaks(tx: Tx, counter_id: int) -> None:
    store.save_streaks(tx, counter_id, queue_policy.Streaks())


def with_priority(t: Ticket, priority: str | None) -> Ticket:
    return replace(t, priority=priority)
