"""The ticket life cycle as an explicit state machine.

    waiting --call--> called --start--> serving --finish--> done
       ^  \\            |  \\--recall--> called        \
       |   cancel      |   no_show --> no_show        transfer --> waiting (original arrival kept)
       +--transfer-----+
A no-show can be called again by number the same day (the citizen came back).
Every accepted transition returns a `Transition` that the store logs as an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from server.domain.errors import DomainError, Forbidden, Invalid
from server.messages import labels


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Action(StrEnum):
    ISSUE = "issue"
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    CANCEL = "cancel"


class Outcome(StrEnum):
    RESULT_RETURNED = "result_returned"
    DOSSIER_RECEIVED = "dossier_received"
    GUIDANCE_ONLY = "guidance_only"
    INCOMPLETE = "incomplete"
    REFUSED = "refused"
    CLOSED_AT_END_OF_DAY = "closed_at_end_of_day"


# What each is called, Vietnamese first: the one label tables (server/messages/labels.py).
OUTCOME_LABELS = labels.OUTCOMES
STATUS_LABELS = labels.STATUSES
ACTION_LABELS = labels.ACTIONS

# (from status, action) -> to status. The single source of truth for what may happen.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.WAITING, Action.CALL): Status.CALLED,
    (Status.NO_SHOW, Action.CALL): Status.CALLED,
    (Status.CALLED, Action.RECALL): Status.CALLED,
    (Status.CALLED, Action.START): Status.SERVING,
    (Status.CALLED, Action.NO_SHOW): Status.NO_SHOW,
    (Status.SERVING, Action.FINISH): Status.DONE,
    (Status.WAITING, Action.TRANSFER): Status.WAITING,
    (Status.CALLED, Action.TRANSFER): Status.WAITING,
    (Status.SERVING, Action.TRANSFER): Status.WAITING,
    (Status.WAITING, Action.CANCEL): Status.CANCELLED,
    (Status.CALLED, Action.CANCEL): Status.CANCELLED,
    (Status.NO_SHOW, Action.CANCEL): Status.CANCELLED,
}

# Statuses in which a ticket occupies a counter.
AT_COUNTER = (Status.CALLED, Status.SERVING)
OPEN_STATUSES = (Status.WAITING, Status.CALLED, Status.SERVING)


@dataclass(frozen=True)
class Ticket:
    id: str
    day: str
    number: str
    series: str
    seq: int
    procedure_id: int
    field_id: int
    status: Status
    arrival_at: float
    issued_at: float
    public_token: str
    priority: str | None = None
    counter_id: int | None = None
    target_counter_id: int | None = None
    called_at: float | None = None
    first_called_at: float | None = None
    served_at: float | None = None
    done_at: float | None = None
    calls: int = 0
    outcome: str | None = None
    receipt_no: str | None = None
    wrote_forms: bool = False
    served_by: int | None = None
    session_id: str | None = None
    session_type: str = "regular"
    appointment_id: str | None = None
    slot_at: float | None = None
    kiosk_id: str | None = None
    origin: str = ""

    @property
    def is_waiting(self) -> bool:
        return self.status == Status.WAITING

    @property
    def is_priority(self) -> bool:
        return self.priority is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Transition:
    """What happened: the store writes the new ticket and logs the event."""

    ticket: Ticket
    before: Status | None
    action: Action
    counter_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    previous: Ticket | None = None  # the ticket as it was: the store writes only what changed

    @property
    def event_type(self) -> str:
        return f"ticket.{self.action.value}"


def _next_status(ticket: Ticket, action: Action) -> Status:
    to = TRANSITIONS.get((ticket.status, action))
    if to is None:
        vi, en = ACTION_LABELS.get(action, (action.value, action.value))
        raise DomainError(
            "bad_transition",
            action=vi,
            action_en=en,
            ticket=ticket.number,
            state=STATUS_LABELS[ticket.status][0],
            state_en=STATUS_LABELS[ticket.status][1],
        )
    return to


def _at_counter(ticket: Ticket, counter_id: int) -> None:
    if ticket.counter_id is not None and ticket.counter_id != counter_id:
        raise DomainError(
            "wrong_counter_for_ticket", ticket=ticket.number, ticket_counter=ticket.counter_id, counter=counter_id
        )


def call(ticket: Ticket, counter_id: int, user_id: int | None, now: float) -> Transition:
    to = _next_status(ticket, Action.CALL)
    new = replace(
        ticket,
        status=to,
        counter_id=counter_id,
        called_at=now,
        first_called_at=ticket.first_called_at if ticket.first_called_at is not None else now,
        calls=ticket.calls + 1,
        served_by=user_id,
    )
    return Transition(new, ticket.status, Action.CALL, counter_id, {"calls": new.calls}, previous=ticket)


def recall(ticket: Ticket, counter_id: int, now: float) -> Transition:
    _at_counter(ticket, counter_id)
    to = _next_status(ticket, Action.RECALL)
    new = replace(ticket, status=to, called_at=now, calls=ticket.calls + 1)
    return Transition(new, ticket.status, Action.RECALL, counter_id, {"calls": new.calls}, previous=ticket)


def start_service(ticket: Ticket, counter_id: int, user_id: int | None, now: float) -> Transition:
    _at_counter(ticket, counter_id)
    to = _next_status(ticket, Action.START)
    new = replace(ticket, status=to, served_at=now, served_by=user_id)
    return Transition(new, ticket.status, Action.START, counter_id, previous=ticket)


def no_show(ticket: Ticket, counter_id: int, now: float) -> Transition:
    _at_counter(ticket, counter_id)
    to = _next_status(ticket, Action.NO_SHOW)
    new = replace(ticket, status=to, done_at=now)
    return Transition(new, ticket.status, Action.NO_SHOW, counter_id, previous=ticket)


def finish(
    ticket: Ticket,
    counter_id: int,
    now: float,
    outcome: Outcome,
    receipt_no: str | None = None,
    wrote_forms: bool = False,
) -> Transition:
    _at_counter(ticket, counter_id)
    to = _next_status(ticket, Action.FINISH)
    if outcome == Outcome.DOSSIER_RECEIVED and not (receipt_no and receipt_no.strip()):
        raise Invalid("receipt_required")
    new = replace(
        ticket,
        status=to,
        done_at=now,
        outcome=outcome.value,
        receipt_no=receipt_no.strip() if receipt_no else None,
        wrote_forms=wrote_forms,
    )
    data: dict[str, Any] = {"outcome": outcome.value, "wrote_forms": wrote_forms}
    if new.receipt_no:
        data["receipt_no"] = new.receipt_no
    return Transition(new, ticket.status, Action.FINISH, counter_id, data, previous=ticket)


def transfer(
    ticket: Ticket,
    from_counter_id: int | None,
    now: float,
    *,
    to_counter_id: int | None = None,
    to_procedure_id: int | None = None,
    to_field_id: int | None = None,
) -> Transition:
    """Back to the queue for another counter or procedure, keeping the original arrival time."""
    if to_counter_id is None and to_procedure_id is None:
        raise Invalid("transfer_target_required")
    if from_counter_id is not None and ticket.status != Status.WAITING:
        _at_counter(ticket, from_counter_id)
    to = _next_status(ticket, Action.TRANSFER)
    new = replace(
        ticket,
        status=to,
        counter_id=None,
        target_counter_id=to_counter_id,
        procedure_id=to_procedure_id if to_procedure_id is not None else ticket.procedure_id,
        field_id=to_field_id if to_field_id is not None else ticket.field_id,
        served_at=None,
    )
    data = {
        "from_counter": ticket.counter_id,
        "to_counter": to_counter_id,
        "from_procedure": ticket.procedure_id,
        "to_procedure": new.procedure_id,
    }
    return Transition(new, ticket.status, Action.TRANSFER, from_counter_id, data, previous=ticket)


def cancel(ticket: Ticket, now: float, reason: str | None = None, at_counter: int | None = None) -> Transition:
    """`at_counter`: the counter a staff member acts from (None for a leader or an admin, who act anywhere).
    A ticket called to or served at a counter is that counter's: another counter may not cancel it."""
    if at_counter is not None and ticket.status in AT_COUNTER and ticket.counter_id != at_counter:
        raise Forbidden("ticket_at_other_counter", ticket=ticket.number, ticket_counter=ticket.counter_id,
                        counter=at_counter)
    to = _next_status(ticket, Action.CANCEL)
    new = replace(ticket, status=to, done_at=now)
    return Transition(new, ticket.status, Action.CANCEL, ticket.counter_id, {"reason": reason} if reason else {},
                      previous=ticket)
