"""`motcua demo` never deletes what it did not make: an office's folder (its server running or not) is refused
with a sentence saying why, and a demo folder is renewed without touching files someone else put there.
Each test runs the real `motcua` commands in child processes, as an IT officer would type them."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

from server.store.db import connect
from tests.conftest import KIOSK
from tests.procs import ROOT, ServerProcess, child_server, toml_sections

MOTCUA = [sys.executable, "-m", "server.cli"]
VOICE_OFF = toml_sections({"voice": {"enabled": False}})


def motcua(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def office(tmp_path: Path) -> ServerProcess:
    """An office made the way an office is made: `motcua init` on its own config (not started)."""
    server = child_server(tmp_path, "office", extra=VOICE_OFF)
    done = motcua("init", "--config", str(server.config))
    assert done.returncode == 0, done.stderr
    return server


def test_demo_refuses_the_folder_of_a_running_office_server(tmp_path: Path) -> None:
    server = office(tmp_path).start()
    try:
        before = server.db_file.stat().st_size
        done = motcua("demo", "--config", str(server.config))
        assert done.returncode != 0
        assert "đang chạy" in done.stderr and "running" in done.stderr, done.stderr
        assert server.db_file.exists() and server.db_file.stat().st_size >= before
        assert Path(f"{server.db_file}.lock").exists()
        with urllib.request.urlopen(server.base + "/readyz", timeout=5) as r:  # the office still serves
            assert r.status == 200
    finally:
        server.stop()


def test_demo_refuses_an_office_database_even_with_its_server_stopped(tmp_path: Path) -> None:
    server = office(tmp_path)
    data = server.db_file.parent
    before = sorted(p.name for p in data.iterdir())
    for argv in (("demo",), ("demo", "--keep")):
        done = motcua(*argv, "--config", str(server.config))
        assert done.returncode != 0
        assert str(data) in done.stderr and "không phải" in done.stderr and "not a demo" in done.stderr, done.stderr
    assert sorted(p.name for p in data.iterdir()) == before


def test_demo_refuses_a_folder_holding_files_it_did_not_make(tmp_path: Path) -> None:
    home = tmp_path / "giay-to"
    home.mkdir()
    (home / "bao-cao.xlsx").write_bytes(b"not ours")
    done = motcua("demo", "--data-dir", str(home), "--port", "1")
    assert done.returncode != 0 and "bao-cao.xlsx" in done.stderr, done.stderr
    assert [p.name for p in home.iterdir()] == ["bao-cao.xlsx"]


def test_demo_renews_its_own_folder_and_keeps_what_others_put_there(tmp_path: Path) -> None:
    demo = child_server(tmp_path, "demo", extra=VOICE_OFF)
    demo.command = ("demo",)
    demo.start(timeout=60)
    try:
        issue = urllib.request.Request(demo.base + "/api/tickets", data=json.dumps({"procedure_id": 1}).encode(),
                                       headers={**KIOSK, "Content-Type": "application/json"})
        with urllib.request.urlopen(issue, timeout=10) as r:
            assert r.status in (200, 201)
            mine = json.load(r)["id"]
    finally:
        demo.stop()
    data = demo.db_file.parent
    assert (data / "motcua-demo.txt").exists() and mine in ticket_ids(demo.db_file)
    (data / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    demo.start(timeout=60)  # fresh again: its own database is made anew (a new history), the ticket gone
    demo.stop()
    assert mine not in ticket_ids(demo.db_file)
    assert demo.log.read_text(encoding="utf-8").count("demo sign-ins") == 2
    assert (data / "ghi-chu.txt").read_text(encoding="utf-8") == "của tôi"


def ticket_ids(db_file: Path) -> set[str]:
    conn = connect(db_file, readonly=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM tickets")}
    finally:
        conn.close()


class Links(HTMLParser):
    """The links of a page, as a visitor clicks them."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Status and body, redirects followed (the admin page sends a visitor to its sign-in form)."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=20) as r:
        return r.status, r.read()


def test_the_demo_front_page_links_every_page_and_the_office_looks_lived_in(tmp_path: Path) -> None:
    demo = child_server(tmp_path, "demo", extra=VOICE_OFF)
    demo.command = ("demo",)
    demo.start(timeout=120)
    try:
        status, page = get(demo.base + "/")
        assert status == 200
        links = Links()
        links.feed(page.decode("utf-8"))
        paths = [href.split("?")[0] for href in links.hrefs]
        for path in ("/kiosk", "/display", "/counter", "/leader", "/rate/3", "/book", "/reports", "/admin"):
            assert path in paths, path
        assert any(p.startswith("/t/") for p in paths)  # today's example ticket's status page
        assert "Trang theo dõi lượt" in page.decode("utf-8") and "Ki-ốt lấy số" in page.decode("utf-8")
        for href in links.hrefs:
            assert get(demo.base + href)[0] == 200, href
        # last month's report has figures: the demo wrote its history
        leader = login(demo.base, "lanhdao", "lanhdao-demo")
        today = date.today()
        last_month_end = today.replace(day=1) - timedelta(days=1)
        report = json.loads(get(f"{demo.base}/api/reports?from={last_month_end.replace(day=1)}&to={last_month_end}",
                                leader)[1])
        assert report["total"]["issued"] > 500
        # the coming week can be booked
        slots = json.loads(get(f"{demo.base}/api/appointments/slots?days=8")[1])["slots"]
        assert len({s["start"][:10] for s in slots}) >= 4
    finally:
        demo.stop()


def login(base: str, username: str, password: str) -> dict[str, str]:
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(base + "/api/login", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as r:
        return {"Authorization": f"Bearer {json.load(r)['token']}"}
