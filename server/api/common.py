"""What every handler shares: building the decision context and running a decision."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from server.auth import SUPERVISORS, Principal
from server.keys import OFFICE_SETTINGS, RECEIVED_AT, SESSIONS, WRITER
from server.services import counters
from server.services.context import Ctx
from server.web import jsonio
from server.web.middleware import JSON_HEADERS

T = TypeVar("T")


def ctx_for(request: web.Request, principal: Principal, app: web.Application | None = None) -> Ctx:
    """The decision's instant is when the request arrived (set by the auth middleware, which every
    route passes)."""
    app = app or request.app
    return Ctx(
        now=request[RECEIVED_AT],
        tz=app[OFFICE_SETTINGS].current.tz,
        policy=app[OFFICE_SETTINGS].policy,
        actor=principal.actor,
        user_id=principal.user_id,
    )


def decide(request: web.Request, principal: Principal, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
    """Run one decision through the writer (server/store/writer.py); it is durable when the await returns."""
    app = request.app
    return app[WRITER].run(fn, ctx_for(request, principal, app), *args)


def decide_at(request: web.Request, principal: Principal, counter_id: int, fn: Callable[..., T],
              *args: Any) -> Awaitable[T]:
    """A decision at a counter. Staff act only at the counter they hold: checked here against the
    in-memory sign-ins (a clear refusal without queueing), then again inside the writer's transaction, so
    a leader's takeover ends the old holder's right at once. Leaders and admins may act anywhere."""
    request.app[SESSIONS].require_counter(principal, counter_id)
    if principal.role in SUPERVISORS:
        return decide(request, principal, counters.as_supervisor, counter_id, fn, *args)
    return decide(request, principal, counters.as_holder, counter_id, fn, *args)


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=jsonio.dumps_bytes(data), status=status, headers=JSON_HEADERS)
