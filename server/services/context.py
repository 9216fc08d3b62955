"""What every decision gets besides the database: the instant, who acts, and the office's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from server.domain import queue_policy
from server.domain.clock import local_at


@dataclass(frozen=True)
class Ctx:
    """Everything a decision needs besides the database: when, who, and the office's rules."""

    now: float
    tz: ZoneInfo
    policy: queue_policy.QueuePolicy
    actor: str = "system"
    user_id: int | None = None

    @cached_property
    def local(self) -> datetime:
        return local_at(self.now, self.tz)

    @cached_property
    def day(self) -> str:
        return self.local.date().isoformat()
