"""`fast_init` and `frozen.replace` behave as the dataclass `__init__` and `dataclasses.replace` they stand in for."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from server.domain.frozen import fast_init, replace
from server.domain.queue_policy import QueuePolicy
from server.domain.tickets import Action, Status, Ticket, Transition
from server.services.queue import Ctx, IssueRequest


def _ticket(**changes: object) -> Ticket:
    base: dict[str, object] = dict(id="01M842T1B9STZK243AQBQHJREG", day="2026-11-23", number="1001", series="HT",
                                   seq=1, procedure_id=1, field_id=1, status=Status.WAITING, arrival_at=1.5,
                                   issued_at=1.5, public_token="tok")
    return Ticket(**{**base, **changes})  # type: ignore[arg-type]


def test_same_fields_defaults_and_equality_as_the_dataclass() -> None:
    t = _ticket(priority="elderly")
    plain = {f.name: getattr(t, f.name) for f in dataclasses.fields(Ticket)}
    assert plain["priority"] == "elderly" and plain["calls"] == 0 and plain["origin"] == ""
    assert plain["session_type"] == "regular" and plain["counter_id"] is None
    assert t == _ticket(priority="elderly") and hash(t) == hash(_ticket(priority="elderly"))
    assert t != _ticket()
    positional = Ticket(*plain.values())
    assert positional == t
    assert repr(t).startswith("Ticket(id='01M842T1B9STZK243AQBQHJREG'")


def test_still_frozen_and_picklable() -> None:
    t = _ticket()
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.status = Status.DONE  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(t)) == t


def test_missing_or_unknown_arguments_are_refused_like_the_dataclass() -> None:
    with pytest.raises(TypeError):
        Ticket(id="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _ticket(colour="red")


def test_replace_matches_dataclasses_replace() -> None:
    t = _ticket()
    ours = replace(t, status=Status.CALLED, counter_id=3, calls=1)
    theirs = dataclasses.replace(t, status=Status.CALLED, counter_id=3, calls=1)
    assert ours == theirs and type(ours) is Ticket
    assert t.status is Status.WAITING and t.counter_id is None  # the original is untouched
    with pytest.raises(TypeError, match="no field colour"):
        replace(t, colour="red")


def test_replace_drops_values_computed_from_the_old_fields() -> None:
    ctx = Ctx(now=0.0, tz=ZoneInfo("Asia/Ho_Chi_Minh"), policy=QueuePolicy())
    assert ctx.day == "1970-01-01"  # computed once and kept on the instance
    later = replace(ctx, now=86_400.0 * 2)
    assert later.day == "1970-01-03"
    assert replace(IssueRequest(procedure_id=4), session_id="s").session_id == "s"


def test_a_default_factory_makes_a_new_value_each_time() -> None:
    @fast_init
    @dataclass(frozen=True)
    class WithFactory:
        name: str
        items: list[int] = field(default_factory=list)

    a, b = WithFactory("a"), WithFactory("b", [1])
    assert a.items == [] and a.items is not WithFactory("c").items and b.items == [1]
    assert a == dataclasses.replace(a) and replace(b, name="c") == WithFactory("c", [1])
    tr = Transition(_ticket(), None, Action.CALL)
    assert tr.data == {} and tr.counter_id is None and tr.previous is None


def test_classes_it_cannot_build_the_same_way_are_refused_at_import() -> None:
    @dataclass(frozen=True)
    class KwOnly:
        x: int = field(kw_only=True)

    @dataclass
    class NotFrozen:
        x: int

    @dataclass(frozen=True)
    class WithPostInit:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True)
    class ShadowsTheInit:
        _dict_: int

    for cls in (KwOnly, NotFrozen, WithPostInit, ShadowsTheInit):
        with pytest.raises(TypeError):
            fast_init(cls)
