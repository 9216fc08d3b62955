"""The hall wiring: calls become announcements (WAV served, broadcast to the TVs, in order, recall again),
counter LED boards show the number and clear it, a dead board never holds up a call, and the TV page and the
audio route refuse what they should."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from display.led.emulator import LedEmulator
from display.service import hall_of
from server.config import Config
from server.domain.clock import FakeClock
from server.keys import SESSIONS, WRITER
from tests.conftest import DISPLAY, issue, login, make_config, staff_at


@pytest.fixture
def config(tmp_path: Path, led_emulator: LedEmulator) -> Config:
    boards = [{"address": "Q3", "counter": 3, "port": led_emulator.port, "timeout": 1.0},
              {"address": "MAIN", "port": led_emulator.port, "timeout": 1.0}]
    return make_config(tmp_path, led={"boards": boards})


async def next_of(ws: Any, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    """The next live message of a type, skipping others; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        msg = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
        if msg["type"] == kind:
            return msg


async def call_next(client: TestClient, headers: dict[str, str], counter: int = 3) -> dict[str, Any]:
    r = await client.post(f"/api/counters/{counter}/call-next", headers=headers)
    assert r.status == 200, await r.text()
    return (await r.json())["ticket"]


async def test_a_call_is_announced_with_its_audio_and_a_recall_is_announced_again(client: TestClient) -> None:
    staff = await staff_at(client, 3)
    await issue(client, 1)
    async with client.ws_connect("/api/live?token=demo-display-hall") as ws:
        await next_of(ws, "snapshot")
        ticket = await call_next(client, staff)
        first = await next_of(ws, "announcement")
        r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/recall", headers=staff)
        assert r.status == 200
        again = await next_of(ws, "announcement")
    assert first["ticket_id"] == ticket["id"] and first["number"] == ticket["number"] and not first["recall"]
    assert first["counter"] == "Quầy số 3" and first["counter_id"] == 3
    assert first["text"] == f"Xin mời công dân có số thứ tự {ticket['number']} đến Quầy số 3"
    assert first["spoken"].endswith("đến Quầy số ba")
    assert first["chime"] == "/audio/chime.wav"
    assert again["recall"] and again["audio"] == first["audio"]
    wav = await client.get(first["audio"])
    assert wav.status == 200 and (await wav.read())[:4] == b"RIFF"
    assert (await client.get("/audio/chime.wav")).status == 200


@pytest.mark.parametrize("name", ["nothing.wav", "..%2Fmotcua.db", "%2Fetc%2Fpasswd", "CHIME.WAV", "a" * 64])
async def test_audio_serves_only_cache_names(client: TestClient, name: str) -> None:
    r = await client.get(f"/audio/{name}")
    assert r.status == 404


async def test_the_counter_board_shows_the_called_number_and_clears_when_done(
    client: TestClient, led_emulator: LedEmulator
) -> None:
    staff = await staff_at(client, 3)
    await issue(client, 1)
    ticket = await call_next(client, staff)
    await led_emulator.wait_for("Q3", ticket["number"])
    await led_emulator.wait_for("MAIN", f"{ticket['number']} - Quầy số 3")
    assert led_emulator.modes["MAIN"] == "M"
    assert (await client.post(f"/api/counters/3/tickets/{ticket['id']}/start", headers=staff)).status == 200
    assert led_emulator.texts["Q3"] == ticket["number"]  # serving keeps the number up
    r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/finish", json={"outcome": "guidance_only"},
                          headers=staff)
    assert r.status == 200, await r.text()
    await led_emulator.wait_for("Q3", None)


async def test_a_no_show_clears_the_board_too(client: TestClient, led_emulator: LedEmulator) -> None:
    staff = await staff_at(client, 3)
    await issue(client, 1)
    ticket = await call_next(client, staff)
    await led_emulator.wait_for("Q3", ticket["number"])
    r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/no-show", headers=staff)
    assert r.status == 200
    await led_emulator.wait_for("Q3", None)


async def test_a_dead_board_never_holds_up_a_call(client: TestClient, led_emulator: LedEmulator) -> None:
    await led_emulator.stop()  # the board loses power
    staff = await staff_at(client, 3)
    await issue(client, 1)
    started = time.monotonic()
    ticket = await call_next(client, staff)
    answered = time.monotonic() - started
    hall = hall_of(client.app)
    worker = hall.workers[0]
    await worker.wait_state("offline", timeout=5)
    assert ticket is not None and answered < worker.timeout  # the answer did not wait for the board
    r = await client.get("/readyz")
    checks = (await r.json())["checks"]["hall"]
    assert checks["led"]["Q3"]["state"] == "offline" and checks["led"]["Q3"]["last_error"]


