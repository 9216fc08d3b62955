"""The database file's health while the server runs: a full disk, and what `quick_check` last found.

A full disk refuses every write, and every write used to leave a traceback in the log: a busy morning
wrote thousands, which filled what was left of the disk a little faster. Here each refusal is counted and
one line a minute says how many there were. The state is shown by /readyz and the admin's devices page
(the `storage` service) until the disk has room again.

The `quick_check` reads every page of the file, so it runs in a thread on its own read-only connection
soon after start (a large database does not delay serving) and on demand (`/readyz?deep=1`). A shutdown
interrupts it: SQLite stops a statement between two pages when told to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from server.store.db import connect
from server.store.integrity import quick_check

log = logging.getLogger(__name__)

LOG_EVERY_S = 60.0  # at most one line about a full disk per minute
ROOM_AGAIN_BYTES = 4 * 1024 * 1024  # this much free again: a full disk counts as freed
LOW_SPACE_BYTES = 200 * 1024 * 1024  # under this, the admin is warned before the disk is full


class StoreHealth:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.disk_full_since: float | None = None  # time.time() of the first refusal, None while writes work
        self.refused = 0  # writes refused for a full disk since the last log line
        self._last_line = 0.0  # time.monotonic() of that line
        self.problems: list[str] | None = None  # what quick_check found; None before it has run
        self.checked_at: float | None = None
        self._check_lock = asyncio.Lock()
        self._checking: sqlite3.Connection | None = None
        self._stopping = False

    # --- a full disk ---------------------------------------------------------------------------------

    def disk_full(self, exc: BaseException, refused: int = 1) -> None:
        """A write failed because the disk is full: remember it, and log one line a minute at most."""
        if self.disk_full_since is None:
            self.disk_full_since = time.time()
        self.refused += refused
        now = time.monotonic()
        if self._last_line and now - self._last_line < LOG_EVERY_S:
            return
        self._last_line = now
        log.error("the disk holding %s is full (%s): %d writes refused since the last line; tickets already "
                  "issued are safe. Free some space on it.", self.path, exc, self.refused)
        self.refused = 0

    def free_bytes(self) -> int | None:
        try:
            return shutil.disk_usage(self.path.parent).free
        except OSError:
            return None

    def _room_again(self, free: int | None) -> None:
        if self.disk_full_since is not None and free is not None and free >= ROOM_AGAIN_BYTES:
            log.warning("the disk holding %s has room again (%d MB free)", self.path, free // 2**20)
            self.disk_full_since = None
            self.refused = 0
            self._last_line = 0.0

    # --- quick_check ---------------------------------------------------------------------------------

    async def run_quick_check(self) -> list[str]:
        """Run SQLite's quick_check now (one at a time); its findings are kept for health() and logged."""
        async with self._check_lock:
            problems = await asyncio.to_thread(self._quick_check)
        self.problems, self.checked_at = problems, time.time()
        if problems:
            log.critical("the database %s is damaged (quick_check: %s). Stop the server and restore the latest "
                         "backup: motcua restore <backup file> --db %s", self.path, "; ".join(problems[:3]),
                         self.path)
        return problems

    def _quick_check(self) -> list[str]:
        conn = connect(self.path, readonly=True)
        self._checking = conn
        if self._stopping:  # told to stop before this thread got going
            self._checking = None
            conn.close()
            raise sqlite3.OperationalError("interrupted")
        try:
            return quick_check(conn)
        finally:
            self._checking = None
            conn.close()

    def interrupt(self) -> None:
        """Stop a quick_check under way (at shutdown): it would hold the process for as long as it reads."""
        self._stopping = True
        conn = self._checking
        if conn is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile
                conn.interrupt()

    async def check_soon(self) -> None:
        """The check after start; a failure to run it is logged, not raised (the server serves on)."""
        try:
            await self.run_quick_check()
        except sqlite3.Error as exc:
            if "interrupted" not in str(exc):
                log.exception("quick_check of %s could not run", self.path)

    # --- what /readyz and the devices page show --------------------------------------------------------

    def health(self) -> dict[str, Any]:
        free = self.free_bytes()
        self._room_again(free)
        if self.problems is None:
            checked: Any = "đang kiểm tra / running" if self._check_lock.locked() else "chưa kiểm tra / not yet"
        else:
            checked = self.problems or "ok"
        state: dict[str, Any] = {
            "ready": self.disk_full_since is None and not self.problems,
            "file": str(self.path),
            "disk_full": self.disk_full_since is not None,
            "free_mb": None if free is None else round(free / 2**20, 1),
            "low_space": free is not None and free < LOW_SPACE_BYTES,
            "quick_check": checked,
            "checked_at": None if self.checked_at is None else
            datetime.fromtimestamp(self.checked_at).strftime("%H:%M:%S %d/%m/%Y"),
        }
        return state
