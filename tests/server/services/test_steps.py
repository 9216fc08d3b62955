"""The "4 tại chỗ" steps through the real API: order rules, leader-only approval, finishing,
counters, and the overdue check under a FakeClock."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.config import Config
from server.domain import steps as rules
from server.domain.clock import FakeClock
from server.domain.steps import StepLog, Thresholds
from server.services.steps import check_overdue
from tests.conftest import issue, login, make_config, staff_at

BIRTH = 1  # Đăng ký khai sinh: same day, four steps (5, 10, 10, 5 min)
COPY = 7  # Cấp bản sao trích lục hộ tịch: same day, three steps (no approval)


@pytest.fixture
def config(tmp_path: Any) -> Config:
    """No speech: these tests are about steps, and rendering voice for every call is slow."""
    return make_config(tmp_path, voice={"enabled": False})


async def serving_at(client: TestClient, counter: int, procedure: int = BIRTH) -> tuple[dict[str, str], str]:
    headers = await staff_at(client, counter)
    await issue(client, procedure)
    r = await client.post(f"/api/counters/{counter}/call-next", headers=headers)
    tid = (await r.json())["ticket"]["id"]
    r = await client.post(f"/api/counters/{counter}/tickets/{tid}/start", headers=headers)
    assert r.status == 200, await r.text()
    return headers, tid


async def step(client: TestClient, headers: dict[str, str], tid: str, name: str, action: str,
               counter: int = 3) -> Any:
    return await client.post(f"/api/counters/{counter}/tickets/{tid}/steps/{name}/{action}", headers=headers)


async def test_four_steps_with_leader_approval_then_result_returned(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    for name in ("receive", "appraise"):
        assert (await step(client, h, tid, name, "start")).status == 200
        assert (await step(client, h, tid, name, "end")).status == 200
    assert (await step(client, h, tid, "approve", "start")).status == 200
    leader = await login(client, "lanhdao")
    r = await client.post(f"/api/tickets/{tid}/approve", headers=leader)
    assert r.status == 200, await r.text()
    assert (await step(client, h, tid, "return", "start")).status == 200
    assert (await step(client, h, tid, "return", "end")).status == 200
    r = await client.post(f"/api/counters/3/tickets/{tid}/finish", json={"outcome": "result_returned"}, headers=h)
    assert r.status == 200, await r.text()
    r = await client.get(f"/api/tickets/{tid}/steps", headers=h)
    body = await r.json()
    assert [s["state"] for s in body["steps"]] == ["done"] * 4
    assert body["steps"][2]["ended_by"] == "Chủ tịch UBND xã"


async def test_step_out_of_order_is_refused_with_a_clear_message(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    r = await step(client, h, tid, "appraise", "start")
    assert r.status == 409
    err = (await r.json())["error"]
    assert err["code"] == "step_previous_not_done"
    assert err["message"] == "Chưa thể bắt đầu bước Thẩm định: bước Tiếp nhận chưa hoàn thành."
    assert (await step(client, h, tid, "receive", "start")).status == 200
    r = await step(client, h, tid, "appraise", "start")  # receive still open
    assert (await r.json())["error"]["code"] == "step_previous_not_done"
    r = await step(client, h, tid, "receive", "start")
    assert (r.status, (await r.json())["error"]["code"]) == (409, "step_already_started")
    r = await step(client, h, tid, "return", "end")
    assert (await r.json())["error"]["code"] == "step_not_started"
    r = await step(client, h, tid, "sign", "start")
    assert r.status == 422 and "Tiếp nhận, Thẩm định, Phê duyệt, Trả kết quả" in (await r.json())["error"]["message"]


async def test_staff_cannot_approve(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    for name in ("receive", "appraise"):
        await step(client, h, tid, name, "start")
        await step(client, h, tid, name, "end")
    await step(client, h, tid, "approve", "start")
    r = await step(client, h, tid, "approve", "end")
    assert r.status == 403
    assert (await r.json())["error"]["message"] == "Chỉ lãnh đạo (hoặc quản trị viên) mới được phê duyệt."
    r = await client.post(f"/api/tickets/{tid}/approve", headers=h)
    assert r.status == 403


async def test_staff_cannot_act_at_another_counter(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    other = await staff_at(client, 4)
    r = await step(client, other, tid, "receive", "start", counter=3)
    assert r.status == 403
    assert (await r.json())["error"]["message"] == (
        "Bạn đang đăng nhập tại quầy 4, không thể thao tác tại quầy 3.")
    r = await step(client, other, tid, "receive", "start", counter=4)
    assert (r.status, (await r.json())["error"]["code"]) == (409, "wrong_counter_for_ticket")


async def test_result_returned_needs_steps_done_but_other_outcomes_close_them(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    await step(client, h, tid, "receive", "start")
    r = await client.post(f"/api/counters/3/tickets/{tid}/finish", json={"outcome": "result_returned"}, headers=h)
    assert r.status == 409
    assert "Tiếp nhận, Thẩm định, Phê duyệt, Trả kết quả" in (await r.json())["error"]["message"]
    r = await client.post(f"/api/counters/3/tickets/{tid}/finish", json={"outcome": "incomplete"}, headers=h)
    assert r.status == 200
    steps = (await (await client.get(f"/api/tickets/{tid}/steps", headers=h)).json())["steps"]
    assert steps[0]["state"] == "done" and steps[1]["state"] == "todo"
    r = await client.get("/api/steps/open", headers=h)
    assert (await r.json())["steps"] == []


async def test_step_needs_service_started(client: TestClient) -> None:
    h = await staff_at(client, 3)
    await issue(client, BIRTH)
    tid = (await (await client.post("/api/counters/3/call-next", headers=h)).json())["ticket"]["id"]
    r = await step(client, h, tid, "receive", "start")
    assert (r.status, (await r.json())["error"]["code"]) == (409, "step_needs_serving")


async def test_transfer_removes_open_steps_so_the_next_counter_can_run_them(client: TestClient) -> None:
    h, tid = await serving_at(client, 3)
    await step(client, h, tid, "receive", "start")
    r = await client.post(f"/api/counters/3/tickets/{tid}/transfer", json={"to_counter_id": 4}, headers=h)
    assert r.status == 200
    h4 = await staff_at(client, 4)
    await client.post("/api/counters/4/call", json={"ticket_id": tid}, headers=h4)
    await client.post(f"/api/counters/4/tickets/{tid}/start", headers=h4)
    assert (await step(client, h4, tid, "receive", "start", counter=4)).status == 200


async def test_overdue_check_raises_amber_then_red_once_each(client: TestClient, clock: FakeClock) -> None:
    h, tid = await serving_at(client, 3)
    await step(client, h, tid, "receive", "start")  # target 5 min
    app = client.app
    clock.advance(minutes=4)
    assert await check_overdue(app) == []
    clock.advance(minutes=1, seconds=30)
    assert [c["level"] for c in await check_overdue(app)] == ["amber"]
    assert await check_overdue(app) == []
    clock.advance(minutes=2, seconds=30)  # 8 min: past 150% of 5
    assert [c["level"] for c in await check_overdue(app)] == ["red"]
    board = (await (await client.get("/api/steps/open", headers=h)).json())["steps"]
    assert [(s["number"], s["step"], s["level"], s["counter_number"]) for s in board] == [("1001", "receive", "red", 3)]
    from server.keys import READER
    types = [r[0] for r in app[READER].execute("SELECT type FROM events WHERE type LIKE 'step.%' ORDER BY seq")]
    assert types == ["step.start", "step.overdue", "step.overdue"]


def test_overdue_levels_are_a_pure_function_of_steps_and_now() -> None:
    s = StepLog("s1", "t1", "receive", 10, started_at=1000.0)
    th = Thresholds(100, 150)
    assert rules.overdue_changes([s], 1000 + 600, th) == []
    assert rules.overdue_changes([s], 1000 + 601, th) == [(s, rules.AMBER)]
    assert rules.overdue_changes([s], 1000 + 901, th) == [(s, rules.RED)]
    done = StepLog("s2", "t1", "receive", 10, 1000.0, ended_at=1100.0)
    assert rules.overdue_changes([done], 99999, th) == []


@pytest.mark.parametrize("bad", [{"amber_pct": 150, "red_pct": 100}, {"red_pct": "x"}, {"colour": 1}])
def test_bad_steps_settings_are_refused_clearly(tmp_path: Any, bad: dict[str, Any]) -> None:
    from server.config import ConfigError
    from server.services.steps import settings

    with pytest.raises(ConfigError, match=r"\[steps\]"):
        settings(make_config(tmp_path, steps=bad))


async def test_procedure_with_three_steps_has_no_approval(client: TestClient) -> None:
    h, tid = await serving_at(client, 3, COPY)
    for name in ("receive", "appraise", "return"):
        assert (await step(client, h, tid, name, "start")).status == 200
        assert (await step(client, h, tid, name, "end")).status == 200
    r = await client.post(f"/api/counters/3/tickets/{tid}/finish", json={"outcome": "result_returned"}, headers=h)
    assert r.status == 200
