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

from display import pages as display_pages
from display import service as display_service
from kiosk import pages as kiosk_pages
from printers import service as printing
from server import scheduler
from server.api import (
    appointments,
    calendar,
    catalog,
    counters,
    live_api,
    meta,
    pairing,
    ratings,
    registry,
    reports,
    session,
    slogans,
    steps,
    tickets,
)
from server.auth import LoginThrottle, Sessions
from server.config import Config
from server.domain.clock import Clock, SystemClock
from server.hub import push
from server.keys import (
    AFTER_ISSUE,
    CLOCK,
    CONFIG,
    LIVE,
    OFFICE_SETTINGS,
    READ_CACHE,
    READER,
    SERVICE_TIMES,
    SERVICES,
    SESSIONS,
    THROTTLE,
    WRITER,
)
from server.live import LiveHub
from server.ops import devices
from server.ops.backup import hold_server_lock
from server.pages.admin import accounts as admin_accounts
from server.pages.admin import calendar as admin_calendar
from server.pages.admin import catalog as admin_catalog
from server.pages.admin import catalogue_import as admin_catalogue_import
from server.pages.admin import checklist as admin_checklist
from server.pages.admin import devices as admin_devices
from server.pages.admin import mobile as admin_mobile
from server.pages.admin import printers as admin_printers
from server.pages.admin import screens as admin_screens
from server.pages.admin import settings as admin_settings
from server.pages.admin import site as admin_site
from server.pages.admin import voice as admin_voice
from server.pages.booking import pages as booking_pages
from server.pages.console import pages as console_pages
from server.pages.pairing import pages as pairing_pages
from server.pages.reports import pages as reports_pages
from server.services.estimate import ServiceTimes
from server.settings import Settings, migrate_from_file, policy_from  # noqa: F401 (policy_from: tests)
from server.store import accounts
from server.store.catalog_cache import CatalogCache
from server.store.db import connect
from server.store.integrity import problem_from
from server.store.writer import Writer
from server.tasks import cancel_and_wait
from server.web import client_address, errors, security
from server.web.live_limits import LiveLimits
from server.web.middleware import auth_middleware, security_headers

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "web" / "static"

# Each part of the system adds its pages, handlers and background workers here.
Part = Callable[[web.Application], None]


async def _close_live_sockets(app: web.Application) -> None:
    """On shutdown, before aiohttp waits for open handlers: an open WebSocket would hold the stop for its timeout."""
    if LIVE in app:
        await app[LIVE].close_all()


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
        await _settings_from_database(app, writer, reader)
        app[WRITER] = writer
        app[READER] = reader
        app[READ_CACHE] = CatalogCache()
        app[SERVICE_TIMES] = ServiceTimes()
        writer.subscribe(app[SERVICE_TIMES].on_commit)
        app[SESSIONS].counter_of = accounts.signins(reader)
        hub = LiveHub(lambda view: live_api.build_snapshot(app, view),
                      limits=LiveLimits.from_settings(security.settings(app[OFFICE_SETTINGS].current)))
        app[LIVE] = hub
        app[OFFICE_SETTINGS].subscribe(lambda current, changed: _live_limits_changed(hub, current, changed))
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


def _live_limits_changed(hub: LiveHub, current: Config, changed: frozenset[str]) -> None:
    """[security] saved on the admin page: the live feed's limits apply to the next connection, no restart."""
    if "security" in changed:
        hub.use_limits(LiveLimits.from_settings(security.settings(current)))


async def _settings_from_database(app: web.Application, writer: Writer, reader: sqlite3.Connection) -> None:
    """The office's settings come from the database; on the first start they are moved there from the file."""
    config = app[CONFIG]
    moved = await writer.run(lambda tx: migrate_from_file(tx.conn, config, app[CLOCK].now().timestamp()))
    if moved is not None:
        log.info("settings moved from the config file into the database (%s); the admin pages edit them from now "
                 "on and the file keeps only [server]", ", ".join(moved) or "defaults only")
    app[OFFICE_SETTINGS].moved = moved
    app[OFFICE_SETTINGS].load(reader)


# Every API module, in the order its routes are added (the OpenAPI document lists them in this order).
API_GROUPS: tuple[registry.Api, ...] = (
    session.api, tickets.api, counters.api, catalog.api, live_api.api, steps.api, ratings.api, slogans.api,
    calendar.api, appointments.api, reports.api, printing.api, display_pages.api,
    pairing.api,
)

# The parts beside the spine: each adds its pages, cleanup contexts, jobs and subscriptions in `setup(app)`.
PARTS: tuple[Part, ...] = (
    scheduler.setup,
    printing.setup,
    kiosk_pages.setup,
    display_pages.setup,
    display_service.setup,
    steps.setup,
    calendar.setup,
    appointments.setup,
    console_pages.setup,
    admin_site.setup,
    admin_checklist.setup,
    admin_catalog.setup,
    admin_catalogue_import.setup,
    admin_accounts.setup,
    admin_devices.setup,
    admin_screens.setup,
    admin_printers.setup,
    admin_voice.setup,
    admin_settings.setup,
    admin_calendar.setup,
    admin_mobile.setup,
    reports_pages.setup,
    booking_pages.setup,
    pairing.setup,
    pairing_pages.setup,
    security.setup,
    devices.setup,
    push.setup,
)


def operations() -> list[registry.Operation]:
    return [op for group in API_GROUPS for op in group.operations]


def create_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(
        # Outermost first: headers on every answer, errors as JSON, who is asking, then what that costs.
        middlewares=[security_headers, errors.error_middleware, auth_middleware, security.rate_limit,
                     devices.last_seen],
        client_max_size=config.server.max_body_kb * 1024,
    )
    app[CONFIG] = config
    app[CLOCK] = clock or SystemClock()
    client_address.setup(app)
    app[OFFICE_SETTINGS] = Settings(config)
    app[SESSIONS] = Sessions()
    app[THROTTLE] = LoginThrottle()
    app[SERVICES] = {}
    app[AFTER_ISSUE] = []
    app.cleanup_ctx.append(_store)
    app.on_shutdown.append(_close_live_sockets)
    registry.add_routes(app, operations())
    meta.add_routes(app)
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    for setup in PARTS:
        setup(app)
    return app
