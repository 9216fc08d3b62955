"""Counter sign-in decisions (who holds which counter), and the holder check of every action at a counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from server.domain.errors import DomainError, Forbidden
from server.services.context import Ctx
from server.services.queue import _counter
from server.store import accounts, catalog
from server.store.tx import Tx

T = TypeVar("T")


def sign_in(tx: Tx, ctx: Ctx, counter_id: int, user_id: int, force: bool) -> dict[str, Any] | None:
    """Take the counter. A leader's or an admin's `force` takes it from its holder, who is answered (and
    recorded in the audit log) so their right there can end at once."""
    counter = _counter(tx, counter_id)
    holder = accounts.signin_at(tx, counter_id)
    displaced = {**holder, "counter": counter["number"]} if holder and holder["user_id"] != user_id else None
    if displaced is not None and not force:
        raise DomainError("counter_taken", counter=counter["number"], user=displaced["display_name"])
    accounts.sign_in(tx, counter_id, user_id, ctx.now)
    if displaced is not None:
        accounts.audit(tx, ctx.now, ctx.actor, "counter_takeover",
                       {"counter": counter["number"], "from_user": displaced["display_name"]})
    tx.emit("counter.signed_in", at=ctx.now, day=ctx.day, counter_id=counter_id, actor=ctx.actor,
            extra={"counter": {"id": counter_id, "staff": True}})
    return displaced


def sign_out(tx: Tx, ctx: Ctx, user_id: int) -> None:
    counter_id = accounts.sign_out(tx, user_id)
    if counter_id is not None:
        _signed_out(tx, ctx, counter_id, {})


def _signed_out(tx: Tx, ctx: Ctx, counter_id: int, data: dict[str, Any]) -> None:
    """The counter is free; `data` says why when its holder did not leave by themselves (their console
    reads it: released by a leader, or lapsed)."""
    tx.emit("counter.signed_out", at=ctx.now, day=ctx.day, counter_id=counter_id, actor=ctx.actor, data=data,
            extra={"counter": {"id": counter_id, "staff": False}})


def release(tx: Tx, ctx: Ctx, counter_id: int, by: str) -> dict[str, Any]:
    """A leader frees a counter whose holder left without signing out: the holder is signed out of it (their
    console is told, by `by`), the ticket at the counter stays there for whoever takes the counter next."""
    counter = _counter(tx, counter_id)
    holder = accounts.signin_at(tx, counter_id)
    if holder is None:
        raise DomainError("counter_not_held", status=409, counter=counter["number"])
    accounts.release(tx, counter_id)
    accounts.audit(tx, ctx.now, ctx.actor, "counter_release",
                   {"counter": counter["number"], "from_user": holder["display_name"]})
    _signed_out(tx, ctx, counter_id, {"reason": "released", "holder": holder["user_id"], "released_by": by})
    return {"user_id": holder["user_id"], "counter": counter["number"], "from_user": holder["display_name"]}


def lapse_idle(tx: Tx, ctx: Ctx, idle_min: int) -> list[dict[str, Any]]:
    """Sign-ins with no action at their counter for `idle_min` minutes lapse (a forgotten sign-out must not lock
    a counter all day); each is audited and its console told."""
    lapsed = accounts.idle_signins(tx, ctx.now - idle_min * 60)
    for row in lapsed:
        accounts.release(tx, row["counter_id"])
        accounts.audit(tx, ctx.now, ctx.actor, "counter_lapse",
                       {"counter": row["number"], "user_id": row["user_id"], "idle_min": idle_min})
        _signed_out(tx, ctx, row["counter_id"], {"reason": "lapsed", "holder": row["user_id"], "minutes": idle_min})
    return lapsed


def as_supervisor(tx: Tx, ctx: Ctx, counter_id: int, fn: Callable[..., T], *args: Any) -> T:
    """A leader's or an admin's action at a counter: allowed anywhere, and it keeps their own sign-in there
    (if they hold it) from lapsing."""
    if ctx.user_id is not None:
        accounts.touch_signin(tx, counter_id, ctx.user_id, ctx.now)
    return fn(tx, ctx, *args)


def as_holder(tx: Tx, ctx: Ctx, counter_id: int, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(tx, ctx, *args)` only while the staff member `ctx.user_id` still holds `counter_id`; the action
    keeps the sign-in from lapsing.

    The handler's check reads the in-memory mirror of sign-ins, updated once a sign-in's answer is back;
    this one reads the table inside the same transaction, so a takeover committed a moment earlier (even
    in the same batch) refuses the old holder's next action."""
    holder = accounts.signin_at(tx, counter_id)
    if holder is None:
        raise Forbidden("not_signed_in_counter")
    if holder["user_id"] != ctx.user_id:
        counter = catalog.current(tx, tx.cache).counters.get(counter_id) or {"number": counter_id}
        raise Forbidden("counter_taken_over", counter=counter["number"], user=holder["display_name"])
    accounts.touch_signin(tx, counter_id, holder["user_id"], ctx.now)
    return fn(tx, ctx, *args)
