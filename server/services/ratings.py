"""Satisfaction ratings: one per served ticket, anonymous, from the counter's tablet or the
citizen's phone. Each rating records the ticket, counter, officer and receipt number (the
province's satisfaction index scores on them) and never who the citizen is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.domain.errors import DomainError, Forbidden, NotFound
from server.domain.tickets import STATUS_LABELS, Status, Ticket
from server.messages import labels
from server.services.context import Ctx
from server.store import ratings as store
from server.store import tickets
from server.store.tx import Tx, new_id

# Score -> (vi, en). 4 and 3 count as "đạt yêu cầu"; 4 alone as "tốt".
SCORES = labels.SCORES  # the one table, server/messages/labels.py
LOW_SCORE = 2  # at or below: the tablet asks for a reason (as VNPT iQMS does)


@dataclass(frozen=True)
class RatingRequest:
    score: int
    reason: str | None
    ticket_id: str | None = None
    status_token: str | None = None
    device_id: str | None = None
    device_counter_id: int | None = None

    @property
    def channel(self) -> str:
        return "device" if self.device_id else "phone"


def _find(tx: Tx, req: RatingRequest) -> Ticket:
    if req.device_id is None and req.status_token is None:
        raise Forbidden("rating_token_required")
    t = tickets.get(tx, req.ticket_id) if req.ticket_id else tickets.get_by_token(tx, req.status_token or "")
    if t is None:
        raise NotFound("ticket_not_found", ticket=req.ticket_id or "?")
    return t


def check(tx: Tx, ctx: Ctx, req: RatingRequest) -> Ticket:
    """The ticket being rated, if it may be rated now by this channel; else a clear refusal."""
    t = _find(tx, req)
    if req.device_id is not None and t.counter_id != req.device_counter_id:
        raise Forbidden("rating_other_counter", device_counter=req.device_counter_id, counter=t.counter_id)
    if t.status != Status.DONE:
        raise DomainError("rating_not_done", ticket=t.number, state=STATUS_LABELS[t.status][0])
    if store.exists(tx, t.id):
        raise DomainError("rating_already_given", ticket=t.number)
    if req.device_id is not None:
        last = store.last_finished(tx, ctx.day, req.device_counter_id or 0)
        if last is None or last["id"] != t.id:
            raise DomainError("rating_not_latest", ticket=last["number"] if last else "—")
    return t


def rate(tx: Tx, ctx: Ctx, req: RatingRequest) -> dict[str, Any]:
    t = check(tx, ctx, req)
    reason = req.reason or None
    store.insert(tx, {
        "id": new_id(ctx.now), "ticket_id": t.id, "day": t.day, "counter_id": t.counter_id,
        "user_id": t.served_by, "procedure_id": t.procedure_id, "receipt_no": t.receipt_no, "score": req.score,
        "reason": reason, "channel": req.channel, "at": ctx.now, "device_id": req.device_id,
    })
    data: dict[str, Any] = {"score": req.score, "channel": req.channel}
    if reason:
        data["reason"] = reason
    tx.emit("rating.given", at=ctx.now, day=t.day, ticket_id=t.id, counter_id=t.counter_id, actor=ctx.actor,
            data=data)
    return {"ticket": t.number, "score": req.score, "label_vi": SCORES[req.score][0],
            "label_en": SCORES[req.score][1]}
