"""The database's storage going wrong: `motcua serve` on a missing, empty, mistyped, read-only or damaged
database refuses with the file's name and the cure; damage inside a table is found by the quick_check after
start; a full disk answers a clear 503, one log line a minute, and shows on /readyz and the devices page.

The faults are real: a tmpfs mounted read-only, a tmpfs filled to the last byte, pages of a real database
file written over with garbage. Mounting needs root (the suite runs as root; elsewhere these tests skip)."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.config import Config
from server.domain.clock import FakeClock
from server.pages.admin.site import LANG_COOKIE
from server.store.integrity import DatabaseProblem
from tests.conftest import KIOSK, issue, make_config, use_demo_db
from tests.procs import ROOT, free_port, write_config
from tests.server.pages.test_admin import admin_session


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small file system of its own, unmounted afterwards whatever happened."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def serve(tmp_path: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`motcua serve` as the IT officer runs it; a refusal ends it at once (the timeout means it served)."""
    config = write_config(tmp_path / "office.toml", data_dir, port=free_port())
    try:
        return subprocess.run([sys.executable, "-m", "server.cli", "serve", "--config", str(config)], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"motcua serve served {data_dir} instead of refusing: {exc.stdout!r}")


def assert_refused(run: subprocess.CompletedProcess[str], db: Path, *words: str) -> None:
    said = run.stdout + run.stderr
    assert run.returncode == 1, said
    assert "serving" not in said and "Traceback" not in said, said
    assert str(db) in said, said
    for word in words:
        assert word in said, (word, said)


def test_serve_refuses_a_missing_empty_or_mistyped_database_and_creates_nothing(tmp_path: Path) -> None:
    office = tmp_path / "office"
    office.mkdir()
    db = office / "motcua.db"
    assert_refused(serve(tmp_path, office), db, "Không có cơ sở dữ liệu", "motcua init", "motcua restore")
    assert not db.exists()

    typo = tmp_path / "ofice"
    assert_refused(serve(tmp_path, typo), typo / "motcua.db", "data_dir", "motcua init", "motcua restore")
    assert not typo.exists()

    db.write_bytes(b"")
    assert_refused(serve(tmp_path, office), db, "rỗng", "is empty", "motcua init", "motcua restore")
    assert db.stat().st_size == 0


def test_serve_on_a_read_only_disk_or_a_damaged_file_names_the_file_and_what_to_do(tmp_path: Path,
                                                                                   template_dir: Path) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "motcua.db").write_bytes(os.urandom(64 * 4096))
    assert_refused(serve(tmp_path, damaged), damaged / "motcua.db", "bị hỏng", "damaged", "motcua restore")

    with tmpfs(tmp_path / "ro", "4m") as disk:
        use_demo_db(make_config(disk), template_dir)
        for folder in ("data/audio", "data/printed"):  # an office that has run before has these
            (disk / folder).mkdir()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert_refused(serve(tmp_path, disk / "data"), disk / "data" / "motcua.db", "chỉ đọc", "read-only")


