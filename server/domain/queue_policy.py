"""Which ticket a counter gets on "call next".

Three classes of waiting ticket compete: checked-in appointments whose slot has
come, priority groups (elderly, disabled, ...), and everyone else. Within a class
the order is FIFO by *arrival* time (a transferred ticket keeps its original
arrival, so it keeps its place). Appointments and priority go ahead of walk-ins,
but each only `*_burst` times in a row while a walk-in waits, and a walk-in who
has waited longer than `normal_max_wait_s` goes first: the normal queue never starves.

This module is the one definition of that rule and of a ticket's place in its queue. The store only fetches
(`server.store.tickets`): it walks the lanes `CounterScope.lanes` names in the `ORDER` given here, and counts
waiting tickets by their columns; which of them goes first is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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


# The calling order within a class, first come first served: the store sorts its lanes by these columns.
ORDER = ("arrival_at", "seq", "id")
# The classes in the order they go first (before the bursts and the starving walk-in of `next_for`).
CLASSES = ("appointment", "priority", "normal")
# A walk-in (no booked slot) is "priority" when it carries a priority group, else "normal".
WALK_IN_CLASSES = ("priority", "normal")


@dataclass(frozen=True)
class CounterScope:
    """What a counter serves: whole fields and/or single procedures."""

    counter_id: int
    field_ids: frozenset[int] = field(default_factory=frozenset)
    procedure_ids: frozenset[int] = field(default_factory=frozenset)

    def serves(self, procedure_id: int, field_id: int) -> bool:
        return procedure_id in self.procedure_ids or field_id in self.field_ids

    def lanes(self) -> list[dict[str, int | None]]:
        """Where the counter's tickets wait, as column values: each field it serves and each single procedure
        (tickets not sent to one counter), and the tickets sent to this very counter. `may_take` and the
        store's lane queries both read this list."""
        return [*({"field_id": f, "target_counter_id": None} for f in sorted(self.field_ids)),
                *({"procedure_id": p, "target_counter_id": None} for p in sorted(self.procedure_ids)),
                {"target_counter_id": self.counter_id}]

    def may_take(self, ticket: Ticket) -> bool:
        return any(all(getattr(ticket, column) == value for column, value in lane.items()) for lane in self.lanes())


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


def order_key(ticket: Ticket) -> tuple[Any, ...]:
    """FIFO by arrival, then by number, then id: a total order so the choice is deterministic."""
    return tuple(getattr(ticket, column) for column in ORDER)


def queue_rank(ticket: Ticket, now: float, policy: QueuePolicy) -> tuple[Any, ...]:
    """Where a ticket stands in the calling order: its class, then (appointments) its slot, then `ORDER`."""
    cls = ticket_class(ticket, now, policy)
    slot = ticket.slot_at if cls == "appointment" and ticket.slot_at is not None else 0.0
    return (CLASSES.index(cls), slot, *order_key(ticket))


def next_for(
    scope: CounterScope,
    waiting: Iterable[Ticket],
    streaks: Streaks,
    now: float,
    policy: QueuePolicy,
) -> tuple[Ticket | None, Streaks]:
    """The ticket `scope`'s counter should call now, and the counter's new streaks. `waiting` may hold more
    than the counter's queue (the store's candidates): only waiting tickets the counter may take compete."""
    heads: dict[str, tuple[tuple[Any, ...], Ticket]] = {}
    for t in waiting:
        if t.status != Status.WAITING or not scope.may_take(t):
            continue
        rank = queue_rank(t, now, policy)
        cls = CLASSES[rank[0]]
        if cls not in heads or rank < heads[cls][0]:
            heads[cls] = (rank, t)
    normal = heads["normal"][1] if "normal" in heads else None
    starving = (
        normal is not None
        and policy.normal_max_wait_s is not None
        and now - normal.arrival_at >= policy.normal_max_wait_s
    )
    appt = heads["appointment"][1] if "appointment" in heads else None
    if appt is not None and not starving and (normal is None or streaks.appointment < policy.appointment_burst):
        return appt, Streaks(priority=streaks.priority, appointment=streaks.appointment + 1)
    prio = heads["priority"][1] if "priority" in heads else None
    if prio is not None and not starving and (normal is None or streaks.priority < policy.priority_burst):
        return prio, Streaks(priority=streaks.priority + 1, appointment=0)
    if normal is not None:
        return normal, Streaks()
    # Only classes whose burst is spent but no walk-in waits: take them anyway.
    for cls in ("appointment", "priority"):
        if cls in heads:
            return heads[cls][1], streaks
    return None, streaks


@dataclass(frozen=True)
class WalkIns:
    """The other walk-ins (no booked slot) waiting in one ticket's queue, counted per class (`WALK_IN_CLASSES`):
    all of them, and those earlier in `ORDER` than that ticket. The store counts these over its indexes."""

    total: dict[str, int]
    earlier: dict[str, int]


def place(ticket: Ticket, booked: Iterable[Ticket], walk_ins: WalkIns, now: float, policy: QueuePolicy) -> int:
    """How many tickets of its queue would be called before `ticket` (its position; 0: next), from the other
    booked tickets of the queue (few: each is ranked here) and the counts of its walk-ins. The calling order is
    `queue_rank`'s: due appointments by slot, then priority groups, then everyone else, first come first
    served. An estimate shown to citizens: the bursts of `next_for` and which counter frees first move it."""
    rank = queue_rank(ticket, now, policy)
    ahead = sum(1 for b in booked if b.id != ticket.id and queue_rank(b, now, policy) < rank)
    for cls in WALK_IN_CLASSES:
        if CLASSES.index(cls) < rank[0]:
            ahead += walk_ins.total[cls]
        elif CLASSES.index(cls) == rank[0]:
            ahead += walk_ins.earlier[cls]
    return ahead


def in_queue_of(ticket: Ticket, other: Ticket, scope: CounterScope | None = None) -> bool:
    """Whether `other` waits in `ticket`'s queue: its field's (the field's waiting tickets not sent to one
    counter), or, for a ticket sent to one counter, that counter's (`scope`: what that counter may take)."""
    if other.id == ticket.id or other.status != Status.WAITING or other.day != ticket.day:
        return False
    if scope is not None:
        return scope.may_take(other)
    return other.field_id == ticket.field_id and other.target_counter_id is None


def position_in_queue(ticket: Ticket, waiting: Iterable[Ticket], now: float, policy: QueuePolicy,
                      scope: CounterScope | None = None) -> int:
    """`place` over a list of tickets (any superset of the queue): for a ticket sent to one counter, whose
    queue is that counter's lanes, and for tests."""
    queue = [t for t in waiting if in_queue_of(ticket, t, scope)]
    mine = order_key(ticket)
    walk_ins = [t for t in queue if t.slot_at is None]
    counts = WalkIns(
        total={cls: sum(1 for t in walk_ins if ticket_class(t, now, policy) == cls) for cls in WALK_IN_CLASSES},
        earlier={cls: sum(1 for t in walk_ins if ticket_class(t, now, policy) == cls and order_key(t) < mine)
                 for cls in WALK_IN_CLASSES},
    )
    return place(ticket, [t for t in queue if t.slot_at is not None], counts, now, policy)
