"""The kiosk printer dies in the middle of a ticket: the ticket stays queued, the printer shows as offline, no half
ticket comes out, and a staff reprint prints the whole number once the printer is back.

Between the server and the TCP printer emulator sits a `Cable`: it forwards bytes both ways and, once armed,
lets a ticket's first `cut_after` bytes through, then switches the emulator off and stops answering the port, as
when the printer's plug is pulled while it is printing. The emulator itself is unchanged."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from printers.connectors import PrinterConfig, open_connector, paper_status
from printers.emulator.readback import read_number
from printers.emulator.server import PrinterEmulator
from printers.service import service_of
from server.app import create_app
from server.domain.clock import FakeClock
from tests.conftest import KIOSK, issue, staff_at, use_demo_db
from tests.printers.test_printer_emulator import needs_tesseract, wait_until
from tests.printers.test_printing_service import FAST, with_printers


class Cable:
    """A TCP pass-through on 127.0.0.1 that can be pulled out mid-ticket and plugged back in on the same port."""

    def __init__(self, emulator: PrinterEmulator) -> None:
        self.emulator = emulator
        self.port = 0
        self.cut_after: int | None = None
        self.pulled = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[Any]] = set()

    async def plug(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def pull(self) -> None:
        """Nothing answers any more: new connections are refused, the emulator drops what it was reading."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        await self.emulator.stop()
        self.pulled.set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        printer_reader, printer_writer = await asyncio.open_connection("127.0.0.1", self.emulator.port)
        answers = asyncio.create_task(_copy(printer_reader, writer))
        self._pipes.add(answers)
        sent = 0
        try:
            while chunk := await reader.read(4096):
                if self.cut_after is not None and sent + len(chunk) >= self.cut_after:
                    printer_writer.write(chunk[: self.cut_after - sent])
                    await printer_writer.drain()
                    self.cut_after = None
                    await self.pull()
                    break
                printer_writer.write(chunk)
                await printer_writer.drain()
                sent += len(chunk)
        except ConnectionError:
            pass
        finally:
            answers.cancel()
            self._pipes.discard(answers)
            for w in (writer, printer_writer):
                w.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._pipes):
            task.cancel()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(4096):
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass


@pytest.fixture
async def cable(emulator: PrinterEmulator) -> AsyncIterator[Cable]:
    c = Cable(emulator)
    await c.plug()
    yield c
    await c.close()


@pytest.fixture
async def office(aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, cable: Cable,
                 clock: FakeClock) -> TestClient:
    """The demo office whose printer "kiosk1" (the demo kiosk's) is reached through the cable."""
    printer = {"id": "kiosk1", "kind": "network", "host": "127.0.0.1", "port": cable.port, "timeout_s": 2}
    config = with_printers(tmp_path, printer)
    use_demo_db(config, template_dir)
    app = create_app(config, clock=clock)
    service_of(app).worker_options = FAST
    return await aiohttp_client(app)


async def printer_status(client: TestClient, wanted: str, timeout: float = 10.0) -> dict[str, Any]:
    """Poll GET /api/printers (as the kiosk's page does) until kiosk1 reports `wanted`."""
    deadline = time.monotonic() + timeout
    while True:
        r = await client.get("/api/printers", headers=KIOSK)
        assert r.status == 200, await r.text()
        (state,) = (await r.json())["printers"]
        if state["status"] == wanted:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"printer stayed {state} instead of {wanted}")
        await asyncio.sleep(0.05)


@needs_tesseract
async def test_printer_unplugged_mid_ticket_keeps_it_queued_prints_nothing_half_and_reprints_it_whole(
    office: TestClient, emulator: PrinterEmulator, cable: Cable
) -> None:
    await printer_status(office, "ok")  # the idle probe has seen the printer
    cable.cut_after = 4096  # well inside the ticket's raster image, after the paper-status question
    ticket = await issue(office, 2)
    await asyncio.wait_for(cable.pulled.wait(), 10)

    staff = await staff_at(office, 3)
    r = await office.get("/api/queue", headers=staff)
    queued = next(t for t in (await r.json())["tickets"] if t["id"] == ticket["id"])
    assert queued["status"] == "waiting" and queued["number"] == ticket["number"]
    down = await printer_status(office, "offline")
    assert down["last_error"]
    job = service_of(office.app).job(ticket["print"]["job_id"])
    assert job is not None
    await asyncio.wait_for(job.wait(), 10)
    assert job.status == "failed", "the printer never finished the ticket, so it must not count as printed"
    assert emulator.tickets == []
    assert sorted(p.name for p in emulator.out_dir.iterdir()) == []  # no half ticket, no .part file

    await emulator.start()  # plugged back in, same port
    await cable.plug()
    r = await office.post(f"/api/tickets/{ticket['id']}/reprint", json={}, headers=staff)
    assert r.status == 200, await r.text()
    assert (await r.json())["number"] == ticket["number"]
    (printed,) = await emulator.wait_for_tickets(1)
    assert read_number(printed.image) == ticket["number"]
    assert [p.name for p in emulator.out_dir.iterdir()] == [printed.path.name]
    await wait_until(lambda: job.status == "printed")
    await printer_status(office, "ok")


async def test_a_printer_that_hangs_up_instead_of_answering_is_unknown_not_full_of_paper() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(3)  # DLE EOT 4 arrives, and the line goes dead
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = PrinterConfig.from_dict({"id": "p", "kind": "network", "host": "127.0.0.1", "port": port})
    try:
        device = await asyncio.to_thread(open_connector, config)
        assert await asyncio.to_thread(paper_status, device, 2.0) is None
        device.close()
    finally:
        server.close()
