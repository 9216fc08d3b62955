"""The simulator writes what the live server writes: same columns, same event types and data, a
consistent life for every ticket, and an office's rhythm (morning and Monday peaks, Saturday mornings)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from server.app import policy_from
from server.cli import main
from server.config import from_dict
from server.demo import office_model as simulation
from server.demo.catalogue import seed_catalog
from server.demo.simulate import simulate
from server.services import queue
from server.services.context import Ctx
from server.store import tickets as ticket_store
from server.store.db import open_database
from server.store.tx import Tx
from tests.conftest import MONDAY_9AM, TZ


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("sim") / "sim.db"
    stats = simulate(path, "xa07", "xa07", days=28, seed=5, per_day=60, end=date(2026, 11, 23))
    assert stats.tickets > 800 and stats.events > 4 * stats.tickets
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def live_event_data(tmp_path: Path) -> dict[str, set[str]]:
    """Event data keys written by the live decisions (issue, call, recall, start, finish)."""
    conn = open_database(tmp_path / "live.db").conn
    conn.execute("BEGIN")
    tx = Tx(conn, "office")
    seed_catalog(tx, "demo", "Demo")
    ctx = Ctx(now=MONDAY_9AM.timestamp(), tz=TZ, policy=policy_from(from_dict({})))
    t = queue.issue(tx, ctx, queue.IssueRequest(procedure_id=4))["ticket"]
    queue.call_next(tx, ctx, 3)
    queue.recall(tx, ctx, 3, t.id)
    queue.start_service(tx, ctx, 3, t.id)
    queue.finish_service(tx, ctx, 3, t.id, queue.Outcome.DOSSIER_RECEIVED, "HS-1", False)
    conn.execute("COMMIT")
    return {r[0]: set(json.loads(r[1])) for r in conn.execute("SELECT type, data FROM events")}


def test_same_columns_and_event_data_as_the_live_server(db: sqlite3.Connection, tmp_path: Path) -> None:
    assert set(simulation.TICKET_COLUMNS) == {*ticket_store.TICKET_COLUMNS, "hour", "weekday"}
    live = live_event_data(tmp_path)
    for type_, keys in live.items():
        rows = db.execute("SELECT data FROM events WHERE type = ? LIMIT 50", (type_,)).fetchall()
        assert rows, type_
        assert any(set(json.loads(r[0])) == keys for r in rows), type_
    types = {r[0] for r in db.execute("SELECT DISTINCT type FROM events")}
    assert types <= {f"ticket.{a}" for a in ("issued", "call", "recall", "start", "finish", "no_show", "transfer",
                                              "cancel")} | {"step.start", "step.end", "rating.given"}


def test_every_ticket_lives_a_consistent_life(db: sqlite3.Connection) -> None:
    issued = db.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.issued'").fetchone()[0]
    assert issued == db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    wrong = db.execute("""SELECT COUNT(*) FROM tickets t WHERE t.status <> (SELECT e.to_status FROM events e
        WHERE e.ticket_id = t.id AND e.type LIKE 'ticket.%' ORDER BY e.seq DESC LIMIT 1)""").fetchone()[0]
    assert wrong == 0
    assert db.execute("SELECT COUNT(*) FROM tickets WHERE first_called_at < arrival_at"
                      " OR done_at < served_at OR served_at < first_called_at").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM ratings r JOIN tickets t ON t.id = r.ticket_id"
                      " WHERE t.status <> 'done' OR r.at < t.done_at").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM steps s JOIN tickets t ON t.id = s.ticket_id JOIN procedures p"
                      " ON p.id = t.procedure_id WHERE p.same_day = 0 OR s.ended_at > t.done_at + 0.001"
                      " OR s.started_at < t.served_at - 0.001").fetchone()[0] == 0
    statuses = dict(db.execute("SELECT status, COUNT(*) FROM tickets GROUP BY status").fetchall())
    assert statuses["done"] > 0.8 * issued and 0 < statuses["no_show"] < 0.1 * issued
    assert db.execute("SELECT COUNT(DISTINCT origin) FROM events").fetchone()[0] == 1


def test_an_office_rhythm(db: sqlite3.Connection) -> None:
    by_day = dict(db.execute("SELECT weekday, COUNT(*) / COUNT(DISTINCT day) FROM tickets GROUP BY weekday"))
    assert 7 not in by_day  # closed on Sunday
    assert by_day[1] > by_day[5] > by_day[6]  # Monday peak, Saturday mornings only
    assert db.execute("SELECT MAX(hour) FROM tickets WHERE weekday = 6").fetchone()[0] <= 11
    by_hour = dict(db.execute("SELECT hour, COUNT(*) FROM tickets GROUP BY hour"))
    assert max(by_hour, key=by_hour.__getitem__) in (8, 9) and 12 not in by_hour
    kinds = {r[0] for r in db.execute("SELECT DISTINCT session_type FROM tickets")}
    assert kinds == {"regular", "saturday", "special", "mobile"}
    assert db.execute("SELECT COUNT(*) FROM tickets WHERE appointment_id IS NOT NULL").fetchone()[0] > 0


def test_several_centres_and_no_second_fill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["simulate", "--days", "3", "--db", str(tmp_path / "hub.db"), "--centres", "2", "--per-day", "10"])
    codes = []
    for name in ("hub-sim01.db", "hub-sim02.db"):
        conn = sqlite3.connect(tmp_path / name)
        codes.append((conn.execute("SELECT code FROM office").fetchone()[0],
                      conn.execute("SELECT DISTINCT origin FROM tickets").fetchall()))
    assert codes == [("sim01", [("sim01",)]), ("sim02", [("sim02",)])]
    with pytest.raises(SystemExit, match="already has tickets"):
        simulate(tmp_path / "hub-sim01.db", days=1)
