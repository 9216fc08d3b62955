"""Ticket numbers: one sequence per (service day, number series).

A series is a block such as 1001-1999 for Hộ tịch or 2001-2999 for Chứng thực,
optionally with a letter prefix. Numbers restart every local day. A number is
`start + seq - 1`, so there are no gaps; a full block is refused, never wrapped
(a wrapped number would repeat one the hall has already heard).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DomainError


@dataclass(frozen=True)
class NumberSeries:
    key: str
    start: int = 1
    end: int = 9999
    prefix: str = ""
    width: int = 0

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"series {self.key}: start must be >= 0 and end >= start")

    def number_for(self, seq: int) -> tuple[int, str]:
        if seq < 1:
            raise ValueError("sequence starts at 1")
        value = self.start + seq - 1
        if value > self.end:
            raise DomainError("number_block_full", series=self.key, end=self.end)
        digits = str(value).zfill(self.width) if self.width else str(value)
        return value, f"{self.prefix}{digits}"
