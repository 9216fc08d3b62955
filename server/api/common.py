"""What every handler shares: building the decision context and running a decision."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from .. import jsonio
from ..auth import Principal
from ..keys import CONFIG, POLICY, RECEIVED_AT, WRITER
from ..middleware import JSON_HEADERS
from ..services.queue import Ctx

T = TypeVar("T")


def ctx_for(request: web.Request, principal: Principal, app: web.Application | None = None) -> Ctx:
    """The decision's instant is when the request arrived (set by the auth middleware, which every
    route passes)."""
    app = app or request.app
    return Ctx(
        now=request[RECEIVED_AT],
        tz=app[CONFIG].tz,
        policy=app[POLICY],
        actor=principal.actor,
        user_id=principal.user_id,
    )


def decide(request: web.Request, principal: Principal, fn: Callable[..., T], *args: Any,
           quick: bool = False) -> Awaitable[T]:
    """Run one decision through the writer; it is durable when the await returns. `quick`: a ticket-sized
    decision, decided on the event loop (see server/store/writer.py); imports and bulk edits are not."""
    app = request.app
    return app[WRITER].run(fn, ctx_for(request, principal, app), *args, quick=quick)


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=jsonio.dumps_bytes(data), status=status, headers=JSON_HEADERS)
