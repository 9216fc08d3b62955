"""The server's side of ticket printing: every ticket a kiosk issues is printed on that kiosk's printer.

`setup(app)` keeps one PrinterManager (from the `[[printers]]` tables) in a cleanup context, hooks ticket issue
(`AFTER_ISSUE`), tells live clients when a printer's state changes or a job settles (the kiosk shows "máy in
đang gặp sự cố" from that), reports health for /readyz, and declares `reprintTicket` and `listPrinters`.
Printing is queued, never awaited: a kiosk tap answers as soon as the ticket is durable, and a printer that is
out of paper never loses a ticket (it is in the queue; staff reprint it). Jobs live only in memory, so a reprint
after a restart re-renders the slip from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from pydantic import Field

from printers.jobs import PrinterState, PrintJob, TicketSlip
from printers.settings import PrinterConfig
from server.api.common import ok
from server.api.registry import Api, Body
from server.auth import Principal
from server.config import Config
from server.domain.clock import from_epoch
from server.domain.errors import DomainError, NotFound
from server.domain.tickets import Ticket
from server.keys import AFTER_ISSUE, CONFIG, LIVE, OFFICE_SETTINGS, READ_CACHE, READER, SERVICES
from server.services.settings import LOGO
from server.services.views import status_url, ticket_status
from server.store import accounts, catalog, tickets
from server.store import settings as settings_store
from server.tasks import Changes

api = Api()

if TYPE_CHECKING:
    from printers.queue import PrinterManager

log = logging.getLogger(__name__)
PRINTERS = "printers"
STAFF_ROLES = frozenset({"admin", "leader", "staff"})


class PrintService:
    """The office's printers as the server sees them; lives in `app[SERVICES]["printers"]`."""

    def __init__(self, app: web.Application, configs: list[PrinterConfig]) -> None:
        self.app = app
        self.configs = configs
        # Tuning for PrinterWorker (retries, backoff, idle probe); tests shorten it before the app starts.
        self.worker_options: dict[str, Any] = {}
        self.manager: PrinterManager | None = None  # started only when printers are configured
        self.job_of_ticket: dict[str, str] = {}
        self._warned: set[str] = set()
        self._running = False
        self._changes = asyncio.Lock()  # one change of the printers at a time, in the order they were saved
        self._applying = Changes("printers-apply")
        self._state_seen = asyncio.Event()  # set at every state change, for waits on a printer's first answer

    async def start(self) -> None:
        self._running = True
        await self._ensure_manager()

    async def _ensure_manager(self) -> PrinterManager | None:
        """The running manager, started now if printers are configured (None while there are none)."""
        if self.manager is not None or not self.configs:  # escpos, Pillow and qrcode load only when printing
            return self.manager
        from printers.queue import PrinterManager

        self.manager = PrinterManager(self.configs, on_state_change=self._state_changed,
                                      on_job_done=self._job_done, **self.worker_options)
        await self.manager.start()
        return self.manager

    async def stop(self) -> None:
        self._running = False
        await self._applying.cancel()
        if self.manager is not None:
            await self.manager.stop()

    def settings_changed(self, config: Config, changed: frozenset[str]) -> None:
        """Settings listener (server/settings.py): the admin saved the printers; the workers change in a task."""
        if "printers" not in changed:
            return
        if not self._running:
            self.configs = list(config.printers)  # read at start
            return
        self._applying.start(self.apply(config.printers))

    async def settled(self) -> None:
        """Wait until every saved change is running (the admin page shows the printers after this)."""
        await self._applying.settled()

    async def apply(self, configs: Sequence[PrinterConfig]) -> None:
        """The admin saved the printers: start a worker for each new one, stop a removed one's, give a changed one
        its new settings; no restart, and jobs queued for a printer that stays are kept."""
        async with self._changes:
            self.configs = list(configs)
            self._warned.clear()  # a printer added under a name a kiosk asked for: say it again if it goes
            if not self._running:
                return  # start() builds the workers from self.configs
            if self.manager is None:  # the office's first printer (it started with none): asked at once too
                manager = await self._ensure_manager()
                for worker in manager.workers.values() if manager is not None else ():
                    worker.probe_soon()
            else:
                await self.manager.apply(self.configs)
            log.info("printers now: %s", ", ".join(c.id for c in self.configs) or "none")

    async def print_test(self, printer_id: str, office_name: str, url: str, at: datetime) -> PrintJob:
        """A test slip through the print queue, laid out like a ticket: the office's name, the Vietnamese marks
        the printer must get right, the QR code of `url` (the office's public address, as phones will reach it)."""
        async with self._changes:  # a printer saved just before is running before its test slip is queued
            if not self.has_printer(printer_id):
                raise DomainError("printer_not_configured", status=409, printer=printer_id)
            assert self.manager is not None
            cfg = self.manager.worker(printer_id).config
            footer, logo = office_marks(self.app)  # the test slip shows the office's marks as a ticket would
            slip = replace(trial_slip(office_name, printer_id, cfg.paper_mm, url, at), footer=footer, logo=logo)
            return self.manager.print_ticket(printer_id, slip)

    # -- what the rest of the server reads ---------------------------------------------------------------

    def states(self) -> dict[str, PrinterState]:
        if self.manager is None:
            return {cfg.id: PrinterState(cfg.id) for cfg in self.configs}
        return self.manager.states()

    def health(self) -> dict[str, Any]:
        """A printer out of paper does not make the server unready: tickets still queue and show on screen."""
        return {"ready": self.manager is not None or not self.configs,
                "printers": {pid: state.status for pid, state in self.states().items()}}

    def job(self, job_id: str) -> PrintJob | None:
        if self.manager is None:
            return None
        try:
            return self.manager.worker(job_id.rsplit("-", 1)[0]).job(job_id)
        except KeyError:
            return None

    # -- printing ----------------------------------------------------------------------------------------

    def submit(self, printer_id: str, ticket_id: str, slip: TicketSlip) -> dict[str, Any]:
        """Queue a slip; answers at once with the job id and the printer's state as the kiosk should show it."""
        if not self.has_printer(printer_id):
            return self._missing(printer_id, ticket_id)
        assert self.manager is not None
        job = self.manager.print_ticket(printer_id, slip)
        self.job_of_ticket[ticket_id] = job.id
        return {"job_id": job.id, "printer": self.manager.worker(printer_id).state.as_dict()}

    def has_printer(self, printer_id: str) -> bool:
        return self.manager is not None and printer_id in self.manager.workers

    def _missing(self, printer_id: str, ticket_id: str) -> dict[str, Any]:
        if printer_id not in self._warned:  # once per printer: a busy kiosk must not flood the log
            self._warned.add(printer_id)
            log.warning("ticket %s: no printer %r configured, nothing printed (said once)", ticket_id, printer_id)
        return {"job_id": None, "printer": {"printer_id": printer_id, "status": "missing"}}

    def after_issue(self, request: web.Request, principal: Principal, result: dict[str, Any],
                    payload: dict[str, Any]) -> None:
        """AFTER_ISSUE hook: a kiosk's ticket goes to the kiosk's printer; a staff-issued one is not printed."""
        if principal.role != "kiosk":
            payload["print"] = None
            return
        t: Ticket = result["ticket"]
        printer_id = principal.printer_id or ""
        if not self.has_printer(printer_id):  # no slip laid out for nothing
            payload["print"] = self._missing(printer_id, t.id)
            return
        slip = build_slip(self.app, t, payload["waiting_ahead"], payload["estimated_wait_min"],
                          payload["status_url"], result.get("catalog"))
        payload["print"] = self.submit(printer_id, t.id, slip)

    def reprint(self, t: Ticket, printer_id: str | None, origin: str) -> dict[str, Any]:
        known = self.job(self.job_of_ticket.get(t.id, ""))
        if known is not None and printer_id in (None, known.printer_id) and self.manager is not None:
            job = self.manager.reprint(known.id)
            state = self.manager.worker(job.printer_id).state.as_dict()
            return {"job_id": job.id, "printer": state, "source": "memory"}
        target = printer_id or self._printer_for(t)
        if self.manager is None or target not in self.manager.workers:
            raise DomainError("printer_not_configured", status=409, printer=target)
        view = ticket_status(self.app, t)
        slip = build_slip(self.app, t, view["position"], view["estimated_wait_min"],
                          status_url(self.app, t.public_token, origin))
        return {**self.submit(target, t.id, slip), "source": "database"}

    def _printer_for(self, t: Ticket) -> str:
        """The printer of the kiosk that issued the ticket, or the only printer there is."""
        kiosk = next((d for d in accounts.devices(self.app[READER]) if d["id"] == t.kiosk_id), None)
        if kiosk and kiosk["printer_id"]:
            return str(kiosk["printer_id"])
        if len(self.configs) == 1:
            return self.configs[0].id
        if not self.configs:
            raise DomainError("printer_not_configured", status=409, printer="—")
        raise DomainError("printer_choose", status=422, count=len(self.configs))

    # -- telling live clients ----------------------------------------------------------------------------

    def _state_changed(self, state: PrinterState) -> None:
        self._broadcast({"type": "printer", "printer": state.as_dict(), "job": None})
        self._state_seen.set()

    async def wait_for_answer(self, printer_id: str, timeout_s: float) -> None:
        """Until the printer has said anything (its state is no longer "unknown"), for at most `timeout_s`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            self._state_seen.clear()  # before the look: a change after it sets the event again
            state = self.states().get(printer_id)
            if state is None or state.status != "unknown" or loop.time() >= deadline:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._state_seen.wait(), deadline - loop.time())

    def _job_done(self, job: PrintJob) -> None:
        state = self.states().get(job.printer_id, PrinterState(job.printer_id))
        self._broadcast({"type": "printer", "printer": state.as_dict(), "job": job.as_dict()})

    def _broadcast(self, message: dict[str, Any]) -> None:
        hub = self.app.get(LIVE)
        if hub is not None:
            hub.broadcast(message)


def build_slip(app: web.Application, t: Ticket, waiting_ahead: int, estimated_wait_min: int | None,
               url: str, cat: catalog.Catalog | None = None) -> TicketSlip:
    """What is printed for a ticket: read from the catalogue so issue and reprint print the same thing
    (`cat`: the snapshot the issuing decision used, when there is one)."""
    cat = cat or catalog.current(app[READER], app[READ_CACHE])
    proc = cat.procedure(t.procedure_id) or {"name_vi": "", "field_name_vi": ""}
    office = cat.office or {"name": app[OFFICE_SETTINGS].current.office.name}
    label = None
    if t.priority:
        group = cat.priority.get(t.priority)
        label = group["name_vi"] if group else t.priority
    numbers = [str(n) for n in sorted(cat.counters[c]["number"] for c in cat.counters_serving(t.procedure_id,
                                                                                              t.field_id))]
    hint = f"Quầy phục vụ: {', '.join(numbers)}" if numbers else None
    footer, logo = office_marks(app)
    return TicketSlip(
        office_name=office["name"], procedure_name=proc["name_vi"], field_name=proc["field_name_vi"],
        number=t.number, issued_at=from_epoch(t.issued_at).astimezone(app[OFFICE_SETTINGS].current.tz),
        # "~0 phút" reads oddly on paper: with nobody ahead the wait line is left off.
        waiting_ahead=waiting_ahead, estimated_wait_min=estimated_wait_min or None, status_url=url,
        priority_label=label, counter_hint=hint, footer=footer, logo=logo,
    )


def office_marks(app: web.Application) -> tuple[str | None, bytes | None]:
    """The office's slip footer and logo as the Office page keeps them now (no restart after a change)."""
    logo = settings_store.office_file(app[READER], LOGO)
    return app[OFFICE_SETTINGS].current.office.slip_footer or None, logo["data"] if logo else None


