"""Keeping the office's per-day report summary up to date through the one writer.

Each step is one writer job (look at the new events, sum up to a week of changed past days), so a long
first build on a big office never holds the queue for more than a fraction of a second at a time.
Reports never wait for this: days not yet summed are summed on the fly (`server.store.rollup.read`).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from ..keys import CLOCK, CONFIG, WRITER
from ..store import rollup

log = logging.getLogger(__name__)


def _step(tx: Any, today: str) -> int:
    return rollup.refresh_step(tx.conn, today)


def today_of(app: web.Application) -> str:
    return app[CLOCK].now().astimezone(app[CONFIG].tz).date().isoformat()


async def refresh(app: web.Application) -> int:
    """Sum every changed day before today; returns the writer jobs it took."""
    jobs = 1
    while await app[WRITER].run(_step, today_of(app)):
        jobs += 1
    return jobs


async def scheduled(app: web.Application) -> None:
    try:
        await refresh(app)
    except Exception:  # logged and tried again at the next run; reports stay exact meanwhile
        log.exception("report summary refresh failed")
