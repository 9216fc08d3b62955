"""An incremental ESC/POS parser: bytes in (in any chunks), print events out.

The emulator needs this to turn what our queue sends into pictures. It knows the length of every command we
or python-escpos emit, so binary payloads (raster rows, QR data) are skipped by length and can never be
mistaken for commands; unknown ESC/GS commands are skipped by their usual 3-byte form and counted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from escpos.capabilities import get_profile
from escpos.codepages import CodePages

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
THREE_BYTE_ESC = set(b"!-EGMJVa{3URr SctdK")
THREE_BYTE_GS = set(b"BbhwHfarIE")


@dataclass(frozen=True)
class TextLine:
    text: str
    align: int = 0  # 0 left, 1 centre, 2 right
    width_mul: int = 1
    height_mul: int = 1
    bold: bool = False
    invert: bool = False


@dataclass(frozen=True)
class Raster:
    width: int
    height: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class QrCode:
    data: bytes
    module_size: int
    align: int


@dataclass(frozen=True)
class Cut:
    pass


@dataclass(frozen=True)
class StatusQuery:
    kind: int  # DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 paper sensor


Event = TextLine | Raster | Feed | QrCode | Cut | StatusQuery


class EscposStream:
    """Feed bytes with ``feed``; each call returns the complete events found so far."""

    def __init__(self, profile: str | None = None) -> None:
        self.codepages = {int(n): name for n, name in get_profile(profile).codePages.items()}
        self.buffer = bytearray()
        self.unknown_commands = 0
        self._line = bytearray()
        self._qr = b""
        self._qr_size = 3
        self._reset()

    def _reset(self) -> None:
        self.align = 0
        self.width_mul = self.height_mul = 1
        self.bold = self.invert = False
        self.codepage = 0

    def feed(self, data: bytes) -> list[Event]:
        self.buffer += data
        events: list[Event] = []
        position = 0
        while position < len(self.buffer):
            used = self._command(position, events)
            if used == 0:
                break  # incomplete command: wait for more bytes
            position += used
        del self.buffer[:position]
        return events

    def _need(self, position: int, length: int) -> bool:
        return position + length <= len(self.buffer)

    def _command(self, at: int, events: list[Event]) -> int:
        """Consume one command at ``at``; return its length, or 0 if it is not complete yet."""
        buf = self.buffer
        byte = buf[at]
        if byte == 0x0A:
            events.append(self._take_line())
            return 1
        if byte >= 0x20:
            self._line.append(byte)
            return 1
        if byte not in (ESC, GS, DLE, FS):
            return 1  # CR, NUL and other controls print nothing
        if not self._need(at, 2):
            return 0
        handler = {ESC: self._esc, GS: self._gs, DLE: self._dle, FS: self._fs}[byte]
        return handler(at, buf[at + 1], events)

    def _esc(self, at: int, op: int, events: list[Event]) -> int:
        if op == ord("@"):
            self._reset()
            return 2
        if op == ord("2"):
            return 2
        if op == ord("p"):
            return 5 if self._need(at, 5) else 0
        if op == ord("*"):
            if not self._need(at, 5):
                return 0
            mode, columns = self.buffer[at + 2], self.buffer[at + 3] + 256 * self.buffer[at + 4]
            length = 5 + columns * (3 if mode in (32, 33) else 1)
            return length if self._need(at, length) else 0
        if not self._need(at, 3):
            return 0
        value = self.buffer[at + 2]
        if op == ord("!"):
            self.bold = bool(value & 0x08)
            self.height_mul = 2 if value & 0x10 else 1
            self.width_mul = 2 if value & 0x20 else 1
        elif op in (ord("E"), ord("G")):
            self.bold = bool(value & 1)
        elif op == ord("a"):
            self.align = value % 48
        elif op == ord("t"):
            self.codepage = value
        elif op == ord("d"):
            self._flush_partial_line(events)
            events.append(Feed(lines=value))
        elif op == ord("J"):
            events.append(Feed(dots=value))
        elif op not in THREE_BYTE_ESC:
            self.unknown_commands += 1
        return 3

    def _gs(self, at: int, op: int, events: list[Event]) -> int:
        buf = self.buffer
        if op == ord("v"):
            if not self._need(at, 8):
                return 0
            width_bytes, height = buf[at + 4] + 256 * buf[at + 5], buf[at + 6] + 256 * buf[at + 7]
            length = 8 + width_bytes * height
            if not self._need(at, length):
                return 0
            events.append(Raster(width_bytes * 8, height, bytes(buf[at + 8 : at + length])))
            return length
        if op == ord("("):
            if not self._need(at, 5):
                return 0
            length = 5 + buf[at + 3] + 256 * buf[at + 4]
            if not self._need(at, length):
                return 0
            if buf[at + 2] == ord("k"):
                self._qr_function(bytes(buf[at + 5 : at + length]), events)
            return length
        if op == ord("V"):
            if not self._need(at, 3):
                return 0
            length = 3 if buf[at + 2] in (0, 1, 48, 49) else 4
            if not self._need(at, length):
                return 0
            self._flush_partial_line(events)
            events.append(Cut())
            return length
        if op in (ord("L"), ord("W")):
            return 4 if self._need(at, 4) else 0
        if not self._need(at, 3):
            return 0
        value = buf[at + 2]
        if op == ord("!"):
            self.width_mul, self.height_mul = (value >> 4) + 1, (value & 0x0F) + 1
        elif op == ord("B"):
            self.invert = bool(value & 1)
        elif op not in THREE_BYTE_GS:
            self.unknown_commands += 1
        return 3

    def _qr_function(self, payload: bytes, events: list[Event]) -> None:
        """GS ( k with cn=49 (QR): remember size (fn 67) and data (fn 80); fn 81 prints it."""
        if len(payload) < 2 or payload[0] != 49:
            return
        function = payload[1]
        if function == 67 and len(payload) > 2:
            self._qr_size = payload[2]
        elif function == 80:
            self._qr = payload[3:]
        elif function == 81 and self._qr:
            self._flush_partial_line(events)
            events.append(QrCode(self._qr, self._qr_size, self.align))

    def _dle(self, at: int, op: int, events: list[Event]) -> int:
        if op == 0x04:
            if not self._need(at, 3):
                return 0
            events.append(StatusQuery(self.buffer[at + 2]))
            return 3
        if op == 0x14:
            return 5 if self._need(at, 5) else 0
        return 1  # a lone DLE is data on some printers; ignore it

    def _fs(self, at: int, op: int, events: list[Event]) -> int:
        if op in (ord("."), ord("&")):
            return 2
        return 3 if self._need(at, 3) else 0

    def _flush_partial_line(self, events: list[Event]) -> None:
        if self._line:
            events.append(self._take_line())

    def _take_line(self) -> TextLine:
        raw, self._line = bytes(self._line), bytearray()
        return TextLine(self.decode(raw), self.align, self.width_mul, self.height_mul, self.bold, self.invert)

    def decode(self, raw: bytes) -> str:
        """Bytes in the selected code page to NFC Unicode (CP1258 sends tones as separate marks)."""
        name = self.codepages.get(self.codepage, "CP437")
        encoding = CodePages.get_encoding(name).get("python_encode", "cp437")
        try:
            text = raw.decode(encoding, errors="replace")
        except LookupError:
            text = raw.decode("cp437", errors="replace")
        return unicodedata.normalize("NFC", text)
