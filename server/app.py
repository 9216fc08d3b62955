"""The app factory: `create_app(config)` builds the whole server; `motcua serve`, `motcua demo`
and every test call it. One cleanup context per resource: acquire before `yield`, release after."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from aiohttp import web

from . import client_address, security
from .api import catalog, counters, errors, live_api, meta, registry, session, tickets  # noqa: F401  (registers routes)
from .auth import LoginThrottle, Sessions
from .backup import hold_server_lock
from .config import Config
from .domain.clock import Clock, SystemClock
from .domain.queue_policy import QueuePolicy
from .keys import (
    AFTER_ISSUE,
    CLOCK,
    CONFIG,
    LIVE,
    POLICY,
    READ_CACHE,
    READER,
    REQUEST_HOOKS,
    SERVICE_TIMES,
    SERVICES,
    SESSIONS,
    THROTTLE,
    WRITER,
)
from .live import LiveHub
from .live_limits import LiveLimits
from .middleware import auth_middleware, security_headers
from .services.estimate import ServiceTimes
from .store import accounts
from .store.catalog_cache import CatalogCache
from .store.db import connect
from .store.integrity import problem_from
from .store.writer import Writer
from .tasks import cancel_and_wait

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

# Each part of the system adds its pages, handlers and background workers here.
Part = Callable[[web.Application], None]


async def _close_live_sockets(app: web.Application) -> None:
    """On shutdown, before aiohttp waits for open handlers: an open WebSocket would hold the stop for its timeout."""
    if LIVE in app:
        await app[LIVE].close_all()


def policy_from(config: Config) -> QueuePolicy:
    q = config.queue
    return QueuePolicy(
        priority_burst=q.priority_burst,
        appointment_burst=q.appointment_burst,
        normal_max_wait_s=q.normal_max_wait_min * 60 if q.normal_max_wait_min > 0 else None,
        appointment_early_s=q.appointment_early_min * 60,
    )


async def _store(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    with contextlib.ExitStack() as held:
        writer = Writer(config.db_file, origin=config.server.machine_id, group_commit=config.server.group_commit)
        try:
            config.db_file.parent.mkdir(parents=True, exist_ok=True)
            # Held for the server's whole life: a second server on the same file, or a restore, is refused.
            # The kernel drops the lock if the process dies, so a crash never leaves it stale.
            held.enter_context(hold_server_lock(config.db_file))
            applied = await writer.start()
            reader = connect(config.db_file, readonly=True)
        except (sqlite3.Error, OSError) as exc:
            # A read-only disk, a damaged file: said with the file's name and what to do (server/db_problems.py)
            await writer.stop()
            raise problem_from(exc, config.db_file) from exc
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        app[WRITER] = writer
        app[READER] = reader
        app[READ_CACHE] = CatalogCache()
        app[SERVICE_TIMES] = ServiceTimes()
        writer.subscribe(app[SERVICE_TIMES].on_commit)
        app[SESSIONS].counter_of = accounts.signins(reader)
        hub = LiveHub(lambda view: live_api.build_snapshot(app, view),
                      limits=LiveLimits.from_settings(security.settings(config)))
        app[LIVE] = hub
        writer.subscribe(hub.publish)
        app[SERVICES]["storage"] = writer.health
        # Damage deep in a table is found now, in the background, not by the month's report.
        check = asyncio.create_task(writer.health.check_soon(), name="motcua-quick-check")
        yield
        writer.health.interrupt()
        await cancel_and_wait(check)
        await hub.close_all()
        await writer.stop()
        reader.close()


# The parts beside the spine. Each module may declare API operations (imported before the routes
# are built) and may have `setup(app)` to add pages, cleanup contexts and hooks. A part that is
# not written yet is skipped; a part whose own import fails raises.
PART_MODULES = (
    "server.scheduler",
    "printers.service",
    "kiosk.pages",
    "display.pages",
    "display.service",
    "server.api.slogans",
    "server.api.steps",
    "server.api.ratings",
    "server.api.calendar",
    "server.api.appointments",
    "server.api.reports",
    "server.api.admin",
    "server.console",
    "server.admin_pages",
    "server.admin_calendar_pages",
    "server.reports_pages",
    "server.booking_pages",
    "server.pages",
    "server.security",
    "server.devices",
    "server.sync_client",
)


def parts() -> list[Part]:
    import importlib

    found: list[Part] = []
    for module in PART_MODULES:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        setup = getattr(mod, "setup", None)
        if setup is not None:
            found.append(setup)
    return found


def create_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(
        middlewares=[security_headers, errors.error_middleware, auth_middleware],
        client_max_size=config.server.max_body_kb * 1024,
    )
    app[CONFIG] = config
    app[CLOCK] = clock or SystemClock()
    client_address.setup(app)
    app[POLICY] = policy_from(config)
    app[SESSIONS] = Sessions()
    app[THROTTLE] = LoginThrottle()
    app[SERVICES] = {}
    app[AFTER_ISSUE] = []
    app[REQUEST_HOOKS] = []
    app.cleanup_ctx.append(_store)
    app.on_shutdown.append(_close_live_sockets)
    setups = parts()
    registry.add_routes(app)
    meta.add_routes(app)
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    for setup in setups:
        setup(app)
    return app
