"""The estimated wait a kiosk shows and prints (documented in the README):

people ahead (`place_in_queue`) × the mean call-to-done time of that field's last 30 finished tickets
in the past 7 days (the procedure's service target when there are fewer than 3) ÷ the number of
active counters serving the procedure (at least 1), rounded up to whole minutes.

The samples change only when a ticket is finished, so they are kept per field and read again after a
`ticket.finish` commits (or a minute has passed: the 7-day window slides), not on every tap.
"""

from __future__ import annotations

import math
from statistics import fmean

from server.domain import queue_policy
from server.domain.queue_policy import QueuePolicy
from server.domain.tickets import Ticket
from server.store import tickets
from server.store.tickets import Conn
from server.store.tx import Published

WEEK_S = 7 * 86400
SAMPLES_TTL_S = 60.0


def place_in_queue(conn: Conn, ticket: Ticket, now: float, policy: QueuePolicy) -> int:
    """How many tickets would be called before this one (0 when it is not waiting): the one answer for the
    kiosk's slip, the status page and its live refresh. The rule is `queue_policy.place`; the store fetches its
    queue: the ticket's field's, or, for a ticket sent to one counter, what that counter may take."""
    if not ticket.is_waiting:
        return 0
    if ticket.target_counter_id is not None:
        scope = tickets.counter_scope(conn, ticket.target_counter_id)
        return queue_policy.position_in_queue(ticket, tickets.waiting_in_lanes(conn, ticket.day, scope), now,
                                              policy, scope)
    booked, walk_ins = tickets.field_queue(conn, ticket)
    return queue_policy.place(ticket, booked, walk_ins, now, policy)


def estimate_wait_min(ahead: int, mean_service_s: float | None, target_min: float, counters: int) -> int:
    """`mean_service_s`: the field's mean from `ServiceTimes.mean_s` (None: fewer than 3 samples)."""
    mean_s = target_min * 60 if mean_service_s is None else mean_service_s
    return math.ceil(ahead * mean_s / max(counters, 1) / 60)


class ServiceTimes:
    """Each field's recent call-to-done durations, for the loop thread's read connection."""

    def __init__(self) -> None:
        self._by_field: dict[int, tuple[float, float | None]] = {}

    def mean_s(self, conn: Conn, field_id: int, now: float) -> float | None:
        """The mean call-to-done seconds of the field's recent tickets; None with fewer than 3 of them."""
        hit = self._by_field.get(field_id)
        if hit is not None and 0 <= now - hit[0] < SAMPLES_TTL_S:
            return hit[1]
        values = tickets.recent_service_seconds(conn, field_id, now - WEEK_S)
        mean = fmean(values) if len(values) >= 3 else None
        self._by_field[field_id] = (now, mean)
        return mean

    def on_commit(self, published: list[Published]) -> None:
        """Writer listener: a finished ticket (or a mobile session merged in) makes every field read again."""
        if any(p.event["type"] in ("ticket.finish", "mobile.imported") for p in published):
            self._by_field.clear()
