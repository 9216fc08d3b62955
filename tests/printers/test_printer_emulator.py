"""Specs for the ESC/POS emulator (printers/emulator/): a faithful stand-in for a network printer."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from printers.emulator.escpos_stream import Cut, EscposStream, Raster, StatusQuery, TextLine
from printers.emulator.server import PAPER_OK, PAPER_OUT, PrinterEmulator
from printers.ticket.escpos_bytes import ticket_bytes
from printers.ticket.layout import TicketLayout
from tests.printers.test_printer_layout import make_slip

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll with a deadline: devices and connections change on their own schedule, not on ours."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.01)


def test_parser_handles_a_job_split_into_tiny_chunks() -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=58))
    stream = EscposStream()
    events = []
    for start in range(0, len(data), 5):
        events += stream.feed(data[start : start + 5])
    rasters = [e for e in events if isinstance(e, Raster)]
    assert [r.width for r in rasters] == [384]
    assert isinstance(events[-1], Cut)
    assert stream.unknown_commands == 0 and not stream.buffer


def test_status_bytes_inside_raster_data_are_not_status_queries() -> None:
    row = b"\x10\x04\x04" * 2 + b"\x00\x00"  # 8 bytes that look like DLE EOT 4
    data = b"\x1b@\x1dv0\x00\x08\x00\x02\x00" + row + row + b"\x10\x04\x04"
    events = EscposStream().feed(data)
    assert [type(e) for e in events] == [Raster, StatusQuery]


def test_text_mode_vietnamese_decodes_back_exactly() -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=80), mode="text")
    lines = [e.text for e in EscposStream().feed(data) if isinstance(e, TextLine)]
    assert "Số người chờ trước bạn: 7" in lines
    assert "Thời gian chờ dự kiến: ~25 phút" in lines


async def send(port: int, data: bytes, answer_bytes: int = 0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.readexactly(answer_bytes), 5) if answer_bytes else b""
    writer.close()
    await writer.wait_closed()
    return answer


async def test_each_cut_becomes_one_png(tmp_path: Path) -> None:
    job = ticket_bytes(make_slip(), TicketLayout(paper_mm=80))
    async with PrinterEmulator(tmp_path, port=0) as emu:
        await send(emu.port, job + job)
        tickets = await emu.wait_for_tickets(2)
    assert [t.seq for t in tickets] == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ticket-0001.png", "ticket-0002.png"]
    assert tickets[0].image.width == 576


async def test_status_query_answers_paper_state(tmp_path: Path) -> None:
    async with PrinterEmulator(tmp_path, port=0) as emu:
        assert await send(emu.port, b"\x10\x04\x04", 1) == bytes([PAPER_OK])
        emu.paper_out = True
        assert await send(emu.port, b"\x10\x04\x04", 1) == bytes([PAPER_OUT])


async def test_connection_closed_mid_ticket_leaves_no_file(tmp_path: Path) -> None:
    job = ticket_bytes(make_slip(), TicketLayout(paper_mm=80))
    async with PrinterEmulator(tmp_path, port=0) as emu:
        await send(emu.port, job[: len(job) // 2])
        await send(emu.port, job)  # a later, complete ticket is still printed
        (ticket,) = await emu.wait_for_tickets(1)
        await wait_until(lambda: emu.discarded_partial_tickets == 1)
    assert [p.name for p in tmp_path.iterdir()] == ["ticket-0001.png"]
    assert ticket.seq == 1


async def test_restart_on_the_same_port_keeps_numbering(tmp_path: Path) -> None:
    job = ticket_bytes(make_slip(), TicketLayout(paper_mm=58))
    emu = PrinterEmulator(tmp_path, port=0)
    await emu.start()
    port = emu.port
    await send(port, job)
    await emu.wait_for_tickets(1)
    await emu.stop()
    with pytest.raises(OSError):
        await send(port, job)
    await emu.start()
    try:
        assert emu.port == port
        await send(port, job)
        tickets = await emu.wait_for_tickets(2)
    finally:
        await emu.stop()
    assert tickets[1].path.name == "ticket-0002.png"


async def test_waiting_for_a_ticket_that_never_comes_times_out(tmp_path: Path) -> None:
    async with PrinterEmulator(tmp_path, port=0) as emu:
        with pytest.raises(TimeoutError):
            await emu.wait_for_tickets(1, timeout=0.2)
