"""The province dashboard and its XLSX, over a real PostgreSQL with two simulated centres: figures as the
office writes them (1.234,5; "–" for none, never "None"), each column the figure its label names, compared with
the statements of the office report run on each centre's own SQLite file; the XLSX carries the letters report
("Hành chính phục vụ người dân") with one unit per centre, as each centre counts it."""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from server.auth import hash_password
from server.config import from_dict
from server.demo.simulate import simulate
from server.domain.clock import FakeClock
from server.hub.app import STORE, create_hub_app
from server.hub.figures import office_report
from server.reports import service
from tests.conftest import TZ
from tests.hub_fixtures import push_all

pytest_plugins = ("tests.pg",)
TODAY = "2026-11-23"  # a Monday: the hub's clock below


def cells(html: str, name: str) -> list[str]:
    """The text of each cell of the dashboard row of centre `name`."""
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if name in r)
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in found]


def vi(share: float) -> str:
    """A share as the office's report page writes it (vi-VN, one decimal, none when whole)."""
    return f"{100 * share:.1f}".replace(".", ",").removesuffix(",0") + " %"


async def test_dashboard_figures_and_the_province_letters_sheet(aiohttp_client: Any, pg_dsn: str,
                                                                tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 16, 30, tzinfo=TZ))
    hub = create_hub_app(from_dict({"hub": {"dsn": pg_dsn, "wait_target_min": 5}}), clock=clock)
    client = await aiohttp_client(hub)
    store, now = hub[STORE], clock.now().timestamp()
    await store.add_admin("tinh", hash_password("tinh-mat-khau"), now)
    centres = {"an-nhon": ("Trung tâm PVHCC xã An Nhơn", date(2026, 11, 24), "2024-03-01"),  # busy today
               "hoai-thanh": ("Trung tâm PVHCC xã Hoài Thanh", date(2026, 11, 21), "")}  # no ticket today
    dbs = {}
    for i, (code, (name, end, since)) in enumerate(centres.items()):
        await store.add_centre(code, name, now)
        cid = await store.pool.fetchval("SELECT id FROM centres WHERE code = $1", code)
        dbs[code] = simulate(tmp_path / f"{code}.db", code, code, days=20, seed=i, per_day=80, end=end).path
        await push_all(store, cid, code, dbs[code], now - 60, letters_since=since)
    r = await client.post("/hub/login", data={"username": "tinh", "password": "tinh-mat-khau"}, allow_redirects=False)
    assert r.status == 303
    html = await (await client.get("/hub")).text()
    assert "None" not in html
    assert "Gọi trong mức chờ 5 phút (hôm nay)" in html and "Phục vụ đúng hạn (hôm nay)" in html

    conn = sqlite3.connect(dbs["an-nhon"])
    want = office_report(conn, TODAY, TODAY, wait_target_min=5)["all"]
    conn.close()
    busy = cells(html, "An Nhơn")
    assert busy[2] == f"{want['served']:,}".replace(",", ".")
    assert busy[3] == f"{want['wait_max'] / 60:.1f}".replace(".", ",").removesuffix(",0")
    assert busy[4] == vi(want["within_wait_target_share"]) and busy[5] == vi(want["within_service_target_share"])
    assert want["within_wait_target_share"] != want["within_service_target_share"]
    quiet = cells(html, "Hoài Thanh")
    assert quiet[2:6] == ["0", "–", "–", "–"]  # no call today: nothing to show, said as "–"

    r = await client.get("/hub/export.xlsx", params={"month": "2026-11"})
    assert r.status == 200
    wb = load_workbook(io.BytesIO(await r.read()))
    unit = list(wb["Thư HCPVND theo đơn vị"].iter_rows(values_only=True))
    body = unit[unit.index(tuple(service.letters(dbs["an-nhon"], date(2026, 11, 1), date(2026, 11, 30))
                                 ["numbers"])) + 1:]
    for row, code in zip(body, ("an-nhon", "hoai-thanh"), strict=False):
        own = service.letters(dbs[code], date(2026, 11, 1), date(2026, 11, 30))["total"]
        assert row[1] == centres[code][0] and (row[2] or "") == ("01/03/2024" if code == "an-nhon" else "")
        assert row[3:] == tuple(own[k] for k in ("total", "congratulation", "birth", "marriage", "death"))
        assert own["total"] > 0
    assert body[2][1] == "Tổng cộng" and body[2][3] == sum(r[3] for r in body[:2])
    procedures = list(wb["Thư HCPVND theo thủ tục"].iter_rows(values_only=True))
    assert procedures[-1][0] == "TỔNG" and procedures[-1][3] == body[2][3]
