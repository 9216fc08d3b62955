"""Is the database file there, readable, writable and whole? Asked before serving and soon after.

`motcua serve` must never make an empty office out of a missing file, a mistyped `data_dir` or a 0-byte
file: SQLite would create one without a word and the kiosks would start again at number 1 on a blank
catalogue. `require_database` refuses those, and a file SQLite cannot open or write, before the server
prints that it is serving. What goes wrong is named by a `DatabaseProblem` code, turned into sentences for
the IT officer by `server/db_problems.py`. Corruption deep inside a table is found only by reading every
page: `quick_check` does that, run in the background after start (`store/health.py`)."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from server.store.db import BUSY_TIMEOUT_MS

# A table every motcua database has from its first migration: a database without it belongs to something else.
MARKER_TABLE = "tickets"


class DatabaseProblem(Exception):
    """The database cannot be served. `code` is one of the `db.*` sentences in server/db_problems.py."""

    def __init__(self, code: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{path}: {code}{f' ({detail})' if detail else ''}")
        self.code = code
        self.path = path
        self.detail = detail


_SQLITE_CODES = {
    sqlite3.SQLITE_FULL: "disk_full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_CANTOPEN: "readonly",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "corrupt",
    sqlite3.SQLITE_IOERR: "io_error",
    sqlite3.SQLITE_BUSY: "locked",
    sqlite3.SQLITE_LOCKED: "locked",
}
_OS_CODES = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EROFS: "readonly",
             errno.EACCES: "readonly", errno.EPERM: "readonly", errno.EIO: "io_error"}


def classify(exc: BaseException) -> str:
    """What kind of storage fault an exception from SQLite or the file system is ("unusable" if unknown).
    SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED...) keep the primary code in the low byte."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return _SQLITE_CODES.get(code & 0xFF, "unusable") if code is not None else "unusable"
    if isinstance(exc, OSError):
        return _OS_CODES.get(exc.errno or 0, "unusable")
    return "unusable"


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error | OSError) and classify(exc) == "disk_full"


def problem_from(exc: BaseException, path: Path) -> DatabaseProblem:
    return DatabaseProblem(classify(exc), path, str(exc))


def require_database(path: Path) -> None:
    """Raise DatabaseProblem unless `path` is an existing motcua database that this process can write.

    Opens it once with SQLite and writes in a transaction it rolls back, as the server's writer will
    write; a database that another server is writing right now waits like a writer would (BUSY_TIMEOUT_MS)."""
    if not path.parent.is_dir():
        raise DatabaseProblem("folder_missing", path)
    if not path.exists():
        raise DatabaseProblem("missing", path)
    if not path.is_file() or path.stat().st_size == 0:
        raise DatabaseProblem("empty", path)
    _require_writable_folder(path)
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                                isolation_level=None)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            # A write that is rolled back: SQLite opens a file it may not write (an immutable file, a
            # read-only mount) read-only without a word, and says so only at the first write.
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise problem_from(exc, path) from exc
    if not tables:
        raise DatabaseProblem("empty", path)
    if MARKER_TABLE not in tables:
        raise DatabaseProblem("foreign", path, ", ".join(sorted(tables)[:5]))


def _require_writable_folder(path: Path) -> None:
    """SQLite writes the -wal and -shm files and the server its lock file beside the database: make one and
    remove it. Nothing else tells a read-only mount or an immutable folder from a writable one when the
    server runs as root (root passes every permission check, not those)."""
    probe = path.with_name(f".{path.name}.probe-{os.getpid()}")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        probe.unlink()  # left by a process of ours that died between the two lines: ours to remove
        return _require_writable_folder(path)
    except OSError as exc:
        raise DatabaseProblem(classify(exc), path, str(exc)) from exc
    os.close(fd)
    probe.unlink()


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's `PRAGMA quick_check` over every page: [] when the file is whole, else what it found
    (at most 20 lines). It reads the whole file; run it off the event loop."""
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        if classify(exc) != "corrupt":
            raise
        return [str(exc)]
    return [] if rows == ["ok"] else rows