TEST_NUMBER = "000"
TEST_TITLE = "IN THỬ"


def trial_slip(office_name: str, printer_id: str, paper_mm: int, url: str, at: datetime) -> TicketSlip:
    """What "In thử" prints: a ticket's layout, plainly marked as a test, never a number of the queue."""
    return TicketSlip(
        office_name=office_name, procedure_name=f"{TEST_TITLE} — máy in {printer_id}, khổ {paper_mm} mm",
        field_name="", number=TEST_NUMBER, issued_at=at, waiting_ahead=0, estimated_wait_min=None, status_url=url,
        counter_hint="Dấu tiếng Việt: ắ ằ ẳ ẵ ặ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự đ",
    )


def service_of(app: web.Application) -> PrintService:
    return app[SERVICES][PRINTERS]


class ReprintBody(Body):
    printer_id: str | None = Field(default=None, max_length=60,
                                   description="Print on this printer instead of the issuing kiosk's")


PRINT_ANSWER = {"type": "object", "required": ["job_id", "printer", "source"],
                "properties": {"job_id": {"type": ["string", "null"]}, "printer": {"type": "object"},
                               "source": {"enum": ["memory", "database"]}}}


@api.operation("reprintTicket", "POST", "/api/tickets/{ticket_id}/reprint",
               "Print a ticket again (lost or not printed)",
               tag="printers", body=ReprintBody, response=PRINT_ANSWER, roles=STAFF_ROLES)
