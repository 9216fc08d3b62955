"""The one writer: group commit, a refusal rolled back alone, the fsync before the answer, checkpoints beside it."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from server.store.writer import Writer


async def test_wal_is_checkpointed_beside_the_writer(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "w.db", origin="t", checkpoint_every=2)
    await writer.start()
    rows = 0
    try:
        await writer.run(lambda tx: tx.execute("CREATE TABLE office_notes_probe (n INTEGER)"))
        deadline = time.monotonic() + 10
        while writer.checkpointer.done < 3:  # every 2nd commit starts one unless the last is still running
            assert time.monotonic() < deadline, "no checkpoint ran beside the writer"
            await writer.run(lambda tx, i=rows: tx.execute("INSERT INTO office_notes_probe VALUES (?)", (i,)))
            rows += 1
        auto = await writer.run(lambda tx: tx.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        assert auto == 0  # the writer's COMMITs never checkpoint: the checkpoint thread does
    finally:
        await writer.stop()
    with sqlite3.connect(tmp_path / "w.db") as conn:  # everything committed is in the file
        assert conn.execute("SELECT COUNT(*) FROM office_notes_probe").fetchone()[0] == rows


async def test_another_process_writing_never_freezes_the_event_loop(client) -> None:  # noqa: ANN001
    """BEGIN IMMEDIATE waits in the writer's thread: while a backup tool or a second process holds the
    write lock, the server still answers reads at once, and the ticket goes through when the lock is let go."""
    from server.keys import CONFIG, WRITER
    from tests.conftest import KIOSK

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


async def _probe_writer(tmp_path: Path) -> Writer:
    writer = Writer(tmp_path / "w.db", origin="t")
    await writer.start()
    await writer.run(lambda tx: tx.execute("CREATE TABLE probe (n INTEGER)"))
    return writer


def _insert(tx, n: int, refuse: bool = False) -> int:  # noqa: ANN001
    tx.execute("INSERT INTO probe VALUES (?)", (n,))
    if refuse:
        raise ValueError(f"decision {n} refused after writing")
    return n


async def test_a_refused_decision_in_a_batch_rolls_back_alone(tmp_path: Path) -> None:
    """Each decision of a batch runs in its own SAVEPOINT: the others are committed, the refused one's row
    is not, each caller hears its own answer, all in one commit."""
    writer = await _probe_writer(tmp_path)
    try:
        commits = writer.commits
        results = await asyncio.gather(*(writer.run(_insert, n, n == 3) for n in range(6)),
                                       return_exceptions=True)
        assert writer.commits == commits + 1, "the six decisions were meant to share one batch"
        assert results[:3] == [0, 1, 2] and results[4:] == [4, 5]
        assert isinstance(results[3], ValueError) and "decision 3" in str(results[3])
        rows = await writer.run(lambda tx: [r[0] for r in tx.all("SELECT n FROM probe ORDER BY n")])
        assert rows == [0, 1, 2, 4, 5]
        # a lone refusal: nothing written, nothing committed, and the writer goes on
        commits = writer.commits
        try:
            await writer.run(_insert, 9, True)
            raise AssertionError("the refusal was not raised")
        except ValueError:
            pass
        assert writer.commits == commits
        assert await writer.run(_insert, 10) == 10
    finally:
        await writer.stop()
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert [r[0] for r in conn.execute("SELECT n FROM probe ORDER BY n")] == [0, 1, 2, 4, 5, 10]


async def test_answers_wait_for_the_fsync_of_the_wal(tmp_path: Path) -> None:
    """The connection commits with synchronous=NORMAL; the writer's own fsync of the WAL file comes
    before any answer, so an acknowledged decision survives a power cut as with synchronous=FULL; many
    decisions queued together share commits."""
    writer = await _probe_writer(tmp_path)
    try:
        mode = await writer.run(lambda tx: tx.execute("PRAGMA synchronous").fetchone()[0])
        assert mode == 1  # NORMAL: the COMMIT writes the WAL, the writer syncs it
        for n in range(5):
            syncs = writer.syncs
            await writer.run(_insert, n)
            assert writer.syncs > syncs, "answered before the WAL was fsynced"
        commits = writer.commits
        assert await asyncio.gather(*(writer.run(_insert, n) for n in range(40))) == list(range(40))
        assert writer.commits - commits < 40, "no two decisions shared a commit"
    finally:
        await writer.stop()


async def test_a_failed_fsync_acknowledges_nothing_and_the_writer_goes_on(tmp_path: Path) -> None:
    """If the disk refuses the fsync, the callers of the batch get the error (nothing of it is acknowledged
    as durable), and later decisions are answered as usual once the disk works again."""
    writer = await _probe_writer(tmp_path)
    real_fsync = writer._fsync
    failures = []

    def failing_fsync() -> None:
        failures.append(1)
        raise OSError(5, "Input/output error")

    try:
        writer._fsync = failing_fsync  # type: ignore[method-assign]  # the disk fails once
        try:
            await writer.run(_insert, 1)
            raise AssertionError("a decision was acknowledged without its fsync")
        except OSError as exc:
            assert exc.errno == 5
        assert failures == [1]
        writer._fsync = real_fsync  # type: ignore[method-assign]
        assert await writer.run(_insert, 2) == 2
    finally:
        await writer.stop()


async def test_a_failed_commit_acknowledges_nothing_and_the_writer_goes_on(tmp_path: Path) -> None:
    """When the COMMIT itself fails (here a deferred foreign key that SQLite checks only at COMMIT; on an
    office PC a full or failing disk), every caller of that batch gets the error and none of its rows is
    kept; later decisions are answered as usual."""
    writer = Writer(tmp_path / "w.db", origin="t")
    await writer.start()
    try:
        await writer.run(lambda tx: tx.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        await writer.run(lambda tx: tx.execute(
            "CREATE TABLE child (n INTEGER, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"))

        def orphan(tx, n: int) -> int:  # noqa: ANN001
            tx.execute("INSERT INTO child VALUES (?, 999)", (n,))
            return n

        def adopted(tx, n: int) -> int:  # noqa: ANN001
            tx.execute("INSERT OR IGNORE INTO parent VALUES (1)")
            tx.execute("INSERT INTO child VALUES (?, 1)", (n,))
            return n

        commits = writer.commits
        results = await asyncio.gather(writer.run(adopted, 1), writer.run(orphan, 2), return_exceptions=True)
        assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
        assert writer.commits == commits
        assert await writer.run(adopted, 3) == 3
    finally:
        await writer.stop()
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert [r[0] for r in conn.execute("SELECT n FROM child")] == [3]


async def test_stopping_answers_the_batch_under_way(tmp_path: Path) -> None:
    """A batch still waiting for the write lock (another process holds it) when the server stops is
    committed once the lock is free, and its caller answered, not left waiting for ever."""
    writer = await _probe_writer(tmp_path)
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        answer = writer.run(_insert, 7)
        deadline = time.monotonic() + 5
        while writer.in_flight != 1:  # the batch waits for the lock in the writer's thread
            assert time.monotonic() < deadline, "the batch never started"
            await asyncio.sleep(0.005)  # polling the writer's state, with a deadline
        task = writer._task
        assert task is not None
        stop = asyncio.ensure_future(writer.stop())
        while not task.cancelling():  # stop() has cancelled the writer's task while the batch waits
            assert time.monotonic() < deadline, "stop() never cancelled the writer's task"
            await asyncio.sleep(0.005)  # polling the task's state, with a deadline
    finally:
        other.execute("ROLLBACK")
        other.close()
    await asyncio.wait_for(stop, 10)
    assert await asyncio.wait_for(answer, 5) == 7
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert [r[0] for r in conn.execute("SELECT n FROM probe")] == [7]


async def test_a_database_that_cannot_use_wal_is_refused_with_a_clear_message() -> None:
    """The writer's durability rests on WAL (its own fsync of the WAL file); a database SQLite keeps in
    another journal mode (a network share, here an in-memory one) is refused at start, saying why."""
    writer = Writer(":memory:", origin="t")
    try:
        await writer.start()
        raise AssertionError("the writer started without WAL")
    except RuntimeError as exc:
        assert "WAL mode" in str(exc) and "'memory'" in str(exc)
    finally:
        writer._executor.shutdown(wait=True)
        writer._sync_executor.shutdown(wait=True)


async def test_under_sustained_load_the_wal_starts_over_instead_of_growing(tmp_path: Path) -> None:
    """The checkpoint thread never catches up with a writer that keeps committing, and SQLite restarts the
    WAL only after a complete checkpoint: past `backstop_pages` the writer checkpoints between two
    batches itself, so the WAL file stays near that size however long the load lasts."""
    writer = Writer(tmp_path / "w.db", origin="t", checkpoint_every=4, backstop_pages=40)
    await writer.start()
    wal = tmp_path / "w.db-wal"
    try:
        await writer.run(lambda tx: tx.execute("CREATE TABLE probe (n INTEGER, pad TEXT)"))
        for i in range(600):  # one commit each, ~2 pages each: 1,200 pages written in all
            await writer.run(lambda tx, i=i: tx.execute("INSERT INTO probe VALUES (?, ?)", (i, "x" * 3000)))
        assert writer.backstops >= 3, "the writer never checkpointed between batches"
        assert wal.stat().st_size < 400 * 4096, f"the WAL grew to {wal.stat().st_size // 4096} pages"
    finally:
        await writer.stop()
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM probe").fetchone()[0] == 600
