"""Copying the WAL back into the database file beside the writer, not inside its COMMITs.

SQLite's default checkpoints run inside the COMMIT that crosses 1,000 WAL pages, so now and then one
batch of tickets would wait while the WAL is copied and fsynced into the main file. Here a thread with
its own connection runs a PASSIVE checkpoint (it takes no write lock, so the writer never waits) every
`every_commits` commits, and the writer's COMMITs never checkpoint (`wal_autocheckpoint` is 0 on its
connection).

A checkpoint that runs while the writer keeps committing never catches up with the WAL's last frame,
and SQLite starts the WAL file over only after one that did: under sustained load the WAL would grow
without end. So this thread reports how long the WAL is (`wal_frames`), and once it passes
BACKSTOP_PAGES the writer checkpoints between two batches, in its own thread, and the next batch starts
the WAL over (`Writer._checkpoint_between`). That pauses the decisions for a few milliseconds, so the
backstop is set high (a WAL file of up to 200 MB, read through once at the next start after a crash).
A commune office, whose load has pauses, never gets there: a PASSIVE checkpoint in a pause lets the WAL
start over."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server.store.db import connect

log = logging.getLogger(__name__)
BACKSTOP_PAGES = 50_000


class Checkpointer:
    def __init__(self, path: Path, every_commits: int = 32) -> None:
        self.path = path
        self.every_commits = every_commits
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-checkpoint")
        self._conn: sqlite3.Connection | None = None
        self._running: asyncio.Future[None] | None = None
        self.done = 0
        self.wal_frames = 0  # frames in the WAL at the last checkpoint (its length, not what is left to copy)

    async def start(self) -> None:
        self._conn = await asyncio.get_running_loop().run_in_executor(self._executor, connect, self.path)

    def after_commit(self, commits: int) -> None:
        """Called by the writer on the event loop after each COMMIT; starts a checkpoint now and then."""
        if commits % self.every_commits or self._conn is None or (self._running and not self._running.done()):
            return
        self._running = asyncio.get_running_loop().run_in_executor(self._executor, self._checkpoint)

    def _checkpoint(self) -> None:
        assert self._conn is not None
        try:
            row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.wal_frames = max(0, int(row[1]))  # (busy, frames in the WAL, frames checkpointed)
            self.done += 1
        except sqlite3.Error:
            log.exception("WAL checkpoint failed (the writer's own checkpoint remains)")

    async def stop(self) -> None:
        if self._running is not None:
            await asyncio.wait([self._running])
        if self._conn is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._conn.close)
            self._conn = None
        self._executor.shutdown(wait=True)
