"""The "4 tại chỗ" workflow: receive → appraise → approve → return, done while the citizen waits.

Each procedure lists its steps (`procedures.steps`, JSON `[{"step", "target_min"}]`; some use
fewer than four). The rules here are pure: they take the workflow, the steps already logged
for the ticket and who is asking, and either say yes or raise a named error. The clock is an
argument, so the overdue check is a function of (open steps, now).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from server.domain.errors import DomainError, Forbidden, Invalid
from server.messages import labels

APPROVE = "approve"
APPROVERS = frozenset({"leader", "admin"})

STEP_LABELS = labels.STEPS  # the one table, server/messages/labels.py

# Overdue levels: 0 on time, 1 amber (past amber_pct of the target), 2 red (past red_pct).
ON_TIME, AMBER, RED = 0, 1, 2


@dataclass(frozen=True)
class StepDef:
    step: str
    target_min: float


@dataclass(frozen=True)
class StepLog:
    """One logged step of one ticket (a row of `steps`)."""

    id: str
    ticket_id: str
    step: str
    target_min: float | None
    started_at: float
    started_by: int | None = None
    ended_at: float | None = None
    ended_by: int | None = None
    overdue_level: int = ON_TIME

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Thresholds:
    amber_pct: float = 100.0
    red_pct: float = 150.0


def label(step: str, lang: str = "vi") -> str:
    pair = STEP_LABELS.get(step, (step, step))
    return pair[1] if lang == "en" else pair[0]


def workflow(raw: Sequence[dict[str, Any]]) -> list[StepDef]:
    """The procedure's steps as stored; an unusable definition is refused, not guessed at."""
    out: list[StepDef] = []
    for item in raw:
        step, target = item.get("step"), item.get("target_min")
        if not isinstance(step, str) or not isinstance(target, int | float) or target <= 0:
            raise Invalid("step_definition_bad", definition=str(item))
        out.append(StepDef(step, float(target)))
    return out


def _by_step(logged: Iterable[StepLog]) -> dict[str, StepLog]:
    return {s.step: s for s in logged}


def _index(flow: Sequence[StepDef], step: str) -> int:
    for i, d in enumerate(flow):
        if d.step == step:
            return i
    raise Invalid("step_unknown", step=step, steps=", ".join(label(d.step) for d in flow) or "—")


def check_start(flow: Sequence[StepDef], logged: Iterable[StepLog], step: str) -> StepDef:
    """May `step` start now? Steps run in the procedure's order; each waits for the previous to end."""
    i = _index(flow, step)
    done = _by_step(logged)
    if step in done:
        raise DomainError("step_already_started", step=label(step))
    if i > 0:
        prev = done.get(flow[i - 1].step)
        if prev is None or prev.is_open:
            raise DomainError("step_previous_not_done", step=label(step), previous=label(flow[i - 1].step))
    return flow[i]


def check_end(flow: Sequence[StepDef], logged: Iterable[StepLog], step: str, role: str) -> StepLog:
    """May `step` end now, by someone with `role`? Only a leader (or admin) ends the approval."""
    _index(flow, step)
    current = _by_step(logged).get(step)
    if current is None:
        raise DomainError("step_not_started", step=label(step))
    if not current.is_open:
        raise DomainError("step_already_ended", step=label(step))
    if step == APPROVE and role not in APPROVERS:
        raise Forbidden("step_approve_leader_only")
    return current


def missing_steps(flow: Sequence[StepDef], logged: Iterable[StepLog]) -> list[str]:
    """Steps of the workflow not yet ended (what blocks 'result returned')."""
    done = _by_step(logged)
    return [d.step for d in flow if d.step not in done or done[d.step].is_open]


def level_of(elapsed_s: float, target_min: float | None, th: Thresholds) -> int:
    if not target_min or target_min <= 0:
        return ON_TIME
    pct = elapsed_s / (target_min * 60) * 100
    if pct > th.red_pct:
        return RED
    if pct > th.amber_pct:
        return AMBER
    return ON_TIME


def overdue_changes(open_steps: Iterable[StepLog], now: float, th: Thresholds) -> list[tuple[StepLog, int]]:
    """(step, new level) for each open step whose level rose since last recorded.

    Levels only rise while a step is open, so an alarm is raised once per level, not every run."""
    out: list[tuple[StepLog, int]] = []
    for s in open_steps:
        if not s.is_open:
            continue
        level = level_of(now - s.started_at, s.target_min, th)
        if level > s.overdue_level:
            out.append((s, level))
    return out
