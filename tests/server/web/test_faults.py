"""Faults in a real `motcua serve`: a power cut (SIGKILL) mid-morning, and a backup restored elsewhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import KIOSK
from tests.procs import child_server, demo_server
from tests.remote import call, staff_at

pytestmark = pytest.mark.slow


async def test_power_cut_at_940_the_fourteen_waiting_keep_their_place_and_numbers_continue(
        tmp_path: Path, template_dir: Path) -> None:
    server = demo_server(tmp_path, template_dir).start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
            base = server.base
            issued = [await call(s, "POST", base + "/api/tickets", json={"procedure_id": p}, headers=KIOSK)
                      for p in [1, 10, 1, 14, 17, 1, 10, 23, 1, 2, 10, 14, 1, 3, 10, 1]]
            h3 = await staff_at(s, base, 3)
            served = (await call(s, "POST", base + "/api/counters/3/call-next", headers=h3))["ticket"]
            await call(s, "POST", f"{base}/api/counters/3/tickets/{served['id']}/no-show", headers=h3)
            h1 = await staff_at(s, base, 1)
            serving = (await call(s, "POST", base + "/api/counters/1/call-next", headers=h1))["ticket"]
            before = (await call(s, "GET", base + "/api/queue", headers=h1))["tickets"]
            waiting = [t["id"] for t in before if t["status"] == "waiting"]
            assert len(waiting) == 14

            server.kill()  # the power fails: no shutdown, no flush beyond what was committed
            server.start()

            after = (await call(s, "GET", base + "/api/queue", headers=h1))["tickets"]
            assert [t["id"] for t in after if t["status"] == "waiting"] == waiting  # same people, same order
            assert next(t for t in after if t["id"] == serving["id"])["status"] == "called"
            hotich = sorted(int(t["number"]) for t in issued if t["number"].startswith("1"))
            new = await call(s, "POST", base + "/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
            assert int(new["number"]) == hotich[-1] + 1  # numbering continues, nothing reused
            await call(s, "POST", f"{base}/api/counters/1/tickets/{serving['id']}/no-show", headers=h1)
            nxt = (await call(s, "POST", base + "/api/counters/1/call-next", headers=h1))["ticket"]
            first_for_1 = [t["id"] for t in after if t["status"] == "waiting" and t["field_id"] == 2]
            assert nxt["id"] == first_for_1[0]  # counter 1 (Chứng thực) takes up the queue where it stood
    finally:
        server.stop()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[3])


async def test_backup_restored_into_a_fresh_directory_serves_the_same_tickets(tmp_path: Path,
                                                                              template_dir: Path) -> None:
    server = demo_server(tmp_path, template_dir).start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
            tickets = [await call(s, "POST", server.base + "/api/tickets", json={"procedure_id": 10},
                                  headers=KIOSK) for _ in range(5)]
        db = server.db_file
        made = _cli("backup", "--db", str(db), "--dest", str(tmp_path / "backups"))
        assert made.returncode == 0, made.stderr
        refused = _cli("restore", made.stdout.split("backup written: ")[1].strip(), "--db", str(db))
        assert refused.returncode == 1 and "running motcua server" in refused.stderr + refused.stdout
    finally:
        server.stop()
    backup_file = made.stdout.split("backup written: ")[1].strip()
    fresh = tmp_path / "elsewhere"
    restored = _cli("restore", backup_file, "--db", str(fresh / "motcua.db"))
    assert restored.returncode == 0, restored.stderr
    other = child_server(tmp_path, "elsewhere", data_dir=fresh).start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
            for t in tickets:
                got = await call(s, "GET", f"{other.base}/api/public/tickets/{t['status_token']}")
                assert got["number"] == t["number"] and got["status"] == "waiting"
    finally:
        other.stop()
