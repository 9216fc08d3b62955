"""LED board drivers: one interface, the same frames over TCP or over a serial line.

A driver does one exchange at a time (frame out, ``ACK``/``NAK`` back) and raises on any trouble; it never
retries or waits for the network to come back. That is ``LedBoardWorker``'s job, so a dead board can never
hold up a counter's call. pyserial is imported only when a serial board is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from abc import ABC, abstractmethod
from typing import Any

from display.led.protocol import ACK, Command, encode_frame


class LedError(Exception):
    """A board could not be reached or did not answer."""


class LedNakError(LedError):
    """The board answered ``NAK``: it is there but refused the frame."""


class LedBoard(ABC):
    """What the rest of motcua uses: show text at an address, clear it, close the link."""

    @abstractmethod
    async def show(self, address: str, text: str, *, scroll: bool = False) -> None: ...

    @abstractmethod
    async def clear(self, address: str) -> None: ...

    async def close(self) -> None:  # noqa: B027 - drivers without a connection have nothing to close
        """Drop the connection; the next call reconnects."""


class FramedLedBoard(LedBoard):
    """Shared by the TCP and serial drivers: build the frame, exchange it, judge the reply."""

    def __init__(self, *, timeout: float = 3.0, ascii_only: bool = False) -> None:
        self.timeout = timeout
        self.ascii_only = ascii_only

    async def show(self, address: str, text: str, *, scroll: bool = False) -> None:
        await self._send(address, "M" if scroll else "S", text)

    async def clear(self, address: str) -> None:
        await self._send(address, "C", "")

    async def _send(self, address: str, command: Command, text: str) -> None:
        frame = encode_frame(address, command, text, ascii_only=self.ascii_only)
        reply = await self._exchange(frame)
        if reply == ACK:
            return
        if reply.startswith(b"NAK"):
            raise LedNakError(reply.decode("ascii", "replace").strip())
        await self.close()  # out of step with the board: start again on a fresh connection
        raise LedError(f"unexpected reply {reply!r}")

    @abstractmethod
    async def _exchange(self, frame: bytes) -> bytes:
        """Send one frame, return the reply line including CR LF."""


class TcpLedBoard(FramedLedBoard):
    """A board (or a serial-to-Ethernet converter) listening on TCP; one connection kept open."""

    def __init__(self, host: str, port: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _exchange(self, frame: bytes) -> bytes:
        try:
            async with asyncio.timeout(self.timeout):
                if self._writer is None:
                    self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
                assert self._reader is not None
                self._writer.write(frame)
                await self._writer.drain()
                reply = await self._reader.readline()
        except (OSError, TimeoutError) as exc:
            await self.close()
            raise LedError(f"{self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
        if not reply:
            await self.close()
            raise LedError(f"{self.host}:{self.port}: connection closed by the board")
        return reply

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):  # the peer is already gone; nothing left to release
                await writer.wait_closed()


class SerialLedBoard(FramedLedBoard):
    """A board on RS-232/RS-485 through pyserial; ``url`` is a device ("/dev/ttyUSB0") or a pyserial URL."""

    def __init__(self, url: str, baudrate: int = 9600, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url, self.baudrate = url, baudrate
        self._port: Any = None
        self._lock = threading.Lock()  # the port is used from worker threads, one exchange at a time

    def _exchange_blocking(self, frame: bytes) -> bytes:
        with self._lock:
            if self._port is None:
                try:
                    import serial
                except ImportError as exc:
                    raise LedError("pyserial is not installed: pip install pyserial") from exc
                self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=self.timeout)
            self._port.write(frame)
            self._port.flush()
            return bytes(self._port.readline())

    async def _exchange(self, frame: bytes) -> bytes:
        try:
            reply = await asyncio.to_thread(self._exchange_blocking, frame)
        except (OSError, ValueError) as exc:  # serial.SerialException is an OSError
            await self.close()
            raise LedError(f"{self.url}: {exc}") from exc
        if not reply.endswith(b"\n"):
            await self.close()
            raise LedError(f"{self.url}: no answer within {self.timeout} s")
        return reply

    async def close(self) -> None:
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            await asyncio.to_thread(port.close)
