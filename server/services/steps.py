"""Step decisions ("4 tại chỗ"): start and end a step, approve, close steps when service ends,
and the overdue check the scheduler runs. Each decision runs in the one writer's transaction."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server import messages
from server.config import ConfigError
from server.domain import steps as rules
from server.domain.clock import epoch
from server.domain.errors import DomainError, NotFound
from server.domain.steps import StepLog, Thresholds
from server.domain.tickets import Action, Outcome, Status, Ticket, Transition
from server.keys import CLOCK, CONFIG, POLICY, WRITER
from server.services.context import Ctx
from server.store import catalog, tickets
from server.store import steps as store
from server.store.tx import Tx, new_id

messages.register({
    "step_unknown": ("Thủ tục này không có bước '{step}'. Các bước: {steps}.",
                     "This procedure has no step '{step}'. Its steps: {steps}."),
    "step_definition_bad": ("Cấu hình bước của thủ tục không hợp lệ: {definition}",
                            "The procedure's step definition is invalid: {definition}"),
    "step_already_started": ("Bước {step} đã được bắt đầu.", "Step {step} has already started."),
    "step_previous_not_done": ("Chưa thể bắt đầu bước {step}: bước {previous} chưa hoàn thành.",
                               "Step {step} cannot start yet: step {previous} is not finished."),
    "step_not_started": ("Bước {step} chưa bắt đầu nên chưa thể kết thúc.",
                         "Step {step} has not started, so it cannot end."),
    "step_already_ended": ("Bước {step} đã hoàn thành.", "Step {step} is already finished."),
    "step_approve_leader_only": ("Chỉ lãnh đạo (hoặc quản trị viên) mới được phê duyệt.",
                                 "Only a leader (or an admin) may approve."),
    "step_needs_serving": ("Vé {ticket} chưa được phục vụ: hãy bấm 'Bắt đầu phục vụ' trước.",
                           "Ticket {ticket} is not being served: start service first."),
    "steps_not_done": ("Chưa thể trả kết quả vé {ticket}: còn bước {steps} chưa hoàn thành.",
                       "Cannot return the result of ticket {ticket}: step(s) {steps} not finished."),
    "steps_config_bad": ("Cấu hình [steps] không hợp lệ: {detail}", "Invalid [steps] setting: {detail}"),
})

LEVEL_NAMES = {rules.ON_TIME: "on_time", rules.AMBER: "amber", rules.RED: "red"}
_STEPS_KEYS = {"amber_pct", "red_pct", "check_seconds"}


def settings(config: Any) -> tuple[Thresholds, int]:
    """[steps] amber_pct (100), red_pct (150), check_seconds (30), validated with clear messages."""
    raw = config.section("steps")
    unknown = sorted(set(raw) - _STEPS_KEYS)
    if unknown:
        raise ConfigError(f"[steps]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_STEPS_KEYS))}")
    for key in raw:
        if not isinstance(raw[key], int | float) or isinstance(raw[key], bool) or raw[key] <= 0:
            raise ConfigError(f"[steps] {key} must be a positive number, got {raw[key]!r}")
    th = Thresholds(float(raw.get("amber_pct", 100)), float(raw.get("red_pct", 150)))
    if th.red_pct <= th.amber_pct:
        raise ConfigError("[steps] red_pct must be greater than amber_pct")
    return th, int(raw.get("check_seconds", 30))


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
    return Ctx(now=epoch(app[CLOCK].now()), tz=app[CONFIG].tz, policy=app[POLICY], actor="system")


async def check_overdue(app: web.Application) -> list[dict[str, Any]]:
    """The scheduler's job (every `check_seconds`); tests call it directly under a FakeClock."""
    th, _ = settings(app[CONFIG])
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
