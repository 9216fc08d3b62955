"""The first-run checklist (/admin/setup, and the overview's head until hidden): after `motcua init` every step
is "to do" with what is missing, each state read from the database; a step turns "done" when its page did it;
the list cannot be hidden before every step is done. The full walk through every step is the browser test
tests/browser/test_first_run.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlite_utils import Database

from server import auth
from server.config import Config
from server.demo.catalogue import seed_catalog
from server.domain import checklist
from server.store import accounts, migrations
from server.store.db import connect
from server.store.tx import Tx
from tests.conftest import MONDAY_9AM

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
STEPS = ("office", "catalogue", "counters", "printers", "devices", "voice", "ticket")


def init_database(config: Config) -> None:
    """What `motcua init` writes (server/cli cmd_init): the catalogue skeleton and one admin account."""
    config.db_file.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(config.db_file)
    migrations.apply(Database(conn))
    conn.execute("BEGIN IMMEDIATE")
    tx = Tx(conn, "office")
    seed_catalog(tx, config.office.code, config.office.name)
    accounts.insert_user(tx.conn, "admin", "Quản trị viên", "admin", auth.hash_password("quan-tri-1"),
                         MONDAY_9AM.timestamp())
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
async def fresh(aiohttp_client: Callable[..., Any], app: web.Application, config: Config) -> AsyncIterator[TestClient]:
    init_database(config)
    client = await aiohttp_client(app)
    r = await client.post("/admin/login", data={"username": "admin", "password": "quan-tri-1"}, allow_redirects=False)
    assert r.status == 303
    yield client


def states(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-done="(yes|no)"', page))


async def test_after_init_the_first_page_lists_every_step_to_do_with_what_is_missing(fresh: TestClient) -> None:
    page = await (await fresh.get("/admin")).text()
    assert list(states(page)) == list(STEPS) and set(states(page).values()) == {"no"}
    assert "Đã xong 0/7 bước" in page
    assert "Còn thiếu: tên đơn vị, mã đơn vị, địa chỉ, đường dây nóng, địa chỉ công khai cho mã QR." in page
    assert "Đang dùng danh mục mẫu (25 thủ tục trong 5 lĩnh vực)" in page
    assert "6 quầy, 0 tài khoản cán bộ." in page and "Chưa có máy in nào." in page
    assert "Đã ghép nối 0 TV, 0 ki-ốt, 0 máy đánh giá. Cần ít nhất một TV và một ki-ốt." in page
    for href in ("/admin/office", "/admin/procedures/import", "/admin/counters", "/admin/users", "/admin/printers",
                 "/admin/devices", "/admin/voice", "/kiosk"):
        assert f'href="{href}"' in page
    assert 'href="/admin/setup"' in page  # the nav keeps it reachable
    assert "Still missing" not in page and "Getting started" not in page  # English only behind the switch


async def test_a_step_turns_done_when_its_page_did_it(fresh: TestClient) -> None:
    csrf = CSRF.search(await (await fresh.get("/admin/setup")).text()).group(1)
    r = await fresh.post("/admin/office", data={
        "csrf": csrf, "section": "office", "name": "UBND xã Hòa Vang", "code": "hoavang", "address": "Thôn 1",
        "hotline": "0236 3846 111", "public_url": "http://192.168.1.10:8080", "timezone": "Asia/Ho_Chi_Minh",
        "slip_footer": ""})
    assert r.status == 200, await r.text()
    r = await fresh.post("/admin/users", data={"csrf": csrf, "username": "canbo1", "display_name": "Nguyễn Thị Lan",
                                               "role": "staff", "active": "on"})
    assert r.status == 200, await r.text()
    page = await (await fresh.get("/admin/setup")).text()
    assert states(page)["office"] == "yes", page
    assert "Đã có tên, mã, địa chỉ, đường dây nóng và địa chỉ công khai. Chưa có logo (không bắt buộc)." in page
    assert states(page)["counters"] == "yes" and "6 quầy, 1 tài khoản cán bộ." in page
    assert "Đã xong 2/7 bước" in page


async def test_the_list_cannot_be_hidden_before_every_step_is_done(fresh: TestClient) -> None:
    csrf = CSRF.search(await (await fresh.get("/admin/setup")).text()).group(1)
    r = await fresh.post("/admin/setup/hide", data={"csrf": csrf, "hide": "1"}, allow_redirects=False)
    assert r.status == 409
    assert "Chưa thể ẩn danh sách: còn 7 bước chưa xong." in await r.text()
    assert 'data-step="office"' in await (await fresh.get("/admin")).text()  # still on the overview
    await fresh.get("/admin/lang/en?next=/admin/setup")
    page = await (await fresh.get("/admin/setup")).text()
    assert "Getting started" in page and "0 of 7 steps done" in page
    assert "Still missing: the office name, the office code" in page


def test_every_step_done_allows_hiding_and_a_later_undone_step_shows_again() -> None:
    done = checklist.Facts(office_missing=(), has_logo=True, has_footer=True, fields=9, procedures=116,
                           catalogue_edited=True, counters=12, counters_idle=0, staff=12, printers=1, displays=1,
                           kiosks=1, ratings=0, voice_chosen=True, voice_enabled=True, tickets=1)
    assert checklist.all_done(checklist.steps(done))
    for change in ({"counters_idle": 1}, {"kiosks": 0}, {"catalogue_edited": False}, {"office_missing": ("code",)}):
        steps = checklist.steps(checklist.Facts(**{**done.__dict__, **change}))
        assert not checklist.all_done(steps) and sum(not s.done for s in steps) == 1, change
    defaults = {"name": "Trung tâm Phục vụ hành chính công xã", "code": "demo", "address": ""}
    office = {"name": "Trung tâm Phục vụ hành chính công xã", "code": "hoavang", "address": " ", "hotline": "1",
              "public_url": "http://x"}
    assert checklist.office_missing(office, defaults) == ("name", "address")


async def test_keeping_the_default_voice_is_a_choice_the_voice_step_records(fresh: TestClient) -> None:
    page = await (await fresh.get("/admin/setup")).text()
    assert "Chưa chọn: đang dùng giọng mặc định." in page and states(page)["voice"] == "no"
    r = await fresh.post("/admin/setup/voice", data={"csrf": CSRF.search(page).group(1)}, allow_redirects=False)
    assert r.status == 303
    page = await (await fresh.get("/admin/setup")).text()
    assert states(page)["voice"] == "yes" and "Đã chọn giọng đọc." in page
    assert 'action="/admin/setup/voice"' not in page
    audit = await (await fresh.get("/admin/audit")).text()
    assert "settings.voice" in audit
