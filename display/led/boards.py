"""Which boards the hall has and what each shows, from configuration.

Counter boards show the number being served ("1025"); the main board scrolls the last calls and slogans.
Several boards may share one connection (an RS-485 bus or one TCP converter), told apart by address, so
workers are made per connection, not per board.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from display.led.board import LedBoard, SerialLedBoard, TcpLedBoard
from display.led.protocol import encode_frame


@dataclass(frozen=True)
class LedBoardConfig:
    """One board. ``counter`` names the counter it stands over; None for the hall's main board."""

    address: str
    transport: Literal["tcp", "serial"] = "tcp"
    host: str = "127.0.0.1"
    port: int = 7000
    url: str = ""  # serial: "/dev/ttyUSB0" or a pyserial URL such as "socket://10.0.0.9:4001"
    baudrate: int = 9600
    counter: str | None = None
    ascii_only: bool = False
    timeout: float = 3.0

    def __post_init__(self) -> None:
        encode_frame(self.address, "C")  # raises FrameError for an address boards cannot take
        if self.transport == "serial" and not self.url:
            raise ValueError(f"serial LED board {self.address!r} needs a url (device path)")
        if self.transport not in ("tcp", "serial"):
            raise ValueError(f"LED transport must be 'tcp' or 'serial', not {self.transport!r}")

    @property
    def connection(self) -> tuple[str, ...]:
        """Boards with the same connection key share one driver and one worker."""
        if self.transport == "serial":
            return ("serial", self.url, str(self.baudrate), str(self.ascii_only))
        return ("tcp", self.host, str(self.port), str(self.ascii_only))


def board_for(config: LedBoardConfig) -> LedBoard:
    if config.transport == "serial":
        return SerialLedBoard(
            config.url, config.baudrate, timeout=config.timeout, ascii_only=config.ascii_only
        )
    return TcpLedBoard(config.host, config.port, timeout=config.timeout, ascii_only=config.ascii_only)


def group_by_connection(configs: Iterable[LedBoardConfig]) -> dict[tuple[str, ...], list[LedBoardConfig]]:
    groups: dict[tuple[str, ...], list[LedBoardConfig]] = {}
    for config in configs:
        groups.setdefault(config.connection, []).append(config)
    return groups


def main_board_text(last_calls: Sequence[tuple[str, str]], slogan: str | None = None) -> str:
    """The main board's scrolling line: newest calls first, then the slogan if one is due."""
    parts = [f"{ticket} - {counter}" for ticket, counter in last_calls]
    if slogan:
        parts.append(slogan)
    return "   |   ".join(parts)  # ASCII separators: they survive the ascii_only fallback
