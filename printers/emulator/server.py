"""A TCP ESC/POS printer on 127.0.0.1: what we print, as PNG files, without a printer on the desk.

It speaks the raw port-9100 protocol real network printers use, answers DLE EOT status queries (and can
pretend to be out of paper), cuts the stream into tickets at each GS V, and saves each ticket atomically so a
connection dropped mid-ticket never leaves half a ticket behind. Tests use it as ``async with
PrinterEmulator(tmp_path, port=0) as emu``; admins use ``python -m printers.emulator.server --out DIR``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from printers.emulator.escpos_stream import Cut, EscposStream, StatusQuery
from printers.emulator.paper import Paper

log = logging.getLogger(__name__)

PAPER_OK, PAPER_NEAR_END, PAPER_OUT = 0x12, 0x1E, 0x72
"""DLE EOT 4 answers: fixed bits 1 and 4, plus near-end (bits 2-3) and paper-end (bits 5-6) sensor bits."""
ONLINE = 0x16


@dataclass(eq=False)
class EmulatedTicket:
    seq: int
    image: Image.Image = field(repr=False)
    path: Path
    text: list[str]


class PrinterEmulator:
    """The emulated printer; ``stop()`` then ``start()`` brings it back on the same port."""

    def __init__(
        self,
        out_dir: Path | str,
        port: int = 9100,
        host: str = "127.0.0.1",
        paper_dots: int = 576,
        profile: str | None = None,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.host, self.port = host, port
        self.paper_dots = paper_dots
        self.profile = profile
        self.paper_out = False
        self.paper_near_end = False
        self.tickets: list[EmulatedTicket] = []
        self._last_seq = max((_seq_of(path) for path in self.out_dir.glob("ticket-*.png")), default=0)
        self.discarded_partial_tickets = 0
        self.status_queries = 0
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> PrinterEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def is_running(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_server(self._serve, self.host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("ESC/POS emulator listening on %s:%d, tickets in %s", self.host, self.port, self.out_dir)

    async def stop(self) -> None:
        """Stop listening and drop open connections, like pulling the printer's cable."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in list(self._writers):
            writer.close()
        # Let handlers see the closed socket and finish (a ticket being saved is saved) before we return.
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await server.wait_closed()

    async def wait_for_tickets(self, count: int, timeout: float = 10.0) -> list[EmulatedTicket]:
        """Wait until ``count`` tickets in all have been printed; ``TimeoutError`` otherwise."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.tickets) >= count)
        return self.tickets[:count]

    def status_byte(self, kind: int) -> int:
        if kind == 4:
            return PAPER_OUT if self.paper_out else PAPER_NEAR_END if self.paper_near_end else PAPER_OK
        return ONLINE if kind == 1 else 0x12

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
        stream = EscposStream(self.profile)
        paper = Paper(self.paper_dots)
        try:
            while chunk := await reader.read(65536):
                for event in stream.feed(chunk):
                    if isinstance(event, StatusQuery):
                        self.status_queries += 1
                        writer.write(bytes([self.status_byte(event.kind)]))
                        await writer.drain()
                    elif isinstance(event, Cut):
                        await self._finish_ticket(paper)
                        paper = Paper(self.paper_dots)
                    else:
                        paper.add(event)
        except (ConnectionError, OSError) as error:
            log.info("emulator connection dropped: %s", error)
        finally:
            if paper.has_content or stream.buffer:
                self.discarded_partial_tickets += 1  # no cut: a real printer would not have cut it off either
            self._writers.discard(writer)
            self._handlers.discard(handler)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _finish_ticket(self, paper: Paper) -> None:
        if not paper.has_content:
            return
        if self.paper_out:
            log.warning("emulator: ticket dropped, paper out")
            return
        image = paper.image()
        self._last_seq += 1  # taken before any await: two connections may cut at the same time
        seq = self._last_seq
        path = self.out_dir / f"ticket-{seq:04d}.png"
        await asyncio.to_thread(_save_atomically, image, path)
        async with self._changed:
            self.tickets.append(EmulatedTicket(seq, image, path, paper.text))
            self._changed.notify_all()


def _seq_of(path: Path) -> int:
    digits = path.stem.removeprefix("ticket-")
    return int(digits) if digits.isdigit() else 0


def _save_atomically(image: Image.Image, path: Path) -> None:
    partial = path.with_suffix(".part")
    image.save(partial, format="PNG")
    partial.replace(path)


EmulatorServer = PrinterEmulator


async def _main(args: argparse.Namespace) -> None:
    emulator = PrinterEmulator(args.out, port=args.port, host=args.host, paper_dots=args.dots)
    emulator.paper_out = args.paper_out
    async with emulator:
        print(f"ESC/POS emulator on {args.host}:{emulator.port}, writing tickets to {args.out}", flush=True)
        seen = 0
        while True:
            tickets = await emulator.wait_for_tickets(seen + 1, timeout=10**9)
            seen = len(tickets)
            print(f"printed {tickets[-1].path}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m printers.emulator.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--out", type=Path, default=Path("printed-tickets"))
    parser.add_argument("--dots", type=int, default=576, help="paper dots: 576 (80 mm), 384 (58 mm)")
    parser.add_argument("--paper-out", action="store_true", help="answer DLE EOT 4 with 'paper end'")
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
