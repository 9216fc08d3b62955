"""Step decisions ("4 tại chỗ"): start and end a step, approve, close steps when service ends,
and the overdue check the scheduler runs. Each decision runs in the one writer's transaction."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.config import Config
from server.domain import steps as rules
from server.domain.clock import epoch
from server.domain.errors import DomainError, NotFound
from server.domain.steps import StepLog, Thresholds
from server.domain.tickets import Action, Outcome, Status, Ticket, Transition
from server.keys import CLOCK, OFFICE_SETTINGS, WRITER
from server.services.context import Ctx
from server.store import catalog, tickets
from server.store import steps as store
from server.store.tx import Tx, new_id

LEVEL_NAMES = {rules.ON_TIME: "on_time", rules.AMBER: "amber", rules.RED: "red"}


def settings(config: Config) -> tuple[Thresholds, int]:
    """[steps] (keys, defaults and checks in server/config.py) as the rules' thresholds and the check's interval."""
    st = config.steps
    return Thresholds(st.amber_pct, st.red_pct), int(st.check_seconds)


def _ticket(tx: Tx, ticket_id: str) -> Ticket:
    t = tickets.get(tx, ticket_id)
    if t is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    return t


def _serving(tx: Tx, ticket_id: str, counter_id: int | None) -> Ticket:
    t = _ticket(tx, ticket_id)
    if counter_id is not None and t.counter_id != counter_id:
        raise DomainError("wrong_counter_for_ticket", ticket=t.number, ticket_counter=t.counter_id, counter=counter_id)
    if t.status != Status.SERVING:
        raise DomainError("step_needs_serving", ticket=t.number)
    return t


def flow_of(conn: Any, t: Ticket) -> list[rules.StepDef]:
    proc = catalog.procedure(conn, t.procedure_id)
    return rules.workflow(proc["steps"] if proc else [])


def _emit(tx: Tx, ctx: Ctx, kind: str, t: Ticket, log: StepLog, **data: Any) -> None:
    tx.emit(f"step.{kind}", at=ctx.now, day=t.day, ticket_id=t.id, counter_id=t.counter_id, actor=ctx.actor,
            data={"step": log.step, "target_min": log.target_min, "by": ctx.user_id, "step_id": log.id, **data})


def start_step(tx: Tx, ctx: Ctx, counter_id: int | None, ticket_id: str, step: str) -> StepLog:
    t = _serving(tx, ticket_id, counter_id)
    d = rules.check_start(flow_of(tx, t), store.for_ticket(tx, t.id), step)
    log = StepLog(new_id(ctx.now), t.id, d.step, d.target_min, ctx.now, ctx.user_id)
    store.insert(tx, log, t.day, t.counter_id, tx.origin)
    _emit(tx, ctx, "start", t, log)
    return log


def end_step(tx: Tx, ctx: Ctx, counter_id: int | None, ticket_id: str, step: str, role: str) -> StepLog:
    t = _serving(tx, ticket_id, counter_id)
    log = rules.check_end(flow_of(tx, t), store.for_ticket(tx, t.id), step, role)
    store.end(tx, log.id, ctx.now, ctx.user_id)
    _emit(tx, ctx, "end", t, log, elapsed_min=round((ctx.now - log.started_at) / 60, 1))
    return log


def on_transition(tx: Tx, ctx: Ctx, tr: Transition) -> None:
    """Refuse 'result returned' on a same-day procedure before its steps are done; close open steps
    when service ends (finish keeps them as history; a transfer removes them so the next counter
    can run them again)."""
    t = tr.ticket
    if tr.action == Action.FINISH and t.outcome == Outcome.RESULT_RETURNED.value:
        proc = catalog.procedure(tx, t.procedure_id)
        if proc and proc["same_day"]:
            missing = rules.missing_steps(rules.workflow(proc["steps"]), store.for_ticket(tx, t.id))
            if missing:
                raise DomainError("steps_not_done", ticket=t.number, steps=", ".join(map(rules.label, missing)))
    if tr.before != Status.SERVING or t.status == Status.SERVING:
        return
    for log in store.for_ticket(tx, t.id):
        if log.is_open:
            if tr.action == Action.TRANSFER:
                store.delete(tx, log.id)
            else:
                store.end(tx, log.id, ctx.now, ctx.user_id, tr.action.value)
            _emit(tx, ctx, "end", t, log, closed=tr.action.value)



def approve(tx: Tx, ctx: Ctx, ticket_id: str, role: str) -> StepLog:
    return end_step(tx, ctx, None, ticket_id, rules.APPROVE, role)


def record_overdue(tx: Tx, ctx: Ctx, th: Thresholds) -> list[dict[str, Any]]:
    """Raise the level of open steps past their target and tell every screen (step.overdue)."""
    changed: list[dict[str, Any]] = []
    for log, level in rules.overdue_changes(store.open_logs(tx, ctx.day), ctx.now, th):
        store.set_level(tx, log.id, level, ctx.now)
        t = _ticket(tx, log.ticket_id)
        elapsed = round((ctx.now - log.started_at) / 60, 1)
        _emit(tx, ctx, "overdue", t, log, level=LEVEL_NAMES[level], level_no=level, elapsed_min=elapsed)
        changed.append({"step_id": log.id, "ticket": t.number, "step": log.step, "level": LEVEL_NAMES[level]})
    return changed


def system_ctx(app: web.Application) -> Ctx:
    settings = app[OFFICE_SETTINGS]
    return Ctx(now=epoch(app[CLOCK].now()), tz=settings.current.tz, policy=settings.policy, actor="system")


async def check_overdue(app: web.Application) -> list[dict[str, Any]]:
    """The overdue check, a timed job (every `check_seconds`, server/scheduler.py); tests call it directly
    under a FakeClock."""
    th, _ = settings(app[OFFICE_SETTINGS].current)
    return await app[WRITER].run(record_overdue, system_ctx(app), th)


def ticket_steps(conn: Any, t: Ticket, now: float, th: Thresholds) -> dict[str, Any]:
    """The workflow of a ticket with each step's state, for the console."""
    logged = {s.step: s for s in store.for_ticket(conn, t.id)}
    names = store.user_names(conn, {u for s in logged.values() for u in (s.started_by, s.ended_by) if u})
    rows = []
    for d in flow_of(conn, t):
        s = logged.get(d.step)
        level = rules.level_of(now - s.started_at, d.target_min, th) if s and s.is_open else 0
        rows.append({
            "step": d.step, "label_vi": rules.label(d.step), "label_en": rules.label(d.step, "en"),
            "target_min": d.target_min, "state": "open" if s and s.is_open else ("done" if s else "todo"),
            "started_at": s.started_at if s else None, "ended_at": s.ended_at if s else None,
            "started_by": names.get(s.started_by or 0) if s else None,
            "ended_by": names.get(s.ended_by or 0) if s else None,
            "level": LEVEL_NAMES[max(level, s.overdue_level if s and s.is_open else 0)],
        })
    return {"ticket_id": t.id, "number": t.number, "status": t.status.value, "steps": rows, "now": now,
            "thresholds": {"amber_pct": th.amber_pct, "red_pct": th.red_pct}}
