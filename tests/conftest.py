"""Shared fixtures: the real app on a temporary SQLite file, a controllable clock, sign-ins."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from sqlite_utils import Database

from display.led.emulator import LedEmulator
from printers.emulator.server import PrinterEmulator
from server import auth as auth_module
from server.app import create_app
from server.config import Config, from_dict
from server.demo.catalogue import seed_demo
from server.domain.clock import FakeClock
from server.keys import WRITER
from server.store import migrations
from server.store.db import connect
from server.store.tx import Tx
from tests.procs import LOAD_TEST_LIMITS

# Tests sign in hundreds of times: argon2 with production cost (on purpose ~50 ms) would dominate the
# suite. Hashes carry their own parameters, so verification is the real code path either way.
auth_module._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A Monday morning in the office's time zone.
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
KIOSK = {"Authorization": "Bearer demo-kiosk-1"}
DISPLAY = {"Authorization": "Bearer demo-display-hall"}


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    raw: dict[str, Any] = {"server": {"data_dir": str(tmp_path / "data")}}
    if "security" not in sections:
        raw["security"] = dict(LOAD_TEST_LIMITS)  # see tests.procs
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return from_dict(raw)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_9AM)


async def seed(app: web.Application, now: float = 0.0) -> None:
    """Seed a running app's empty database (slow: hashes passwords). Prefer `use_demo_db`."""
    await app[WRITER].run(lambda tx: seed_demo(tx, now))


_TEMPLATE: dict[str, Path] = {}


def demo_db_template(tmp_root: Path) -> Path:
    """The demo office, seeded once per test session, then copied: argon2 hashing is slow on purpose."""
    if "path" not in _TEMPLATE:
        path = tmp_root / "demo-template.db"
        conn = connect(path)
        migrations.apply(Database(conn))
        conn.execute("BEGIN IMMEDIATE")
        seed_demo(Tx(conn, "office"), MONDAY_9AM.timestamp())
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


def use_demo_db(config: Config, tmp_root: Path) -> Path:
    """Put a fresh copy of the seeded demo database where `config` expects it (before the app starts)."""
    target = config.db_file
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_db_template(tmp_root), target)
    return target


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("template")


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[PrinterEmulator]:
    """The TCP ESC/POS printer emulator on a free port; what it prints is kept under tmp_path/printed."""
    async with PrinterEmulator(tmp_path / "printed", port=0) as emu:
        yield emu


@pytest.fixture
async def led_emulator() -> AsyncIterator[LedEmulator]:
    """The TCP LED-board emulator on a free port."""
    async with LedEmulator() as emu:
        yield emu


@pytest.fixture
async def app(config: Config, clock: FakeClock) -> web.Application:
    return create_app(config, clock=clock)


@pytest.fixture
async def client(
    aiohttp_client: Callable[..., Any], app: web.Application, config: Config, template_dir: Path
) -> AsyncIterator[TestClient]:
    use_demo_db(config, template_dir)
    c = await aiohttp_client(app)
    yield c


async def login(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    r = await client.post("/api/login", json={"username": username, "password": password or f"{username}-demo"})
    assert r.status == 200, await r.text()
    return {"Authorization": f"Bearer {(await r.json())['token']}"}


async def staff_at(client: TestClient, counter: int) -> dict[str, str]:
    """canbo<N> signed in at counter N."""
    headers = await login(client, f"canbo{counter}")
    r = await client.post(f"/api/counters/{counter}/signin", json={}, headers=headers)
    assert r.status == 200, await r.text()
    return headers


async def issue(client: TestClient, procedure_id: int = 1, priority: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"procedure_id": procedure_id}
    if priority:
        body["priority"] = priority
    r = await client.post("/api/tickets", json=body, headers=KIOSK)
    assert r.status == 201, await r.text()
    return await r.json()
