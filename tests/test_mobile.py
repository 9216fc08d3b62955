"""Mobile-session files in process: the laptop's series, a file from another office, a truncated file,
two laptops on one series (UNIQUE(day, number) would break: refused, nothing imported), import twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from ulid import ULID

from server.app import create_app
from server.domain.clock import FakeClock
from server.keys import READER
from server.store import calendar as store

from .conftest import KIOSK, login, make_config, use_demo_db

MOBILE = {"enabled": True, "place": "Nhà văn hóa khu vực 4", "series": "LD"}


async def start(aiohttp_client: Callable[..., Any], folder: Path, template_dir: Path, clock: FakeClock,
                **sections: dict[str, Any]) -> TestClient:
    config = make_config(folder, voice={"enabled": False}, **sections)
    use_demo_db(config, template_dir)
    return await aiohttp_client(create_app(config, clock=clock))


@pytest.fixture
async def pair(aiohttp_client, tmp_path, template_dir, clock) -> tuple[TestClient, TestClient]:  # noqa: ANN001
    office = await start(aiohttp_client, tmp_path / "office", template_dir, clock)
    laptop = await start(aiohttp_client, tmp_path / "laptop", template_dir, clock,
                         server={"machine_id": "laptop-nvh4"}, mobile=MOBILE)
    return office, laptop


_ADMIN: dict[int, dict[str, str]] = {}


async def admin_of(client: TestClient) -> dict[str, str]:
    """One admin sign-in per app: password hashing is slow on purpose."""
    if id(client) not in _ADMIN:
        _ADMIN[id(client)] = await login(client, "admin")
    return _ADMIN[id(client)]


async def export(laptop: TestClient) -> str:
    r = await laptop.get("/api/mobile/export", headers=await admin_of(laptop))
    assert r.status == 200, await r.text()
    return await r.text()


async def upload(office: TestClient, text: str) -> tuple[int, dict[str, Any]]:
    r = await office.post("/api/mobile/import", data=text.encode(), headers=await admin_of(office))
    return r.status, await r.json()


async def test_laptop_numbers_come_from_its_series_and_import_is_idempotent(pair) -> None:  # noqa: ANN001
    office, laptop = pair
    numbers = [(await (await laptop.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)).json())["number"]
               for _ in range(2)]
    assert numbers == ["9001", "9002"]
    text = await export(laptop)
    status, first = await upload(office, text)
    assert status == 200 and first["changed"]["tickets"] == 2 and first["first_import"]
    status, again = await upload(office, text)
    assert status == 200 and not any(again["changed"].values())
    counts = store.session_type_counts(office.app[READER])
    assert counts["mobile"]["tickets"] == 2
    # The office's own LD sequence moved past the imported numbers.
    last = office.app[READER].execute("SELECT last FROM number_seq WHERE series = 'LD'").fetchone()[0]
    assert last == 2


async def test_two_laptops_on_one_series_are_refused_and_nothing_is_imported(pair) -> None:  # noqa: ANN001
    office, laptop = pair
    await laptop.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    text = await export(laptop)
    assert (await upload(office, text))[0] == 200
    # A second laptop's file: its own ids and machine, the same number 9001 the same day.
    lines = [json.loads(x) for x in text.splitlines()]
    lines[0]["machine_id"] = "laptop-2"
    new_id = str(ULID())
    for item in lines[1:-1]:
        row = item["row"]
        if item["table"] == "tickets":
            row["id"], row["origin"], row["public_token"] = new_id, "laptop-2", "other-token-123"
        elif item["table"] == "events":
            row["id"], row["ticket_id"], row["origin"] = str(ULID()), new_id, "laptop-2"
        elif item["table"] == "sessions":
            row["id"] = row["id"].replace("laptop-nvh4", "laptop-2")
    before = office.app[READER].execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    status, body = await upload(office, "\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert status == 409 and body["error"]["code"] == "mobile_number_clash"
    assert "9001" in body["error"]["message"] and "Không nhập gì" in body["error"]["message"]
    assert office.app[READER].execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == before


async def test_a_file_from_another_office_or_cut_short_is_refused(pair) -> None:  # noqa: ANN001
    office, laptop = pair
    await laptop.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    text = await export(laptop)
    lines = text.splitlines()
    header = json.loads(lines[0])
    header["office_code"] = "xa-khac"
    status, body = await upload(office, "\n".join([json.dumps(header), *lines[1:]]))
    assert status == 409 and "xa-khac" in body["error"]["message"]
    status, body = await upload(office, "\n".join(lines[:-2]))
    assert status == 422 and "incomplete" in body["error"]["message_en"]
    status, body = await upload(office, "hello")
    assert status == 422
    staff = await login(office, "canbo1")
    r = await office.post("/api/mobile/import", data=text.encode(), headers=staff)
    assert r.status == 403
    assert office.app[READER].execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0
