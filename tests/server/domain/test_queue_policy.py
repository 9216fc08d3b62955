"""Which ticket "call next" returns: FIFO, priority with a cap, appointments, transfers, starvation."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.queue_policy import CounterScope, QueuePolicy, Streaks, next_for, position_in_queue
from server.domain.tickets import Status, Ticket

SCOPE = CounterScope(counter_id=3, field_ids=frozenset({1}))
POLICY = QueuePolicy(priority_burst=2, appointment_burst=1, normal_max_wait_s=None)


def t(n: int, arrival: float, *, priority: str | None = None, field: int = 1, slot: float | None = None,
      target: int | None = None) -> Ticket:
    return Ticket(id=f"T{n}", day="d", number=str(1000 + n), series="HT", seq=n, procedure_id=field, field_id=field,
                  status=Status.WAITING, arrival_at=arrival, issued_at=arrival, public_token=f"p{n}",
                  priority=priority, slot_at=slot, target_counter_id=target)


def drain(tickets: list[Ticket], policy: QueuePolicy = POLICY, now: float = 10_000) -> list[str]:
    waiting = list(tickets)
    streaks = Streaks()
    order = []
    while True:
        chosen, streaks = next_for(SCOPE, waiting, streaks, now, policy)
        if chosen is None:
            return order
        order.append(chosen.id)
        waiting = [w for w in waiting if w.id != chosen.id]


def test_fifo_by_arrival_within_the_served_fields() -> None:
    assert drain([t(2, 20), t(1, 10), t(3, 30, field=2), t(4, 5)]) == ["T4", "T1", "T2"]


def test_priority_goes_ahead_but_at_most_burst_in_a_row() -> None:
    tickets = [t(1, 1), t(2, 2), t(3, 3, priority="elderly"), t(4, 4, priority="elderly"), t(5, 5, priority="x"),
               t(6, 6, priority="x")]
    assert drain(tickets) == ["T3", "T4", "T1", "T5", "T6", "T2"]


def test_priority_only_queue_is_served_in_full() -> None:
    assert drain([t(1, 1, priority="a"), t(2, 2, priority="a"), t(3, 3, priority="a")]) == ["T1", "T2", "T3"]


def test_walk_in_waiting_too_long_goes_first() -> None:
    policy = replace(POLICY, normal_max_wait_s=600)
    waiting = [t(1, 0), t(2, 9_000, priority="a")]
    chosen, _ = next_for(SCOPE, waiting, Streaks(), 10_000, policy)
    assert chosen is not None and chosen.id == "T1"


def test_appointment_called_at_its_slot_ahead_of_walk_ins_within_share() -> None:
    walk_ins = [t(1, 1), t(2, 2), t(3, 3)]
    booked = [t(4, 50, slot=9_000), t(5, 60, slot=9_100)]
    assert drain(walk_ins + booked) == ["T4", "T1", "T5", "T2", "T3"]


def test_appointment_before_its_slot_waits_like_a_walk_in() -> None:
    early = t(4, 0.5, slot=20_000)
    assert drain([t(1, 1), early], now=10_000) == ["T4", "T1"]  # class normal, earliest arrival
    assert drain([t(1, 1), replace(early, arrival_at=2)], now=10_000) == ["T1", "T4"]


def test_transferred_ticket_keeps_its_place_and_goes_only_to_its_target() -> None:
    moved = t(9, 0.5, target=3, field=2)  # field 2 is not served by counter 3, but it was sent here
    other = t(8, 0.1, target=4)
    assert drain([t(1, 1), moved, other]) == ["T9", "T1"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.booleans()), min_size=1, max_size=40))
def test_every_ticket_is_called_exactly_once_and_walk_ins_never_starve(spec: list[tuple[float, bool]]) -> None:
    tickets = [t(i, arr, priority="p" if prio else None) for i, (arr, prio) in enumerate(spec)]
    order = drain(tickets)
    assert sorted(order) == sorted(x.id for x in tickets)
    by_id = {x.id: x for x in tickets}
    run = 0
    normals_left = sum(1 for x in tickets if x.priority is None)
    for tid in order:
        if by_id[tid].priority is not None:
            run += 1
            assert run <= POLICY.priority_burst or normals_left == 0
        else:
            run = 0
            normals_left -= 1
    walk_ins = [tid for tid in order if by_id[tid].priority is None]
    assert walk_ins == sorted(walk_ins, key=lambda i: (by_id[i].arrival_at, by_id[i].seq))


def test_position_counts_earlier_tickets_of_the_same_field_and_priority_ahead() -> None:
    mine = t(5, 50)
    others = [t(1, 10), t(2, 60, priority="a"), t(3, 70), t(4, 20, field=2)]
    assert position_in_queue(mine, [*others, mine], 100, POLICY) == 2


def test_position_puts_a_due_appointment_ahead_and_a_priority_ticket_behind_only_its_own_class() -> None:
    """A booking due at its slot is called before everyone; a priority group before walk-ins, however late;
    a booking not yet due waits like a walk-in (with its priority, if it has one)."""
    walk_in, late_priority = t(1, 10), t(2, 60, priority="a")
    due, not_due = t(3, 70, slot=500), t(4, 5, slot=5000)
    queue = [walk_in, late_priority, due, not_due]
    now = 500 - POLICY.appointment_early_s + 1
    assert position_in_queue(due, queue, now, POLICY) == 0
    assert position_in_queue(late_priority, queue, now, POLICY) == 1  # only the due booking
    assert position_in_queue(walk_in, queue, now, POLICY) == 3  # booking, priority, and not_due (arrived at 5)
    assert position_in_queue(not_due, queue, now, POLICY) == 2
    assert position_in_queue(not_due, queue, 5000 - POLICY.appointment_early_s, POLICY) == 1, \
        "in its window it goes first, after the earlier slot"


def test_position_of_a_transferred_ticket_is_its_place_in_that_counters_lanes() -> None:
    """Sent to counter 3 (serving field 1), a ticket of field 2 keeps its arrival among what counter 3 may take;
    a ticket of field 1 sent to another counter is not in that queue."""
    mine = t(9, 30, field=2, target=3)
    queue = [t(1, 10), t(2, 40), t(3, 20, target=3, field=4), t(4, 5, target=7), t(5, 1, field=2)]
    assert position_in_queue(mine, [*queue, mine], 100, POLICY, SCOPE) == 2


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.booleans(), st.one_of(st.none(), st.floats(0, 3000))),
                min_size=1, max_size=25), st.floats(0, 3000))
def test_position_is_the_order_call_next_takes_while_no_burst_is_spent(
        spec: list[tuple[float, bool, float | None]], now: float) -> None:
    """With bursts no counter exhausts (and no starving walk-in), a counter drains the queue in the order the
    positions give: position k is the k-th call."""
    policy = QueuePolicy(priority_burst=10_000, appointment_burst=10_000, normal_max_wait_s=None,
                         appointment_early_s=900)
    queue = [t(i + 1, a, priority="a" if p else None, slot=s) for i, (a, p, s) in enumerate(spec)]
    order, waiting, streaks = [], list(queue), Streaks()
    while waiting:
        chosen, streaks = next_for(SCOPE, waiting, streaks, now, policy)
        assert chosen is not None
        order.append(chosen.id)
        waiting = [w for w in waiting if w.id != chosen.id]
    assert [position_in_queue(q, queue, now, policy) for q in queue] == [order.index(q.id) for q in queue]
