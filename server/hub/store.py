"""The hub's only SQL for centres, admins and ingest (report SQL is in figures.py/queries.py).

Ingest stores one batch in one transaction: the centre's row is locked (`FOR UPDATE`), so a retry
racing the original is serialised while other centres' batches go on beside it (the pool); events
above the held seq go in by one binary COPY; rows are upserted from one JSON array each, only when
their `version` is not older than the held one. So a 5,000-event batch is a handful of statements, not
thousands. The days of the batch's tickets are then summed again (`figures.rebuild_rollup`) in the
same transaction, so the summary never lags the rows.
"""

from __future__ import annotations

import secrets
from typing import Any

import asyncpg
from pydantic_core import to_json

from server.auth import token_hash
from server.domain.errors import DomainError
from server.hub import migrations
from server.hub.figures import ID_SPAN, rebuild_rollup
from server.hub.protocol import (
    EVENT_COLUMNS,
    FIELD_COLUMNS,
    PROCEDURE_COLUMNS,
    ROW_TABLES,
    Batch,
    Event,
    actor_kind,
    strip_personal,
)

# Per-centre integer ids made province-wide (figures.ID_SPAN), so report joins never cross centres.
GLOBAL_IDS = {"tickets": ("procedure_id", "field_id"), "ratings": ("procedure_id",),
              "procedures": ("id", "field_id"), "fields": ("id",)}


class HubStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, dsn: str, *, min_size: int = 1, max_size: int = 8) -> HubStore:
        conn = await asyncpg.connect(dsn)
        try:
            await migrations.apply(conn)
        finally:
            await conn.close()
        return cls(await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size))

    async def close(self) -> None:
        await self.pool.close()

    # -- centres and admins ------------------------------------------------------------------------
    async def add_centre(self, code: str, name: str, now: float) -> str:
        """Register a centre; returns its key (shown once: only its hash is kept)."""
        key = secrets.token_urlsafe(32)
        try:
            await self.pool.execute("INSERT INTO centres (code, name, key_hash, created_at) VALUES ($1, $2, $3, $4)",
                                    code, name, token_hash(key), now)
        except asyncpg.UniqueViolationError as exc:
            raise DomainError("hub_centre_exists", centre=code) from exc
        return key

    async def revoke_centre(self, code: str, now: float) -> None:
        done = await self.pool.execute("UPDATE centres SET revoked_at = $2 WHERE code = $1", code, now)
        if done.endswith(" 0"):
            raise DomainError("hub_centre_unknown", status=404, centre=code)

    async def centre_for_key(self, key: str) -> asyncpg.Record | None:
        return await self.pool.fetchrow(
            "SELECT id, code, name, held_seq, catalog_hash FROM centres WHERE key_hash = $1 AND revoked_at IS NULL",
            token_hash(key))

    async def centres(self) -> list[asyncpg.Record]:
        return await self.pool.fetch(
            "SELECT id, code, name, revoked_at, held_seq, head_seq, last_seen, last_event_at, batches, events"
            " FROM centres ORDER BY code")

    async def add_admin(self, username: str, password_hash: str, now: float) -> None:
        await self.pool.execute(
            "INSERT INTO admins (username, password_hash, created_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash",
            username, password_hash, now)

    async def admin_hash(self, username: str) -> str | None:
        return await self.pool.fetchval("SELECT password_hash FROM admins WHERE username = $1", username)

    # -- ingest ------------------------------------------------------------------------------------
    async def ingest(self, centre_id: int, batch: Batch, now: float) -> dict[str, Any]:
        try:
            return await self._ingest(centre_id, batch, now)
        except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError, ValueError, TypeError) as exc:
            # A malformed row: the whole batch is refused (nothing stored) with the database's reason.
            raise DomainError("invalid_input", status=422, detail=str(exc)[:300]) from exc

    async def _ingest(self, centre_id: int, batch: Batch, now: float) -> dict[str, Any]:
        async with self.pool.acquire() as conn, conn.transaction():
            held = await conn.fetchval("SELECT held_seq FROM centres WHERE id = $1 FOR UPDATE", centre_id)
            if batch.after > held:
                raise DomainError("hub_sync_gap", status=409, after=batch.after, held=held)
            fresh = [e for e in batch.events if e["seq"] > held]
            if fresh:
                await self._insert_events(conn, centre_id, fresh)
            for table, rows in batch.rows.items():
                if table in ROW_TABLES and rows:
                    await self._upsert(conn, table, centre_id, ROW_TABLES[table], rows)
            if batch.catalog is not None:
                await self._upsert(conn, "fields", centre_id, FIELD_COLUMNS, batch.catalog.fields, versioned=False)
                await self._upsert(conn, "procedures", centre_id, PROCEDURE_COLUMNS, batch.catalog.procedures,
                                   versioned=False)
                if batch.catalog.letters_since is not None:
                    await conn.execute("UPDATE centres SET letters_since = $2 WHERE id = $1", centre_id,
                                       batch.catalog.letters_since)
            days = {str(r["day"]) for r in batch.rows.get("tickets", []) if r.get("day")}
            if batch.catalog is not None:  # a service target may have changed: every day of the centre again
                days |= {r[0] for r in await conn.fetch("SELECT DISTINCT day FROM tickets WHERE centre_id = $1",
                                                        centre_id)}
            if days:
                await rebuild_rollup(conn, centre_id, sorted(days))
            new_held = fresh[-1]["seq"] if fresh else held
            return dict(await conn.fetchrow(
                "UPDATE centres SET held_seq = $2, head_seq = GREATEST(head_seq, $3, $2), last_seen = $4,"
                " last_event_at = COALESCE($5, last_event_at), batches = batches + 1, events = events + $6,"
                " catalog_hash = COALESCE($7, catalog_hash) WHERE id = $1"
                " RETURNING held_seq AS held, catalog_hash",
                centre_id, new_held, batch.head, now, fresh[-1]["at"] if fresh else None, len(fresh),
                batch.catalog.hash if batch.catalog else None))

    async def _insert_events(self, conn: asyncpg.Connection, centre_id: int, events: list[Event]) -> None:
        """COPY (binary): safe without ON CONFLICT because only seqs above the locked held_seq get here.
        Event data is written by pydantic's serialiser (compact JSON, ~4x faster than the json module's)."""
        records = [
            (centre_id, e["seq"], e["id"], e["at"], e["day"], e["type"], e.get("ticket_id"), e.get("counter_id"),
             actor_kind(e.get("actor")), e.get("from_status"), e.get("to_status"),
             to_json(strip_personal(e["data"])).decode() if e.get("data") else "{}", e.get("origin", ""))
            for e in events
        ]
        await conn.copy_records_to_table("events", records=records, columns=["centre_id", *EVENT_COLUMNS])

    async def _upsert(self, conn: asyncpg.Connection, table: str, centre_id: int, columns: tuple[str, ...],
                      rows: list[dict[str, Any]], *, versioned: bool = True) -> None:
        """Rows go to PostgreSQL as one JSON array (pydantic's serialiser, one call) that
        `json_populate_recordset` reads into the table's own row type: every cell is converted by the
        database, not by Python, and a value of the wrong type refuses the batch with the database's reason.
        One row per id (the newest version: one INSERT may not touch a row twice)."""
        names = [*columns, "version"] if versioned else list(columns)
        values = ", ".join(f"$1 * {ID_SPAN} + x.{c}" if c in GLOBAL_IDS.get(table, ()) else f"x.{c}" for c in names)
        update = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c != "id")
        newest = ", x.version DESC" if versioned else ""
        guard = f" WHERE {table}.version <= EXCLUDED.version" if versioned else ""
        await conn.execute(
            f"INSERT INTO {table} (centre_id, {', '.join(names)})"
            f" SELECT DISTINCT ON (x.id) $1, {values} FROM json_populate_recordset(NULL::{table}, $2::json) x"
            f" ORDER BY x.id{newest} ON CONFLICT (centre_id, id) DO UPDATE SET {update}{guard}",
            centre_id, to_json(rows).decode())
