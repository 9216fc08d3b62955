"""Schema migrations: one numbered module each, applied in numeric order at start and recorded in the database.

To change the schema, add the next numbered module (`m0017_what_it_does.py`, with a `migrate(db)`) and list it
at the end of `STEPS`. A module's name is its migration's name as recorded in `_sqlite_migrations` (without the
`m`), so a module is never renamed once released. A failing migration rolls back and raises. (0008 was reserved
and never written.)
"""

from __future__ import annotations

from types import ModuleType

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from server.store.migrations import (
    m0001_core,
    m0002_steps_ratings,
    m0003_steps_ratings_extras,
    m0004_calendar_appointments,
    m0005_report_indexes,
    m0005b_report_rollup,
    m0006_slogans,
    m0007_sync_state,
    m0009_waiting_index,
    m0010_catalog_version,
    m0011_done_index,
    m0012_waiting_counts,
    m0013_waiting_order,
    m0014_drop_unused_indexes,
    m0015_waiting_counts_in_code,
    m0016_partial_event_indexes,
    m0017_settings,
    m0018_counter_activity,
    m0019_device_pairings,
    m0020_procedure_details,
)

STEPS: tuple[ModuleType, ...] = (
    m0001_core,
    m0002_steps_ratings,
    m0003_steps_ratings_extras,
    m0004_calendar_appointments,
    m0005_report_indexes,
    m0005b_report_rollup,
    m0006_slogans,
    m0007_sync_state,
    m0009_waiting_index,
    m0010_catalog_version,
    m0011_done_index,
    m0012_waiting_counts,
    m0013_waiting_order,
    m0014_drop_unused_indexes,
    m0015_waiting_counts_in_code,
    m0016_partial_event_indexes,
    m0017_settings,
    m0018_counter_activity,
    m0019_device_pairings,
    m0020_procedure_details,
)


def name_of(step: ModuleType) -> str:
    """`server.store.migrations.m0012_waiting_counts` -> `0012_waiting_counts`."""
    return step.__name__.rsplit(".", 1)[1].removeprefix("m")


NAMES = [name_of(step) for step in STEPS]
if sorted(NAMES) != NAMES:
    raise RuntimeError(f"migrations must be listed in numeric order: {NAMES}")

migrations = Migrations("motcua")
for _step in STEPS:
    migrations(name=name_of(_step))(_step.migrate)


def apply(db: Database) -> list[str]:
    """Apply pending migrations in numeric order; returns their names. A failing migration rolls back and raises."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
