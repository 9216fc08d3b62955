"""The hub stores a centre's batch once however many copies arrive at the same time (a retry racing the
original over a slow line), and centres pushing at once do not disturb each other: ingest runs on a pool,
and the centre's row lock orders one centre's batches."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from server.demo.simulate import simulate
from server.hub.protocol import parse_batch
from server.hub.store import HubStore
from server.store import sync as sync_store
from server.store.db import connect
from tests.hub_fixtures import until

pytest_plugins = ("tests.pg",)

END = date(2026, 11, 23)


def first_batch(path: Path, code: str) -> tuple[bytes, int, int]:
    """(the body of a centre's first batch, its last seq, its ticket count)."""
    conn = connect(path, readonly=True)
    try:
        batch = sync_store.read_batch(conn, 0, 5000)
        body = {"centre": code, **batch, "catalog": sync_store.catalog(conn)}
    finally:
        conn.close()
    return json.dumps(body).encode(), batch["events"][-1]["seq"], len(batch["rows"]["tickets"])


async def figures(store: HubStore, cid: int) -> list[dict[str, Any]]:
    return [dict(r) for r in await store.pool.fetch(
        "SELECT day, dim, k, issued, served, wait_sum, recalls, ratings FROM report_rollup WHERE centre_id = $1"
        " ORDER BY day, dim, k", cid)]


async def test_two_copies_of_a_batch_at_once_are_stored_once(pg_dsn, tmp_path) -> None:
    sim = simulate(tmp_path / "a.db", "a", "a", days=4, seed=5, per_day=40, end=END)
    body, last, tickets = first_batch(sim.path, "a")
    store = await HubStore.open(pg_dsn)
    try:
        await store.add_centre("a", "Xã A", time.time())
        cid = await store.pool.fetchval("SELECT id FROM centres WHERE code = 'a'")
        async with store.pool.acquire() as holder, holder.transaction():
            # Hold the centre's row so both copies are inside ingest, waiting on the same lock, before either runs.
            await holder.execute("SELECT 1 FROM centres WHERE id = $1 FOR UPDATE", cid)
            pushes = [asyncio.ensure_future(store.ingest(cid, parse_batch(body), time.time())) for _ in range(2)]

            async def both_waiting() -> bool:
                return await store.pool.fetchval(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE 'SELECT held_seq FROM centres%'") == 2

            await until(both_waiting, what="both copies waiting on the centre's row")
        answers = await asyncio.gather(*pushes)
        assert [a["held"] for a in answers] == [last, last]
        assert await store.pool.fetchval("SELECT COUNT(*) FROM events") == last
        assert await store.pool.fetchval("SELECT events FROM centres WHERE id = $1", cid) == last
        assert await store.pool.fetchval("SELECT COUNT(*) FROM tickets") == tickets
        once = await figures(store, cid)
        assert sum(r["issued"] for r in once if r["dim"] == "all") == tickets
        assert await store.ingest(cid, parse_batch(body), time.time()) == answers[0]  # a third, later copy
        assert await figures(store, cid) == once
    finally:
        await store.close()


async def test_centres_pushing_at_once_each_get_their_own_figures(pg_dsn, tmp_path) -> None:
    sims = {code: simulate(tmp_path / f"{code}.db", code, code, days=3, seed=seed, per_day=30, end=END)
            for code, seed in (("a", 1), ("b", 2), ("c", 3))}
    store = await HubStore.open(pg_dsn)
    try:
        ids = {}
        for code in sims:
            await store.add_centre(code, f"Xã {code.upper()}", time.time())
            ids[code] = await store.pool.fetchval("SELECT id FROM centres WHERE code = $1", code)
        bodies = {code: first_batch(sim.path, code) for code, sim in sims.items()}
        answers = await asyncio.gather(*(store.ingest(ids[c], parse_batch(b[0]), time.time())
                                         for c, b in bodies.items()))
        assert [a["held"] for a in answers] == [b[1] for b in bodies.values()]
        for code, (_, last, tickets) in bodies.items():
            cid = ids[code]
            assert await store.pool.fetchval("SELECT COUNT(*) FROM events WHERE centre_id = $1", cid) == last
            assert sum(r["issued"] for r in await figures(store, cid) if r["dim"] == "all") == tickets
    finally:
        await store.close()
