"""The event log's indexes hold only what their readers look up (migration 0016), and those readers use them:
every event written (a ticket issued, called...) costs each index it enters a B-tree entry and WAL pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from server.store import migrations, ratings
from server.store.db import connect
from server.store.sql.report import report_queries
from server.store.tx import Tx

DAY = "2026-11-23"
TYPES = ("ticket.issue", "ticket.call", "ticket.recall", "ticket.transfer", "ticket.start", "ticket.finish")


def _db(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "motcua.db")
    migrations.apply(Database(conn))
    tx = Tx(conn, "office")
    for n, type_ in enumerate(TYPES * 3):
        tx.emit(type_, at=1_795_399_200 + n, day=DAY, ticket_id=f"t{n % 6}", counter_id=1 + n % 2)
    conn.execute("ANALYZE")
    return conn


def _plan(conn: sqlite3.Connection, sql: str, params: object = ()) -> str:
    return " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_report_index_holds_recalls_and_transfers_only_and_the_report_reads_it(tmp_path: Path) -> None:
    conn = _db(tmp_path)
    indexed = conn.execute("SELECT type, COUNT(*) FROM events INDEXED BY events_report"
                           " WHERE type IN ('ticket.recall', 'ticket.transfer') GROUP BY type").fetchall()
    assert dict(indexed) == {"ticket.recall": 3, "ticket.transfer": 3}
    entries = conn.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'events_report'").fetchone()[0]
    assert entries.split()[0] == "6"  # of 18 events
    query = report_queries("sqlite", "all")["events"]
    plan = _plan(conn, query.for_dialect(), query.bind({"from_day": DAY, "to_day": DAY, "wait_target_s": 900}))
    assert "USING COVERING INDEX events_report" in plan, plan


def test_last_finished_reads_the_index_of_finishes(tmp_path: Path) -> None:
    conn = _db(tmp_path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    ratings.last_finished(conn, DAY, 2)
    conn.set_trace_callback(None)
    plan = _plan(conn, statements[-1])
    assert "USING INDEX events_finish" in plan and "TEMP B-TREE" not in plan, plan
    finishes = conn.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'events_finish'").fetchone()[0]
    assert finishes.split()[0] == "3"
