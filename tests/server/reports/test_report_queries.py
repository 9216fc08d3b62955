"""The report's SQL builders are portable: the same statements give the same figures on SQLite and on a
real PostgreSQL (the province hub), for every grouping. Also the parameter style of each driver."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from server.demo.simulate import simulate
from server.reports.definitions import GROUP_NAMES
from server.store.sql.report import Sql, report_queries
from tests.pg import pg_dsn, pg_server  # noqa: F401  (fixtures)

GROUPS = ("all", *GROUP_NAMES)  # the office's groupings (the hub adds its own to the builders' tables)

PARAMS = {"from_day": "2026-10-01", "to_day": "2026-10-31", "wait_target_s": 900}
TABLES = {
    "procedures": ("id INTEGER", "service_target_min INTEGER", "name_vi TEXT", "letter TEXT"),
    "tickets": ("id TEXT", "day TEXT", "procedure_id INTEGER", "field_id INTEGER", "status TEXT", "priority TEXT",
                "arrival_at DOUBLE PRECISION", "first_called_at DOUBLE PRECISION", "served_at DOUBLE PRECISION",
                "done_at DOUBLE PRECISION", "counter_id INTEGER", "target_counter_id INTEGER", "served_by INTEGER",
                "outcome TEXT",
                "wrote_forms INTEGER", "session_type TEXT", "appointment_id TEXT", "hour INTEGER", "weekday INTEGER"),
    "events": ("seq BIGINT", "day TEXT", "type TEXT", "ticket_id TEXT", "counter_id INTEGER"),
    "ratings": ("ticket_id TEXT", "score INTEGER"),
    "steps": ("ticket_id TEXT", "step TEXT", "started_at DOUBLE PRECISION", "ended_at DOUBLE PRECISION",
              "target_min DOUBLE PRECISION", "ended_reason TEXT"),
}


def test_parameters_for_each_driver() -> None:
    sql = Sql("SELECT CAST(x AS date)::text, 'a:b' FROM t WHERE d >= :from_day AND e <= :to_day AND f = :from_day",
              "postgres")
    assert sql.params == ["from_day", "to_day"]
    assert sql.for_dialect().endswith("d >= $1 AND e <= $2 AND f = $1") and "::text" in sql.for_dialect()
    assert sql.bind({"from_day": "a", "to_day": "b", "other": 1}) == ["a", "b"]
    lite = Sql(sql.text, "sqlite")
    assert lite.for_dialect() == sql.text and lite.bind({"from_day": "a", "to_day": "b"}) == {"from_day": "a",
                                                                                              "to_day": "b"}
    with pytest.raises(KeyError, match="to_day"):
        lite.bind({"from_day": "a"})
    with pytest.raises(ValueError, match="unknown grouping"):
        report_queries("sqlite", "colour")


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q") / "office.db"
    simulate(path, "xa02", "xa02", days=40, seed=11, per_day=30, end=date(2026, 11, 3))
    return path


def _norm(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [{k: (round(float(v), 3) if isinstance(v, float) or type(v).__name__ == "Decimal" else v)
            for k, v in r.items()} for r in rows]
    return sorted(out, key=lambda r: tuple(str(v) for v in r.values()))


async def test_same_figures_on_sqlite_and_postgresql(office: Path, pg_dsn: str) -> None:  # noqa: F811
    import asyncpg

    lite = sqlite3.connect(office)
    lite.row_factory = sqlite3.Row
    pg = await asyncpg.connect(pg_dsn)
    try:
        for table, cols in TABLES.items():
            await pg.execute(f"CREATE TABLE {table} ({', '.join(cols)})")
            names = [c.split()[0] for c in cols]
            rows = lite.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            await pg.copy_records_to_table(table, records=[tuple(r) for r in rows], columns=names)
        compared = 0
        for group in GROUPS:
            for name, sql in report_queries("postgres", group).items():
                got = [dict(r) for r in await pg.fetch(sql.for_dialect(), *sql.bind(PARAMS))]
                lsql = report_queries("sqlite", group)[name]
                want = [dict(r) for r in lite.execute(lsql.for_dialect(), lsql.bind(PARAMS)).fetchall()]
                assert _norm(got) == _norm(want), (group, name)
                compared += len(want)
        assert compared > 500
    finally:
        await pg.close()
        lite.close()
