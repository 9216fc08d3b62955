"""The hub process (`motcua hub serve`, a subprocess) is killed with SIGKILL while a centre streams a
backlog; restarted, the centre resumes from the hub's answer and every count still matches."""

from __future__ import annotations

import asyncio
import time

import pytest

from server.demo.simulate import simulate
from server.domain.clock import FakeClock
from server.hub.figures import hub_report, office_report
from server.hub.store import HubStore
from server.keys import CONFIG, SERVICES
from server.store.db import connect
from tests.conftest import MONDAY_9AM
from tests.hub_fixtures import centre_app, head_seq, until
from tests.procs import ServerProcess, free_port

pytest_plugins = ("tests.pg",)


@pytest.mark.slow
async def test_hub_killed_mid_batch_then_restarted_counts_match(aiohttp_client, pg_dsn, tmp_path) -> None:
    db = tmp_path / "sim" / "data" / "motcua.db"
    db.parent.mkdir(parents=True)
    sim = simulate(db, "sim", "sim", days=6, seed=3, per_day=60, end=MONDAY_9AM.date())
    store = await HubStore.open(pg_dsn)
    key = await store.add_centre("sim", "Trung tâm xã Mô Phỏng", time.time())
    port = free_port()
    config = tmp_path / "hub.toml"
    config.write_text(f'[hub]\ndsn = "{pg_dsn}"\n', encoding="utf-8")
    hub = ServerProcess(config, port, tmp_path / "hub.log", command=("hub", "serve", "--port", str(port)))
    try:
        await asyncio.to_thread(hub.start)  # off the loop: polls /healthz with a deadline
        app = centre_app(tmp_path, "sim", hub.base, key, FakeClock(MONDAY_9AM), batch_size=150)
        await aiohttp_client(app)
        head = head_seq(app)
        assert head == sim.events

        async def some_held() -> bool:
            return await store.pool.fetchval("SELECT held_seq FROM centres WHERE code = 'sim'") > 0

        await until(some_held, what="first batches stored")
        hub.kill()  # SIGKILL: batches are streaming back to back, one is in flight
        held = await store.pool.fetchval("SELECT held_seq FROM centres WHERE code = 'sim'")
        assert held < head
        client = app[SERVICES]["sync"]
        await until(lambda: _failed(client), what="the centre noticing the hub is gone")

        await asyncio.to_thread(hub.start)

        async def caught_up() -> bool:
            return await store.pool.fetchval("SELECT held_seq FROM centres WHERE code = 'sim'") == head

        await until(caught_up, timeout=60, what="the centre resuming after the restart")
        assert await store.pool.fetchval("SELECT COUNT(*) FROM events") == sim.events
        assert await store.pool.fetchval("SELECT events FROM centres WHERE code = 'sim'") == sim.events
        assert await store.pool.fetchval("SELECT COUNT(*) FROM tickets") == sim.tickets
        conn = connect(app[CONFIG].db_file, readonly=True)
        office = office_report(conn, "2026-11-01", "2026-11-30")["all"]
        conn.close()
        province = (await hub_report(store.pool, "2026-11-01", "2026-11-30", "all", 15))["all"]
        for k in ("issued", "served", "no_show", "ratings", "satisfied", "score_4", "recalls", "transfers"):
            assert office[k] == province[k], k
        assert abs(office["wait_mean"] - province["wait_mean"]) < 1e-6
    finally:
        hub.kill()
        await store.close()


async def _failed(client: object) -> bool:
    return getattr(client, "failures", 0) > 0 or getattr(client, "last_error", None) is not None

