"""A Friday at the cultural house, end to end: two real `motcua serve` processes (the office and the laptop,
separate SQLite files, 127.0.0.1), tickets issued, served and rated on the laptop over HTTP, `motcua export`,
`motcua import` into the office, then the same file uploaded again: the office counts each ticket once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from server.store import calendar as store
from server.store.db import connect
from tests.conftest import KIOSK
from tests.procs import ServerProcess, demo_server, toml_sections
from tests.remote import call, sign_in, staff_at

MOTCUA = [sys.executable, "-m", "server.cli"]
VOICE_OFF = toml_sections({"voice": {"enabled": False}})
MOBILE = toml_sections({"mobile": {"enabled": True, "place": "Nhà văn hóa khu vực 4", "series": "LD"}})


@pytest.fixture
def servers(tmp_path: Path, template_dir: Path) -> Iterator[dict[str, ServerProcess]]:
    office = demo_server(tmp_path / "office", template_dir, extra=VOICE_OFF, machine_id="office")
    laptop = demo_server(tmp_path / "laptop", template_dir, extra=VOICE_OFF + MOBILE, machine_id="laptop-nvh4")
    started = []
    try:
        for server in (office, laptop):
            started.append(server)
            server.start()
        yield {"office": office, "laptop": laptop}
    finally:
        for server in started:
            server.stop()


@pytest.mark.slow
async def test_a_mobile_session_is_merged_into_the_office_once(servers: dict[str, ServerProcess],
                                                                tmp_path: Path) -> None:
    laptop, office = servers["laptop"].base, servers["office"].base
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        now = await (await http.get(f"{laptop}/api/calendar/now")).json()
        assert now["open"] and now["session"]["type"] == "mobile"
        assert now["session"]["place"] == "Nhà văn hóa khu vực 4"
        issued = [await call(http, "POST", f"{laptop}/api/tickets", {"procedure_id": p}, KIOSK) for p in (1, 1, 10)]
        assert [t["number"] for t in issued] == ["9001", "9002", "9003"]
        staff = await staff_at(http, laptop, 3)
        for _ in range(2):
            t = (await call(http, "POST", f"{laptop}/api/counters/3/call-next", {}, staff))["ticket"]
            await call(http, "POST", f"{laptop}/api/counters/3/tickets/{t['id']}/start", {}, staff)
            await call(http, "POST", f"{laptop}/api/counters/3/tickets/{t['id']}/finish",
                       {"outcome": "guidance_only"}, staff)
        await call(http, "POST", f"{laptop}/api/ratings", {"status_token": issued[0]["status_token"], "score": 4}, {})
        office_ticket = await call(http, "POST", f"{office}/api/tickets", {"procedure_id": 1}, KIOSK)
        assert office_ticket["number"] == "1001"

        out = tmp_path / "nvh4.jsonl"
        done = subprocess.run([*MOTCUA, "export", "--config", str(servers["laptop"].config), "--out", str(out)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        first = subprocess.run([*MOTCUA, "import", str(out), "--config", str(servers["office"].config)],
                               capture_output=True, text=True, timeout=60)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["changed"]["tickets"] == 3

        admin = await sign_in(http, office, "admin")
        async with http.post(f"{office}/api/mobile/import", data=out.read_bytes(), headers=admin) as r:
            again = await r.json()
            assert r.status == 200, again
        assert again["changed"] == {"sessions": 0, "tickets": 0, "events": 0, "steps": 0, "ratings": 0}
        assert again["rows"]["tickets"] == 3 and again["first_import"] is False

    conn = connect(servers["office"].db_file, readonly=True)
    laptop_conn = connect(servers["laptop"].db_file, readonly=True)
    try:
        counts = store.session_type_counts(conn)
        laptop_counts = store.session_type_counts(laptop_conn)
        # The ticket left waiting at the laptop arrives closed, with the one event that closed it.
        assert counts["mobile"] == {"tickets": 3, "done": 2, "events": laptop_counts["mobile"]["events"] + 1,
                                    "ratings": 1}
        assert conn.execute("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'").fetchone()[0] == 1  # 1001
        assert counts["regular"]["tickets"] == 1
        numbers = [r[0] for r in conn.execute("SELECT number FROM tickets ORDER BY number")]
        assert numbers == ["1001", "9001", "9002", "9003"]
        sess = conn.execute("SELECT type, place, origin FROM sessions WHERE type = 'mobile'").fetchall()
        assert [tuple(r) for r in sess] == [("mobile", "Nhà văn hóa khu vực 4", "laptop-nvh4")]
        origins = {tuple(r) for r in conn.execute("SELECT e.origin, e.type FROM events e JOIN tickets t"
                                                  " ON t.id = e.ticket_id WHERE t.session_type = 'mobile'")}
        assert {o for o, _ in origins} == {"laptop-nvh4", "office"}
        assert {t for o, t in origins if o == "office"} == {"ticket.cancel"}  # only the closing at import
    finally:
        conn.close()
        laptop_conn.close()
