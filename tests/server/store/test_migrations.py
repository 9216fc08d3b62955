"""Migrations: applied in numeric order; a fresh database and one upgraded from any older schema are the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from server.store import migrations
from server.store.migrations import NAMES, STEPS, name_of

# The order databases made before the migrations were numbered files applied them in (the spine's module
# first, then each part's module as it was loaded): an office upgrading from then has a prefix of it.
HISTORICAL = ["0001_core", "0002_steps_ratings", "0009_waiting_index", "0011_done_index", "0012_waiting_counts",
              "0013_waiting_order", "0014_drop_unused_indexes", "0015_waiting_counts_in_code",
              "0003_steps_ratings_extras", "0004_calendar_appointments", "0005_report_indexes",
              "0005b_report_rollup", "0016_partial_event_indexes", "0006_slogans", "0007_sync_state",
              "0010_catalog_version"]


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                            " AND name != '_sqlite_migrations' ORDER BY type, name").fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join((sql or "").split())) for t, n, sql in rows]


def applied_names(path: Path) -> list[str]:
    return [m.name for m in migrations.migrations.applied(Database(path))]


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fresh.db"
    migrations.apply(Database(path))
    return path


def test_migrations_are_applied_in_numeric_order(fresh: Path) -> None:
    assert sorted(NAMES) == NAMES
    assert applied_names(fresh) == NAMES
    assert [name_of(step) for step in STEPS] == NAMES


@pytest.mark.parametrize("stop", range(1, len(NAMES)), ids=lambda k: f"from-{NAMES[k - 1]}")
def test_a_database_upgraded_from_any_older_version_is_the_fresh_schema(fresh: Path, tmp_path: Path,
                                                                          stop: int) -> None:
    older = tmp_path / "older.db"
    migrations.migrations.apply(Database(older), stop_before=NAMES[stop])
    assert applied_names(older) == NAMES[:stop]
    migrations.apply(Database(older))
    assert schema_of(older) == schema_of(fresh)


@pytest.mark.parametrize("stop", range(1, len(HISTORICAL)), ids=lambda k: f"from-{HISTORICAL[k - 1]}")
def test_a_database_made_in_the_old_registration_order_upgrades_to_the_fresh_schema(fresh: Path, tmp_path: Path,
                                                                                      stop: int) -> None:
    by_name = {name_of(step): step for step in STEPS}
    old = Migrations("motcua")  # the same set name: the record table is shared
    for name in HISTORICAL[:stop]:
        old(name=name)(by_name[name].migrate)
    older = tmp_path / "older.db"
    old.apply(Database(older))
    migrations.apply(Database(older))
    assert sorted(applied_names(older)) == sorted(NAMES)
    assert schema_of(older) == schema_of(fresh)
