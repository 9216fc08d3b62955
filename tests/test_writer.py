"""The writer's WAL is copied back into the database file by its own thread, not inside the COMMITs."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from server.store.writer import Writer


async def test_wal_is_checkpointed_beside_the_writer(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "w.db", origin="t", checkpoint_every=2)
    await writer.start()
    try:
        for i in range(12):
            await writer.run(lambda tx, i=i: tx.execute("INSERT INTO office_notes_probe VALUES (?)", (i,))
                             if i else tx.execute("CREATE TABLE office_notes_probe (n INTEGER)"), quick=True)
        deadline = time.monotonic() + 10
        while writer.checkpointer.done < 3:
            assert time.monotonic() < deadline, "no checkpoint ran beside the writer"
            await asyncio.sleep(0.01)  # polling a worker thread's counter, with a deadline
        auto = await writer.run(lambda tx: tx.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        assert auto == 10_000  # the writer's own checkpoint is only a backstop
    finally:
        await writer.stop()
    with sqlite3.connect(tmp_path / "w.db") as conn:  # everything committed is in the file
        assert conn.execute("SELECT COUNT(*) FROM office_notes_probe").fetchone()[0] == 11


async def test_another_process_writing_never_freezes_the_event_loop(client) -> None:  # noqa: ANN001
    """BEGIN IMMEDIATE waits in the writer's thread: while a backup tool or a second process holds the
    write lock, the server still answers reads at once, and the ticket goes through when the lock is let go."""
    from server.keys import CONFIG, WRITER

    from .conftest import KIOSK

    other = sqlite3.connect(client.app[CONFIG].db_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        issuing = asyncio.ensure_future(client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK))
        deadline = time.monotonic() + 5
        while client.app[WRITER].in_flight != 1:  # the ticket's batch is waiting for the lock
            assert time.monotonic() < deadline, "the event loop was frozen while the writer waited"
            await asyncio.sleep(0.005)  # polling the writer's state, with a deadline
        r = await client.get("/api/procedures")  # answered while the ticket waits for the lock
        assert r.status == 200 and not issuing.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    r = await issuing
    assert r.status == 201, await r.text()
