"""What is printed and what the print queue reports: one ``TicketSlip`` per ticket, one ``PrintJob`` per ticket
sent, one ``PrinterState`` per printer.

These are plain records so the server can turn them into JSON for the admin page and the kiosk without
knowing anything about escpos.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

JobStatus = Literal["queued", "printing", "retrying", "printed", "failed"]
PrinterStatus = Literal["unknown", "ok", "offline", "paper_out", "error"]


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on one ticket; built by the server from a ticket and its queue position."""

    office_name: str
    procedure_name: str
    field_name: str
    number: str
    issued_at: datetime
    waiting_ahead: int
    estimated_wait_min: int | None
    status_url: str
    priority_label: str | None = None
    counter_hint: str | None = None
    # The office's own (the Office page): a line at the foot and its logo (PNG or JPEG bytes) at the top.
    footer: str | None = None
    logo: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # A naive time would print the server's idea of local time, which is wrong on a UTC host.
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("TicketSlip.issued_at must be timezone-aware")
        if self.waiting_ahead < 0:
            raise ValueError("TicketSlip.waiting_ahead must be >= 0")


@dataclass(eq=False)
class PrintJob:
    """One ticket on its way to one printer.

    Times are ``time.monotonic()`` seconds so tap→last-byte can be measured; ``last_byte_at`` is when the last
    byte was handed to the device (for a network printer: accepted by the kernel's socket buffer).
    """

    id: str
    printer_id: str
    slip: TicketSlip
    submitted_at: float
    status: JobStatus = "queued"
    attempts: int = 0
    reprints: int = 0
    last_error: str | None = None
    data: bytes | None = field(default=None, repr=False)
    render_ms: float | None = None
    last_byte_at: float | None = None
    _settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def is_settled(self) -> bool:
        return self.status in ("printed", "failed")

    @property
    def latency_s(self) -> float | None:
        """Submit → last byte sent, for the benchmark and the admin's printer page."""
        return None if self.last_byte_at is None else self.last_byte_at - self.submitted_at

    async def wait(self) -> PrintJob:
        """Wait until the job is printed or has failed (and is waiting for a reprint)."""
        await self._settled.wait()
        return self

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "printer_id": self.printer_id,
            "number": self.slip.number,
            "status": self.status,
            "attempts": self.attempts,
            "reprints": self.reprints,
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class PrinterState:
    """What pages show about a printer; replaced, never mutated, so each callback gets a snapshot."""

    printer_id: str
    status: PrinterStatus = "unknown"
    last_error: str | None = None
    last_ok: datetime | None = None
    paper_near_end: bool = False
    pending: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "printer_id": self.printer_id,
            "status": self.status,
            "last_error": self.last_error,
            "last_ok": self.last_ok.isoformat() if self.last_ok else None,
            "paper_near_end": self.paper_near_end,
            "pending": self.pending,
        }
