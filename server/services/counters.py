"""Counter sign-in decisions (who holds which counter)."""

from __future__ import annotations

from ..domain.errors import DomainError
from ..store import accounts
from ..store.tx import Tx
from .queue import Ctx, _counter


def sign_in(tx: Tx, ctx: Ctx, counter_id: int, user_id: int, force: bool) -> None:
    counter = _counter(tx, counter_id)
    holder = accounts.signin_at(tx, counter_id)
    if holder is not None and holder["user_id"] != user_id and not force:
        raise DomainError("counter_taken", counter=counter["number"], user=holder["display_name"])
    accounts.sign_in(tx, counter_id, user_id, ctx.now)
    tx.emit("counter.signed_in", at=ctx.now, day=ctx.day, counter_id=counter_id, actor=ctx.actor,
            extra={"counter": {"id": counter_id, "staff": True}})


def sign_out(tx: Tx, ctx: Ctx, user_id: int) -> None:
    counter_id = accounts.sign_out(tx, user_id)
    if counter_id is not None:
        tx.emit("counter.signed_out", at=ctx.now, day=ctx.day, counter_id=counter_id, actor=ctx.actor,
                extra={"counter": {"id": counter_id, "staff": False}})
