"""Mobile-session files in process: the laptop's series, a file from another office, a truncated file,
two laptops on one series (UNIQUE(day, number) would break: refused, nothing imported), import twice."""

from __future__ import annotations

import json
import sqlite3
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
from tests.conftest import KIOSK, issue, login, make_config, staff_at, use_demo_db

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


async def test_tickets_left_waiting_at_the_laptop_arrive_as_history_never_queue(pair) -> None:  # noqa: ANN001
    office, laptop = pair
    served, waiting, called = [await issue(laptop) for _ in range(3)]
    staff = await staff_at(laptop, 3)
    for step in ("call-next", "start", "finish"):
        path = "call-next" if step == "call-next" else f"tickets/{served['id']}/{step}"
        body = {"outcome": "guidance_only"} if step == "finish" else {}
        r = await laptop.post(f"/api/counters/3/{path}", json=body, headers=staff)
        assert r.status == 200, await r.text()
    r = await laptop.post("/api/counters/3/call-next", json={}, headers=staff)
    assert (await r.json())["ticket"]["id"] == waiting["id"]
    status, result = await upload(office, await export(laptop))
    assert status == 200 and result["changed"]["tickets"] == 3
    assert result["closed"] == 2  # the one left waiting and the one left called

    reader = office.app[READER]
    rows = dict(reader.execute("SELECT id, status || '/' || COALESCE(outcome, '') FROM tickets").fetchall())
    assert rows == {served["id"]: "done/guidance_only", waiting["id"]: "cancelled/closed_at_end_of_day",
                    called["id"]: "cancelled/closed_at_end_of_day"}
    assert reader.execute("SELECT COALESCE(SUM(n), 0) FROM waiting_counts").fetchone()[0] == 0
    office_staff = await staff_at(office, 3)
    r = await office.post("/api/counters/3/call-next", json={}, headers=office_staff)
    assert r.status == 200 and (await r.json())["ticket"] is None
    queue = await (await office.get("/api/queue", headers=office_staff)).json()
    assert queue["tickets"] == []
    # The closing is an event of its own, written once: the same file again changes nothing.
    closes = reader.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.cancel'").fetchone()[0]
    assert closes == 2
    status, again = await upload(office, await export(laptop))
    assert status == 200 and not any(again["changed"].values()) and again["closed"] == 0


async def copy_office_to_laptop(office: TestClient, folder: Path, clock: FakeClock,
                                aiohttp_client: Callable[..., Any]) -> TestClient:
    """The old way to prepare a laptop: a copy of the office's database, tickets and all."""
    config = make_config(folder, voice={"enabled": False}, server={"machine_id": "laptop-nvh4"}, mobile=MOBILE)
    config.db_file.parent.mkdir(parents=True)
    target = sqlite3.connect(config.db_file)
    office.app[READER].backup(target)
    target.close()
    return await aiohttp_client(create_app(config, clock=clock))


async def test_a_laptop_serves_only_its_own_tickets_and_its_export_says_what_it_left_out(
        pair, tmp_path, clock, aiohttp_client) -> None:  # noqa: ANN001
    office, _ = pair
    at_office = await issue(office)  # 1001, waiting in the office's hall when the copy is made
    other = await issue(office)
    laptop = await copy_office_to_laptop(office, tmp_path / "copied", clock, aiohttp_client)
    mine = await issue(laptop)
    assert mine["number"] == "9001"
    staff = await staff_at(laptop, 3)
    r = await laptop.post("/api/counters/3/call-next", json={}, headers=staff)
    assert (await r.json())["ticket"]["id"] == mine["id"]  # not the office's 1001, which came first
    r = await laptop.post(f"/api/counters/3/tickets/{mine['id']}/no-show", json={}, headers=staff)
    assert r.status == 200, await r.text()
    r = await laptop.post("/api/counters/3/call-next", json={}, headers=staff)
    assert r.status == 200 and (await r.json())["ticket"] is None
    r = await laptop.post("/api/counters/3/call", json={"number": at_office["number"]}, headers=staff)
    assert r.status == 409 and "lưu động" in (await r.json())["error"]["message"]
    # A leader cancels an office ticket on the laptop: that work cannot travel, so the file says so.
    leader = await login(laptop, "lanhdao")
    r = await laptop.post(f"/api/tickets/{other['id']}/cancel", json={"reason": "x"}, headers=leader)
    assert r.status == 200, await r.text()
    header = json.loads((await export(laptop)).splitlines()[0])
    assert header["left_out"] == [{"ticket_id": other["id"], "number": other["number"], "day": other["day"],
                                   "origin": "office"}]


async def test_a_procedure_unknown_here_is_refused_by_its_code_and_nothing_is_imported(pair) -> None:  # noqa: ANN001
    office, laptop = pair
    await laptop.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    lines = (await export(laptop)).splitlines()
    header = json.loads(lines[0])
    header["keys"]["procedures"]["1"] = "TT-MOI-99"  # the laptop's catalogue has a procedure the office lacks
    status, body = await upload(office, "\n".join([json.dumps(header, ensure_ascii=False), *lines[1:]]))
    assert status == 409 and body["error"]["code"] == "mobile_unknown_procedure"
    assert "Thủ tục mã TT-MOI-99" in body["error"]["message"]
    assert "Procedure code TT-MOI-99" in body["error"]["message_en"]
    assert office.app[READER].execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0
