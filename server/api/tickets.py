"""Ticket operations: issue, read, cancel, and a citizen's status by opaque token."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import Field

from server.api.common import ctx_for, decide, decide_at, ok
from server.api.registry import Api, Body, Query
from server.auth import Principal
from server.domain.errors import NotFound
from server.keys import AFTER_ISSUE, READER, SESSIONS
from server.services import queue
from server.services.views import ticket_detail, ticket_status
from server.store import catalog, tickets

api = Api()

TICKET = {"type": "object", "required": ["id", "number", "status"],
          "properties": {"id": {"type": "string"}, "number": {"type": "string"}, "status": {"type": "string"}}}


class IssueBody(Body):
    procedure_id: int = Field(ge=1, description="The procedure the citizen chose")
    priority: str | None = Field(default=None, max_length=40, description="Priority group code, if any")


@api.operation("issueTicket", "POST", "/api/tickets", "Issue a numbered ticket for a procedure", tag="tickets",
               body=IssueBody, success=201,
               response={"type": "object", "required": ["id", "number", "procedure", "issued_at", "waiting_ahead"]})
async def issue_ticket(request: web.Request, principal: Principal, body: IssueBody) -> web.Response:
    req = queue.IssueRequest(procedure_id=body.procedure_id, priority=body.priority, kiosk_id=principal.device_id)
    result = await decide(request, principal, queue.issue, req)
    app = request.app
    payload = ticket_detail(app, result, f"{request.scheme}://{request.host}")
    for hook in app[AFTER_ISSUE]:
        hook(request, principal, result, payload)
    return ok(payload, status=201)


@api.operation("getTicket", "GET", "/api/tickets/{ticket_id}",
               "A ticket's full state for staff; a device gets the public view (no receipt, no status token)",
               tag="tickets", response=TICKET)
async def get_ticket(request: web.Request, principal: Principal, ticket_id: str) -> web.Response:
    t = tickets.get(request.app[READER], ticket_id)
    if t is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    if not principal.is_person:
        # Ticket ids are on the anonymous live feed: a kiosk's token must not turn one into the citizen's
        # status token (enough to rate on their behalf) or receipt number. What a kiosk needs of the
        # ticket it issued is in the issue answer itself.
        return ok(queue.ticket_view(t))
    return ok({**queue.ticket_view(t), "outcome": t.outcome, "receipt_no": t.receipt_no,
               "wrote_forms": t.wrote_forms, "status_token": t.public_token,
               "issued_at": t.issued_at, "done_at": t.done_at, "first_called_at": t.first_called_at})


@api.operation("getTicketStatus", "GET", "/api/public/tickets/{token}", "A citizen's live position (no personal data)",
               tag="public", response={"type": "object", "required": ["number", "status", "position"]})
async def get_ticket_status(request: web.Request, principal: Principal, token: str) -> web.Response:
    t = tickets.get_by_token(request.app[READER], token)
    if t is None:
        raise NotFound("ticket_not_found", ticket="?")
    return ok(ticket_status(request.app, t))


class CancelBody(Body):
    reason: str | None = Field(default=None, max_length=200)


@api.operation("cancelTicket", "POST", "/api/tickets/{ticket_id}/cancel", "Cancel a ticket", tag="tickets",
               body=CancelBody, response=TICKET)
async def cancel_ticket(request: web.Request, principal: Principal, ticket_id: str, body: CancelBody) -> web.Response:
    at = request.app[SESSIONS].held_counter(principal)  # staff cancel only from the counter they hold
    if at is None:
        t = await decide(request, principal, queue.cancel, ticket_id, body.reason)
    else:
        t = await decide_at(request, principal, at, queue.cancel, ticket_id, body.reason, at)
    return ok(queue.ticket_view(t))


class QueueQuery(Query):
    counter_id: int | None = Field(default=None, ge=1)
    field_id: int | None = Field(default=None, ge=1)


@api.operation("listQueue", "GET", "/api/queue", "Today's open tickets, in the order they would be called",
               tag="tickets", query=QueueQuery,
               response={"type": "object", "required": ["day", "tickets"]})
async def list_queue(request: web.Request, principal: Principal, query: QueueQuery) -> web.Response:
    conn = request.app[READER]
    ctx = ctx_for(request, principal)
    open_ = tickets.open_tickets(conn, ctx.day)
    if query.counter_id is not None:
        if catalog.counter(conn, query.counter_id) is None:
            raise NotFound("counter_not_found", counter=query.counter_id)
        scope = tickets.counter_scope(conn, query.counter_id)
        open_ = [t for t in open_ if (not t.is_waiting and t.counter_id == query.counter_id) or
                 (t.is_waiting and scope.may_take(t))]
    if query.field_id is not None:
        open_ = [t for t in open_ if t.field_id == query.field_id]
    rows: list[dict[str, Any]] = [queue.ticket_view(t) for t in open_]
    return ok({"day": ctx.day, "tickets": rows, "waiting": sum(1 for t in open_ if t.is_waiting)})
