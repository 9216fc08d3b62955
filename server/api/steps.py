"""Step operations ("4 tại chỗ"): a ticket's workflow, start and end a step at a counter, the
leader's approval and board of open and overdue steps."""

from __future__ import annotations

from aiohttp import web

from server.api.common import ctx_for, decide, decide_at, ok
from server.api.registry import Api
from server.auth import STAFF, SUPERVISORS, Principal
from server.domain import steps as rules
from server.domain.clock import epoch
from server.domain.errors import NotFound
from server.keys import CLOCK, OFFICE_SETTINGS, READER
from server.services import steps as service
from server.store import steps as store
from server.store import tickets

api = Api()

STEP_PATH = "/api/counters/{counter_id:\\d+}/tickets/{ticket_id}/steps/{step}/"
STEP = {"type": "object", "required": ["id", "step", "started_at"]}
STEPS = {"type": "object", "required": ["ticket_id", "steps", "now"]}


def _view(log: rules.StepLog) -> dict[str, object]:
    return {"id": log.id, "ticket_id": log.ticket_id, "step": log.step, "target_min": log.target_min,
            "started_at": log.started_at}


@api.operation("listTicketSteps", "GET", "/api/tickets/{ticket_id}/steps", "A ticket's workflow and each step's state",
               tag="steps", response=STEPS, roles=STAFF)
async def list_ticket_steps(request: web.Request, principal: Principal, ticket_id: str) -> web.Response:
    conn = request.app[READER]
    t = tickets.get(conn, ticket_id)
    if t is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    th, _ = service.settings(request.app[OFFICE_SETTINGS].current)
    return ok(service.ticket_steps(conn, t, epoch(request.app[CLOCK].now()), th))


@api.operation("startStep", "POST", STEP_PATH + "start", "Start a step (in the procedure's order)", tag="steps",
               response=STEP, roles=STAFF)
async def start_step(request: web.Request, principal: Principal, counter_id: str, ticket_id: str,
                     step: str) -> web.Response:
    cid = int(counter_id)
    log = await decide_at(request, principal, cid, service.start_step, cid, ticket_id, step)
    return ok(_view(log))


@api.operation("endStep", "POST", STEP_PATH + "end", "End a step (approval: leaders and admins only)", tag="steps",
               response=STEP, roles=STAFF)
async def end_step(request: web.Request, principal: Principal, counter_id: str, ticket_id: str,
                   step: str) -> web.Response:
    cid = int(counter_id)
    log = await decide_at(request, principal, cid, service.end_step, cid, ticket_id, step, principal.role)
    return ok(_view(log))


@api.operation("approveStep", "POST", "/api/tickets/{ticket_id}/approve",
               "Approve (phê duyệt) from the leader's screen",
               tag="steps", response=STEP, roles=SUPERVISORS)
async def approve(request: web.Request, principal: Principal, ticket_id: str) -> web.Response:
    log = await decide(request, principal, service.approve, ticket_id, principal.role)
    return ok(_view(log))


@api.operation("listOpenSteps", "GET", "/api/steps/open", "Open steps today: waiting for approval and overdue",
               tag="steps", response={"type": "object", "required": ["steps", "now", "thresholds"]}, roles=STAFF)
async def list_open_steps(request: web.Request, principal: Principal) -> web.Response:
    ctx = ctx_for(request, principal)
    th, _ = service.settings(request.app[OFFICE_SETTINGS].current)
    rows = store.board(request.app[READER], ctx.day)
    for r in rows:
        live = rules.level_of(ctx.now - r["started_at"], r["target_min"], th)
        r["level"] = service.LEVEL_NAMES[max(live, r.pop("overdue_level"))]
        r["label_vi"], r["label_en"] = rules.label(r["step"]), rules.label(r["step"], "en")
    return ok({"steps": rows, "now": ctx.now, "thresholds": {"amber_pct": th.amber_pct, "red_pct": th.red_pct}})


def setup(app: web.Application) -> None:
    """Validate [steps] at start (a bad setting stops the server with a clear message); the overdue check
    runs from server/scheduler.py."""
    service.settings(app[OFFICE_SETTINGS].current)
