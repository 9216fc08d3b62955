"""A counter whose holder left without signing out (issue 21): a leader releases it or takes it over, and a
sign-in idle for [security] counter_idle_lapse_min lapses. The old holder is refused there with the reason,
every release and lapse is in the audit log, the live feed tells the consoles (staff view only)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from server.api.counters import run_idle_lapse
from server.domain.clock import FakeClock
from server.keys import OFFICE_SETTINGS, READER, WRITER
from server.services.settings import save_section
from server.services.steps import system_ctx
from tests.conftest import issue, login, staff_at
from tests.server.test_live import DISPLAY_TOKEN, receive


def audit_rows(client: TestClient, action: str) -> list[dict[str, Any]]:
    rows = client.app[READER].execute("SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id",
                                      (action,)).fetchall()
    return [{"actor": r[0], **json.loads(r[1])} for r in rows]


async def holder_of(client: TestClient, counter: int) -> str | None:
    leader = await login(client, "lanhdao")
    counters = (await (await client.get("/api/counters", headers=leader)).json())["counters"]
    return next(c["staff_name"] for c in counters if c["number"] == counter)


async def test_a_leader_releases_a_counter_and_its_holder_is_told_why(client: TestClient) -> None:
    h3 = await staff_at(client, 3)
    await issue(client, 1)
    staff_ws = await client.ws_connect(f"/api/live?token={h3['Authorization'][7:]}")
    public_ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}")  # the hall's TV
    await receive(staff_ws, "snapshot")
    await receive(public_ws, "snapshot")
    leader = await login(client, "lanhdao")
    r = await client.post("/api/counters/3/release", headers=leader)
    assert r.status == 200, await r.text()
    assert (await r.json())["released_user"] == "Lê Thị Hồng"
    assert await holder_of(client, 3) is None

    seen = await receive(staff_ws, "event")
    assert seen["event"]["type"] == "counter.signed_out" and seen["event"]["counter_id"] == 3
    assert seen["event"]["data"]["reason"] == "released"
    assert seen["event"]["data"]["released_by"] == "Chủ tịch UBND xã"
    public = await receive(public_ws, "event")
    assert "released_by" not in public["event"]["data"], "screens and phones never see who released it"

    r = await client.post("/api/counters/3/call-next", headers=h3)
    err = (await r.json())["error"]
    assert r.status == 403 and err["code"] == "counter_released"
    assert err["message"].startswith("Chủ tịch UBND xã đã giải phóng Quầy 3")
    assert "released counter 3" in err["message_en"]
    assert client.app[READER].execute("SELECT COUNT(*) FROM tickets WHERE status = 'called'").fetchone()[0] == 0
    assert audit_rows(client, "counter_release") == [
        {"actor": "user:lanhdao", "counter": 3, "from_user": "Lê Thị Hồng"}]

    assert (await client.post("/api/counters/3/signin", json={}, headers=h3)).status == 200, "free to take again"
    assert (await client.post("/api/counters/3/call-next", headers=h3)).status == 200
    await staff_ws.close()
    await public_ws.close()


async def test_only_a_leader_releases_and_only_a_held_counter(client: TestClient) -> None:
    await staff_at(client, 3)
    h4 = await staff_at(client, 4)
    r = await client.post("/api/counters/3/release", headers=h4)
    assert r.status == 403 and (await r.json())["error"]["code"] == "forbidden_role"
    assert await holder_of(client, 3) == "Lê Thị Hồng"
    admin = await login(client, "admin")
    r = await client.post("/api/counters/5/release", headers=admin)
    err = (await r.json())["error"]
    assert r.status == 409 and err["code"] == "counter_not_held"
    assert err["message"] == "Quầy 5 đang không có ai đăng nhập, không cần giải phóng."
    assert (await client.post("/api/counters/99/release", headers=admin)).status == 404
    assert audit_rows(client, "counter_release") == []


async def test_a_takeover_from_the_leader_page_is_audited(client: TestClient) -> None:
    await staff_at(client, 3)
    leader = await login(client, "lanhdao")
    r = await client.post("/api/counters/3/signin", json={"force": True}, headers=leader)
    assert r.status == 200, await r.text()
    assert await holder_of(client, 3) == "Chủ tịch UBND xã"
    assert audit_rows(client, "counter_takeover") == [
        {"actor": "user:lanhdao", "counter": 3, "from_user": "Lê Thị Hồng"}]


async def test_an_idle_sign_in_lapses_and_an_action_keeps_it(client: TestClient, clock: FakeClock) -> None:
    h3, h4 = await staff_at(client, 3), await staff_at(client, 4)
    leader = await login(client, "lanhdao")
    assert (await client.post("/api/counters/6/signin", json={}, headers=leader)).status == 200
    staff_ws = await client.ws_connect(f"/api/live?token={h3['Authorization'][7:]}")
    await receive(staff_ws, "snapshot")
    clock.advance(minutes=100)
    assert (await client.post("/api/counters/4/call-next", headers=h4)).status == 200, "an empty call is an action"
    assert (await client.post("/api/counters/6/call-next", headers=leader)).status == 200
    clock.advance(minutes=19)
    assert await run_idle_lapse(client.app) == [], "119 minutes idle: not yet"
    clock.advance(minutes=2)
    lapsed = await run_idle_lapse(client.app)
    assert [row["number"] for row in lapsed] == [3]
    assert await holder_of(client, 3) is None
    assert await holder_of(client, 4) == "Phạm Văn Hùng" and await holder_of(client, 6) == "Chủ tịch UBND xã"

    seen = await receive(staff_ws, "event")
    assert seen["event"]["type"] == "counter.signed_out" and seen["event"]["data"]["reason"] == "lapsed"
    assert seen["event"]["data"]["minutes"] == 120
    r = await client.post("/api/counters/3/call-next", headers=h3)
    err = (await r.json())["error"]
    assert r.status == 403 and err["code"] == "counter_lapsed"
    assert err["message"].startswith("Quầy 3 đã tự đăng xuất sau 120 phút không có thao tác nào.")
    assert audit_rows(client, "counter_lapse") == [{"actor": "system", "counter": 3, "user_id": lapsed[0]["user_id"],
                                                    "idle_min": 120}]
    assert await run_idle_lapse(client.app) == [], "a lapse happens once"
    await staff_ws.close()


async def test_no_lapse_once_the_office_turns_it_off(client: TestClient, clock: FakeClock) -> None:
    """The setting is read at each run from the office's settings (stored in the database): a change applies
    at once, without a restart."""
    app = client.app
    security = {**app[OFFICE_SETTINGS].current.security.model_dump(mode="json"), "counter_idle_lapse_min": 0}
    await app[WRITER].run(save_section, system_ctx(app), app[OFFICE_SETTINGS].boot, "security", security, None, "")
    app[OFFICE_SETTINGS].load(app[READER])
    await staff_at(client, 3)
    clock.advance(hours=10)
    assert await run_idle_lapse(app) == []
    assert await holder_of(client, 3) == "Lê Thị Hồng"
