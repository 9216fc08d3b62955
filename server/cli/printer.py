"""`motcua printer test NAME`: a test slip on one printer, from the terminal, through the print queue's own path
(printers/queue.py: paper check, send, the printer's confirmation, one retry). The printers are the office's as
the server runs them (the database's settings over the file's); the slip is the admin page's "In thử" slip."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

from printers.jobs import PrintJob, TicketSlip
from server.cli.check import office_settings
from server.cli.common import office_options, require_db, say
from server.config import PrinterConfig
from server.domain.clock import SystemClock
from server.store.db import connect


async def print_once(printer: PrinterConfig, slip: TicketSlip) -> PrintJob:
    """One job on a worker of its own; a second try after a second, then the answer (printed or failed)."""
    from printers.queue import PrinterManager

    async with PrinterManager([printer], max_attempts=2, backoff_s=(1.0,)) as manager:
        job = manager.print_ticket(printer.id, slip)
        return await job.wait()


def cmd_test(args: argparse.Namespace) -> None:
    from printers.service import trial_slip

    cfg = require_db(args)
    with contextlib.closing(connect(cfg.db_file.absolute(), readonly=True)) as conn:
        office, settings_line = office_settings(cfg, conn)
    if not settings_line.ok:
        sys.exit(f"motcua: {say(args, settings_line.code, **settings_line.params)}")
    printer = next((p for p in office.printers if p.id == args.name), None)
    if printer is None:
        known = ", ".join(p.id for p in office.printers) or "—"
        sys.exit(f"motcua: {say(args, 'cli.printer_unknown', printer=args.name, known=known)}")
    url = office.office.public_url or f"http://{cfg.server.host}:{cfg.server.port}"
    slip = trial_slip(office.office.name, printer.id, printer.paper_mm, f"{url.rstrip('/')}/",
                      SystemClock().now().astimezone(office.tz))
    job = asyncio.run(print_once(printer, slip))
    if job.status != "printed":
        sys.exit(f"motcua: {say(args, 'cli.printer_test_failed', printer=printer.id, reason=job.last_error or '?')}")
    print(say(args, "cli.printer_test_ok", printer=printer.id))


def register_cli(sub: Any) -> None:
    printer = sub.add_parser("printer", help="ticket printers: print a test slip")
    cmds = printer.add_subparsers(dest="printer_command", required=True)
    p = office_options(cmds.add_parser("test", help="print a test slip on printer NAME (its id)"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_test)
