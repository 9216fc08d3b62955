"""The per-day summary gives the same figures as the direct statements (`report_queries`) on a simulated
month: counts, sums, means and maxima exactly, percentiles equal (both rank whole seconds, rounded up),
whether the days come from the stored summary, are summed on the fly, or both; and a late change to a past
day (a mobile session imported the next day) is summed again by the refresh."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.demo.simulate import simulate
from server.keys import READER
from server.reports import rollup as ru
from server.reports.definitions import COUNTS, EVENT_COUNTS, GROUP_NAMES, PERCENTILES, RATINGS
from server.reports.refresh import refresh
from server.store import rollup
from server.store.db import connect
from server.store.sql.report import report_queries
from tests.server.services.test_mobile import KIOSK, admin_of, pair, upload  # noqa: F401  (the pair fixture)

FROM, TO, TARGET = "2026-10-01", "2026-10-31", 900
GROUPS = ("all", *GROUP_NAMES)  # the office's groupings (the hub adds its own to the builders' tables)
ZERO = {f.key for f in (*EVENT_COUNTS, *RATINGS) if f.unit == "count"}
KEYS = [f.key for f in (*COUNTS, *EVENT_COUNTS, *RATINGS)] + [f.key for f, _, _ in PERCENTILES]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rollup") / "office.db"
    simulate(path, "xa03", "xa03", days=40, seed=5, per_day=40, end=date(2026, 11, 3))
    return path


def _all(conn: sqlite3.Connection, group: str, name: str) -> list[dict[str, Any]]:
    sql = report_queries("sqlite", group)[name]
    cur = conn.execute(sql.for_dialect(), sql.bind({"from_day": FROM, "to_day": TO, "wait_target_s": TARGET}))
    return [dict(zip([c[0] for c in cur.description], r, strict=True)) for r in cur.fetchall()]


def direct(conn: sqlite3.Connection, group: str) -> dict[Any, dict[str, Any]]:
    """Every figure per group from the statements that read the tickets themselves."""
    rows: dict[Any, dict[str, Any]] = {}
    for name in ("summary", "events", "ratings"):
        for r in _all(conn, group, name):
            rows.setdefault(r["g"], {"outcomes": {}, "steps": {}}).update(r)
    for r in _all(conn, group, "outcomes"):
        rows[r["g"]]["outcomes"][r["outcome"] or ""] = r["n"]
    for r in _all(conn, group, "steps"):
        rows[r["g"]]["steps"][r["step"]] = {k: r[k] for k in ("n", "mean", "max", "overdue", "median", "p90")}
    return rows


def from_summary(conn: sqlite3.Connection, group: str) -> dict[Any, dict[str, Any]]:
    dirty = rollup.dirty_days(conn)
    out = {g: {**ru.figures(acc, TARGET), "steps": {}} for g, acc in rollup.read(conn, group, FROM, TO, dirty).items()}
    for g, steps in ru.steps_by_group(rollup.read(conn, group, FROM, TO, dirty, steps=True)).items():
        out[g]["steps"] = {s["step"]: {k: v for k, v in s.items() if k != "step"} for s in steps}
    return out


def assert_same(want: dict[Any, dict[str, Any]], got: dict[Any, dict[str, Any]], where: str) -> None:
    assert set(got) == set(want), where
    for g, w in want.items():
        for k in KEYS:
            a, b = w.get(k, 0 if k in ZERO else None), got[g][k]  # no rating or event: 0, no mean
            if isinstance(a, float) or isinstance(b, float):
                assert b == pytest.approx(a, rel=1e-9), (where, g, k)  # a sum added up by day: same to 1e-9
            else:
                assert a == b, (where, g, k)
        assert got[g]["outcomes"] == w["outcomes"], (where, g)
        assert set(got[g]["steps"]) == set(w["steps"]), (where, g)
        for step, ws in w["steps"].items():
            assert got[g]["steps"][step] == pytest.approx(ws, rel=1e-9), (where, g, step)


def test_summary_equals_the_direct_statements_stored_live_or_mixed(office: Path) -> None:
    conn = connect(office)
    wants = {g: direct(conn, g) for g in GROUPS}
    assert wants["all"]["all"]["issued"] > 800 and wants["all"]["all"]["recalls"] > 0
    assert rollup.dirty_days(conn) is None  # never summed: every day is summed on the fly
    for g in GROUPS:
        assert_same(wants[g], from_summary(conn, g), f"live {g}")
    rollup.refresh(conn, "2026-10-20")  # days before the 20th stored, the rest still summed live
    assert min(rollup.dirty_days(conn) or {""}) == "2026-10-20"
    assert conn.execute("SELECT COUNT(*) FROM report_rollup WHERE day >= '2026-10-20'").fetchone()[0] == 0
    for g in GROUPS:
        assert_same(wants[g], from_summary(conn, g), f"mixed {g}")
    rollup.refresh(conn, "2026-11-04")
    assert rollup.dirty_days(conn) == set()
    for g in GROUPS:
        assert_same(wants[g], from_summary(conn, g), f"stored {g}")

    # A late recall on a ticket of 3 October: only that day is dirty, and the figures follow at once.
    tid, day = conn.execute("SELECT id, day FROM tickets WHERE day = '2026-10-03' AND first_called_at IS NOT NULL"
                            " LIMIT 1").fetchone()
    conn.execute("INSERT INTO events (id, at, day, type, ticket_id) VALUES ('late-1', 0, '2026-10-05',"
                 " 'ticket.recall', ?)", (tid,))
    assert rollup.dirty_days(conn) == {day}
    assert from_summary(conn, "all")["all"]["recalls"] == wants["all"]["all"]["recalls"] + 1
    assert from_summary(conn, "day")[day]["recalls"] == wants["day"][day]["recalls"] + 1
    # The server's way: rows computed off the writer are not stored if the day changed meanwhile.
    assert rollup.dirty_before(conn, "2026-11-04") == [day]
    computed = rollup.compute(conn, day, day)
    conn.execute("INSERT INTO events (id, at, day, type, ticket_id) VALUES ('late-2', 0, '2026-10-06',"
                 " 'ticket.transfer', ?)", (tid,))
    assert not rollup.store(conn, day, day, computed) and day in rollup.dirty_days(conn)
    rollup.refresh(conn, "2026-11-04")
    assert rollup.dirty_days(conn) == set()
    assert from_summary(conn, "day")[day]["transfers"] == wants["day"][day]["transfers"] + 1
    assert conn.execute("SELECT SUM(recalls) FROM report_rollup WHERE dim = 'all' AND day = ?", (day,)).fetchone()[0] \
        == wants["day"][day]["recalls"] + 1
    conn.close()


def copy_of(office: Path, tmp_path: Path) -> sqlite3.Connection:
    """A connection to a copy of the simulated office (a test that changes it leaves the module's alone)."""
    copy = tmp_path / "copy.db"
    src = connect(office)
    src.execute("VACUUM INTO ?", (str(copy),))
    src.close()
    return connect(copy)


def test_a_procedure_target_change_sums_every_day_again(office: Path, tmp_path: Path) -> None:
    conn = copy_of(office, tmp_path)
    rollup.refresh(conn, "2026-11-04")
    before = from_summary(conn, "all")["all"]["within_service_target"]
    conn.execute("UPDATE procedures SET service_target_min = service_target_min * 3")
    assert rollup.dirty_days(conn) is None  # the stored days used the old targets: not used any more
    after = from_summary(conn, "all")["all"]["within_service_target"]
    assert after > before and after == direct(conn, "all")["all"]["within_service_target"]
    rollup.refresh(conn, "2026-11-04")
    assert rollup.dirty_days(conn) == set() and from_summary(conn, "all")["all"]["within_service_target"] == after
    conn.close()


async def test_a_mobile_session_imported_the_next_day_is_summed_again(pair, clock) -> None:  # noqa: ANN001, F811
    office, laptop = pair
    monday = clock.now().date().isoformat()
    for client in (laptop, laptop, laptop, office):  # three at the mobile session, one at the office
        r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
        assert r.status == 201, await r.text()
    clock.advance(minutes=24 * 60)
    await refresh(office.app)  # Monday is summed at the office: no mobile tickets there yet
    reader = office.app[READER]

    def mobile_monday() -> int:
        row = reader.execute("SELECT SUM(issued) FROM report_rollup WHERE dim = 'session_type' AND k = 'mobile'"
                             " AND day = ?", (monday,)).fetchone()
        return row[0] or 0

    def stored_monday() -> int:
        return reader.execute("SELECT issued FROM report_rollup WHERE dim = 'all' AND day = ?", (monday,)).fetchone()[0]

    dirty = rollup.dirty_days(reader)
    assert mobile_monday() == 0 and dirty is not None and monday not in dirty
    assert stored_monday() == 1
    r = await laptop.get("/api/mobile/export", params={"day": monday}, headers=await admin_of(laptop))
    assert r.status == 200, await r.text()
    status, body = await upload(office, await r.text())
    assert status == 200 and body["changed"]["tickets"] == 3
    assert monday in rollup.dirty_days(reader)  # the imported events name Monday's tickets
    assert rollup.read(reader, "session_type", monday, monday, rollup.dirty_days(reader))["mobile"].sums["issued"] == 3
    await refresh(office.app)
    assert mobile_monday() == 3 and monday not in rollup.dirty_days(reader)
    assert stored_monday() == 4


def test_a_summary_of_an_older_definition_is_summed_again(office: Path, tmp_path: Path) -> None:
    """A summary stored before a dimension's key changed (v1 put a ticket sent on to another counter under no
    counter) is not used: every day is summed again, as after a change of a procedure's target."""
    conn = copy_of(office, tmp_path)
    rollup.refresh(conn, "2026-11-04")
    assert rollup.dirty_days(conn) == set()
    conn.execute("UPDATE report_rollup_state SET catalog = substr(catalog, instr(catalog, ';') + 1)")  # as v1 wrote
    assert rollup.dirty_days(conn) is None
    rollup.refresh(conn, "2026-11-04")
    assert rollup.dirty_days(conn) == set()
    assert_same(direct(conn, "counter"), from_summary(conn, "counter"), "summed again")
    conn.close()
