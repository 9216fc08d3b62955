"""Specs for printers/queue.py, end to end through the TCP emulator: what the citizen gets, and when."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from printers.connectors import MemoryPrinters, PrinterConfig, open_connector
from printers.emulator.escpos_stream import EscposStream, TextLine
from printers.emulator.readback import ocr, read_number
from printers.emulator.server import PrinterEmulator
from printers.jobs import PrinterState
from printers.queue import PrinterManager, PrinterWorker
from printers.ticket.layout import NUMBER_LABEL
from tests.printers.test_printer_emulator import needs_tesseract, wait_until
from tests.printers.test_printer_layout import make_slip

FAST = {"backoff_s": (0.05,), "probe_interval_s": 0.1}


def network(emu: PrinterEmulator, **options: object) -> PrinterConfig:
    return PrinterConfig(
        id="kiosk-1", kind="network", host="127.0.0.1", port=emu.port, timeout_s=2, **options
    )


@needs_tesseract
@pytest.mark.parametrize("paper_mm", [58, 80])
async def test_ticket_printed_over_tcp_reads_back_with_the_slip_number(
    emulator: PrinterEmulator, paper_mm: int
) -> None:
    states: list[PrinterState] = []
    async with PrinterManager(
        [network(emulator, paper_mm=paper_mm)], on_state_change=states.append
    ) as printers:
        job = printers.print_ticket("kiosk-1", make_slip(number="3071"))
        await job.wait()
        (ticket,) = await emulator.wait_for_tickets(1)
    assert job.status == "printed"
    assert job.latency_s is not None and job.latency_s > 0
    assert ticket.path.exists() and ticket.path.suffix == ".png"
    assert read_number(ticket.image) == "3071"
    assert "Số người chờ trước bạn" in ocr(ticket.image)
    assert states[-1].status == "ok" and states[-1].last_ok is not None


# Words the slip used to print beside the Vietnamese; a citizen reads one language.
OLD_ENGLISH_ON_SLIP = ("NUMBER", "Number", "Waiting", "Counter", "Scan")


@needs_tesseract
async def test_the_printed_slip_is_vietnamese_only(emulator: PrinterEmulator) -> None:
    async with PrinterManager([network(emulator, paper_mm=80)]) as printers:
        await printers.print_ticket("kiosk-1", make_slip(number="1025")).wait()
        (ticket,) = await emulator.wait_for_tickets(1)
    text = ocr(ticket.image)
    assert "SỐ THỨ TỰ" in text and "Số người chờ trước bạn" in text
    assert [word for word in OLD_ENGLISH_ON_SLIP if word in text] == []


async def test_jobs_print_in_submission_order(tmp_path: Path) -> None:
    memory = MemoryPrinters()
    cfg = PrinterConfig(id="desk", kind="memory", mode="text")
    worker = PrinterWorker(cfg, connect=lambda c: open_connector(c, memory), **FAST)
    await worker.start()
    try:
        jobs = [worker.submit(make_slip(number=str(n))) for n in range(101, 106)]
        await asyncio.gather(*(job.wait() for job in jobs))
    finally:
        await worker.stop()
    printed = []
    for data in memory.devices["desk"].jobs:
        lines = [e.text for e in EscposStream().feed(data) if isinstance(e, TextLine)]
        printed.append(lines[lines.index(NUMBER_LABEL) + 1])
    assert printed == ["101", "102", "103", "104", "105"]


async def test_printer_down_goes_offline_then_pending_job_prints_when_it_returns(
    emulator: PrinterEmulator,
) -> None:
    states: list[str] = []
    worker = PrinterWorker(
        network(emulator), max_attempts=10_000, on_state_change=lambda s: states.append(s.status), **FAST
    )
    await worker.start()
    try:
        await emulator.stop()
        job = worker.submit(make_slip(number="1200"))
        assert job.status == "queued"  # submit returned before any I/O was tried
        await wait_until(lambda: worker.state.status == "offline" and job.attempts >= 2)
        assert "offline" in states
        assert worker.state.last_error
        await emulator.start()  # same port
        await job.wait()
        (ticket,) = await emulator.wait_for_tickets(1)
    finally:
        await worker.stop()
    assert job.status == "printed"
    assert worker.state.status == "ok"
    assert ticket.image.height > 300


async def test_failed_job_is_kept_and_reprints_after_the_printer_returns(emulator: PrinterEmulator) -> None:
    done: list[str] = []
    async with PrinterManager(
        [network(emulator)], max_attempts=2, on_job_done=lambda j: done.append(j.status), **FAST
    ) as printers:
        await emulator.stop()
        job = printers.print_ticket("kiosk-1", make_slip(number="1300"))
        await job.wait()
        assert job.status == "failed" and job.attempts == 2
        assert printers.states()["kiosk-1"].status == "offline"
        await emulator.start()
        again = printers.reprint(job.id)
        await again.wait()
        await emulator.wait_for_tickets(1)
    assert again is job and job.status == "printed" and job.reprints == 1
    assert done == ["failed", "printed"]


async def test_paper_out_is_reported_and_the_job_waits_for_paper(emulator: PrinterEmulator) -> None:
    emulator.paper_out = True
    worker = PrinterWorker(network(emulator), max_attempts=10_000, **FAST)
    await worker.start()
    try:
        job = worker.submit(make_slip(number="1400"))
        await wait_until(lambda: worker.state.status == "paper_out")
        assert emulator.tickets == []  # nothing was sent into an empty printer
        emulator.paper_out = False
        await job.wait()
        await emulator.wait_for_tickets(1)
    finally:
        await worker.stop()
    assert worker.state.status == "ok"
    assert emulator.status_queries >= 2


async def test_idle_worker_notices_a_printer_going_away(emulator: PrinterEmulator) -> None:
    worker = PrinterWorker(network(emulator), **FAST)
    await worker.start()
    try:
        await wait_until(lambda: worker.state.status == "ok")
        await emulator.stop()
        await wait_until(lambda: worker.state.status == "offline")
    finally:
        await worker.stop()


async def test_stop_cancels_the_worker_even_with_jobs_pending(emulator: PrinterEmulator) -> None:
    await emulator.stop()
    printers = PrinterManager([network(emulator)], max_attempts=10_000, **FAST)
    await printers.start()
    job = printers.print_ticket("kiosk-1", make_slip())
    await printers.stop()
    assert job.status in ("queued", "printing", "retrying")
    assert all(w._task is None for w in printers.workers.values())


def test_unknown_printer_id_names_the_known_ones() -> None:
    printers = PrinterManager([PrinterConfig(id="a", kind="memory")])
    with pytest.raises(KeyError, match="known: a"):
        printers.print_ticket("b", make_slip())


def test_duplicate_printer_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="share the id"):
        PrinterManager([PrinterConfig(id="a", kind="memory"), PrinterConfig(id="a", kind="memory")])


def test_a_long_outage_forgets_the_oldest_settled_jobs_without_breaking_submit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a long outage the remembered jobs are mostly failed ones: submit must still work (it once deleted
    from the dict it was iterating) and the memory must stay bounded (failed jobs were never forgotten)."""
    monkeypatch.setattr("printers.queue.KEEP_JOBS", 5)
    worker = PrinterWorker(PrinterConfig(id="desk", kind="memory", mode="text"), **FAST)
    submitted = []
    for n in range(12):
        job = worker.submit(make_slip(number=str(1000 + n)))
        worker._pending.clear()  # the worker is not running: settle each job by hand, as a failed print would
        job.status = "failed" if n % 3 else "printed"
        submitted.append(job)
    queued = worker.submit(make_slip(number="2000"))
    remembered = worker.jobs()
    assert len(remembered) == 5
    assert queued in remembered, "a job still waiting to print is never forgotten"
    assert remembered[:-1] == submitted[-4:], "the oldest settled jobs go first"
