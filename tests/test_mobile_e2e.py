"""A Friday at the cultural house, end to end: two real `motcua serve` processes (the office and the laptop,
separate SQLite files, 127.0.0.1), tickets issued, served and rated on the laptop over HTTP, `motcua export`,
`motcua import` into the office, then the same file uploaded again: the office counts each ticket once."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from server.config import from_dict
from server.store import calendar as store
from server.store.db import connect

from .conftest import KIOSK, use_demo_db

MOTCUA = [sys.executable, "-m", "server.cli"]
SERVER_START_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, machine: str, template_dir: Path, **extra: dict[str, Any]) -> tuple[Path, Any]:
    raw: dict[str, Any] = {"server": {"host": "127.0.0.1", "port": free_port(), "data_dir": str(folder / "data"),
                                      "machine_id": machine},
                           "voice": {"enabled": False}, **extra}
    cfg = from_dict(raw)
    use_demo_db(cfg, template_dir)
    lines = []
    for section, values in raw.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()]
    path = folder / f"{machine}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, cfg


def wait_healthy(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                if b"200" in s.recv(64):
                    return
        except OSError:
            time.sleep(0.05)  # polling with a deadline, not synchronising on a guess
    raise AssertionError(f"no /healthz on port {port} within {SERVER_START_S}s")


@pytest.fixture
def servers(tmp_path: Path, template_dir: Path) -> Iterator[dict[str, Any]]:
    office_dir, laptop_dir = tmp_path / "office", tmp_path / "laptop"
    office_dir.mkdir()
    laptop_dir.mkdir()
    office_toml, office = write_config(office_dir, "office", template_dir)
    laptop_toml, laptop = write_config(laptop_dir, "laptop-nvh4", template_dir,
                                       mobile={"enabled": True, "place": "Nhà văn hóa khu vực 4", "series": "LD"})
    procs = []
    try:
        for toml, cfg in ((office_toml, office), (laptop_toml, laptop)):
            proc = subprocess.Popen([*MOTCUA, "serve", "--config", str(toml)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            procs.append(proc)
            wait_healthy(proc, cfg.server.port)
        yield {"office": office, "laptop": laptop, "office_toml": office_toml, "laptop_toml": laptop_toml}
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stderr:
                proc.stderr.close()


async def post(http: aiohttp.ClientSession, url: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    async with http.post(url, json=body, headers=headers) as r:
        assert r.status in (200, 201), await r.text()
        return await r.json()


@pytest.mark.slow
async def test_a_mobile_session_is_merged_into_the_office_once(servers: dict[str, Any], tmp_path: Path) -> None:
    laptop = f"http://127.0.0.1:{servers['laptop'].server.port}"
    office = f"http://127.0.0.1:{servers['office'].server.port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        now = await (await http.get(f"{laptop}/api/calendar/now")).json()
        assert now["open"] and now["session"]["type"] == "mobile"
        assert now["session"]["place"] == "Nhà văn hóa khu vực 4"
        issued = [await post(http, f"{laptop}/api/tickets", {"procedure_id": p}, KIOSK) for p in (1, 1, 10)]
        assert [t["number"] for t in issued] == ["9001", "9002", "9003"]
        login = await post(http, f"{laptop}/api/login", {"username": "canbo3", "password": "canbo3-demo"}, {})
        staff = {"Authorization": f"Bearer {login['token']}"}
        await post(http, f"{laptop}/api/counters/3/signin", {}, staff)
        for _ in range(2):
            t = (await post(http, f"{laptop}/api/counters/3/call-next", {}, staff))["ticket"]
            await post(http, f"{laptop}/api/counters/3/tickets/{t['id']}/start", {}, staff)
            await post(http, f"{laptop}/api/counters/3/tickets/{t['id']}/finish", {"outcome": "guidance_only"}, staff)
        await post(http, f"{laptop}/api/ratings", {"status_token": issued[0]["status_token"], "score": 4}, {})
        office_ticket = await post(http, f"{office}/api/tickets", {"procedure_id": 1}, KIOSK)
        assert office_ticket["number"] == "1001"

        out = tmp_path / "nvh4.jsonl"
        done = subprocess.run([*MOTCUA, "export", "--config", str(servers["laptop_toml"]), "--out", str(out)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        first = subprocess.run([*MOTCUA, "import", str(out), "--config", str(servers["office_toml"])],
                               capture_output=True, text=True, timeout=60)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["changed"]["tickets"] == 3

        login = await post(http, f"{office}/api/login", {"username": "admin", "password": "admin-demo"}, {})
        admin = {"Authorization": f"Bearer {login['token']}"}
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
        assert counts["mobile"] == {"tickets": 3, "done": 2, "events": laptop_counts["mobile"]["events"],
                                    "ratings": 1}
        assert counts["regular"]["tickets"] == 1
        numbers = [r[0] for r in conn.execute("SELECT number FROM tickets ORDER BY number")]
        assert numbers == ["1001", "9001", "9002", "9003"]
        sess = conn.execute("SELECT type, place, origin FROM sessions WHERE type = 'mobile'").fetchall()
        assert [tuple(r) for r in sess] == [("mobile", "Nhà văn hóa khu vực 4", "laptop-nvh4")]
        origins = {r[0] for r in conn.execute("SELECT e.origin FROM events e JOIN tickets t ON t.id = e.ticket_id"
                                              " WHERE t.session_type = 'mobile'")}
        assert origins == {"laptop-nvh4"}
    finally:
        conn.close()
        laptop_conn.close()
