"""The motcua LED line protocol: framing, checksum and the ASCII fallback (spec in ``PROTOCOL.md``).

One frame per line so a board's firmware (or our emulator) can read with a plain ``readline``; a checksum
because RS-485 runs across a noisy hall; the board answers every frame with ``ACK`` or ``NAK <reason>`` so
the worker knows whether the text is really up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, TypeGuard, get_args

STX, ETX = b"\x02", b"\x03"
EOL = b"\r\n"
ACK = b"ACK" + EOL
MAX_PAYLOAD = 1024  # bytes of UTF-8 text in one frame
Command = Literal["S", "M", "C"]  # show static, marquee (scrolling), clear
COMMANDS = frozenset(get_args(Command))
_ADDRESS = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class FrameError(ValueError):
    """A frame that breaks the protocol; ``reason`` is the word a board sends back after ``NAK``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Frame:
    address: str
    command: Command
    text: str


def checksum(body: bytes) -> bytes:
    """Sum of the bytes between STX and ETX, modulo 256, as two uppercase hex digits."""
    return f"{sum(body) % 256:02X}".encode("ascii")


def to_ascii(text: str) -> str:
    """Vietnamese without diacritics for boards whose fonts lack them: NFD alone leaves "đ", so map it too."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.encode("ascii", "replace").decode("ascii")


def clean_text(text: str, *, ascii_only: bool = False) -> str:
    """Text safe inside a frame: control characters (including CR, LF, STX, ETX) become spaces."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return to_ascii(text) if ascii_only else text


def encode_frame(address: str, command: Command, text: str = "", *, ascii_only: bool = False) -> bytes:
    if not _ADDRESS.match(address):
        raise FrameError("address", f"1-16 of A-Z a-z 0-9 _ -, not {address!r}")
    if command not in COMMANDS:
        raise FrameError("command", repr(command))
    payload = clean_text(text, ascii_only=ascii_only).encode("utf-8") if command != "C" else b""
    if len(payload) > MAX_PAYLOAD:
        raise FrameError("too-long", f"{len(payload)} bytes > {MAX_PAYLOAD}")
    body = address.encode("ascii") + b":" + command.encode("ascii") + payload
    return STX + body + ETX + checksum(body) + EOL


def decode_frame(line: bytes) -> Frame:
    """Parse one line as received (with or without its CR LF); raises FrameError with the NAK reason."""
    line = line.rstrip(b"\r\n")
    if not line.startswith(STX) or len(line) < 4 or line[-3:-2] != ETX:
        raise FrameError("framing")
    body, sent = line[1:-3], line[-2:]
    if sent.upper() != checksum(body):
        raise FrameError("checksum", f"sent {sent!r}, computed {checksum(body)!r}")
    address, sep, rest = body.partition(b":")
    if not sep or not _ADDRESS.match(address.decode("ascii", "replace")):
        raise FrameError("address")
    command = rest[:1].decode("ascii", "replace")
    if not _is_command(command):
        raise FrameError("command")
    try:
        text = rest[1:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrameError("encoding", str(exc)) from exc
    return Frame(address.decode("ascii"), command, text)


def _is_command(letter: str) -> TypeGuard[Command]:
    return letter in COMMANDS


def nak(reason: str) -> bytes:
    return f"NAK {reason}".encode("ascii") + EOL
