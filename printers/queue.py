"""The print queue: one asyncio worker per printer that owns that printer's I/O.

A kiosk tap must never wait on a printer: ``submit`` only records the job and wakes the worker. The worker
renders in a thread, sends through escpos in its own single thread under a timeout, retries with backoff, and
publishes the printer's state so pages can say "máy in hết giấy" instead of silently losing tickets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from itertools import count
from typing import TypedDict, TypeVar, Unpack

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError

from printers.connectors import PaperStatus, PrinterConfig, open_connector, paper_status
from printers.jobs import PrinterState, PrinterStatus, PrintJob
from printers.ticket.escpos_bytes import ticket_bytes
from printers.ticket.layout import TicketLayout, TicketSlip, render_ticket
from server.tasks import cancel_and_wait

log = logging.getLogger(__name__)

StateCallback = Callable[[PrinterState], None]
JobCallback = Callable[[PrintJob], None]
T = TypeVar("T")
KEEP_JOBS = 500
"""Jobs remembered per printer for reprint; the oldest settled ones are forgotten first."""


class WorkerOptions(TypedDict, total=False):
    """PrinterWorker's tuning, passed through PrinterManager (tests shorten the waits, a command tries less)."""

    max_attempts: int
    backoff_s: Sequence[float]
    probe_interval_s: float
    connect: Callable[[PrinterConfig], Escpos]


class PaperOutError(RuntimeError):
    """The printer said (DLE EOT 4) it has no paper; the job was not sent so it can print after a refill."""


def layout_for(cfg: PrinterConfig) -> TicketLayout:
    return TicketLayout(
        paper_mm=cfg.paper_mm, logo_path=cfg.logo, header=cfg.header, footer=cfg.footer, show_qr=cfg.show_qr
    )


