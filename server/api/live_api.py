"""The live WebSocket endpoint and its snapshot."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import Field

from server.api.registry import Api, Query
from server.auth import Principal
from server.domain.clock import epoch
from server.keys import CLOCK, LIVE, OFFICE_SETTINGS, READER
from server.services.queue import ticket_view
from server.services.views import local_now
from server.store import catalog, tickets
from server.web.client_address import client_address

api = Api()


class LiveQuery(Query):
    since: int | None = Field(default=None, ge=0, description="Last sequence number the client applied")
    topics: str = Field(default="office", max_length=200,
                        description="office, field:<id> or counter:<id>, comma-separated")


def build_snapshot(app: web.Application, view: str) -> dict[str, Any]:
    """One consistent read of the live hall: open tickets, counters, and the sequence they reflect."""
    conn = app[READER]
    conn.execute("BEGIN")
    try:
        seq = conn.execute("SELECT IFNULL(MAX(seq), 0) FROM events").fetchone()[0]
        day = local_now(app).date().isoformat()
        open_ = [ticket_view(t) for t in tickets.open_tickets(conn, day)]
        counters = catalog.counters(conn)
    finally:
        conn.execute("COMMIT")
    if view != "staff":
        for c in counters:
            c.pop("staff_name", None)
            c.pop("signed_in_user", None)
    return {"seq": seq, "day": day, "now": epoch(app[CLOCK].now()), "tickets": open_, "counters": counters,
            "office": app[OFFICE_SETTINGS].current.office.name}


@api.operation("liveEvents", "GET", "/api/live", "WebSocket: snapshot + sequence number, then ordered events",
               tag="live", query=LiveQuery, response={"type": "object"})
async def live(request: web.Request, principal: Principal, query: LiveQuery) -> web.StreamResponse:
    view = "staff" if principal.is_person else "public"
    topics = frozenset(t.strip() for t in query.topics.split(",") if t.strip())
    return await request.app[LIVE].serve(request, view, topics, query.since, kind=principal.role,
                                         name=principal.device_id or principal.username or "public",
                                         address=client_address(request))
