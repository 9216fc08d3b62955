"""How soon the hall shows a call: counter's HTTP answer -> number in the TV page's DOM (real Chromium) and
-> number on the counter's LED board (the TCP emulator). The spine's bench covers call -> WebSocket delivery.

    .venv/bin/python bench/bench_display.py --calls 50

Prints one table (milliseconds). Each call is a callNext at counter 3 followed by a no-show to free it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient, TestServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from display.led.emulator import LedEmulator  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import from_dict  # noqa: E402
from server.demo.catalogue import seed_demo  # noqa: E402
from server.domain.clock import FakeClock  # noqa: E402
from server.keys import WRITER  # noqa: E402
from tests.browser.conftest import launch  # noqa: E402
from tests.browser.test_display_page import WATCH_HERO  # noqa: E402

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))]
    return f"| {name:<34} | {len(values):>5} | {statistics.median(values):>7.1f} | {p99:>7.1f} | {ordered[-1]:>7.1f} |"


async def run(calls: int) -> None:
    async with LedEmulator() as emu:
        with tempfile.TemporaryDirectory() as data:
            config = from_dict({"server": {"data_dir": data}, "voice": {"enabled": False},
                                "led": {"boards": [{"address": "Q3", "counter": 3, "port": emu.port}]}})
            app = create_app(config, clock=FakeClock(MONDAY_9AM))
            async with TestClient(TestServer(app)) as client:
                await app[WRITER].run(lambda tx: seed_demo(tx, MONDAY_9AM.timestamp()))
                login = await client.post("/api/login", json={"username": "canbo3", "password": "canbo3-demo"})
                staff = {"Authorization": f"Bearer {(await login.json())['token']}"}
                await client.post("/api/counters/3/signin", json={}, headers=staff)
                for _ in range(calls):
                    issued = await client.post("/api/tickets", json={"procedure_id": 1}, headers=staff)
                    assert issued.status == 201, await issued.text()
                async with launch() as browser:
                    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
                    await page.goto(str(client.make_url("/display?device=demo-display-hall&sound=off")))
                    await page.wait_for_function("() => window.motcuaDisplay && window.motcuaDisplay.snapshots >= 1")
                    await page.evaluate(WATCH_HERO)
                    to_page, to_led = [], []
                    for _ in range(calls):
                        r = await client.post("/api/counters/3/call-next", headers=staff)
                        answered_wall, answered = time.time() * 1000, time.perf_counter()
                        ticket = (await r.json())["ticket"]
                        await emu.wait_for("Q3", ticket["number"])
                        to_led.append((time.perf_counter() - answered) * 1000)
                        await page.wait_for_function("n => n in window.seen", arg=ticket["number"])
                        to_page.append(await page.evaluate("n => window.seen[n]", ticket["number"]) - answered_wall)
                        await client.post(f"/api/counters/3/tickets/{ticket['id']}/no-show", headers=staff)
    print("| path (from the callNext HTTP answer) | calls |  p50 ms |  p99 ms |  max ms |")
    print("|------------------------------------|------:|--------:|--------:|--------:|")
    print(row("TV page shows the number (DOM)", to_page))
    print(row("counter LED board shows it (ACK)", to_led))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    asyncio.run(run(parser.parse_args().calls))


if __name__ == "__main__":
    main()
