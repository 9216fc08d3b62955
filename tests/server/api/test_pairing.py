"""Pairing a screen by a short code (issue 21): a new screen asks for a code, an admin confirms it, the screen's
HttpOnly cookie becomes a working device token; wrong and expired codes are clear 4xx in Vietnamese and English;
guessing is throttled; a TV's layout changed by the admin reloads it at once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from server.domain import pairing as rules
from server.domain.clock import FakeClock
from server.web.middleware import DEVICE_COOKIE
from tests.conftest import login
from tests.server.pages.test_admin import admin_session, db_rows

CSRF_META = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)">')


@pytest.fixture
async def screen(client: TestClient) -> AsyncIterator[aiohttp.ClientSession]:
    """A new screen's browser: its own cookie jar, nobody signed in."""
    async with aiohttp.ClientSession(base_url=client.make_url(""), cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        yield s


@pytest.fixture
async def admin(client: TestClient) -> dict[str, str]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other:
        async with other.post(client.make_url("/api/login"), json={"username": "admin", "password": "admin-demo"}) as r:
            assert r.status == 200
            return {"Authorization": f"Bearer {(await r.json())['token']}"}


async def ask_code(screen: aiohttp.ClientSession, **body: Any) -> dict[str, Any]:
    async with screen.post("/api/pair", json=body) as r:
        assert r.status == 200, await r.text()
        answer = await r.json()
    assert re.fullmatch(f"[{rules.ALPHABET}]{{6}}", answer["code"])
    return answer


async def state(screen: aiohttp.ClientSession) -> dict[str, Any]:
    async with screen.get("/api/pair") as r:
        assert r.status == 200
        return await r.json()


def device_cookie(screen: aiohttp.ClientSession) -> str:
    return next(c.value for c in screen.cookie_jar if c.key == DEVICE_COOKIE)


async def test_a_screen_paired_by_code_gets_a_working_device_token_and_never_sees_it(
        client: TestClient, screen: aiohttp.ClientSession, admin: dict[str, str]) -> None:
    async with screen.post("/api/pair", json={"kind": "display"}) as r:
        assert r.status == 200
        cookie = r.headers["Set-Cookie"]
        answer = await r.json()
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and DEVICE_COOKIE in cookie
    token = device_cookie(screen)
    assert token not in str(answer) and answer["pair_url"].endswith(f"/admin/devices/pair/{answer['code']}")
    assert (await state(screen)) == {"state": "waiting", "code": answer["code"], "expires_in_s": 600}
    async with screen.get("/display", allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == "/pair?for=display"

    typed = f"{answer['code'][:3].lower()} {answer['code'][3:].lower()}"  # as an admin types it
    r = await client.post(f"/api/pair/{typed.replace(' ', '-')}", headers=admin,
                          json={"kind": "display", "name": "TV quầy 1-2", "layout": "group", "counters": [1, 2]})
    assert r.status == 201, await r.text()
    device = await r.json()
    assert device["id"] == "tv-1" and device["layout"] == "group:1,2" and device["page"] == "/display"
    assert token not in await r.text()

    assert await state(screen) == {"state": "paired", "page": "/display", "kind": "display", "layout": "group:1,2"}
    async with screen.get("/display") as r:
        assert r.status == 200
        html = await r.text()
        assert 'data-layout="group"' in html and 'data-counters="1,2"' in html
        assert DEVICE_COOKIE in r.headers.get("Set-Cookie", "")  # renewed at every load
    async with screen.get("/api/queue") as r:
        assert r.status == 200
    async with screen.get("/api/me") as r:
        assert (await r.json())["device_id"] == "tv-1"
    assert db_rows(client, "SELECT COUNT(*) FROM device_pairings") == [(0,)]
    assert db_rows(client, "SELECT actor FROM audit_log WHERE action = 'device.pair'") == [("user:admin",)]

    r = await client.post(f"/api/pair/{answer['code']}", headers=admin, json={"kind": "display", "name": "again"})
    assert r.status == 404  # a code works once


async def test_a_wrong_or_expired_code_is_a_clear_4xx_in_vietnamese_and_english(
        client: TestClient, screen: aiohttp.ClientSession, admin: dict[str, str], clock: FakeClock) -> None:
    r = await client.post("/api/pair/ZZZ222", headers=admin, json={"kind": "kiosk", "name": "Ki-ốt 2"})
    assert r.status == 404
    error = (await r.json())["error"]
    assert error["code"] == "pair_code_unknown"
    assert error["message"].startswith("Không có màn hình nào đang chờ ghép nối với mã ZZZ 222")
    assert error["message_en"].startswith("No screen is waiting to be paired with code ZZZ 222")
    r = await client.post("/api/pair/AB1", headers=admin, json={"kind": "kiosk", "name": "Ki-ốt 2"})
    assert r.status == 422
    assert (await r.json())["error"]["message"] == "Mã ghép nối gồm 6 chữ cái và chữ số, ví dụ ABC 234."

    answer = await ask_code(screen, kind="kiosk")
    clock.advance(minutes=10, seconds=1)
    assert (await state(screen))["state"] == "expired"
    r = await client.post(f"/api/pair/{answer['code']}", headers=admin, json={"kind": "kiosk", "name": "Ki-ốt 2"})
    assert r.status == 404 and (await r.json())["error"]["code"] == "pair_code_unknown"
    async with screen.get("/pair?for=kiosk") as r:  # the screen's page, reloaded, shows a new code
        assert r.status == 200
        assert answer["code"] not in await r.text()
    assert (await state(screen))["state"] == "waiting"


async def test_wrong_codes_are_throttled_for_everyone_who_types_them(
        client: TestClient, admin: dict[str, str], clock: FakeClock) -> None:
    body = {"kind": "display", "name": "TV"}
    for _ in range(5):
        assert (await client.post("/api/pair/ZZZ222", headers=admin, json=body)).status == 404
    r = await client.post("/api/pair/ZZZ223", headers=admin, json=body)
    assert r.status == 429 and int(r.headers["Retry-After"]) >= 1
    error = (await r.json())["error"]
    assert error["code"] == "pair_throttled"
    assert "quá nhiều lần" in error["message"] and "Too many" in error["message_en"]
    clock.advance(seconds=7)
    assert (await client.post("/api/pair/ZZZ222", headers=admin, json=body)).status == 404
    # the admin pages count the same misses
    csrf = await admin_session(client)
    assert csrf
    r = await client.get("/admin/devices?pair=ZZZ222")
    assert r.status == 429 and "quá nhiều lần" in await r.text()


async def test_one_machine_cannot_ask_for_codes_without_end(client: TestClient) -> None:
    async with aiohttp.ClientSession(base_url=client.make_url(""), cookie_jar=aiohttp.DummyCookieJar()) as s:
        for _ in range(5):  # no cookie kept: each ask is a new code
            async with s.post("/api/pair", json={}) as r:
                assert r.status == 200
        async with s.post("/api/pair", json={}) as r:
            assert r.status == 429 and (await r.json())["error"]["code"] == "pair_request_throttled"
        async with s.get("/pair") as r:
            assert r.status == 429 and "quá nhiều mã ghép nối" in await r.text()
    assert db_rows(client, "SELECT COUNT(*) FROM device_pairings") == [(5,)]


async def test_a_reloaded_pairing_page_keeps_its_code(client: TestClient, screen: aiohttp.ClientSession) -> None:
    async with screen.get("/pair?for=display") as r:
        first = re.search(r'data-code="(\w+)"', await r.text()).group(1)
    async with screen.get("/pair?for=display") as r:
        html = await r.text()
        assert f'data-code="{first}"' in html and "data:image/svg+xml;base64," in html
    assert db_rows(client, "SELECT code, kind FROM device_pairings") == [(first, "display")]


async def test_screens_opened_without_a_device_go_to_pairing(client: TestClient) -> None:
    for url, target in (("/display", "/pair?for=display"), ("/kiosk", "/pair?for=kiosk"),
                        ("/rate/3", "/pair?for=rating&counter=3"), ("/rate", "/pair?for=rating")):
        r = await client.get(url, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"] == target, url
    r = await client.get("/kiosk?device=wrong-token")  # a wrong link is explained, not replaced
    assert r.status == 403 and "Ki-ốt này chưa được đăng ký" in await r.text()
    r = await client.get("/rate", headers={"Authorization": "Bearer demo-rate-3"}, allow_redirects=False)
    assert r.headers["Location"] == "/rate/3"


async def test_a_kiosk_paired_by_code_issues_tickets_with_its_cookie_and_csrf(
        client: TestClient, screen: aiohttp.ClientSession, admin: dict[str, str]) -> None:
    answer = await ask_code(screen, kind="kiosk")
    r = await client.post(f"/api/pair/{answer['code']}", headers=admin,
                          json={"kind": "kiosk", "name": "Ki-ốt cửa phụ", "printer_id": "nope"})
    assert r.status == 422 and (await r.json())["error"]["code"] == "pair_unknown_printer"
    r = await client.post(f"/api/pair/{answer['code']}", headers=admin, json={"kind": "kiosk", "name": "Ki-ốt cửa phụ"})
    assert r.status == 201 and (await r.json())["id"] == "kiosk-2"  # kiosk-1 is the demo's
    async with screen.get("/kiosk") as r:
        assert r.status == 200
        csrf = CSRF_META.search(await r.text()).group(1)
    async with screen.post("/api/tickets", json={"procedure_id": 1}) as r:
        assert r.status == 403  # a cookie without its CSRF token writes nothing
    async with screen.post("/api/tickets", json={"procedure_id": 1}, headers={"X-CSRF-Token": csrf}) as r:
        assert r.status == 201, await r.text()


async def test_a_rating_tablet_needs_its_counter_and_opens_that_counters_page(
        client: TestClient, screen: aiohttp.ClientSession, admin: dict[str, str]) -> None:
    answer = await ask_code(screen, kind="rating", counter_id=4)
    r = await client.post(f"/api/pair/{answer['code']}", headers=admin, json={"kind": "rating", "name": "Máy 4"})
    assert r.status == 422 and "gắn với một quầy" in (await r.json())["error"]["message"]
    r = await client.post(f"/api/pair/{answer['code']}", headers=admin,
                          json={"kind": "rating", "name": "Máy đánh giá quầy 4", "counter_id": 4})
    assert r.status == 201
    assert (await state(screen))["page"] == "/rate/4"
    async with screen.get("/rate/4") as r:
        assert r.status == 200 and CSRF_META.search(await r.text())


async def test_only_an_admin_confirms_a_code(client: TestClient, screen: aiohttp.ClientSession) -> None:
    answer = await ask_code(screen)
    staff = await login(client, "canbo1")
    r = await client.post(f"/api/pair/{answer['code']}", headers=staff, json={"kind": "display", "name": "TV"})
    assert r.status == 403
    async with screen.post(f"/api/pair/{answer['code']}", json={"kind": "display", "name": "TV"}) as r:
        assert r.status == 401  # the waiting screen cannot pair itself
    assert (await state(screen))["state"] == "waiting"


async def test_the_admin_pairs_through_the_devices_page(client: TestClient, screen: aiohttp.ClientSession) -> None:
    answer = await ask_code(screen, kind="display")
    r = await client.get(f"/admin/devices/pair/{answer['code']}", allow_redirects=False)
    assert r.headers["Location"] == f"/admin/login?next=/admin/devices/pair/{answer['code']}"  # the QR, signed out
    csrf = await admin_session(client)
    page = await (await client.get(f"/admin/devices?pair={answer['code'][:3]} {answer['code'][3:]}")).text()
    assert rules.shown(answer["code"]) in page and "127.0.0.1" in page and "Bố cục màn hình" in page
    r = await client.post(f"/admin/devices/pair/{answer['code']}", allow_redirects=False,
                          data={"csrf": csrf, "kind": "display", "name": "", "layout": "hall"})
    assert r.status == 422 and "Cần nhập Tên / vị trí" in await r.text()
    r = await client.post(f"/admin/devices/pair/{answer['code']}", allow_redirects=False,
                          data={"csrf": csrf, "kind": "display", "name": "TV tầng 2", "layout": "counter"})
    assert r.status == 422 and "đúng một quầy" in await r.text()
    r = await client.post(f"/admin/devices/pair/{answer['code']}", allow_redirects=False,
                          data={"csrf": csrf, "kind": "display", "name": "TV tầng 2", "layout": "counter",
                                "single_counter": "5"})
    assert r.status == 303 and r.headers["Location"] == "/admin/devices?paired=tv-1"
    assert "Đã ghép nối TV tầng 2" in await (await client.get("/admin/devices?paired=tv-1")).text()
    assert (await state(screen))["layout"] == "group:5"


async def receive_type(ws: aiohttp.ClientWebSocketResponse, wanted: str, timeout_s: float = 10) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            message = await ws.receive_json()
            if message.get("type") == wanted:
                return message


async def test_a_tv_whose_layout_the_admin_changes_reloads_at_once(client: TestClient) -> None:
    ws = await client.ws_connect("/api/live?token=demo-display-hall")
    await receive_type(ws, "snapshot")
    other = await client.ws_connect("/api/live?token=demo-kiosk-1")
    await receive_type(other, "snapshot")
    csrf = await admin_session(client)
    page = await (await client.get("/admin/devices/tv-hall/screen")).text()
    assert 'value="hall" checked' in page
    r = await client.post("/admin/devices/tv-hall/screen", allow_redirects=False,
                          data={"csrf": csrf, "name": "TV sảnh", "layout": "group", "counters": ["1", "3"]})
    assert r.status == 303
    assert await receive_type(ws, "device.reload") == {"type": "device.reload"}
    html = await (await client.get("/display?device=demo-display-hall")).text()
    assert 'data-layout="group"' in html and 'data-counters="1,3"' in html  # not the cached principal's hall
    r = await client.post("/admin/devices/tv-hall/screen", data={"csrf": csrf, "name": "TV sảnh", "layout": "floor",
                                                                 "floor": "nowhere"})
    assert r.status == 422 and "khu vực" in await r.text()
    assert db_rows(client, "SELECT layout FROM devices WHERE id = 'tv-hall'") == [("group:1,3",)]
    # revoking it sends it back to pairing at once
    r = await client.post("/admin/devices/tv-hall/revoke", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    assert await receive_type(ws, "device.reload") == {"type": "device.reload"}
    await other.send_str("ping")  # answered through the same queue: a reload for the kiosk would come first
    assert (await other.receive_json()) == {"type": "pong"}
    await ws.close()
    await other.close()
