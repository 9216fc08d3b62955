"""Opening the SQLite file: WAL, synchronous=FULL, foreign keys, and the migrations."""

from __future__ import annotations

import ctypes
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from . import schema

# CPython's sqlite3 binds int, float, str and bytes at once; any other value, None and bool included, goes
# through its adapter protocol, which (with no adapter registered) looks up `__adapt__` and `__conform__`,
# formats an AttributeError and throws it away: ~1.5 µs a NULL, and a ticket binds about twenty. A
# registered adapter is found first and binds the same values: NULL for None (an empty dict's `get` is a
# callable in C that answers None), 0 or 1 for a bool.
sqlite3.register_adapter(type(None), {}.get)
sqlite3.register_adapter(bool, int)

BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another connection's lock before it fails
_SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h
_memory_statistics_off = False


def without_memory_statistics() -> bool:
    """Turn off SQLite's memory statistics for this process: kept by default under a global mutex at every
    allocation of every connection (~200 locks and ~20,000 CPU instructions a ticket, `bench/bench_cost.py`),
    and nothing here reads them. SQLite takes the setting only while it holds nothing, which
    `sqlite3_memory_used()` tells (0 with no connection open, as long as it counts): then it is shut
    down, set and started again. For `motcua serve`, before its first connection and its threads. False,
    and nothing changed, when a connection is open or the library is out of reach (a Python whose sqlite3
    module has SQLite built in and hidden). Once off, SQLite counts nothing and could not tell an open
    connection any more: a second call does nothing."""
    global _memory_statistics_off
    import _sqlite3

    if _memory_statistics_off:
        return True
    try:
        lib = ctypes.CDLL(_sqlite3.__file__)  # symbols resolve to the SQLite this module uses
        memory_used, shutdown, configure, initialize = (
            lib.sqlite3_memory_used, lib.sqlite3_shutdown, lib.sqlite3_config, lib.sqlite3_initialize)
    except (OSError, AttributeError):
        return False
    memory_used.restype = ctypes.c_int64
    if memory_used() != 0 or shutdown() != 0:
        return False
    _memory_statistics_off = configure(_SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
    if initialize() != 0:
        raise RuntimeError("SQLite did not start again after its memory statistics were turned off")
    return _memory_statistics_off


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE)."""
    p = Path(path)
    if readonly:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    else:
        p.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(p, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: every COMMIT is fsynced before the reply is sent, so an acknowledged ticket
        # survives a power cut, not only a process crash.
        conn.execute("PRAGMA synchronous = FULL")
        # Every decision runs in a SAVEPOINT, so SQLite keeps the first image of each page it changes in a
        # sub-journal: in memory that costs a copy; in a temporary file (the default) it cost a third of
        # issuing a ticket. It holds a batch's pages only until the COMMIT.
        conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate; used at start and by the CLI."""
    conn = connect(path)
    db = Database(conn)
    schema.apply(db)
    return db