class PrinterWorker:
    """Sends one printer's jobs in order, one at a time; see the module docstring for why."""

    def __init__(
        self,
        config: PrinterConfig,
        *,
        on_state_change: StateCallback | None = None,
        on_job_done: JobCallback | None = None,
        max_attempts: int = 5,
        backoff_s: Sequence[float] = (0.5, 1.0, 2.0, 5.0, 10.0),
        probe_interval_s: float = 15.0,
        connect: Callable[[PrinterConfig], Escpos] = open_connector,
    ) -> None:
        self.config = config
        self.layout = layout_for(config)
        self.on_state_change = on_state_change
        self.on_job_done = on_job_done
        self.max_attempts = max_attempts
        self.backoff_s = tuple(backoff_s)
        self.probe_interval_s = probe_interval_s
        self._connect = connect
        self._state = PrinterState(config.id)
        self._jobs: OrderedDict[str, PrintJob] = OrderedDict()
        self._pending: deque[PrintJob] = deque()
        self._wake = asyncio.Event()
        self._ids = count(1)
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"printer-{config.id}")
        self._task: asyncio.Task[None] | None = None
        self._paper_near_end = False
        self._probe_due = False

    # -- the caller's side: never blocks ----------------------------------------------------------------

    @property
    def state(self) -> PrinterState:
        return self._state

    def submit(self, slip: TicketSlip) -> PrintJob:
        job = PrintJob(f"{self.config.id}-{next(self._ids)}", self.config.id, slip, time.monotonic())
        self._jobs[job.id] = job
        self._forget_old_jobs()
        self._enqueue(job)
        return job

    def reprint(self, job_id: str) -> PrintJob:
        """Queue a known job again (lost ticket, or failed while the printer was down)."""
        job = self._jobs[job_id]
        if job in self._pending:
            return job
        job.status, job.attempts, job.last_error = "queued", 0, None
        job.reprints += 1
        job.submitted_at, job.last_byte_at = time.monotonic(), None
        job._settled.clear()
        self._enqueue(job)
        return job

    def job(self, job_id: str) -> PrintJob:
        return self._jobs[job_id]

    def jobs(self) -> list[PrintJob]:
        return list(self._jobs.values())

    def _enqueue(self, job: PrintJob) -> None:
        self._pending.append(job)
        self._publish(replace(self._state, pending=len(self._pending)))
        self._wake.set()

    def _forget_old_jobs(self) -> None:
        """Forget the oldest settled jobs (printed or failed) past ``KEEP_JOBS``; a job still to print stays."""
        excess = len(self._jobs) - KEEP_JOBS
        if excess <= 0:
            return
        settled = [job_id for job_id, job in self._jobs.items() if job.status in ("printed", "failed")]
        for job_id in settled[:excess]:
            del self._jobs[job_id]

    # -- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"printer-{self.config.id}")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        self._io.shutdown(wait=False, cancel_futures=True)

    def reconfigure(self, config: PrinterConfig) -> None:
        """The admin changed this printer (address, paper width, mode...): the next job and probe use the new
        settings; queued jobs stay queued and are laid out again for the new paper. The state starts over as
        unknown and the printer is asked at once, so the admin page shows whether the new address answers."""
        if config.id != self.config.id:
            raise ValueError(f"printer {self.config.id!r} cannot become {config.id!r}")
        self.config = config
        self.layout = layout_for(config)
        for job in self._pending:
            if job.status == "queued":
                job.data = None
        self._paper_near_end = False
        self._publish(replace(self._state, status="unknown", last_error=None, paper_near_end=False))
        self.probe_soon()

    def probe_soon(self) -> None:
        """Ask the printer for its state now rather than at the next idle probe (a printer just added)."""
        self._probe_due = True
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._pending)

    # -- the worker's side -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            if not self._pending and self._probe_due:
                self._probe_due = False
                await self._probe()
                continue
            if not self._pending:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.probe_interval_s)
                except TimeoutError:
                    await self._probe()
                continue  # woken by a job or by probe_soon(): look again
            await self._print(self._pending[0])
            self._pending.popleft()
            self._publish(replace(self._state, pending=len(self._pending)))

    async def _print(self, job: PrintJob) -> None:
        while job.attempts < self.max_attempts:
            job.attempts += 1
            job.status = "printing"
            if await self._attempt(job):
                job.status, job.last_error = "printed", None
                self._settle(job)
                return
            job.status = "retrying"
            if job.attempts < self.max_attempts:
                await asyncio.sleep(self.backoff_s[min(job.attempts, len(self.backoff_s)) - 1])
        job.status = "failed"
        log.warning("printer %s: job %s failed after %d attempts", self.config.id, job.id, job.attempts)
        self._settle(job)

    async def _attempt(self, job: PrintJob) -> bool:
        """One try at sending ``job``; errors become printer state here, at the device boundary."""
        loop = asyncio.get_running_loop()
        try:
            if job.data is None:
                job.data, job.render_ms = await asyncio.to_thread(self._render, job.slip)
            await asyncio.wait_for(
                loop.run_in_executor(self._io, self._send_blocking, job), self.config.timeout_s + 1
            )
        except Exception as error:  # every device failure is reported and retried
            job.last_error = self._record_failure(error)
            return False
        self._publish_ok()
        return True

    def _render(self, slip: TicketSlip) -> tuple[bytes, float]:
        started = time.perf_counter()
        image = render_ticket(slip, self.layout) if self.config.mode == "image" else None
        data = ticket_bytes(slip, self.layout, self.config.mode, self.config.profile, image=image)
        return data, (time.perf_counter() - started) * 1000

    def _send_blocking(self, job: PrintJob) -> None:
        """Send the ticket; a printer that answers status questions must answer one after it, too.

        The kernel accepts a whole ticket into the socket buffer at once, so a printer unplugged mid-ticket
        would otherwise count as printed while the citizen gets nothing. The printer answers DLE EOT in
        stream order, so an answer after the data means it received all of it.
        """
        device = self._connect(self.config)
        try:
            answers = self._check_paper(device) is not None
            device._raw(job.data or b"")
            job.last_byte_at = time.monotonic()
            if answers and paper_status(device, timeout_s=self.config.timeout_s / 2) is None:
                raise ConnectionError("máy in không xác nhận đã nhận hết vé (printer did not confirm the ticket)")
        finally:
            device.close()

    def _check_paper(self, device: Escpos) -> PaperStatus | None:
        paper = paper_status(device)
        if paper == "out":
            raise PaperOutError("máy in hết giấy (printer reports paper out)")
        self._paper_near_end = paper == "near_end"
        return paper

    async def _probe(self) -> None:
        """While idle, reconnect now and then so the admin sees "offline" before a citizen taps."""
        if self.config.kind == "file":
            return  # opening a file device truncates it; a file only shows its state when printing
        loop = asyncio.get_running_loop()

        def probe() -> None:
            device = self._connect(self.config)
            try:
                self._check_paper(device)
            finally:
                device.close()

        try:
            await asyncio.wait_for(loop.run_in_executor(self._io, probe), self.config.timeout_s + 1)
        except Exception as error:  # reported as state, like a failed job
            self._record_failure(error)
        else:
            self._publish_ok()

    def _record_failure(self, error: BaseException) -> str:
        status: PrinterStatus
        if isinstance(error, PaperOutError):
            status = "paper_out"
        elif isinstance(error, DeviceNotFoundError | OSError | TimeoutError):
            status = "offline"
        else:
            status = "error"
            log.exception("printer %s: unexpected error", self.config.id, exc_info=error)
        text = f"{type(error).__name__}: {error}".strip()
        log.warning("printer %s %s: %s", self.config.id, status, text)
        self._publish(replace(self._state, status=status, last_error=text))
        return text

    def _publish_ok(self) -> None:
        self._publish(replace(
            self._state,
            status="ok",
            last_error=None,
            last_ok=datetime.now(UTC),
            paper_near_end=self._paper_near_end,
        ))

    def _publish(self, new: PrinterState) -> None:
        """Make `new` the printer's state; the page hears of a change of status or error only."""
        if new == self._state:
            return
        old, self._state = self._state, new
        if self.on_state_change is not None and (old.status, old.last_error) != (new.status, new.last_error):
            _call_safely(self.on_state_change, new)

    def _settle(self, job: PrintJob) -> None:
        job._settled.set()
        if self.on_job_done is not None:
            _call_safely(self.on_job_done, job)


