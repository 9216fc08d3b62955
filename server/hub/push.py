"""A centre's push of its event log to the province hub, running beside the queue, never in its way.

Reads come from its own read-only SQLite connection (in a worker thread); only the small progress
row goes through the writer. The hub's answer (the highest seq it holds) is the only truth: after
any failure the client asks the hub again and resends from there, so a cut line, a killed hub or a
week offline end the same way: every event sent, none counted twice. Retries back off with jitter.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import random
import sqlite3
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
from aiohttp import web

from server.config import Config, SyncSection
from server.domain.clock import epoch
from server.keys import CLOCK, CONFIG, OFFICE_SETTINGS, SERVICES, WRITER
from server.store import sync as store
from server.store.db import connect
from server.store.writer import Writer
from server.tasks import cancel_and_wait

log = logging.getLogger(__name__)


# The `[sync]` section (keys, defaults and checks in server/config.py) is the client's settings.
SyncSettings = SyncSection


def sync_settings(cfg: Config) -> SyncSettings | None:
    """None when `[sync] hub_url` is empty (no hub: nothing runs); `centre_code` defaults to the office's code."""
    if not cfg.sync.hub_url:
        return None
    return cfg.sync.model_copy(update={"centre_code": cfg.sync.centre_code or cfg.office.code})


class HubRefused(Exception):
    """The hub answered with an error (bad key, gap, invalid batch): logged with its message."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        err = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"{status} {err.get('code', '?')}: {err.get('message_en') or err.get('message') or body}")
        self.status = status
        self.body = body


class SyncClient:
    def __init__(self, settings: SyncSettings, db_path: Any, writer: Writer, now: Any, letters_since: str = "") -> None:
        self.s = settings
        self.letters_since = letters_since  # [reports] letters_since, sent with the catalogue
        self.db_path = db_path
        self.writer = writer
        self.now = now  # () -> epoch seconds (the app's clock)
        self.held: int | None = None  # what the hub holds, when known
        self.catalog_hash = ""
        self.sent_batches = 0
        self.failures = 0
        self.last_error: str | None = None
        self.wake = asyncio.Event()
        self._conn: sqlite3.Connection | None = None
        # The read connection lives in this one thread: opened, read and closed there in order, so a
        # cancelled sync (server stopping) never closes it under a read still running (that segfaulted).
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-sync")

    async def _in_reader(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    def health(self) -> dict[str, Any]:
        """For /readyz: the hub being unreachable never makes the office unready; it is shown, not fatal."""
        return {"ready": True, "hub_held_seq": self.held, "failures": self.failures, "last_error": self.last_error}

    async def run(self) -> None:
        self._conn = await self._in_reader(lambda: connect(self.db_path, readonly=True))
        timeout = aiohttp.ClientTimeout(total=self.s.timeout_s)
        headers = {"Authorization": f"Bearer {self.s.key}"}
        try:
            async with aiohttp.ClientSession(timeout=timeout, headers=headers) as http:
                while True:
                    try:
                        full = await self.step(http)
                    except (TimeoutError, aiohttp.ClientError, HubRefused, OSError) as exc:
                        await self._failed(exc)
                        continue
                    self.failures = 0
                    if not full:
                        await self._pause(self.s.interval_s)
        finally:
            # Queued behind any read still running; waited for even when this task is being cancelled.
            closing = asyncio.get_running_loop().run_in_executor(self._reader, self._conn.close)
            self._reader.shutdown(wait=False)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(closing)

    async def step(self, http: aiohttp.ClientSession) -> bool:
        """Send one batch (or a heartbeat); True when the batch was full (more is waiting)."""
        if self.held is None:
            state = await self._call(http, "GET", f"/api/sync/state?centre={self.s.centre_code}")
            self.held, self.catalog_hash = int(state["held"]), state.get("catalog_hash", "")
        assert self._conn is not None
        batch = await self._in_reader(store.read_batch, self._conn, self.held, self.s.batch_size)
        catalog = await self._in_reader(store.catalog, self._conn, self.letters_since)
        body: dict[str, Any] = {"protocol": 1, "centre": self.s.centre_code, **batch}
        if catalog["hash"] != self.catalog_hash:
            body["catalog"] = catalog
        answer = await self._call(http, "POST", "/api/sync/batch", body)
        before = self.held
        self.held, self.catalog_hash = int(answer["held"]), answer.get("catalog_hash", "")
        self.sent_batches += 1
        if self.held != before or self.last_error is not None:
            self.last_error = None
            await self.writer.run(store.save_progress, self.s.hub_url, self.held, self.catalog_hash, self.now(), None)
        return len(batch["events"]) >= self.s.batch_size

    async def _call(self, http: aiohttp.ClientSession, method: str, path: str, body: Any = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if body is not None:
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            kwargs = {"data": gzip.compress(raw, 5),
                      "headers": {"Content-Type": "application/json", "Content-Encoding": "gzip"}}
        async with http.request(method, self.s.hub_url + path, **kwargs) as resp:
            answer = await resp.json(content_type=None)
            if resp.status != 200:
                if resp.status == 409 and isinstance(answer, dict) and "held" in answer.get("error", {}):
                    self.held = int(answer["error"]["held"])  # the hub says where to resume
                raise HubRefused(resp.status, answer)
            return answer

    async def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        gap = isinstance(exc, HubRefused) and exc.status == 409
        if not gap:
            self.held = None  # ask the hub again: the batch may or may not have been stored
        message = str(exc) or type(exc).__name__
        if message != self.last_error:
            log.warning("hub sync failed (%s); retrying", message)
            self.last_error = message
            with contextlib.suppress(Exception):
                await self.writer.run(store.save_progress, self.s.hub_url, 0, "", self.now(), message[:500])
        if gap:
            return
        cap = min(self.s.retry_max_s, self.s.interval_s * 2 ** min(self.failures, 10))
        await self._pause(cap * random.uniform(0.5, 1.0))

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake early when poked (tests, or an admin's 'sync now')."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), seconds)
        self.wake.clear()


class SyncRunner:
    """Runs the sync client with the current [sync] settings; a change on the admin page (hub address, key,
    the office's code, letters_since) stops it and starts one with the new settings, without a restart."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.task: asyncio.Task[None] | None = None
        self.started = False
        self.restarting: asyncio.Task[None] | None = None

    def start(self) -> None:
        app = self.app
        current = app[OFFICE_SETTINGS].current
        settings = sync_settings(current)
        if settings is None:
            app[SERVICES].pop("sync", None)
            return
        client = SyncClient(settings, app[CONFIG].db_file, app[WRITER], lambda: epoch(app[CLOCK].now()),
                            current.reports.letters_since)
        app[SERVICES]["sync"] = client
        self.task = asyncio.create_task(client.run(), name="motcua-hub-sync")

    async def stop(self) -> None:
        await cancel_and_wait(self.task)
        self.task = None
        self.app[SERVICES].pop("sync", None)

    async def restart(self) -> None:
        await self.stop()
        self.start()

    def on_change(self, config: Config, changed: frozenset[str]) -> None:
        if self.started and changed & {"sync", "office", "reports"}:
            previous = self.restarting
            self.restarting = asyncio.create_task(self._after(previous), name="motcua-hub-sync-restart")

    async def _after(self, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        await self.restart()


def setup(app: web.Application) -> None:
    runner = SyncRunner(app)
    app[OFFICE_SETTINGS].subscribe(runner.on_change)

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        runner.start()
        runner.started = True
        yield
        runner.started = False
        await cancel_and_wait(runner.restarting)
        await runner.stop()

    app.cleanup_ctx.append(ctx)
