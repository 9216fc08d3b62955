"""Ticket numbers: one sequence per (service day, number series).

A series is a block such as 1001-1999 for Hộ tịch or 2001-2999 for Chứng thực,
optionally with a letter prefix. Numbers restart every local day. A number is
`start + seq - 1`, so there are no gaps; a full block is refused, never wrapped
(a wrapped number would repeat one the hall has already heard).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.domain.errors import DomainError


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


def overlapping(series: NumberSeries, others: Iterable[NumberSeries]) -> NumberSeries | None:
    """The first other series whose block shares numbers with this one under the same prefix, else None.
    Two fields drawing from one block would issue the same number on the same day: the second one is refused
    (a ticket's number is unique in its day) and the hall would hear one number for two citizens. The width does
    not make them apart: "01500" and "1500" are read out alike."""
    for other in others:
        if other.key != series.key and other.prefix.strip().upper() == series.prefix.strip().upper() \
                and other.start <= series.end and series.start <= other.end:
            return other
    return None
