"""Which ticket a counter gets on "call next".

Three classes of waiting ticket compete: checked-in appointments whose slot has
come, priority groups (elderly, disabled, ...), and everyone else. Within a class
the order is FIFO by *arrival* time (a transferred ticket keeps its original
arrival, so it keeps its place). Appointments and priority go ahead of walk-ins,
but each only `*_burst` times in a row while a walk-in waits, and a walk-in who
has waited longer than `normal_max_wait_s` goes first: the normal queue never starves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from server.domain.tickets import Status, Ticket


@dataclass(frozen=True)
class QueuePolicy:
    priority_burst: int = 2
    appointment_burst: int = 1
    normal_max_wait_s: float | None = 45 * 60
    appointment_early_s: float = 15 * 60

    def __post_init__(self) -> None:
        if self.priority_burst < 1 or self.appointment_burst < 1:
            raise ValueError("priority_burst and appointment_burst must be at least 1")


@dataclass(frozen=True)
class CounterScope:
    """What a counter serves: whole fields and/or single procedures."""

    counter_id: int
    field_ids: frozenset[int] = field(default_factory=frozenset)
    procedure_ids: frozenset[int] = field(default_factory=frozenset)

    def serves(self, procedure_id: int, field_id: int) -> bool:
        return procedure_id in self.procedure_ids or field_id in self.field_ids

    def may_take(self, ticket: Ticket) -> bool:
        if ticket.target_counter_id is not None:
            return ticket.target_counter_id == self.counter_id
        return self.serves(ticket.procedure_id, ticket.field_id)


@dataclass(frozen=True)
class Streaks:
    """How many appointment and priority tickets this counter called in a row."""

    priority: int = 0
    appointment: int = 0


def ticket_class(ticket: Ticket, now: float, policy: QueuePolicy) -> str:
    if ticket.slot_at is not None and ticket.slot_at - policy.appointment_early_s <= now:
        return "appointment"
    if ticket.priority is not None:
        return "priority"
    return "normal"


def order_key(ticket: Ticket) -> tuple[float, int, str]:
    """FIFO by arrival, then by number, then id: a total order so the choice is deterministic."""
    return (ticket.arrival_at, ticket.seq, ticket.id)


def next_for(
    scope: CounterScope,
    waiting: Iterable[Ticket],
    streaks: Streaks,
    now: float,
    policy: QueuePolicy,
) -> tuple[Ticket | None, Streaks]:
    """The ticket `scope`'s counter should call now, and the counter's new streaks."""
    heads: dict[str, Ticket] = {}
    for t in waiting:
        if t.status != Status.WAITING or not scope.may_take(t):
            continue
        cls = ticket_class(t, now, policy)
        key = (t.slot_at or 0.0, *order_key(t)) if cls == "appointment" else order_key(t)
        head = heads.get(cls)
        if head is None:
            heads[cls] = t
        else:
            hkey = (head.slot_at or 0.0, *order_key(head)) if cls == "appointment" else order_key(head)
            if key < hkey:
                heads[cls] = t
    normal = heads.get("normal")
    starving = (
        normal is not None
        and policy.normal_max_wait_s is not None
        and now - normal.arrival_at >= policy.normal_max_wait_s
    )
    appt = heads.get("appointment")
    if appt is not None and not starving and (normal is None or streaks.appointment < policy.appointment_burst):
        return appt, Streaks(priority=streaks.priority, appointment=streaks.appointment + 1)
    prio = heads.get("priority")
    if prio is not None and not starving and (normal is None or streaks.priority < policy.priority_burst):
        return prio, Streaks(priority=streaks.priority + 1, appointment=0)
    if normal is not None:
        return normal, Streaks()
    # Only classes whose burst is spent but no walk-in waits: take them anyway.
    for cls in ("appointment", "priority"):
        if cls in heads:
            return heads[cls], streaks
    return None, streaks


def position_in_queue(ticket: Ticket, waiting: Iterable[Ticket], scope: CounterScope | None = None) -> int:
    """How many waiting tickets of the same field arrived earlier (priority ones are counted too); with `scope`
    (a ticket transferred to that counter), how many of those the counter may take arrived earlier.

    An estimate shown to citizens: the exact place also depends on which counter frees first.
    """
    ahead = 0
    mine = order_key(ticket)
    for t in waiting:
        if t.id == ticket.id or t.status != Status.WAITING:
            continue
        if not (scope.may_take(t) if scope is not None else t.field_id == ticket.field_id):
            continue
        if (t.priority is not None and ticket.priority is None) or order_key(t) < mine:
            ahead += 1
    return ahead
