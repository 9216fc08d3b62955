"""Print benchmark: render + send N tickets through PrinterManager to the TCP emulator, per paper width.

Answers "how long from a kiosk tap until the last byte has left for the printer?" on this machine.
Run alone: ``.venv/bin/python bench/bench_print.py [--tickets 50]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from printers.connectors import PrinterConfig  # noqa: E402
from printers.emulator.server import PrinterEmulator  # noqa: E402
from printers.queue import PrinterManager  # noqa: E402
from printers.ticket.escpos_bytes import ticket_bytes  # noqa: E402
from printers.ticket.layout import TicketLayout, TicketSlip, render_ticket  # noqa: E402

SLIP = TicketSlip(
    office_name="Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế",
    procedure_name="Cấp đổi giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản gắn liền",
    field_name="Đất đai",
    number="1000",
    issued_at=datetime.now(UTC),
    waiting_ahead=12,
    estimated_wait_min=35,
    status_url="https://motcua.example.vn/t/20250520-1000",
    priority_label=None,
    counter_hint="Mời đến quầy số 3",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(paper_mm: int, mode: str, tickets: int, out: Path) -> dict[str, float]:
    layout = TicketLayout(paper_mm=paper_mm, footer="Đường dây nóng: 1900 1234")
    started = time.perf_counter()
    for _ in range(10):
        render_ticket(SLIP, layout)
    render_ms = (time.perf_counter() - started) * 100
    size = len(ticket_bytes(SLIP, layout, mode=mode))  # type: ignore[arg-type]
    async with PrinterEmulator(out / f"{paper_mm}-{mode}", port=0, paper_dots=layout.dots) as emulator:
        cfg = PrinterConfig(
            id="bench", kind="network", host="127.0.0.1", port=emulator.port, paper_mm=paper_mm, mode=mode
        )
        async with PrinterManager([cfg], probe_interval_s=3600) as printers:
            jobs = []
            for n in range(tickets):
                jobs.append(printers.print_ticket("bench", replace(SLIP, number=str(1000 + n))))
                await asyncio.sleep(0)  # a tap arrives, the loop goes on serving the page
            await asyncio.gather(*(job.wait() for job in jobs))
        await emulator.wait_for_tickets(tickets, timeout=60)
    latencies = [job.latency_s * 1000 for job in jobs if job.latency_s is not None]
    return {
        "render_ms": render_ms,
        "bytes": size,
        "burst_p50": statistics.median(latencies),
        "burst_p99": percentile(latencies, 0.99),
        "single_ms": await single_tap(paper_mm, mode, out),
    }


async def single_tap(paper_mm: int, mode: str, out: Path, taps: int = 20) -> float:
    """Median submit→last byte when each tap finds the printer idle."""
    async with PrinterEmulator(out / f"single-{paper_mm}-{mode}", port=0) as emulator:
        cfg = PrinterConfig(
            id="bench", kind="network", host="127.0.0.1", port=emulator.port, paper_mm=paper_mm, mode=mode
        )
        async with PrinterManager([cfg], probe_interval_s=3600) as printers:
            latencies = []
            for n in range(taps):
                job = await printers.print_ticket("bench", replace(SLIP, number=str(2000 + n))).wait()
                latencies.append((job.latency_s or 0) * 1000)
        await emulator.wait_for_tickets(taps, timeout=60)
    return statistics.median(latencies)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50)
    args = parser.parse_args()
    print("submit -> last byte to the emulator. 'idle': median of 20 taps, one at a time (the kiosk case);")
    print(f"'burst': {args.tickets} tickets submitted at once, so later ones wait behind earlier ones.")
    columns = [("paper", 5), ("mode", 5), ("render ms", 9), ("bytes", 7), ("idle ms", 8)]
    header = " ".join(f"{name:>{width}}" for name, width in [*columns, ("burst p50 ms", 12), ("p99 ms", 8)])
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for paper_mm in (58, 80):
            for mode in ("image", "text"):
                r = await run(paper_mm, mode, args.tickets, Path(tmp))
                render = f"{r['render_ms']:.1f}" if mode == "image" else "-"
                print(
                    f"{paper_mm:>5} {mode:>5} {render:>9} {r['bytes']:>7} {r['single_ms']:>8.1f} "
                    f"{r['burst_p50']:>12.1f} {r['burst_p99']:>8.1f}"
                )


if __name__ == "__main__":
    asyncio.run(main())
