"""Counter operations: sign in, call next, call a given ticket, recall, no-show, transfer, start, finish."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import Field, model_validator

from server.api.common import decide, decide_at, ok
from server.api.registry import Api, Body
from server.api.tickets import TICKET
from server.auth import Principal
from server.domain.tickets import Outcome, Ticket
from server.keys import OFFICE_SETTINGS, READER, SESSIONS, WRITER
from server.services import counters as counter_service
from server.services import queue
from server.services.context import Ctx
from server.services.steps import system_ctx
from server.store import catalog
from server.store.tx import Tx

api = Api()
log = logging.getLogger(__name__)

TICKET_OR_NULL = {"type": "object", "required": ["ticket"], "properties": {"ticket": {"type": ["object", "null"]}}}


@api.operation("listCounters", "GET", "/api/counters", "Counters, what they serve and who is signed in",
               tag="counters", response={"type": "object", "required": ["counters"]})
async def list_counters(request: web.Request, principal: Principal) -> web.Response:
    rows = catalog.counters(request.app[READER])
    if not principal.is_person:
        for r in rows:
            r.pop("staff_name", None)
            r.pop("signed_in_user", None)
    return ok({"counters": rows})


class SignInBody(Body):
    force: bool = Field(default=False, description="Admins and leaders may take a counter someone else holds")


@api.operation("signInCounter", "POST", "/api/counters/{counter_id:\\d+}/signin", "Take a counter for the day",
               tag="counters", body=SignInBody, response={"type": "object", "required": ["counter_id"]})
async def sign_in(request: web.Request, principal: Principal, counter_id: str, body: SignInBody) -> web.Response:
    cid = int(counter_id)
    if principal.user_id is None:
        from server.domain.errors import Forbidden
        raise Forbidden("forbidden_role", role=principal.role)
    force = body.force and principal.role in ("admin", "leader")
    displaced = await decide(request, principal, counter_service.sign_in, cid, principal.user_id, force)
    request.app[SESSIONS].signed_in(principal.user_id, cid, displaced, principal.display_name)
    return ok({"counter_id": cid, "user": principal.display_name})


@api.operation("signOutCounter", "POST", "/api/counters/signout", "Leave the counter", tag="counters",
               response={"type": "object"})
async def sign_out(request: web.Request, principal: Principal) -> web.Response:
    if principal.user_id is not None:
        await decide(request, principal, counter_service.sign_out, principal.user_id)
        request.app[SESSIONS].signed_out(principal.user_id)
    return ok({"signed_out": True})


@api.operation("releaseCounter", "POST", "/api/counters/{counter_id:\\d+}/release",
               "A leader frees a counter: its holder is signed out of it and told on their console", tag="counters",
               response={"type": "object", "required": ["counter_id", "released_user"]})
async def release(request: web.Request, principal: Principal, counter_id: str) -> web.Response:
    cid = int(counter_id)
    by = principal.display_name or principal.username or "?"
    gone = await decide(request, principal, counter_service.release, cid, by)
    request.app[SESSIONS].lost(gone["user_id"], cid, "counter_released", counter=gone["counter"], user=by)
    return ok({"counter_id": cid, "released_user": gone["from_user"]})


async def run_idle_lapse(app: web.Application) -> list[dict[str, Any]]:
    """The timed job (server/scheduler.py, every minute): sign-ins idle for [security] counter_idle_lapse_min
    lapse. Tests call it directly under a FakeClock."""
    minutes = app[OFFICE_SETTINGS].current.security.counter_idle_lapse_min  # as set now (0: never)
    if minutes <= 0:
        return []
    lapsed = await app[WRITER].run(counter_service.lapse_idle, system_ctx(app), minutes)
    for row in lapsed:
        app[SESSIONS].lost(row["user_id"], row["counter_id"], "counter_lapsed", counter=row["number"], minutes=minutes)
        log.info("counter %s: sign-in of user %s lapsed after %d idle minutes", row["number"], row["user_id"], minutes)
    return lapsed


@api.operation("callNext", "POST", "/api/counters/{counter_id:\\d+}/call-next",
               "Call the next citizen for this counter",
               tag="calling", response=TICKET_OR_NULL)
async def call_next(request: web.Request, principal: Principal, counter_id: str) -> web.Response:
    cid = int(counter_id)
    t = await decide_at(request, principal, cid, queue.call_next, cid)
    if t is None:
        from server.messages import text
        return ok({"ticket": None, "message": text("queue_empty", "vi", counter=cid),
                   "message_en": text("queue_empty", "en", counter=cid)})
    return ok({"ticket": queue.ticket_view(t)})


class CallTicketBody(Body):
    ticket_id: str | None = Field(default=None, min_length=1, max_length=40)
    number: str | None = Field(default=None, min_length=1, max_length=12, description="Today's number, e.g. 1025")

    @model_validator(mode="after")
    def one_of(self) -> CallTicketBody:
        if (self.ticket_id is None) == (self.number is None):
            raise ValueError("give exactly one of ticket_id or number")
        return self


@api.operation("callTicket", "POST", "/api/counters/{counter_id:\\d+}/call", "Call a given ticket to this counter",
               tag="calling", body=CallTicketBody, response={"type": "object", "required": ["ticket"]})
async def call_ticket(request: web.Request, principal: Principal, counter_id: str,
                      body: CallTicketBody) -> web.Response:
    cid = int(counter_id)
    t = await decide_at(request, principal, cid, queue.call_ticket, cid, body.ticket_id, body.number)
    return ok({"ticket": queue.ticket_view(t)})


TicketAction = Callable[[Tx, Ctx, int, str], Ticket]
"""A decision on one ticket at a counter: (tx, ctx, counter_id, ticket_id) -> the ticket after it."""


def _ticket_action(op_id: str, path: str, summary: str, fn: TicketAction) -> None:
    async def handler(request: web.Request, principal: Principal, counter_id: str, ticket_id: str) -> web.Response:
        cid = int(counter_id)
        t = await decide_at(request, principal, cid, fn, cid, ticket_id)
        return ok(queue.ticket_view(t))

    api.operation(op_id, "POST", "/api/counters/{counter_id:\\d+}/tickets/{ticket_id}/" + path, summary,
              tag="calling", response=TICKET)(handler)


_ticket_action("recallTicket", "recall", "Call the same ticket again", queue.recall)
_ticket_action("markNoShow", "no-show", "The citizen did not come", queue.no_show)
_ticket_action("startService", "start", "The citizen is at the counter: service starts", queue.start_service)


class TransferBody(Body):
    to_counter_id: int | None = Field(default=None, ge=1)
    to_procedure_id: int | None = Field(default=None, ge=1)


@api.operation("transferTicket", "POST", "/api/counters/{counter_id:\\d+}/tickets/{ticket_id}/transfer",
               "Send the ticket to another counter or procedure (it keeps its arrival time)", tag="calling",
               body=TransferBody, response=TICKET)
async def transfer(request: web.Request, principal: Principal, counter_id: str, ticket_id: str,
                   body: TransferBody) -> web.Response:
    cid = int(counter_id)
    t = await decide_at(request, principal, cid, queue.transfer, cid, ticket_id, body.to_counter_id,
                        body.to_procedure_id)
    return ok(queue.ticket_view(t))


class FinishBody(Body):
    outcome: Outcome
    receipt_no: str | None = Field(default=None, max_length=40)
    wrote_forms: bool = Field(default=False, description="Staff filled in the forms for the citizen")


@api.operation("finishService", "POST", "/api/counters/{counter_id:\\d+}/tickets/{ticket_id}/finish",
               "End the service with an outcome", tag="calling", body=FinishBody, response=TICKET)
async def finish(request: web.Request, principal: Principal, counter_id: str, ticket_id: str,
                 body: FinishBody) -> web.Response:
    cid = int(counter_id)
    t = await decide_at(request, principal, cid, queue.finish_service, cid, ticket_id, body.outcome,
                        body.receipt_no, body.wrote_forms)
    return ok(queue.ticket_view(t))


