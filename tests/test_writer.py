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
