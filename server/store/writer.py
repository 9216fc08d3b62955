"""The one writer: a single thread owns the write connection.

Every decision (issue a ticket, claim the next one for a counter, ...) is a
function `fn(tx, *args)` run inside that thread. Requests that arrive while a
commit is in flight are committed together (group commit) in one
`BEGIN IMMEDIATE ... COMMIT`; one refused decision rolls back alone (each in its own
SAVEPOINT, or see `_decide_quick`), and every caller is answered only after the
COMMIT is on disk. Because one writer decides, two counters can never claim the same ticket.

Quick decisions (a ticket issued, called, moved: a few rows each) run on the event loop itself, from
BEGIN to COMMIT: handing the GIL back and forth at every SQLite call cost more than the decisions
themselves, and each round trip to a thread left the loop idle. The COMMIT only writes the WAL (no
fsync: see below; no checkpoint: see checkpoint.py), except the first after the WAL starts over, which
syncs its header. BEGIN goes to the thread when another process holds the write lock, so the loop
never waits for one. Anything else (a login's password hash, an import, closing a day) runs in the
thread. Either way the connection is used by one of them at a time: a batch is decided, then
committed, then the next one starts.

Durability is pipelined. The write connection runs `synchronous=NORMAL`, so a COMMIT only writes its
WAL frames; a second thread then fsyncs the WAL file, and only after that fsync are the batch's
callers answered and its events published. While one batch's fsync is under way the next batch is
decided and committed, so the event loop no longer idles for the disk (it did for ~15 % of the time
at 32 kiosks). An answer is therefore never sent before its frames are on disk, as with
`synchronous=FULL`: SQLite itself syncs the WAL header at every WAL restart and the WAL before every
checkpoint, and after a power cut it replays the WAL up to the last intact commit, which includes
every fsynced one. The difference a reader can see: another connection may read a batch for the few
milliseconds between its COMMIT and its fsync, before its callers hear of it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # committed, in commit order, waiting for the WAL's fsync: appended on the loop, taken by the fsync thread
        self._unsynced: deque[_Committed] = deque()
        self._unanswered = 0  # batches committed and not yet answered (the loop's count)
        self._all_answered = asyncio.Event()
        self._wal_fd: int | None = None
        self._listeners: list[OnCommit] = []
        self._cache = CatalogCache()  # the write connection's: used by whoever holds it (loop or thread)
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
        self._loop = loop
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
            self._cache.watch(conn)  # after the migrations: catalog_version exists
            # The module's docstring: NORMAL, plus our own fsync of the WAL before anyone is answered.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA busy_timeout = 0")  # `_begin` waits for the lock, `_begin_now` does not
            self._wal_fd = os.open(f"{self.path}-wal", os.O_RDONLY)  # exists while this connection is open
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return applied

    async def stop(self) -> None:
        log.info("writer: %d decisions in %d commits, %d fsyncs", self.decisions, self.commits, self.syncs)
        await cancel_and_wait(self._task)
        self._task = None
        while self._unanswered:  # what is committed is still fsynced and answered
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

    def run(self, fn: Callable[..., T], *args: Any, quick: bool = False) -> asyncio.Future[T]:
        """Queue `fn(tx, *args)` as one durable decision; awaiting the answer gives its value, or raises what
        `fn` raised (nothing is written then). Cancelling the wait withdraws the decision if it has not begun.

        `quick`: a decision of a few rows and no slow work (no password hashing, no file), decided on the
        event loop; the default runs it in the writer thread. A future, not a coroutine: its caller awaits
        it directly, so a ticket's answer resumes one frame fewer on its way back."""
        if self._task is None:
            raise RuntimeError("writer is not running")
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Item(fn, args, fut, quick))
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
            try:
                if all(item.quick for item in live):
                    outcomes = await self._decide_quick(live)
                else:
                    outcomes = await loop.run_in_executor(self._executor, self._commit, live)
            except Exception as exc:  # the COMMIT itself failed (disk full, I/O error): nobody succeeded
                if is_disk_full(exc):
                    self.health.disk_full(exc, refused=0)  # one line a minute; each caller's answer counts it
                else:
                    log.exception("commit failed")
                _fail(live, exc)
                continue
            finally:
                self.in_flight = 0
            self._unsynced.append(_Committed(live, outcomes))
            self._unanswered += 1
            self._sync_executor.submit(self._sync_and_answer)
            self.checkpointer.after_commit(self.commits)
            if self.checkpointer.wal_frames >= self.backstop_pages:
                await loop.run_in_executor(self._executor, self._checkpoint_between)

    def _sync_and_answer(self) -> None:
        """In the fsync thread, once per commit: fsync the WAL for every batch committed so far, then have
        the loop answer their callers and publish, in commit order. Batches committed while an fsync runs
        are covered by the next one (a group of groups); a job that finds them all taken does nothing.
        Straight from the thread to a loop callback: no task to wake in between, so a batch is answered the
        first time the loop looks after its fsync, and the next batch's fsync starts without waiting for it."""
        ready: list[_Committed] = []
        while self._unsynced:  # appended on the loop only after their COMMIT: the fsync below covers them
            ready.append(self._unsynced.popleft())
        if not ready:
            return
        loop = self._loop
        assert loop is not None
        try:
            self._fsync()
        except Exception as exc:  # the disk refused: nothing of these batches may be acknowledged
            if is_disk_full(exc):
                loop.call_soon_threadsafe(self.health.disk_full, exc, 0)
                loop.call_soon_threadsafe(self._answer_all, ready, exc)
                return
            log.critical("fsync of the WAL failed; %d batches are not acknowledged", len(ready), exc_info=True)
            loop.call_soon_threadsafe(self._answer_all, ready, exc)
            return
        loop.call_soon_threadsafe(self._answer_all, ready, None)

    def _answer_all(self, ready: list[_Committed], failure: Exception | None) -> None:
        for committed in ready:
            if failure is None:
                self._answer(committed)
            else:
                _fail(committed.items, failure)
        self._unanswered -= len(ready)
        if not self._unanswered:
            self._all_answered.set()

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

    def _fsync(self) -> None:
        assert self._wal_fd is not None
        os.fsync(self._wal_fd)
        self.syncs += 1

    def _answer(self, committed: _Committed) -> None:
        published: list[Published] = []
        for item, (ok, value, events) in zip(committed.items, committed.outcomes, strict=True):
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

    async def _decide_quick(self, live: list[_Item]) -> list[Outcome]:
        """Optimistic first: the whole batch in the bare transaction, without a SAVEPOINT per decision
        (SQLite copies each page a SAVEPOINT's decision touches into a sub-journal: ~13 % of issuing a
        ticket). A refusal leaves its partial writes among the others', so then the transaction is rolled
        back and the batch decided again, each decision in its own SAVEPOINT. Refusals are rare here.
        BEGIN runs in the thread when the write lock is not free at once."""
        loop = asyncio.get_running_loop()
        if not self._begin_now():
            await loop.run_in_executor(self._executor, self._begin)
        try:
            outcomes = self._decide(live, isolated=False)
        except _Refused as refused:  # rolled back by _decide
            if len(live) == 1:
                return [(False, refused.error, [])]  # nothing left to commit
            if not self._begin_now():
                await loop.run_in_executor(self._executor, self._begin)
            outcomes = self._decide(live)
        self._end()  # here: it only writes the WAL (the fsync is the other thread's, checkpoints are not in it)
        return outcomes

    def _commit(self, batch: list[_Item]) -> list[Outcome]:
        self._begin()
        out = self._decide(batch)
        self._end()
        return out

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS while another process (a backup, a CLI import)
        holds the write lock; in the writer's thread, never on the event loop."""
        conn = self._conn
        assert conn is not None
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute("PRAGMA busy_timeout = 0")
        self._cache.hold_write_lock()

    def _begin_now(self) -> bool:
        """BEGIN IMMEDIATE on the event loop if the write lock is free at once (busy_timeout is 0 on this
        connection outside `_begin`): a batch then skips a round trip to the thread, and its wait behind
        every callback the loop has queued meanwhile. False when another process holds the lock."""
        conn = self._conn
        assert conn is not None
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return False
            raise
        self._cache.hold_write_lock()
        return True

    def _decide(self, batch: list[_Item], *, isolated: bool = True) -> list[Outcome]:
        """Each decision in its own SAVEPOINT of the open transaction, which is left open for `_end`.
        Not `isolated`: no SAVEPOINTs, and the first refusal rolls everything back and raises `_Refused`."""
        conn = self._conn
        assert conn is not None
        out: list[Outcome] = []
        try:
            for item in batch:
                tx = Tx(conn, self.origin, self._cache)
                if not isolated:
                    try:
                        value = item.fn(tx, *item.args)
                    except Exception as exc:
                        raise _Refused(exc) from exc
                    out.append((True, value, tx.published))
                    continue
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

    def _end(self) -> None:
        """COMMIT what `_decide` left open (written to the WAL; `_fsync` makes it durable)."""
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


def _fail(items: list[_Item], exc: BaseException) -> None:
    for item in items:
        if not item.fut.done():
            item.fut.set_exception(exc)


class _Refused(Exception):
    """A decision raised during an optimistic (un-isolated) pass; `error` is what it raised."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


@dataclass(slots=True)
class _Committed:
    items: list[_Item]
    outcomes: list[Outcome]


@dataclass(slots=True)
class _Item:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    fut: asyncio.Future[Any]
    quick: bool
