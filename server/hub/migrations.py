"""The hub's PostgreSQL schema as numbered SQL steps, recorded in `schema_migrations`.

Each step runs in its own transaction with its record, so a failing step leaves nothing behind.
Centre tables mirror the office's (same column names, plus `centre_id` and `version`), so the
report SQL of `server.store.sql.report` runs unchanged on both stores. Procedure and field ids are
province-wide (`centre_id * 1,000,000 + the centre's id`); ticket, step and rating ids are ULIDs.
"""

from __future__ import annotations

import asyncpg

STEPS: list[tuple[int, str, str]] = [
    (1, "core", """
        CREATE TABLE centres (
            id SERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE, revoked_at DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL,
            held_seq BIGINT NOT NULL DEFAULT 0, head_seq BIGINT NOT NULL DEFAULT 0,
            last_seen DOUBLE PRECISION, last_event_at DOUBLE PRECISION,
            catalog_hash TEXT NOT NULL DEFAULT '', batches BIGINT NOT NULL DEFAULT 0,
            events BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE admins (
            id SERIAL PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL);
        CREATE TABLE events (
            centre_id INTEGER NOT NULL REFERENCES centres(id), seq BIGINT NOT NULL, id TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL, day TEXT NOT NULL, type TEXT NOT NULL, ticket_id TEXT,
            counter_id INTEGER, actor TEXT, from_status TEXT, to_status TEXT, data JSONB NOT NULL,
            origin TEXT NOT NULL DEFAULT '', PRIMARY KEY (centre_id, seq));
        CREATE TABLE fields (
            centre_id INTEGER NOT NULL REFERENCES centres(id), id INTEGER NOT NULL, code TEXT NOT NULL,
            name_vi TEXT NOT NULL, name_en TEXT NOT NULL, PRIMARY KEY (centre_id, id));
        CREATE TABLE procedures (
            centre_id INTEGER NOT NULL REFERENCES centres(id), id INTEGER NOT NULL, code TEXT NOT NULL,
            name_vi TEXT NOT NULL, name_en TEXT NOT NULL, field_id INTEGER NOT NULL,
            service_target_min INTEGER NOT NULL DEFAULT 15, legal_days REAL NOT NULL DEFAULT 0,
            same_day INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (centre_id, id));
    """),
    (2, "centre_rows", """
        CREATE TABLE tickets (
            centre_id INTEGER NOT NULL REFERENCES centres(id), id TEXT NOT NULL, day TEXT NOT NULL,
            series TEXT NOT NULL, seq INTEGER NOT NULL, number TEXT NOT NULL, procedure_id INTEGER NOT NULL,
            field_id INTEGER NOT NULL, status TEXT NOT NULL, priority TEXT, arrival_at DOUBLE PRECISION NOT NULL,
            issued_at DOUBLE PRECISION NOT NULL, called_at DOUBLE PRECISION, first_called_at DOUBLE PRECISION,
            served_at DOUBLE PRECISION, done_at DOUBLE PRECISION, counter_id INTEGER, target_counter_id INTEGER,
            calls INTEGER NOT NULL DEFAULT 0, outcome TEXT, receipt_no TEXT, wrote_forms INTEGER NOT NULL DEFAULT 0,
            served_by INTEGER, kiosk_id TEXT, session_id TEXT, session_type TEXT NOT NULL DEFAULT 'regular',
            appointment_id TEXT, slot_at DOUBLE PRECISION, origin TEXT NOT NULL DEFAULT '', hour INTEGER NOT NULL,
            weekday INTEGER NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (centre_id, id));
        CREATE INDEX tickets_day ON tickets(day, centre_id);
        CREATE TABLE steps (
            centre_id INTEGER NOT NULL REFERENCES centres(id), id TEXT NOT NULL, ticket_id TEXT NOT NULL,
            step TEXT NOT NULL, day TEXT NOT NULL, counter_id INTEGER, target_min REAL,
            started_at DOUBLE PRECISION NOT NULL, started_by INTEGER, ended_at DOUBLE PRECISION, ended_by INTEGER,
            overdue_level INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT '', version BIGINT NOT NULL,
            PRIMARY KEY (centre_id, id));
        CREATE TABLE ratings (
            centre_id INTEGER NOT NULL REFERENCES centres(id), id TEXT NOT NULL, ticket_id TEXT NOT NULL,
            day TEXT NOT NULL, counter_id INTEGER, user_id INTEGER, procedure_id INTEGER, receipt_no TEXT,
            score INTEGER NOT NULL, channel TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
            origin TEXT NOT NULL DEFAULT '', version BIGINT NOT NULL, PRIMARY KEY (centre_id, id));
        CREATE INDEX ratings_ticket ON ratings(ticket_id);
        CREATE INDEX steps_ticket ON steps(ticket_id);
        CREATE INDEX events_ticket ON events(ticket_id);
    """),
]


