"""live.js in the real browser: a server that stops answering (frozen, or a pulled cable) is noticed
by the missing pong, the page says it is offline, and it reconnects to a live server by itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import WSMsgType, web
from playwright.async_api import Browser

pytestmark = pytest.mark.browser
LIVE_JS = Path(__file__).resolve().parents[2] / "server" / "web" / "static" / "live.js"
PAGE = """<!doctype html><html><body><p id="status">-</p><p id="snaps">0</p>
<script type="module" src="/page.js"></script></body></html>"""
SCRIPT = """import { LiveClient } from "/static/live.js";
let snaps = 0;
new LiveClient({ pingEvery: 150, minDelay: 100, maxDelay: 300,
  onStatus(s) { document.getElementById("status").textContent = s; },
  onSnapshot() { snaps += 1; document.getElementById("snaps").textContent = String(snaps); },
}).start();"""


async def test_a_silent_server_is_detected_and_the_client_reconnects(aiohttp_server, browser: Browser) -> None:  # noqa: ANN001
    frozen = asyncio.Event()

    async def live(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "snapshot", "seq": 0})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and msg.data == "ping" and not frozen.is_set():
                await ws.send_json({"type": "pong"})
        return ws

    async def page_html(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def page_js(request: web.Request) -> web.Response:
        return web.Response(text=SCRIPT, content_type="text/javascript")

    async def live_js(request: web.Request) -> web.FileResponse:
        return web.FileResponse(LIVE_JS)

    app = web.Application()
    app.router.add_get("/", page_html)
    app.router.add_get("/page.js", page_js)
    app.router.add_get("/static/live.js", live_js)
    app.router.add_get("/api/live", live)
    server = await aiohttp_server(app)
    page = await browser.new_page()
    await page.goto(str(server.make_url("/")))
    await page.wait_for_function("document.getElementById('status').textContent === 'online'")
    frozen.set()  # the server keeps the socket open but says nothing more
    await page.wait_for_function("document.getElementById('status').textContent !== 'online'", timeout=5000)
    frozen.clear()
    await page.wait_for_function("Number(document.getElementById('snaps').textContent) >= 2", timeout=5000)
    assert await page.text_content("#status") == "online"
