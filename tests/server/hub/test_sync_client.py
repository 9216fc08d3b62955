"""The centre's sync client stopping in the middle of a read: its connection is closed after the read, in
the same thread, never under it (closing it from the loop while a worker thread read crashed the process)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from server.hub import push as sync_client
from server.store import migrations
from server.store.db import connect


async def test_stopping_while_a_batch_is_read_closes_the_connection_after_the_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "centre.db"
    conn = connect(db)
    migrations.apply(Database(conn))
    conn.close()
    reading, release = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def slow_read(c: sqlite3.Connection, after: int, limit: int) -> dict[str, Any]:
        seen["conn"] = c
        reading.set()
        assert release.wait(timeout=10), "the test never let the read finish"
        seen["rows"] = c.execute("SELECT COUNT(*) FROM events").fetchone()[0]  # still open here
        return {"after": after, "head": 0, "events": [], "rows": {}}

    monkeypatch.setattr(sync_client.store, "read_batch", slow_read)
    settings = sync_client.SyncSettings(hub_url="http://127.0.0.1:9", key="k", centre_code="c")
    client = sync_client.SyncClient(settings, db, writer=None, now=lambda: 0.0)  # type: ignore[arg-type]
    client.held = 0  # skip asking the hub: go straight to reading a batch
    task = asyncio.create_task(client.run())
    assert await asyncio.get_running_loop().run_in_executor(None, reading.wait, 10)
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen["rows"] == 0
    with pytest.raises(sqlite3.ProgrammingError):  # and closed once the read was done
        seen["conn"].execute("SELECT 1")