def _rollup() -> str:
    """The office's per-day summary (`server.reports.rollup`), one per centre, kept at ingest."""
    from server.store.sql.rollup import rollup_ddl

    ddl = rollup_ddl(key_type="BIGINT", prefix="centre_id INTEGER NOT NULL REFERENCES centres(id), ", steps=False)
    return ";\n".join([*ddl, "CREATE INDEX report_rollup_centre ON report_rollup(centre_id, day)"]) + ";"


STEPS.append((3, "report_rollup", _rollup()))

# Ingest speed. Nothing reads inside an event's `data` at the hub (it is the audit trail), so it is kept
# as `json`: PostgreSQL checks it is JSON but no longer builds jsonb's binary form for every event at COPY.
# The only query over `events` is the per-day summary's count of a ticket's recalls and transfers
# (`server.store.sql.rollup.rollup_select`): a partial index holds just those events (a few in a hundred), instead of
# every event's ticket id being added to an index that grows with the whole history.
STEPS.append((4, "events_lean", """
    ALTER TABLE events ALTER COLUMN data TYPE json USING data::json;
    DROP INDEX events_ticket;
    CREATE INDEX events_ticket_moves ON events(ticket_id) WHERE type IN ('ticket.recall', 'ticket.transfer');
"""))

# Ingest speed, again. (1) No foreign keys from the centre tables to `centres`: every row is written by ingest
# with the id of the centre whose row it has just locked, and centres are never deleted (only revoked), so
# the check PostgreSQL ran for each event and row guarded nothing.
# (2) No index over the steps' ticket ids: nothing at the hub reads steps by ticket (its summary has no step
# figures). (3) The tickets' day index leads with the centre: ingest sums one centre's days, and an index
# led by the day made that walk every centre's tickets of those days (growing with the province); the
# dashboard's count of today's waiting tickets gets a partial index of the waiting ones only.
STEPS.append((5, "ingest_lean", """
    ALTER TABLE events DROP CONSTRAINT events_centre_id_fkey;
    ALTER TABLE tickets DROP CONSTRAINT tickets_centre_id_fkey;
    ALTER TABLE steps DROP CONSTRAINT steps_centre_id_fkey;
    ALTER TABLE ratings DROP CONSTRAINT ratings_centre_id_fkey;
    ALTER TABLE report_rollup DROP CONSTRAINT report_rollup_centre_id_fkey;
    DROP INDEX steps_ticket;
    CREATE INDEX tickets_centre_day ON tickets(centre_id, day);
    CREATE INDEX tickets_waiting ON tickets(day, centre_id) WHERE status = 'waiting';
    DROP INDEX tickets_day;
"""))


# The province's letters table ("Hành chính phục vụ người dân"): which procedures carry a letter, and the day each
# centre began the model (column (3)), both sent with the centre's catalogue.
STEPS.append((6, "letters", """
    ALTER TABLE procedures ADD COLUMN letter TEXT;
    ALTER TABLE centres ADD COLUMN letters_since TEXT;
"""))


async def apply(conn: asyncpg.Connection) -> list[str]:
    """Apply pending steps in order; returns the names applied. Safe to run from two processes at once."""
    await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                       " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
    applied: list[str] = []
    for version, name, sql in STEPS:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(7007)")
            done = await conn.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version)
            if done:
                continue
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
            applied.append(f"{version:04d}_{name}")
    return applied
