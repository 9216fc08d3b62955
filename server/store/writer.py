"""The one writer: a single thread owns the write connection.

Every decision (issue a ticket, claim the next one for a counter, ...) is a
function `fn(tx, *args)` run inside that thread. Requests that arrive while a
commit is in flight are committed together (group commit): each runs in its own
SAVEPOINT inside one `BEGIN IMMEDIATE ... COMMIT`, so one refused decision rolls
back alone, and every caller is answered only after the COMMIT is on disk.
Because one writer decides, two counters can never claim the same ticket.

Quick decisions (a ticket issued, called, moved: a few rows each) run on the event loop itself,
between commits, and only the COMMIT (the fsync) goes to the thread: handing the GIL back and forth
at every SQLite call cost more than the decisions themselves. Anything else (a login's password
hash, an import, closing a day) runs in the thread as before. Either way the connection is used by
one of them at a time: a batch is decided, then committed, then the next one starts.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from server.tasks import cancel_and_wait

from . import schema
from .catalog_cache import CatalogCache
from .checkpoint import BACKSTOP_PAGES, Checkpointer
from .db import connect
from .tx import Published, Tx

log = logging.getLogger(__name__)
T = TypeVar("T")

OnCommit = Callable[[list[Published]], None]


class Writer:
    def __init__(self, path: str | Path, *, origin: str, group_commit: bool = True, max_batch: int = 256,
                 checkpoint_every: int = 32) -> None:
        self.path = Path(path)
        self.origin = origin
        self.max_batch = max_batch if group_commit else 1
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-writer")
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._listeners: list[OnCommit] = []
        self._cache = CatalogCache()  # the write connection's: used by whoever holds it (loop or thread)
        self.commits = 0
        self.decisions = 0
        self.in_flight = 0  # decisions of the batch being decided or committed now
        self.checkpointer = Checkpointer(self.path, checkpoint_every)

    def subscribe(self, listener: OnCommit) -> None:
        """Called on the event loop, in commit order, with what each commit published."""
        self._listeners.append(listener)

    async def start(self) -> list[str]:
        loop = asyncio.get_running_loop()
        applied = await loop.run_in_executor(self._executor, self._open)
        await self.checkpointer.start()
        self._task = asyncio.create_task(self._serve(), name="motcua-writer")
        return applied

    def _open(self) -> list[str]:
        self._conn = connect(self.path)
        self._conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")  # see checkpoint.py
        return schema.apply(Database(self._conn))

    async def stop(self) -> None:
        log.info("writer: %d decisions in %d commits", self.decisions, self.commits)
        await cancel_and_wait(self._task)
        self._task = None
        await self.checkpointer.stop()
        loop = asyncio.get_running_loop()
        if self._conn is not None:
            await loop.run_in_executor(self._executor, self._conn.close)
            self._conn = None
        self._executor.shutdown(wait=True)

    async def run(self, fn: Callable[..., T], *args: Any, quick: bool = False) -> T:
        """Run `fn(tx, *args)` as one durable decision; raises what `fn` raised (nothing is written then).

        `quick`: a decision of a few rows and no slow work (no password hashing, no file), decided on the
        event loop; the default runs it in the writer thread."""
        if self._task is None:
            raise RuntimeError("writer is not running")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Item(fn, args, fut, quick))
        return await fut

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [item for item in batch if not item.fut.cancelled()]
            if not live:
                continue
            self.in_flight = len(live)
            try:
                if all(item.quick for item in live):
                    # BEGIN in the thread too: another process holding the write lock must not stall the loop
                    await loop.run_in_executor(self._executor, self._begin)
                    outcomes = self._decide(live)
                    await loop.run_in_executor(self._executor, self._durable)
                else:
                    outcomes = await loop.run_in_executor(self._executor, self._commit, live)
            except Exception as exc:  # the COMMIT itself failed (disk full, I/O error): nobody succeeded
                log.exception("commit failed")
                for item in live:
                    if not item.fut.done():
                        item.fut.set_exception(exc)
                continue
            finally:
                self.in_flight = 0
            self.checkpointer.after_commit(self.commits)
            published: list[Published] = []
            for fut, (ok, value, events) in zip((item.fut for item in live), outcomes, strict=True):
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

    def _commit(self, batch: list[_Item]) -> list[tuple[bool, Any, list]]:
        self._begin()
        out = self._decide(batch)
        self._durable()
        return out

    def _begin(self) -> None:
        assert self._conn is not None
        self._conn.execute("BEGIN IMMEDIATE")  # waits (busy_timeout) while another process writes
        self._cache.hold_write_lock()

    def _decide(self, batch: list[_Item]) -> list[tuple[bool, Any, list]]:
        """Each decision in its own SAVEPOINT of the open transaction, which is left open for `_durable`."""
        conn = self._conn
        assert conn is not None
        out: list[tuple[bool, Any, list]] = []
        try:
            for item in batch:
                tx = Tx(conn, self.origin, self._cache)
                conn.execute("SAVEPOINT op")
                try:
                    value = item.fn(tx, *item.args)
                except Exception as exc:
                    conn.execute("ROLLBACK TO op")
                    conn.execute("RELEASE op")
                    self._cache.clear()
                    out.append((False, exc, []))
                else:
                    conn.execute("RELEASE op")
                    out.append((True, value, tx.published))
        except BaseException:
            self._abandon()
            raise
        self.decisions += len(batch)
        return out

    def _durable(self) -> None:
        """COMMIT (fsynced: synchronous=FULL) what `_decide` left open."""
        conn = self._conn
        assert conn is not None
        try:
            conn.execute("COMMIT")
        except BaseException:
            self._abandon()
            raise
        self._cache.release_write_lock()
        self.commits += 1

    def _abandon(self) -> None:
        conn = self._conn
        assert conn is not None
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        self._cache.clear()
        self._cache.release_write_lock()


@dataclass(slots=True)
class _Item:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    fut: asyncio.Future[Any]
    quick: bool
