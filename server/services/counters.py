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
        tx.emit("counter.signed_out", at=ctx.now, day=ctx.day, counter_id=counter_id, actor=ctx.actor,
                extra={"counter": {"id": counter_id, "staff": False}})


def as_holder(tx: Tx, ctx: Ctx, counter_id: int, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(tx, ctx, *args)` only while the staff member `ctx.user_id` still holds `counter_id`.

    The handler's check reads the in-memory mirror of sign-ins, updated once a sign-in's answer is back;
    this one reads the table inside the same transaction, so a takeover committed a moment earlier (even
    in the same batch) refuses the old holder's next action."""
    holder = accounts.signin_at(tx, counter_id)
    if holder is None:
        raise Forbidden("not_signed_in_counter")
    if holder["user_id"] != ctx.user_id:
        counter = catalog.current(tx, tx.cache).counters.get(counter_id) or {"number": counter_id}
        raise Forbidden("counter_taken_over", counter=counter["number"], user=holder["display_name"])
    return fn(tx, ctx, *args)