def _call_safely(callback: Callable[[T], None], value: T) -> None:
    """A page's callback failing must not stop the printer."""
    try:
        callback(value)
    except Exception:
        log.exception("printer callback %r failed", callback)


class PrinterManager:
    """All of an office's printers by id; the server keeps one in a cleanup context."""

    def __init__(
        self,
        configs: Iterable[PrinterConfig],
        *,
        on_state_change: StateCallback | None = None,
        on_job_done: JobCallback | None = None,
        **worker_options: Unpack[WorkerOptions],
    ) -> None:
        self.workers: dict[str, PrinterWorker] = {}
        self._on_state_change = on_state_change
        self._on_job_done = on_job_done
        self._worker_options = worker_options
        self._started = False
        for cfg in configs:
            if cfg.id in self.workers:
                raise ValueError(f"two printers share the id {cfg.id!r}")
            self.workers[cfg.id] = self._worker(cfg)

    def _worker(self, cfg: PrinterConfig) -> PrinterWorker:
        return PrinterWorker(cfg, on_state_change=self._on_state_change, on_job_done=self._on_job_done,
                             **self._worker_options)

    async def start(self) -> None:
        self._started = True
        for worker in self.workers.values():
            await worker.start()

    async def stop(self) -> None:
        self._started = False
        await asyncio.gather(*(worker.stop() for worker in self.workers.values()))

    async def apply(self, configs: Sequence[PrinterConfig]) -> None:
        """Make the running printers these, without a restart: a removed printer's worker stops (its unprinted
        jobs are dropped, and said so in the log), a new one starts and is asked for its state at once, a
        changed one keeps its queue and takes the new settings."""
        wanted = {cfg.id: cfg for cfg in configs}
        if len(wanted) != len(configs):
            raise ValueError("two printers share an id")
        for printer_id in [pid for pid in self.workers if pid not in wanted]:
            removed = self.workers.pop(printer_id)
            if removed.pending:
                log.warning("printer %s removed with %d ticket(s) not printed", printer_id, removed.pending)
            await removed.stop()
        workers: dict[str, PrinterWorker] = {}
        for printer_id, cfg in wanted.items():
            worker = self.workers.get(printer_id)
            if worker is None:
                worker = self._worker(cfg)
                if self._started:
                    await worker.start()
                    worker.probe_soon()
            elif worker.config != cfg:
                worker.reconfigure(cfg)
            workers[printer_id] = worker
        self.workers = workers  # in the admin's order

    async def __aenter__(self) -> PrinterManager:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def worker(self, printer_id: str) -> PrinterWorker:
        try:
            return self.workers[printer_id]
        except KeyError:
            raise KeyError(f"no printer with id {printer_id!r}; known: {', '.join(self.workers)}") from None

    def print_ticket(self, printer_id: str, slip: TicketSlip) -> PrintJob:
        return self.worker(printer_id).submit(slip)

    def reprint(self, job_id: str) -> PrintJob:
        printer_id = job_id.rsplit("-", 1)[0]
        return self.worker(printer_id).reprint(job_id)

    def states(self) -> dict[str, PrinterState]:
        return {printer_id: worker.state for printer_id, worker in self.workers.items()}
