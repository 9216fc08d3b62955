"""An LED board emulator speaking ``PROTOCOL.md`` over TCP: for tests, and for trying without hardware.

    python -m display.led.emulator --port 7000

It validates each frame like firmware would (framing, checksum, address, UTF-8), answers ``ACK`` or
``NAK <reason>``, and keeps the current text per address. Tests wait on it instead of sleeping:
``await emu.wait_for("Q3", "1025")``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from types import TracebackType

from display.led.protocol import ACK, Frame, FrameError, decode_frame, nak


class LedEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> None:
        self.host, self.port = host, port
        self.verbose = verbose
        self.texts: dict[str, str] = {}
        self.modes: dict[str, str] = {}  # "S" static or "M" scrolling, per address
        self.frames: list[Frame] = []
        self.naks: list[str] = []
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every client, like a board losing power."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in list(self._clients):
            writer.close()
        await server.wait_closed()

    async def __aenter__(self) -> LedEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def wait_for(self, address: str, text: str | None, timeout: float = 5.0) -> None:
        """Wait until ``address`` shows ``text`` (None: cleared); raises TimeoutError."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.texts.get(address) == text)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._clients.add(writer)
        try:
            while line := await reader.readline():
                writer.write(await self._apply(line))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; a real board just waits for the next connection
        finally:
            self._clients.discard(writer)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _apply(self, line: bytes) -> bytes:
        try:
            frame = decode_frame(line)
        except FrameError as exc:
            self.naks.append(exc.reason)
            if self.verbose:
                print(f"NAK {exc}", flush=True)
            return nak(exc.reason)
        async with self._changed:
            self.frames.append(frame)
            if frame.command == "C":
                self.texts.pop(frame.address, None)
                self.modes.pop(frame.address, None)
            else:
                self.texts[frame.address] = frame.text
                self.modes[frame.address] = frame.command
            self._changed.notify_all()
        if self.verbose:
            print(f"{frame.address:>8} {frame.command} {frame.text}", flush=True)
        return ACK


async def _serve(host: str, port: int) -> None:
    async with LedEmulator(host, port, verbose=True) as emulator:
        print(f"LED emulator listening on {emulator.host}:{emulator.port}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="motcua LED board emulator (see display/led/PROTOCOL.md)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()
