"""The one writer: a single connection writes, one batch of decisions at a time.

Every decision (issue a ticket, claim the next one for a counter, ...) is a function `fn(tx, *args)`.
Requests that arrive while a batch is being decided or committed wait in the queue and are committed
together as the next batch (group commit), in one `BEGIN IMMEDIATE ... COMMIT`. Each decision runs in its
own SAVEPOINT, so a refused one rolls back alone and the others still commit. One batch at a time: two
counters can never claim the same ticket, and a number is never given twice.

The decisions, BEGIN and COMMIT run on the event loop: a decision is a few short statements, and handing
the interpreter to a thread and back at every statement would cost more than the statements. Decisions
must therefore stay short: slow work (a password hash, reading a file) is done before one is queued. BEGIN
goes to the writer's thread only when another process (a backup, a CLI import) holds the write lock, so
the loop never waits for it.

Durability: the connection runs `synchronous=NORMAL`, so a COMMIT only writes the WAL; then the fsync
thread fsyncs the WAL file, and only after that are the batch's callers answered and its events published,
in commit order. An answer is therefore never sent before its frames are on disk, as with
`synchronous=FULL` (after a power cut SQLite replays the WAL up to the last intact commit, which includes
every fsynced one); meanwhile the loop decides the next batch. Checkpoints run beside the writer
(checkpoint.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from server.store import migrations
from server.store.catalog_cache import CatalogCache
from server.store.checkpoint import BACKSTOP_PAGES, Checkpointer
from server.store.db import BUSY_TIMEOUT_MS, connect
from server.store.health import StoreHealth
from server.store.integrity import is_disk_full
from server.store.tx import Published, Tx
from server.tasks import cancel_and_wait

log = logging.getLogger(__name__)
T = TypeVar("T")

OnCommit = Callable[[list[Published]], None]
Outcome = tuple[bool, Any, list[Published]]  # (succeeded, its value or its exception, what it published)


class Writer:
    def __init__(self, path: str | Path, *, origin: str, group_commit: bool = True, max_batch: int = 256,
                 checkpoint_every: int = 32, backstop_pages: int = BACKSTOP_PAGES) -> None:
        self.path = Path(path)
        self.origin = origin
        self.max_batch = max_batch if group_commit else 1
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-writer")
        self._sync_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-fsync")
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._conn: sqlite3.Connection | None = None
        self._wal_fd: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._unanswered = 0  # batches committed and waiting for their fsync
        self._all_answered = asyncio.Event()
        self._listeners: list[OnCommit] = []
        self._cache = CatalogCache()  # the write connection's
        self.commits = 0
        self.syncs = 0
        self.decisions = 0
        self.in_flight = 0  # decisions of the batch being decided or committed now
        self.checkpointer = Checkpointer(self.path, checkpoint_every)
        self.backstop_pages = backstop_pages
        self.backstops = 0  # checkpoints the writer ran itself between batches
        self.health = StoreHealth(self.path)  # a full disk, what quick_check found: for /readyz and the admin

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
        conn = connect(self.path)
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":  # e.g. a network share without shared memory: SQLite keeps a rollback journal
                raise RuntimeError(f"SQLite could not put {self.path} in WAL mode (it is in {mode!r} mode); "
                                   "keep the database on a local disk")
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # COMMITs never checkpoint: see checkpoint.py
            applied = migrations.apply(Database(conn))
            conn.execute("PRAGMA synchronous = NORMAL")  # the fsync thread syncs the WAL: see the docstring
            conn.execute("PRAGMA busy_timeout = 0")  # `_begin` waits for the lock only in the writer's thread
            self._wal_fd = os.open(f"{self.path}-wal", os.O_RDONLY)  # exists while this connection is open
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return applied

    async def stop(self) -> None:
        """Finish the batch under way, answer every committed batch after its fsync, then close."""
        log.info("writer: %d decisions in %d commits, %d fsyncs", self.decisions, self.commits, self.syncs)
        await cancel_and_wait(self._task)
        self._task = None
        while self._unanswered:
            self._all_answered.clear()
            await self._all_answered.wait()
        await self.checkpointer.stop()
        loop = asyncio.get_running_loop()
        if self._conn is not None:
            await loop.run_in_executor(self._executor, self._conn.close)
            self._conn = None
        if self._wal_fd is not None:
            os.close(self._wal_fd)
            self._wal_fd = None
        self._executor.shutdown(wait=True)
        self._sync_executor.shutdown(wait=True)

    def run(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Queue `fn(tx, *args)` as one durable decision; awaiting the answer gives its value, or raises what
        `fn` raised (nothing is written then). Cancelling the wait withdraws the decision if it has not begun."""
        if self._task is None:
            raise RuntimeError("writer is not running")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Item(fn, args, fut))
        return fut

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
            # Shielded: stopping the writer lets a batch under way finish, so its callers hear what happened.
            committing = asyncio.ensure_future(self._commit(live))
            try:
                outcomes = await asyncio.shield(committing)
            except asyncio.CancelledError:
                try:
                    self._sync_then_answer(live, await committing)
                except Exception as exc:
                    self._refuse_all(live, exc)
                raise
            except Exception as exc:  # BEGIN or the COMMIT failed (disk full, I/O error): nobody succeeded
                self._refuse_all(live, exc)
                continue
            finally:
                self.in_flight = 0
            self._sync_then_answer(live, outcomes)
            self.checkpointer.after_commit(self.commits)
            if self.checkpointer.wal_frames >= self.backstop_pages:
                await loop.run_in_executor(self._executor, self._checkpoint_between)

    async def _commit(self, batch: list[_Item]) -> list[Outcome]:
        """BEGIN IMMEDIATE, each decision in its own SAVEPOINT, then the COMMIT, which writes the WAL (a batch
        whose every decision was refused has nothing to commit). Any failure of BEGIN or COMMIT rolls back
        all."""
        conn = self._conn
        assert conn is not None
        if not self._begin_now(conn):  # another process holds the write lock: wait for it in the thread
            await asyncio.get_running_loop().run_in_executor(self._executor, self._begin_waiting, conn)
        try:
            outcomes = [self._decide(conn, item) for item in batch]
            if any(ok for ok, _, _ in outcomes):
                conn.execute("COMMIT")
                self.commits += 1
            else:
                conn.execute("ROLLBACK")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._cache.clear()  # it may hold what the rolled-back decisions read or wrote
            raise
        self.decisions += len(batch)
        return outcomes

    @staticmethod
    def _begin_now(conn: sqlite3.Connection) -> bool:
        """BEGIN IMMEDIATE if the write lock is free at once (busy_timeout is 0 on this connection)."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return False
            raise
        return True

    @staticmethod
    def _begin_waiting(conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another process's write lock (writer's thread)."""
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute("PRAGMA busy_timeout = 0")

    def _decide(self, conn: sqlite3.Connection, item: _Item) -> Outcome:
        """One decision in its own SAVEPOINT: a refusal undoes its writes and leaves the batch's others."""
        tx = Tx(conn, self.origin, self._cache)
        conn.execute("SAVEPOINT decision")
        try:
            value = item.fn(tx, *item.args)
        except Exception as exc:
            conn.execute("ROLLBACK TO decision")
            conn.execute("RELEASE decision")
            self._cache.clear()  # values loaded inside the decision may hold its undone edits
            return (False, exc, [])
        conn.execute("RELEASE decision")
        return (True, value, tx.published)

    def _sync_then_answer(self, items: list[_Item], outcomes: list[Outcome]) -> None:
        """Answer a batch's callers once the WAL holding its COMMIT is fsynced (at once if nothing was
        committed). One fsync thread, jobs in commit order: batches are answered in the order they committed."""
        if not any(ok for ok, _, _ in outcomes):
            self._answer(items, outcomes)
            return
        self._unanswered += 1
        syncing = self._sync_executor.submit(self._fsync)
        loop = asyncio.get_running_loop()
        syncing.add_done_callback(lambda done: loop.call_soon_threadsafe(self._synced, items, outcomes, done))

    def _fsync(self) -> None:
        assert self._wal_fd is not None
        os.fsync(self._wal_fd)
        self.syncs += 1

    def _synced(self, items: list[_Item], outcomes: list[Outcome], done: Future[None]) -> None:
        failure = done.exception()
        if failure is None:
            self._answer(items, outcomes)
        else:  # the disk refused: nothing of this batch may be acknowledged
            if not is_disk_full(failure):
                log.critical("fsync of the WAL failed; a batch is not acknowledged", exc_info=failure)
            self._refuse_all(items, failure)
        self._unanswered -= 1
        if not self._unanswered:
            self._all_answered.set()

    def _refuse_all(self, items: list[_Item], exc: BaseException) -> None:
        if is_disk_full(exc):
            self.health.disk_full(exc, refused=0)  # one line a minute; each caller's answer counts it
        else:
            log.error("commit failed", exc_info=exc)
        _fail(items, exc)

    def _answer(self, items: list[_Item], outcomes: list[Outcome]) -> None:
        """Answer each caller of a durable batch, then tell the listeners what it published."""
        published: list[Published] = []
        for item, (ok, value, events) in zip(items, outcomes, strict=True):
            if ok:
                published.extend(events)
            if item.fut.done():
                continue
            if ok:
                item.fut.set_result(value)
            else:
                item.fut.set_exception(value)
        if published:
            for listener in self._listeners:
                try:
                    listener(published)
                except Exception:
                    log.exception("commit listener failed")

    def _checkpoint_between(self) -> None:
        """The WAL passed the backstop: checkpoint it between two batches, so that (readers allowing) the
        next COMMIT starts it over. In the writer's thread; the next batch waits, the event loop does not."""
        assert self._conn is not None
        try:
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.backstops += 1
        except sqlite3.Error:
            log.exception("the writer's WAL checkpoint failed (the checkpoint thread goes on)")
        self.checkpointer.wal_frames = 0  # until the checkpoint thread measures it again


def _fail(items: list[_Item], exc: BaseException) -> None:
    for item in items:
        if not item.fut.done():
            item.fut.set_exception(exc)


@dataclass(slots=True)
class _Item:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    fut: asyncio.Future[Any]
