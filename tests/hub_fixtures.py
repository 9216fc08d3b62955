"""Helpers for the hub tests: a centre app with real decisions driven by a FakeClock, a TCP proxy
that can cut a centre's line, and polling with a deadline (never a bare sleep)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from server.app import create_app
from server.domain.clock import FakeClock, epoch
from server.domain.tickets import Outcome
from server.keys import CONFIG, OFFICE_SETTINGS, WRITER
from server.services import queue
from server.services.context import Ctx
from server.services.ratings import RatingRequest, rate
from server.store.db import connect
from tests.conftest import MONDAY_9AM, make_config, seed


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll `check` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class Proxy:
    """127.0.0.1 TCP forwarder in front of the hub; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.blocked = False
        self._writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.AbstractServer | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blocked:
            writer.close()
            return
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_w}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))
        self._writers -= {writer, up_w}

    def cut(self) -> None:
        self.blocked = True
        for w in list(self._writers):
            w.close()

    def mend(self) -> None:
        self.blocked = False

    async def stop(self) -> None:
        self.cut()
        if self.server:
            self.server.close()
            await self.server.wait_closed()


def centre_app(tmp: Path, code: str, hub_url: str, key: str, clock: FakeClock, **sync: Any) -> web.Application:
    settings = {"hub_url": hub_url, "key": key, "interval_s": 0.05, "retry_max_s": 0.2, "batch_size": 40, **sync}
    cfg = make_config(tmp / code, office={"code": code, "name": f"Trung tâm {code}"}, server={"machine_id": code},
                      sync=settings)
    return create_app(cfg, clock=clock)


async def seeded(app: web.Application) -> None:
    await seed(app, MONDAY_9AM.timestamp())


def ctx(app: web.Application, clock: FakeClock) -> Ctx:
    return Ctx(now=epoch(clock.now()), tz=app[CONFIG].tz, policy=app[OFFICE_SETTINGS].policy, actor="user:canbo1",
               user_id=3)


async def run_day(app: web.Application, clock: FakeClock, day: int, tickets: int, rng: random.Random) -> int:
    """One working day of real decisions: issue, call, serve (or no-show), finish, rate. Returns events made."""
    w = app[WRITER]
    clock.set(MONDAY_9AM.replace(hour=7, minute=30) + timedelta(days=day))
    made = 0
    for _ in range(tickets):
        await w.run(queue.issue, ctx(app, clock), queue.IssueRequest(procedure_id=rng.randint(1, 12)))
        clock.advance(minutes=rng.randint(1, 4))
        made += 1
    busy = True
    while busy:
        busy = False
        for counter in range(1, 7):
            t = await w.run(queue.call_next, ctx(app, clock), counter)
            if t is None:
                continue
            busy = True
            clock.advance(minutes=rng.randint(1, 3))
            if rng.random() < 0.1:
                await w.run(queue.no_show, ctx(app, clock), counter, t.id)
                made += 2
                continue
            await w.run(queue.start_service, ctx(app, clock), counter, t.id)
            clock.advance(minutes=rng.randint(2, 25))
            await w.run(queue.finish_service, ctx(app, clock), counter, t.id, Outcome.DOSSIER_RECEIVED,
                        f"R-{t.day}-{t.number}", rng.random() < 0.2)
            made += 3
            if rng.random() < 0.7:
                req = RatingRequest(score=rng.randint(1, 4), reason="Chị Lan 0912345678 chậm",
                                    ticket_id=t.id, device_id=f"rate-{counter}", device_counter_id=counter)
                await w.run(rate, ctx(app, clock), req)
                made += 1
    return made


def head_seq(app: web.Application) -> int:
    conn = connect(app[CONFIG].db_file, readonly=True)
    try:
        return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
    finally:
        conn.close()


async def push_all(store: Any, centre_id: int, code: str, db_path: Path, now: float, size: int = 2000,
                   letters_since: str = "") -> int:
    """Push a centre database's whole event log straight into a hub store (what the client and the hub's
    handler do, as JSON, with no network); `letters_since` is the centre's [reports] setting."""
    from server.hub.protocol import parse_batch
    from server.store import sync as sync_store

    conn = connect(db_path, readonly=True)
    try:
        held, first = 0, True
        while True:
            batch = sync_store.read_batch(conn, held, size)
            body = {"centre": code, **batch, "catalog": sync_store.catalog(conn, letters_since) if first else None}
            answer = await store.ingest(centre_id, parse_batch(json.dumps(body).encode()), now)
            first = False
            if answer["held"] == held:
                return held
            held = answer["held"]
    finally:
        conn.close()
