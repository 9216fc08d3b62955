"""Opening the SQLite file: WAL, foreign keys, and the migrations.

Connections opened here use `synchronous=FULL`. The writer's own connection runs `synchronous=NORMAL` and
fsyncs the WAL itself before it answers a decision (store/writer.py says why): durable either way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from server.store import migrations

BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another connection's lock before it fails


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
        # The writer runs each decision in a SAVEPOINT, whose sub-journal holds a batch's changed pages only
        # until the COMMIT: memory, not a temporary file on the disk.
        conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate; used at start and by the CLI."""
    conn = connect(path)
    db = Database(conn)
    migrations.apply(db)
    return db