async def reprint_ticket(request: web.Request, principal: Principal, ticket_id: str, body: ReprintBody) -> web.Response:
    t = tickets.get(request.app[READER], ticket_id)
    if t is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    answer = service_of(request.app).reprint(t, body.printer_id, f"{request.scheme}://{request.host}")
    return ok({**answer, "number": t.number})


@api.operation("listPrinters", "GET", "/api/printers", "Ticket printers and their state (ok, offline, paper out)",
               tag="printers", response={"type": "object", "required": ["printers"]},
               roles=frozenset({*STAFF_ROLES, "kiosk"}))
async def list_printers(request: web.Request, principal: Principal) -> web.Response:
    states = service_of(request.app).states()
    return ok({"printers": [state.as_dict() for state in states.values()]})


async def _printers_ctx(app: web.Application) -> Any:
    service = service_of(app)
    service.configs = list(app[OFFICE_SETTINGS].current.printers)  # the database's, loaded by now
    await service.start()
    yield
    await service.stop()


def setup(app: web.Application) -> None:
    service = PrintService(app, app[CONFIG].printers)
    app[SERVICES][PRINTERS] = service
    app[OFFICE_SETTINGS].subscribe(service.settings_changed)
    app[AFTER_ISSUE].append(service.after_issue)
    app.cleanup_ctx.append(_printers_ctx)
