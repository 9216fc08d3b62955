"""Typed keys for the objects the app shares (no module globals hold the app's state)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from aiohttp import web

from server.auth import LoginThrottle, Principal, Sessions
from server.config import Config
from server.domain.clock import Clock
from server.live import LiveHub
from server.services.estimate import ServiceTimes
from server.settings import Settings
from server.store.catalog_cache import CatalogCache
from server.store.writer import Writer

CONFIG = web.AppKey("config", Config)
CLOCK = web.AppKey("clock", Clock)
WRITER = web.AppKey("writer", Writer)
READER = web.AppKey("reader", sqlite3.Connection)
LIVE = web.AppKey("live", LiveHub)
SESSIONS = web.AppKey("sessions", Sessions)
THROTTLE = web.AppKey("throttle", LoginThrottle)
# The office's settings as they are now (server/settings.py says how a part reads them and hears of a change).
OFFICE_SETTINGS = web.AppKey("office_settings", Settings)
# Parts register themselves here: printers, announcer, scheduler, LED boards, ... keyed by name.
SERVICES = web.AppKey("services", dict[str, Any])
# Called after a ticket is issued, with (request, principal, result, payload); may add to the payload
# (the printers add the print job's state). Must not block: printing is queued, never awaited.
AFTER_ISSUE = web.AppKey("after_issue", list[Callable[..., None]])
SCHEDULER = web.AppKey("scheduler", Any)  # apscheduler AsyncIOScheduler; every job comes from server/scheduler.py
# Who is asking, set by the auth middleware on every request.
PRINCIPAL = web.RequestKey("principal", Principal)
# When it arrived (epoch seconds by the app's clock), read once by the auth middleware for all that answering
# it needs: the session's expiry, the rate limit, a device's last sighting, the decision's instant.
RECEIVED_AT = web.RequestKey("received_at", float)
# The catalogue cache of the loop thread's read connection (see server/store/catalog_cache.py).
READ_CACHE = web.AppKey("read_cache", CatalogCache)
# Each field's recent service times for the wait estimate, re-read after a ticket is finished.
SERVICE_TIMES = web.AppKey("service_times", ServiceTimes)
