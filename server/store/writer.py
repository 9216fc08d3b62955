"""The one writer: a single thread owns the write connection.

Every decision (issue a ticket, claim the next one for a counter, ...) is a
function `fn(tx, *args)` run inside that thread. Requests that arrive while a
commit is in flight are committed together (group commit): each runs in its own
SAVEPOINT inside one `BEGIN IMMEDIATE ... COMMIT`, so one refused decision rolls
back alone, and every caller is answered only after the COMMIT is on disk.
Because one thread decides, two counters can never claim the same ticket.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from server.tasks import cancel_and_wait

from . import schema
from .catalog_cache import CatalogCache
from .db import connect
from .tx import Published, Tx

log = logging.getLogger(__name__)
T = TypeVar("T")

OnCommit = Callable[[list[Published]], None]


class Writer:
    def __init__(self, path: str | Path, *, origin: str, group_commit: bool = True, max_batch: int = 256) -> None:
        self.path = Path(path)
        self.origin = origin
        self.max_batch = max_batch if group_commit else 1
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-writer")
        self._queue: asyncio.Queue[tuple[Callable[..., Any], tuple[Any, ...], asyncio.Future[Any]]] = (
            asyncio.Queue()
        )
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[OnCommit] = []
        self._cache = CatalogCache()  # used only on the writer thread
        self.commits = 0

    def subscribe(self, listener: OnCommit) -> None:
        """Called on the event loop, in commit order, with what each commit published."""
        self._listeners.append(listener)

    async def start(self) -> list[str]:
        loop = asyncio.get_running_loop()
        applied = await loop.run_in_executor(self._executor, self._open)
        self._task = asyncio.create_task(self._serve(), name="motcua-writer")
        return applied

    def _open(self) -> list[str]:
        self._conn = connect(self.path)
        return schema.apply(Database(self._conn))

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        loop = asyncio.get_running_loop()
        if self._conn is not None:
            await loop.run_in_executor(self._executor, self._conn.close)
            self._conn = None
        self._executor.shutdown(wait=True)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(tx, *args)` as one durable decision; raises what `fn` raised (nothing is written then)."""
        if self._task is None:
            raise RuntimeError("writer is not running")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((fn, args, fut))
        return await fut

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [item for item in batch if not item[2].cancelled()]
            if not live:
                continue
            try:
                outcomes = await loop.run_in_executor(self._executor, self._commit, live)
            except Exception as exc:  # the COMMIT itself failed (disk full, I/O error): nobody succeeded
                log.exception("commit failed")
                for _, _, fut in live:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            published: list[Published] = []
            for (_, _, fut), (ok, value, events) in zip(live, outcomes, strict=True):
                if ok:
                    published.extend(events)
                if fut.done():
                    continue
                if ok:
                    fut.set_result(value)
                else:
                    fut.set_exception(value)
            if published:
                for listener in self._listeners:
                    try:
                        listener(published)
                    except Exception:
                        log.exception("commit listener failed")

    def _commit(self, batch: list[tuple[Callable[..., Any], tuple[Any, ...], Any]]) -> list[tuple[bool, Any, list]]:
        conn = self._conn
        assert conn is not None
        out: list[tuple[bool, Any, list]] = []
        conn.execute("BEGIN IMMEDIATE")
        self._cache.hold_write_lock()
        try:
            for fn, args, _ in batch:
                tx = Tx(conn, self.origin, self._cache)
                conn.execute("SAVEPOINT op")
                try:
                    value = fn(tx, *args)
                except Exception as exc:
                    conn.execute("ROLLBACK TO op")
                    conn.execute("RELEASE op")
                    self._cache.clear()
                    out.append((False, exc, []))
                else:
                    conn.execute("RELEASE op")
                    out.append((True, value, tx.published))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._cache.clear()
            raise
        finally:
            self._cache.release_write_lock()
        self.commits += 1
        return out
