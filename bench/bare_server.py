"""The ceiling for bench/bench_ceiling.py: the least server that issues a ticket the way motcua must.

aiohttp, one SQLite file in WAL, one writer thread that gathers every waiting request into one transaction
(group commit) and answers only after SQLite has fsynced the WAL (`synchronous=FULL`). A ticket is a row with
a day number counted per field, a ULID and a random status token, as in motcua; nothing else (no auth
sessions, events, live screens, printing or rate limits). motcua's tickets/s as a ratio of this server's is
the figure that says what the rest of motcua costs on the same machine at the same minute.

Run: .venv/bin/python bench/bare_server.py --port 8099 --db /tmp/bare.sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from ulid import ULID

FIELD_OF_PROCEDURE = {1: "HT", 2: "HT", 10: "CT"}
TOKEN = "Bearer demo-kiosk-1"


@dataclass
class Request:
    procedure_id: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[dict[str, object]] = field(repr=False)


class GroupCommitWriter:
    """One thread owns the write connection; each COMMIT carries every request waiting at that moment."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS seq (key TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, number INTEGER NOT NULL, field TEXT NOT NULL,"
            " procedure_id INTEGER NOT NULL, status TEXT NOT NULL, token TEXT NOT NULL UNIQUE, issued_at REAL)"
        )
        self.requests: queue.SimpleQueue[Request] = queue.SimpleQueue()
        threading.Thread(target=self._run, daemon=True, name="writer").start()

    def _run(self) -> None:
        while True:
            batch = [self.requests.get()]
            while not self.requests.empty():
                batch.append(self.requests.get())
            self.conn.execute("BEGIN IMMEDIATE")
            answers = [self._issue(r.procedure_id) for r in batch]
            self.conn.execute("COMMIT")  # synchronous=FULL: the WAL is on disk when this returns
            for r, answer in zip(batch, answers, strict=True):
                r.loop.call_soon_threadsafe(r.future.set_result, answer)

    def _issue(self, procedure_id: int) -> dict[str, object]:
        key = FIELD_OF_PROCEDURE[procedure_id] + time.strftime(":%Y-%m-%d")
        self.conn.execute("INSERT INTO seq VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1", (key,))
        (number,) = self.conn.execute("SELECT n FROM seq WHERE key = ?", (key,)).fetchone()
        ticket = {"id": str(ULID()), "number": number, "field": FIELD_OF_PROCEDURE[procedure_id],
                  "procedure_id": procedure_id, "status": "waiting", "token": secrets.token_hex(16)}
        self.conn.execute(
            "INSERT INTO tickets VALUES (:id, :number, :field, :procedure_id, :status, :token, :issued_at)",
            {**ticket, "issued_at": time.time()},
        )
        return ticket


def make_app(db: Path) -> web.Application:
    writer = GroupCommitWriter(db)

    async def issue(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != TOKEN:
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        procedure_id = body.get("procedure_id")
        if procedure_id not in FIELD_OF_PROCEDURE:
            return web.json_response({"error": "unknown procedure"}, status=422)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, object]] = loop.create_future()
        writer.requests.put(Request(procedure_id, loop, future))
        return web.json_response({"ticket": await future}, status=201, dumps=json.dumps)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/api/tickets", issue)
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    web.run_app(make_app(args.db), host="127.0.0.1", port=args.port, print=None, access_log=None)
