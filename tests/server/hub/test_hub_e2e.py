"""End to end on a real PostgreSQL: three centres with their own SQLite files push to one hub; one is
cut off for a simulated week, then reconnected; the hub's figures equal each centre's own report,
every ticket counted once; a batch replayed by hand changes nothing."""

from __future__ import annotations

import gzip
import json
import random
import time
from typing import Any

import aiohttp
import pytest

from server.config import from_dict
from server.domain.clock import FakeClock
from server.hub.app import STORE, create_hub_app
from server.hub.figures import hub_report, office_report
from server.keys import CONFIG
from server.reports.definitions import all_figures
from server.store import sync as sync_store
from server.store.db import connect
from tests.conftest import MONDAY_9AM
from tests.hub_fixtures import Proxy, centre_app, head_seq, run_day, seeded, until

pytest_plugins = ("tests.pg",)

CODES = ("an-nhon", "binh-duong", "cat-hai")
FIGURE_KEYS = [f.key for f in all_figures()]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-6
    return a == b


async def hub_state(hub: Any, code: str) -> dict[str, Any]:
    row = await hub[STORE].pool.fetchrow("SELECT id, held_seq, events FROM centres WHERE code = $1", code)
    return dict(row)


@pytest.mark.slow
async def test_three_centres_one_cut_off_for_a_week_then_figures_match(aiohttp_server, aiohttp_client, pg_dsn,
                                                                        tmp_path) -> None:
    hub = create_hub_app(from_dict({"hub": {"dsn": pg_dsn}}))
    hub_srv = await aiohttp_server(hub)
    keys = {c: await hub[STORE].add_centre(c, f"Trung tâm xã {c}", time.time()) for c in CODES}
    proxy = Proxy(hub_srv.port)
    proxy_url = f"http://127.0.0.1:{await proxy.start()}"
    direct_url = f"http://127.0.0.1:{hub_srv.port}"
    apps, clocks = {}, {}
    for code in CODES:
        clocks[code] = FakeClock(MONDAY_9AM)
        apps[code] = centre_app(tmp_path, code, proxy_url if code == "cat-hai" else direct_url, keys[code],
                                clocks[code])
        await aiohttp_client(apps[code])
        await seeded(apps[code])
    proxy.cut()
    rng = random.Random(11)
    for day in range(2):
        for code in CODES[:2]:
            await run_day(apps[code], clocks[code], day, 4, rng)
    for day in range(7):  # the cut-off centre works a whole week with no line to the province
        await run_day(apps["cat-hai"], clocks["cat-hai"], day, 3, rng)

    for code in CODES[:2]:
        await until(lambda c=code: _held_is_head(hub, apps[c], c), what=f"{code} synced")
    assert (await hub_state(hub, "cat-hai"))["held_seq"] < head_seq(apps["cat-hai"])

    proxy.mend()
    await until(lambda: _held_is_head(hub, apps["cat-hai"], "cat-hai"), what="cat-hai caught up")
    await proxy.stop()

    day_from, day_to = "2026-11-23", "2026-11-30"
    hub_rows = await hub_report(hub[STORE].pool, day_from, day_to, "centre", 15)
    totals: dict[str, int] = {}
    for code in CODES:
        conn = connect(apps[code][CONFIG].db_file, readonly=True)
        office = office_report(conn, day_from, day_to, "all")["all"]
        tickets = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        conn.close()
        state = await hub_state(hub, code)
        mine = hub_rows[state["id"]]
        diff = {k: (office[k], mine[k]) for k in FIGURE_KEYS if not same(office[k], mine[k])}
        assert not diff, f"{code}: office vs hub differ: {diff}"
        assert office["ratings"] > 0 and office["served"] > 0
        assert office["outcomes"] == mine["outcomes"]
        pool = hub[STORE].pool
        assert await pool.fetchval("SELECT COUNT(*) FROM tickets WHERE centre_id = $1", state["id"]) == tickets
        assert await pool.fetchval("SELECT COUNT(*) FROM events WHERE centre_id = $1", state["id"]) == events
        assert state["events"] == events  # every event stored once, even across the cut
        for k in ("issued", "served", "ratings", "satisfied"):
            totals[k] = totals.get(k, 0) + office[k]
    province = (await hub_report(hub[STORE].pool, day_from, day_to, "all", 15))["all"]
    assert {k: province[k] for k in totals} == totals

    # Personal data stays at the centre: the rating reason (a name and a phone) never reached the hub.
    leaked = await hub[STORE].pool.fetchval("SELECT COUNT(*) FROM events WHERE data::text LIKE '%0912345678%'")
    assert leaked == 0
    assert await hub[STORE].pool.fetchval("SELECT COUNT(*) FROM events WHERE actor LIKE 'user:%'") == 0

    # A batch replayed by hand (the first one again) changes nothing.
    before = await hub[STORE].pool.fetchval("SELECT COUNT(*) || '/' || SUM(version) FROM tickets")
    conn = connect(apps["an-nhon"][CONFIG].db_file, readonly=True)
    batch = {"protocol": 1, "centre": "an-nhon", **sync_store.read_batch(conn, 0, 40)}
    conn.close()
    body = gzip.compress(json.dumps(batch).encode())
    async with aiohttp.ClientSession() as http, http.post(f"{direct_url}/api/sync/batch", data=body, headers={
            "Authorization": f"Bearer {keys['an-nhon']}", "Content-Encoding": "gzip",
            "Content-Type": "application/json"}) as r:
        assert r.status == 200, await r.text()
        assert (await r.json())["held"] == head_seq(apps["an-nhon"])
    assert await hub[STORE].pool.fetchval("SELECT COUNT(*) || '/' || SUM(version) FROM tickets") == before
    again = await hub_report(hub[STORE].pool, day_from, day_to, "centre", 15)
    assert again == hub_rows


async def _held_is_head(hub: Any, app: Any, code: str) -> bool:
    return (await hub_state(hub, code))["held_seq"] == head_seq(app) > 0


@pytest.fixture(autouse=True)
def _quiet_sync_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("ERROR", logger="server.hub.push")
