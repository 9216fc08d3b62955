"""The ticket state machine: every allowed transition, and refusals that name the problem."""

from __future__ import annotations

import pytest

from server.domain import tickets as tk
from server.domain.errors import DomainError, Invalid
from server.domain.tickets import TRANSITIONS, Action, Outcome, Status, Ticket


def ticket(status: Status = Status.WAITING, **kw: object) -> Ticket:
    base = dict(id="T1", day="2026-11-23", number="1001", series="HT", seq=1, procedure_id=1, field_id=1,
                status=status, arrival_at=100.0, issued_at=100.0, public_token="tok")
    base.update(kw)
    return Ticket(**base)  # type: ignore[arg-type]


def test_full_life_cycle_issued_called_recalled_serving_done() -> None:
    t = ticket()
    t = tk.call(t, counter_id=3, user_id=7, now=110).ticket
    assert (t.status, t.counter_id, t.calls, t.first_called_at) == (Status.CALLED, 3, 1, 110)
    t = tk.recall(t, 3, now=130).ticket
    assert (t.calls, t.called_at, t.first_called_at) == (2, 130, 110)
    t = tk.start_service(t, 3, 7, now=140).ticket
    assert t.status == Status.SERVING and t.served_at == 140
    tr = tk.finish(t, 3, now=400, outcome=Outcome.DOSSIER_RECEIVED, receipt_no=" HS-001 ", wrote_forms=True)
    assert tr.ticket.status == Status.DONE
    assert tr.ticket.receipt_no == "HS-001" and tr.ticket.wrote_forms
    assert tr.event_type == "ticket.finish" and tr.data["outcome"] == "dossier_received"


def test_transfer_keeps_original_arrival_time() -> None:
    t = tk.call(ticket(arrival_at=50.0), 3, None, now=200).ticket
    tr = tk.transfer(t, 3, now=300, to_counter_id=5)
    assert tr.ticket.status == Status.WAITING
    assert tr.ticket.arrival_at == 50.0
    assert tr.ticket.target_counter_id == 5 and tr.ticket.counter_id is None
    assert tr.data["from_counter"] == 3 and tr.data["to_counter"] == 5


def test_transfer_to_procedure_changes_field() -> None:
    tr = tk.transfer(ticket(), None, now=10, to_procedure_id=9, to_field_id=2)
    assert (tr.ticket.procedure_id, tr.ticket.field_id) == (9, 2)


def test_transfer_needs_a_target() -> None:
    with pytest.raises(Invalid) as exc:
        tk.transfer(ticket(), None, now=1)
    assert exc.value.code == "transfer_target_required"


def test_no_show_then_called_again_by_number() -> None:
    t = tk.call(ticket(), 3, None, now=10).ticket
    t = tk.no_show(t, 3, now=20).ticket
    assert t.status == Status.NO_SHOW
    t = tk.call(t, 4, None, now=30).ticket
    assert t.status == Status.CALLED and t.counter_id == 4 and t.first_called_at == 10


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", [a for a in Action if a is not Action.ISSUE])
def test_only_table_transitions_are_allowed(status: Status, action: Action) -> None:
    t = ticket(status, counter_id=3)
    allowed = (status, action) in TRANSITIONS
    do = {
        Action.CALL: lambda: tk.call(t, 3, None, 1.0),
        Action.RECALL: lambda: tk.recall(t, 3, 1.0),
        Action.START: lambda: tk.start_service(t, 3, None, 1.0),
        Action.FINISH: lambda: tk.finish(t, 3, 1.0, Outcome.GUIDANCE_ONLY),
        Action.NO_SHOW: lambda: tk.no_show(t, 3, 1.0),
        Action.TRANSFER: lambda: tk.transfer(t, 3, 1.0, to_counter_id=4),
        Action.CANCEL: lambda: tk.cancel(t, 1.0),
    }[action]
    if allowed:
        assert do().ticket.status == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(DomainError) as exc:
            do()
        assert exc.value.code == "bad_transition"
        assert exc.value.params["ticket"] == "1001"


def test_acting_at_the_wrong_counter_is_refused() -> None:
    t = tk.call(ticket(), 3, None, now=10).ticket
    with pytest.raises(DomainError) as exc:
        tk.start_service(t, 4, None, now=11)
    assert exc.value.code == "wrong_counter_for_ticket"


def test_dossier_received_needs_a_receipt_number() -> None:
    t = tk.start_service(tk.call(ticket(), 3, None, 1).ticket, 3, None, 2).ticket
    with pytest.raises(Invalid) as exc:
        tk.finish(t, 3, 3, Outcome.DOSSIER_RECEIVED, receipt_no="  ")
    assert exc.value.code == "receipt_required"