def damage_table(db: Path, table: str) -> int:
    """Write garbage over the first page of `table` (one no part reads at start); returns its page number."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page = conn.execute("SELECT min(pageno) FROM dbstat WHERE name = ?", (table,)).fetchone()[0]
    with db.open("r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(os.urandom(page_size))
    return int(page)


async def poll(check: Callable[[], Any], what: str, deadline_s: float = 20.0) -> Any:
    """Call the async `check` until it answers something true, or fail after the deadline."""
    import asyncio

    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        got = await check()
        if got:
            return got
        await asyncio.sleep(0.05)  # polling with a deadline, not timing
    raise AssertionError(f"{what}: not within {deadline_s} s")


async def test_quick_check_after_start_finds_damage_inside_a_table_and_readyz_says_so(
        aiohttp_client: Callable[..., Any], config: Config, clock: FakeClock, template_dir: Path) -> None:
    db = use_demo_db(config, template_dir)
    damage_table(db, "mobile_imports")
    client: TestClient = await aiohttp_client(create_app(config, clock=clock))
    assert (await client.get("/api/office", headers=KIOSK)).status == 200  # it serves meanwhile

    async def checked() -> Any:
        r = await client.get("/readyz")
        storage = (await r.json())["checks"]["storage"]
        return (r.status, storage) if isinstance(storage["quick_check"], list) else None

    status, storage = await poll(checked, "the quick_check after start")
    assert status == 503 and storage["ready"] is False and storage["file"] == str(db)
    await admin_session(client)
    page = await (await client.get("/admin/devices")).text()
    assert "phát hiện hỏng" in page and "motcua restore" in page


async def test_readyz_deep_runs_the_quick_check_on_demand(client: TestClient) -> None:
    r = await client.get("/readyz?deep=1")
    storage = (await r.json())["checks"]["storage"]
    assert r.status == 200 and storage["quick_check"] == "ok" and storage["checked_at"]
    assert storage["disk_full"] is False and storage["free_mb"] > 0


async def test_an_app_started_on_a_damaged_file_names_the_file(aiohttp_client: Callable[..., Any], config: Config,
                                                               clock: FakeClock) -> None:
    config.db_file.parent.mkdir(parents=True)
    config.db_file.write_bytes(os.urandom(16 * 4096))
    with pytest.raises(DatabaseProblem) as raised:
        await aiohttp_client(create_app(config, clock=clock))
    assert raised.value.code == "corrupt" and raised.value.path == config.db_file


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left."""
    filler = disk / "filler.bin"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                if len(chunk) == 1:
                    return filler
                chunk = chunk[: len(chunk) // 2]


@pytest.fixture
async def on_small_disk(aiohttp_client: Callable[..., Any], tmp_path: Path, clock: FakeClock,
                        template_dir: Path) -> AsyncIterator[tuple[TestClient, Path]]:
    with tmpfs(tmp_path / "disk", "16m") as disk:
        config = make_config(disk)
        use_demo_db(config, template_dir)
        client = await aiohttp_client(create_app(config, clock=clock))
        yield client, disk
        await client.close()


async def test_a_full_disk_answers_503_logs_once_a_minute_and_shows_on_readyz_and_the_devices_page(
        on_small_disk: tuple[TestClient, Path], caplog: pytest.LogCaptureFixture) -> None:
    client, disk = on_small_disk
    before = await issue(client)
    await admin_session(client)
    assert (await client.get("/readyz")).status == 200
    filler = fill(disk)

    caplog.set_level(logging.INFO)
    refused = []
    for _ in range(400):  # SQLite reuses its WAL's room for a while: write until the disk says no
        r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
        if r.status != 201:
            refused.append(r)
        if len(refused) == 5:
            break
    assert len(refused) == 5, "the full disk never refused a ticket"
    for r in refused:
        body = await r.json()
        assert r.status == 503 and body["error"]["code"] == "disk_full", body
        assert "Ổ đĩa của máy chủ đã đầy" in body["error"]["message"] and "vé đã cấp vẫn an toàn" in body["error"][
            "message"]
        assert "disk is full" in body["error"]["message_en"] and "IT officer" in body["error"]["message_en"]
        assert "sqlite" not in str(body).lower() and r.headers["Retry-After"] == "60"
    lines = [rec for rec in caplog.records if "is full" in rec.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None, [rec.getMessage() for rec in caplog.records]
    assert not [rec for rec in caplog.records if rec.exc_info], "a traceback was logged"

    got = await client.get(f"/api/public/tickets/{before['status_token']}")  # tickets already issued are safe
    assert got.status == 200 and (await got.json())["number"] == before["number"]
    r = await client.get("/readyz")
    storage = (await r.json())["checks"]["storage"]
    assert r.status == 503 and storage["disk_full"] is True and storage["ready"] is False
    page = await (await client.get("/admin/devices")).text()
    assert "Ổ đĩa chứa cơ sở dữ liệu" in page and "đã đầy" in page  # the admin pages speak Vietnamese...
    english = await (await client.get("/admin/devices", cookies={LANG_COOKIE: "en"})).text()
    assert "is full" in english  # ...and English behind the language switch

    filler.unlink()  # the IT officer frees space
    r = await client.get("/readyz")
    assert r.status == 200 and (await r.json())["checks"]["storage"]["disk_full"] is False
    assert (await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)).status == 201
