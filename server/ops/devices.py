"""When each kiosk, TV and rating tablet was last heard from, so a dead TV is noticed.

Every request (and WebSocket connect) by a device principal is noted in memory; a timed job
(server/scheduler.py) writes the times through the writer every `[security] device_flush_s` seconds, not once
per request,
so a kiosk polling the catalogue never costs a commit. Devices holding a live WebSocket open count
as seen at every flush: a TV that connected at 7:00 and is still listening is alive at 16:00.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from server.auth import DEVICES
from server.domain.clock import epoch
from server.keys import CLOCK, LIVE, PRINCIPAL, READER, RECEIVED_AT, SERVICES, WRITER
from server.store import accounts
from server.store.integrity import is_disk_full

log = logging.getLogger(__name__)

ONLINE_S = 180.0  # seen within this many seconds: shown as online


class DeviceTracker:
    """Last-seen times not yet written, plus the live WebSocket clients' devices."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.pending: dict[str, float] = {}
        self.flushes = 0

    def seen(self, device_id: str, at: float) -> None:
        self.pending[device_id] = at

    def connected(self) -> set[str]:
        hub = self.app.get(LIVE)
        if hub is None:
            return set()
        return {c.name for c in list(hub.clients) if c.kind in DEVICES and not c.ws.closed}

    async def flush(self) -> int:
        """Write what was seen since the last flush; returns how many devices were written."""
        now = epoch(self.app[CLOCK].now())
        seen = {**{d: now for d in self.connected()}, **self.pending}
        if not seen:
            return 0
        self.pending = {}
        try:
            await self.app[WRITER].run(lambda tx: accounts.touch_devices(tx.conn, seen))
        except Exception as exc:
            # Keep them for the next flush rather than lose them; the failure is in the log (a full disk's
            # in the storage health's one line a minute).
            if is_disk_full(exc):
                self.app[WRITER].health.disk_full(exc, refused=0)
            else:
                log.exception("could not record device last-seen times")
            self.pending = {**seen, **self.pending}
            raise
        self.flushes += 1
        return len(seen)

    def rows(self) -> list[dict[str, Any]]:
        """Every device with its freshest last-seen time (database or memory) and an online flag."""
        now = epoch(self.app[CLOCK].now())
        live = self.connected()
        out = []
        for d in accounts.devices(self.app[READER]):
            last = max(filter(None, (d["last_seen"], self.pending.get(d["id"]))), default=None)
            if d["id"] in live:
                last = now
            d = {**d, "last_seen": last, "connected": d["id"] in live}
            d["online"] = bool(d["active"]) and last is not None and now - last <= ONLINE_S
            out.append(d)
        return out

    def health(self) -> dict[str, object]:
        active = [d for d in self.rows() if d["active"]]
        return {"ready": True, "devices": len(active), "online": sum(1 for d in active if d["online"]),
                "offline": sorted(d["id"] for d in active if not d["online"])}


TRACKER = web.AppKey("device_tracker", DeviceTracker)


@web.middleware
async def last_seen(request: web.Request, handler: Any) -> web.StreamResponse:
    """Inside the auth middleware: a device is seen whenever it asks anything."""
    device_id = request[PRINCIPAL].device_id
    if device_id:
        request.app[TRACKER].seen(device_id, request[RECEIVED_AT])
    return await handler(request)


async def flush_last_seen(app: web.Application) -> None:
    """The timed job (every `[security] device_flush_s`, server/scheduler.py)."""
    with contextlib.suppress(Exception):  # logged in flush(); the times are kept for the next round
        await app[TRACKER].flush()


async def _flush_at_shutdown(app: web.Application) -> AsyncIterator[None]:
    yield
    await flush_last_seen(app)  # the scheduler has stopped: what was seen since its last round


def setup(app: web.Application) -> None:
    tracker = DeviceTracker(app)
    app[TRACKER] = tracker
    app[SERVICES]["devices"] = tracker
    app.cleanup_ctx.append(_flush_at_shutdown)
