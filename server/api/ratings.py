"""Satisfaction ratings: the counter's tablet (rating device) or the citizen's phone (status token).
Staff may not rate their own service."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field, model_validator

from server.api.common import ctx_for, decide, ok
from server.api.registry import Api, Body
from server.auth import ANY, Principal
from server.domain.errors import DomainError, Forbidden, NotFound
from server.keys import READER
from server.services import ratings as service
from server.services.queue import ticket_view
from server.store import ratings as store
from server.store import tickets

api = Api()

RATERS = frozenset({"rating", "public"})
PROMPT_FRESH_S = 120  # a tablet (re)started within this long after a finish still asks


class RatingBody(Body):
    ticket_id: str | None = Field(default=None, min_length=1, max_length=40, description="Rating tablets")
    status_token: str | None = Field(default=None, min_length=8, max_length=64, description="The citizen's phone")
    score: int = Field(ge=1, le=4, description="4 rất hài lòng, 3 hài lòng, 2 bình thường, 1 không hài lòng")
    reason: str | None = Field(default=None, max_length=300, description="Asked when the score is 2 or less")

    @model_validator(mode="after")
    def one_of(self) -> RatingBody:
        if (self.ticket_id is None) == (self.status_token is None):
            raise ValueError("give exactly one of ticket_id or status_token")
        return self


@api.operation("rateService", "POST", "/api/ratings", "Rate the service of a finished ticket (once, anonymously)",
               tag="ratings", body=RatingBody, success=201, roles=RATERS,
               response={"type": "object", "required": ["ticket", "score"]})
async def rate_service(request: web.Request, principal: Principal, body: RatingBody) -> web.Response:
    if principal.role == "rating":
        if body.ticket_id is None:
            raise DomainError("rating_one_of", status=422)
        req = service.RatingRequest(body.score, body.reason, ticket_id=body.ticket_id, device_id=principal.device_id,
                                    device_counter_id=principal.device_counter_id)
    else:
        if body.status_token is None:
            raise Forbidden("rating_token_required")
        req = service.RatingRequest(body.score, body.reason, status_token=body.status_token)
    return ok(await decide(request, principal, service.rate, req), status=201)


@api.operation("getRatingPrompt", "GET", "/api/ratings/prompt",
               "The rating tablet: the ticket its counter just finished",
               tag="ratings", roles=frozenset({"rating"}), response={"type": "object", "required": ["ticket"]})
async def rating_prompt(request: web.Request, principal: Principal) -> web.Response:
    ctx = ctx_for(request, principal)
    last = store.last_finished(request.app[READER], ctx.day, principal.device_counter_id or 0)
    fresh = last is not None and not last["rated"] and ctx.now - (last["done_at"] or 0) <= PROMPT_FRESH_S
    return ok({"ticket": last if fresh else None, "counter_id": principal.device_counter_id, "now": ctx.now})


@api.operation("getRatingState", "GET", "/api/public/ratings/{token}", "May this ticket be rated from the phone?",
               tag="public", roles=ANY,
               response={"type": "object", "required": ["can_rate", "rated"]})
async def rating_state(request: web.Request, principal: Principal, token: str) -> web.Response:
    conn = request.app[READER]
    t = tickets.get_by_token(conn, token)
    if t is None:
        raise NotFound("ticket_not_found", ticket="?")
    rated = store.exists(conn, t.id)
    return ok({"can_rate": t.status.value == "done" and not rated, "rated": rated, "status": t.status.value,
               "number": ticket_view(t)["number"],
               "scores": [{"score": s, "label_vi": vi, "label_en": en} for s, (vi, en) in service.SCORES.items()],
               "low_score": service.LOW_SCORE})