async def test_preview_returns_the_phrase_and_its_audio(client: TestClient) -> None:
    admin = await login(client, "admin")
    r = await client.post("/api/announcements/preview", json={"number": "1025", "counter_name": "quầy số 3"},
                          headers=admin)
    assert r.status == 200, await r.text()
    body = await r.json()
    assert body["text"] == "Xin mời công dân có số thứ tự một nghìn không trăm hai mươi lăm đến quầy số ba"
    assert (await client.get(body["audio"])).status == 200
    leader = await login(client, "lanhdao")
    r = await client.post("/api/announcements/preview", json={"number": "7", "counter_id": 2}, headers=leader)
    assert (await r.json())["display"] == "Xin mời công dân có số thứ tự 7 đến Quầy số 2"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [({"number": "12A", "counter_id": 3}, 422, "ticket_unreadable"),
     ({"number": "12", "counter_id": 99}, 404, "counter_not_found"),
     ({"number": "12", "counter_id": 3, "counter_name": "x"}, 422, "invalid_input"),
     ({"number": "12"}, 422, "invalid_input")],
)
async def test_preview_refuses_clearly(client: TestClient, body: dict[str, Any], status: int, code: str) -> None:
    admin = await login(client, "admin")
    r = await client.post("/api/announcements/preview", json=body, headers=admin)
    error = (await r.json())["error"]
    assert r.status == status and error["code"] == code and error["message"]


async def test_preview_is_for_admins_and_leaders(client: TestClient) -> None:
    staff = await staff_at(client, 3)
    r = await client.post("/api/announcements/preview", json={"number": "1", "counter_id": 3}, headers=staff)
    assert r.status == 403
    r = await client.post("/api/announcements/preview", json={"number": "1", "counter_id": 3}, headers=DISPLAY)
    assert r.status == 403


async def test_the_tv_page_needs_a_display_link(client: TestClient) -> None:
    r = await client.get("/display", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/pair?for=display"  # a new screen: pair it by code
    r = await client.get("/display?device=not-a-token")
    assert r.status == 401 and "mã thiết bị" in await r.text()


@pytest.mark.parametrize(
    ("query", "message"),
    [("layout=wall", "layout must be hall, group or floor"), ("layout=group", "needs counters=1,2,3"),
     ("layout=group&counters=1,9", "no such counter: 9"), ("layout=floor", "needs floor=")],
)
async def test_a_wrong_layout_is_explained(client: TestClient, query: str, message: str) -> None:
    r = await client.get(f"/display?device=demo-display-hall&{query}")
    assert r.status == 400 and message in await r.text()


async def test_the_device_layout_column_chooses_the_layout(client: TestClient) -> None:
    await client.app[WRITER].run(lambda tx: tx.execute("UPDATE devices SET layout = 'group:1,2' WHERE id = 'tv-hall'"))
    client.app[SESSIONS].forget_all()  # the token cache would keep the old layout for 5 minutes
    page = await (await client.get("/display?device=demo-display-hall")).text()
    assert 'data-layout="group"' in page and 'data-counters="1,2"' in page
    page = await (await client.get("/display?device=demo-display-hall&layout=hall")).text()
    assert 'data-layout="hall"' in page


async def messages_until(ws: Any, done: Callable[[dict[str, Any]], bool],
                         timeout: float = 10.0) -> list[dict[str, Any]]:
    """Every live message up to and including the first for which `done` holds; fails after `timeout` seconds."""
    deadline, got = time.monotonic() + timeout, []
    while not got or not done(got[-1]):
        got.append(await ws.receive_json(timeout=max(0.1, deadline - time.monotonic())))
    return got


async def test_a_tv_that_was_away_hears_a_fresh_missed_call_right_after_it_on_resume(client: TestClient) -> None:
    """The announcement rides with its call in the ordered stream: a TV that resumes gets it after the event."""
    staff = await staff_at(client, 3)
    await issue(client, 1)
    async with client.ws_connect("/api/live?token=demo-display-hall") as ws:
        since = (await next_of(ws, "snapshot"))["seq"]
    ticket = await call_next(client, staff)  # the TV is away (a restart, a Wi-Fi drop)
    await hall_of(client.app).announcer.join()  # its WAV is rendered and the TVs were told while it was away
    async with client.ws_connect(f"/api/live?token=demo-display-hall&since={since}") as ws:
        got = await messages_until(ws, lambda m: m["type"] == "announcement")
    kinds = [(m["type"], m.get("event", {}).get("type")) for m in got]
    assert kinds[0] == ("resume", None) and kinds[-2:] == [("event", "ticket.call"), ("announcement", None)]
    call, announcement = got[-2], got[-1]
    assert announcement["ticket_id"] == ticket["id"] and announcement["event_seq"] == call["seq"]
    assert (await client.get(announcement["audio"])).status == 200


async def test_a_tv_back_after_the_replay_window_is_not_read_old_calls(client: TestClient, clock: FakeClock) -> None:
    staff = await staff_at(client, 3)
    await issue(client, 1)
    await issue(client, 1)
    async with client.ws_connect("/api/live?token=demo-display-hall") as ws:
        since = (await next_of(ws, "snapshot"))["seq"]
    old = await call_next(client, staff)
    await hall_of(client.app).announcer.join()
    clock.advance(seconds=hall_of(client.app).replay_window_s + 1)  # the TV comes back long after the call
    r = await client.post(f"/api/counters/3/tickets/{old['id']}/no-show", headers=staff)
    assert r.status == 200
    async with client.ws_connect(f"/api/live?token=demo-display-hall&since={since}") as ws:
        await next_of(ws, "resume")
        new = await call_next(client, staff)
        got = await messages_until(ws, lambda m: m["type"] == "announcement")
    assert [m["ticket_id"] for m in got if m["type"] == "announcement"] == [new["id"]]
    assert old["id"] in [m["ticket"]["id"] for m in got if m["type"] == "event"]  # shown, but not read out
