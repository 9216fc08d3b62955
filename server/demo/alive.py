"""What makes the demo office look lived in: a month of history, bookable slots for the coming week and one
ticket of today whose status page the front page can show.

The history is `motcua simulate`'s (server/demo/simulate.py) written into the freshly seeded demo database,
from the first day of last month to yesterday, so last month's and this month's reports both have figures.
The slots and the ticket are ordinary decisions through the writer, as the admin page and the kiosk make them.
"""

from __future__ import annotations

import logging
from datetime import date, time, timedelta

from server.config import Config
from server.demo import simulate as sim
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError
from server.domain.queue_policy import QueuePolicy
from server.services import appointments, queue
from server.services.context import Ctx
from server.store import catalog
from server.store.tx import Tx

log = logging.getLogger("motcua.demo")

PER_DAY = 60  # a commune office's ordinary weekday, for six counters
BOOKING_HOURS = ((time(8, 0), time(11, 0)), (time(14, 0), time(16, 0)))
SLOT_MIN, SLOT_CAPACITY = 30, 2
WORKING_DAYS = [1, 2, 3, 4, 5]


def history_start(today: date) -> date:
    """The first day of last month: a whole month of figures, whatever day the demo starts."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def write_history(cfg: Config, today: date) -> sim.SimStats:
    """Fill the seeded, still ticket-less demo database with history up to yesterday."""
    days = (today - history_start(today)).days
    stats = sim.simulate(cfg.db_file, cfg.office.code, cfg.server.machine_id, days=days, seed=21, per_day=PER_DAY,
                         end=today, tz=cfg.office.timezone)
    log.info("demo history: %s tickets over %s days", f"{stats.tickets:,}", days)
    return stats


def context(cfg: Config) -> Ctx:
    return Ctx(now=epoch(SystemClock().now()), tz=cfg.tz, policy=QueuePolicy(), actor="demo")


def week_of_slots(tx: Tx, ctx: Ctx) -> int:
    """Booking slots for the next seven days on the procedures an office books most (the calendar decides which
    hours are open, as for the admin's own slots)."""
    first = ctx.local.date() + timedelta(days=1)
    made = 0
    for procedure in catalog.procedures(tx.conn, only_active=True):
        if procedure["code"] not in sim.DEMAND:
            continue
        for start, end in BOOKING_HOURS:
            made += appointments.create_slots(tx, ctx, procedure["id"], first, first + timedelta(days=6),
                                              WORKING_DAYS, start, end, SLOT_MIN, SLOT_CAPACITY)
    return made


def example_ticket(tx: Tx, ctx: Ctx) -> str:
    """A ticket of today taken at the demo's kiosk, for the status page's example."""
    procedure = catalog.procedures(tx.conn, only_active=True)[0]
    issued = queue.issue(tx, ctx, queue.IssueRequest(procedure_id=procedure["id"], kiosk_id="kiosk-1"))
    return str(issued["ticket"].public_token)


def make_alive(cfg: Config) -> str | None:
    """History, slots and today's example ticket in a freshly seeded demo database; returns the ticket's status
    token, or None when the office is closed now (the front page then says how to get one)."""
    from server.cli.common import run_db_op

    ctx = context(cfg)
    write_history(cfg, ctx.local.date())
    slots = run_db_op(cfg, lambda tx: week_of_slots(tx, ctx))
    log.info("demo booking slots for the coming week: %s", slots)
    try:
        return str(run_db_op(cfg, lambda tx: example_ticket(tx, context(cfg))))
    except DomainError as exc:  # closed now (a night, a Sunday): the kiosk says so too
        log.info("demo: no example ticket now (%s)", exc.code)
        return None
