"""/admin/mobile: a laptop prepared from the admin page (a zip that `motcua serve` runs in mobile mode, holding the
catalogue only), a session held on it for real, and its export uploaded on the same page: merged counts shown,
the same file refused the second time, the past imports listed."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path

import aiohttp
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from server.config import load
from tests.conftest import KIOSK
from tests.procs import ServerProcess, free_port
from tests.remote import call, sign_in, staff_at
from tests.server.pages.test_admin import admin_session, db_rows

PLACE = "Nhà văn hóa khu vực 4"


def count(db_file: Path, table: str) -> int:
    with sqlite3.connect(db_file) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def prepare(client: TestClient, csrf: str, folder: Path, laptop_port: int,
                  **change: str) -> aiohttp.ClientResponse:
    form = {"csrf": csrf, "machine_id": "laptop-nvh4", "place": PLACE, "series": "LD", "host": "127.0.0.1",
            "port": str(laptop_port), "data_dir": str(folder), **change}
    return await client.post("/admin/mobile/prepare", data=form, allow_redirects=False)


async def upload(client: TestClient, csrf: str, name: str, content: bytes) -> aiohttp.ClientResponse:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", content, filename=name, content_type="application/x-ndjson")
    return await client.post("/admin/mobile/import", data=form, allow_redirects=False)


def merged_row(page: str, table: str) -> tuple[int, int, int]:
    found = re.search(rf'<tr data-table="{table}"><td>[^<]*</td><td class="id">(\d+)</td>\s*'
                      r'<td class="id">(\d+)</td><td class="id">(\d+)</td></tr>', page)
    assert found, page
    return int(found[1]), int(found[2]), int(found[3])


@pytest.mark.slow
async def test_a_laptop_prepared_here_holds_a_session_whose_file_is_merged_once(client: TestClient,
                                                                                tmp_path: Path) -> None:
    csrf = await admin_session(client)
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    assert r.status == 201 and (await r.json())["number"] == "1001"  # the office's own queue, which stays here

    folder, port = tmp_path / "laptop", free_port()
    r = await prepare(client, csrf, folder, port)
    assert r.status == 200, await r.text()
    assert r.headers["Content-Type"] == "application/zip"
    assert 'filename="motcua-laptop-nvh4.zip"' in r.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(await r.read()))
    assert sorted(archive.namelist()) == ["HUONG-DAN.txt", "motcua.db", "motcua.toml"]
    assert PLACE in archive.read("HUONG-DAN.txt").decode()
    archive.extractall(folder)

    cfg = load(folder / "motcua.toml")
    assert cfg.server.machine_id == "laptop-nvh4" and cfg.db_file == folder / "motcua.db"
    assert cfg.mobile.model_dump() == {"enabled": True, "place": PLACE, "series": "LD"}
    for table in ("tickets", "events", "ratings", "appointments", "tokens", "audit_log", "sessions"):
        assert count(cfg.db_file, table) == 0, table
    for table in ("procedures", "fields", "counters", "users", "number_series"):
        assert count(cfg.db_file, table) == db_rows(client, f"SELECT COUNT(*) FROM {table}")[0][0] > 0, table
    audit = db_rows(client, "SELECT actor, detail FROM audit_log WHERE action = 'mobile.prepare'")
    assert len(audit) == 1 and audit[0][0] == "user:admin" and '"place": "Nhà văn hóa khu vực 4"' in audit[0][1]

    laptop = ServerProcess(folder / "motcua.toml", port, tmp_path / "laptop.log").start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            now = await (await http.get(f"{laptop.base}/api/calendar/now")).json()
            assert now["open"] and now["session"]["type"] == "mobile" and now["session"]["place"] == PLACE
            issued = [await call(http, "POST", f"{laptop.base}/api/tickets", {"procedure_id": p}, KIOSK)
                      for p in (1, 1, 10)]
            assert [t["number"] for t in issued] == ["9001", "9002", "9003"]
            staff = await staff_at(http, laptop.base, 3)
            t = (await call(http, "POST", f"{laptop.base}/api/counters/3/call-next", {}, staff))["ticket"]
            await call(http, "POST", f"{laptop.base}/api/counters/3/tickets/{t['id']}/start", {}, staff)
            await call(http, "POST", f"{laptop.base}/api/counters/3/tickets/{t['id']}/finish",
                       {"outcome": "guidance_only"}, staff)
            admin = await sign_in(http, laptop.base, "admin")
            async with http.get(f"{laptop.base}/api/mobile/export", headers=admin) as answer:
                assert answer.status == 200, await answer.text()
                exported = await answer.read()
    finally:
        laptop.stop()

    r = await upload(client, csrf, "nvh4.jsonl", exported)
    assert r.status == 303, await r.text()
    assert re.fullmatch(r"/admin/mobile\?run=\d+#result", r.headers["Location"])
    page = await (await client.get(r.headers["Location"])).text()
    assert "Đã gộp tệp nvh4.jsonl của máy laptop-nvh4" in page
    assert merged_row(page, "tickets") == (3, 3, 0)
    assert merged_row(page, "sessions") == (1, 1, 0)
    assert "2 vé còn chờ khi hết buổi được ghi là đóng cuối ngày." in page
    numbers = db_rows(client, "SELECT number, status FROM tickets ORDER BY number")
    assert numbers == [("1001", "waiting"), ("9001", "done"), ("9002", "cancelled"), ("9003", "cancelled")]

    r = await upload(client, csrf, "nvh4-copy.jsonl", exported)
    page = await r.text()
    assert r.status == 409 and "Tệp này đã được nhập lúc" in page and "không nhập lại" in page
    assert db_rows(client, "SELECT COUNT(*) FROM tickets") == [(4,)]
    history = re.search(r'<table class="list imports">.*?</table>', page, re.S)
    assert history and history[0].count("laptop-nvh4") == 1  # the past imports: this file, once

    await client.get("/admin/lang/en?next=/admin/mobile")  # the switch: English from now on
    page = await (await client.get("/admin/mobile")).text()
    assert "<h1>Mobile sessions</h1>" in page and "Files imported" in page and "Chuẩn bị máy" not in page


async def test_a_bad_laptop_id_or_file_is_refused_in_vietnamese_keeping_what_was_typed(client: TestClient,
                                                                                       tmp_path: Path) -> None:
    csrf = await admin_session(client)
    r = await prepare(client, csrf, tmp_path / "laptop", free_port(), machine_id="office")
    page = await r.text()
    assert r.status == 422, page
    assert "mã riêng" in page and 'value="Nhà văn hóa khu vực 4"' in page
    r = await prepare(client, csrf, tmp_path / "laptop", free_port(), series="ZZ")
    assert r.status == 422 and "Chưa có dãy số ZZ" in await r.text()
    r = await prepare(client, csrf, tmp_path / "laptop", free_port(), port="80000")
    assert r.status == 422 and "Cổng phải là số" in await r.text()
    r = await upload(client, csrf, "notes.txt", b"hello\n")
    page = await r.text()
    assert r.status == 422 and "Tệp phiên lưu động không hợp lệ" in page and "Traceback" not in page
    assert db_rows(client, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'mobile.%'") == [(0,)]
    assert not (tmp_path / "laptop").exists()
