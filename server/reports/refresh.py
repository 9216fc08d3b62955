"""Keeping the office's per-day report summary up to date through the one writer.

The costly SELECT of a day runs in a worker thread on a read-only connection; the writer only marks the
changed days and stores each day's few hundred rows (milliseconds), so even a first build over years of
a big office never holds the queue.
Reports never wait for this: days not yet summed are summed on the fly (`server.store.rollup.read`).
`refresh` is the timed job `reports.rollup` (server/scheduler.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from server.keys import CLOCK, CONFIG, OFFICE_SETTINGS, WRITER
from server.store import rollup
from server.store.reports import open_reader


def today_of(app: web.Application) -> str:
    return app[CLOCK].now().astimezone(app[OFFICE_SETTINGS].current.tz).date().isoformat()


def _compute(db: Path, day: str) -> rollup.Computed:
    conn = open_reader(db)
    try:
        return rollup.compute(conn, day, day)
    finally:
        conn.close()


async def refresh(app: web.Application) -> int:
    """Sum every changed day before today, one day at a time: the SELECT in a worker thread on its own
    read-only connection, the rows stored by a short writer job. Returns the days stored."""
    writer, db = app[WRITER], app[CONFIG].db_file
    days = await writer.run(lambda tx: rollup.dirty_before(tx.conn, today_of(app)))
    stored = 0
    for day in days:
        computed = await asyncio.get_running_loop().run_in_executor(None, _compute, db, day)
        stored += await writer.run(lambda tx, d=day, c=computed: rollup.store(tx.conn, d, d, c))
    return stored

