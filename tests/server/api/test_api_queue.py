"""The queue over real HTTP on a real SQLite file: issue, call, recall, transfer, finish, and every refusal."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp.test_utils import TestClient

from server.domain.clock import FakeClock
from tests.conftest import KIOSK, issue, login, staff_at


async def test_issue_answers_number_procedure_time_and_waiting_ahead(client: TestClient) -> None:
    first = await issue(client, 1)
    second = await issue(client, 2)  # same field (Hộ tịch)
    other = await issue(client, 10)  # Chứng thực
    assert (first["number"], second["number"], other["number"]) == ("1001", "1002", "2001")
    assert first["procedure"]["name_vi"] == "Đăng ký khai sinh"
    assert first["issued_at"].startswith("2026-11-23T09:00:00+07:00")
    assert (first["waiting_ahead"], second["waiting_ahead"], other["waiting_ahead"]) == (0, 1, 0)
    assert first["status_url"].endswith("/t/" + first["status_token"])
    assert len(first["status_token"]) >= 20


async def test_full_service_at_a_counter(client: TestClient, clock: FakeClock) -> None:
    h = await staff_at(client, 3)
    t = await issue(client, 4)  # not a same-day "4 tại chỗ" procedure: no steps needed
    clock.advance(minutes=4)
    r = await client.post("/api/counters/3/call-next", headers=h)
    called = (await r.json())["ticket"]
    assert called["number"] == t["number"] and called["status"] == "called" and called["counter_id"] == 3
    base = f"/api/counters/3/tickets/{t['id']}"
    assert (await (await client.post(base + "/recall", headers=h)).json())["calls"] == 2
    assert (await (await client.post(base + "/start", headers=h)).json())["status"] == "serving"
    r = await client.post(base + "/finish", json={"outcome": "result_returned", "wrote_forms": True}, headers=h)
    assert r.status == 200 and (await r.json())["status"] == "done"
    full = await (await client.get(f"/api/tickets/{t['id']}", headers=h)).json()
    assert full["outcome"] == "result_returned" and full["wrote_forms"] is True
    assert full["first_called_at"] - full["issued_at"] == 240


async def test_call_next_on_an_empty_queue_says_so(client: TestClient) -> None:
    h = await staff_at(client, 5)
    body = await (await client.post("/api/counters/5/call-next", headers=h)).json()
    assert body["ticket"] is None and "Không còn công dân nào" in body["message"]


async def test_counter_busy_until_the_ticket_is_finished(client: TestClient) -> None:
    h = await staff_at(client, 3)
    await issue(client, 1)
    await issue(client, 1)
    await client.post("/api/counters/3/call-next", headers=h)
    r = await client.post("/api/counters/3/call-next", headers=h)
    assert r.status == 409
    assert (await r.json())["error"]["code"] == "counter_busy"


async def test_transfer_to_another_counter_keeps_the_place(client: TestClient, clock: FakeClock) -> None:
    h3 = await staff_at(client, 3)
    h5 = await staff_at(client, 5)
    moved = await issue(client, 1)
    clock.advance(minutes=1)
    land = await issue(client, 14)  # Đất đai, counter 5
    await client.post("/api/counters/3/call-next", headers=h3)
    r = await client.post(f"/api/counters/3/tickets/{moved['id']}/transfer", json={"to_counter_id": 5}, headers=h3)
    assert r.status == 200 and (await r.json())["target_counter_id"] == 5
    nxt = (await (await client.post("/api/counters/5/call-next", headers=h5)).json())["ticket"]
    assert nxt["id"] == moved["id"], "the transferred ticket arrived earlier and keeps its place"
    assert land["id"] != nxt["id"]


async def test_transfer_to_a_procedure_of_another_field(client: TestClient) -> None:
    h3 = await staff_at(client, 3)
    t = await issue(client, 1)
    await client.post("/api/counters/3/call-next", headers=h3)
    r = await client.post(f"/api/counters/3/tickets/{t['id']}/transfer", json={"to_procedure_id": 10}, headers=h3)
    body = await r.json()
    assert r.status == 200 and body["procedure_id"] == 10 and body["field_id"] == 2
    q = await (await client.get("/api/queue?counter_id=1", headers=h3)).json()
    assert [x["id"] for x in q["tickets"]] == [t["id"]]


async def test_call_a_specific_ticket_by_number_and_no_show(client: TestClient) -> None:
    h = await staff_at(client, 3)
    await issue(client, 1)
    second = await issue(client, 1)
    r = await client.post("/api/counters/3/call", json={"number": second["number"]}, headers=h)
    assert (await r.json())["ticket"]["id"] == second["id"]
    r = await client.post(f"/api/counters/3/tickets/{second['id']}/no-show", headers=h)
    assert (await r.json())["status"] == "no_show"


async def test_cancel_and_listing(client: TestClient) -> None:
    h = await staff_at(client, 3)
    a = await issue(client, 1)
    b = await issue(client, 1, priority="nguoi_cao_tuoi")
    r = await client.post(f"/api/tickets/{a['id']}/cancel", json={"reason": "đi về"}, headers=h)
    assert (await r.json())["status"] == "cancelled"
    q = await (await client.get("/api/queue?counter_id=3", headers=h)).json()
    assert [x["id"] for x in q["tickets"]] == [b["id"]] and q["tickets"][0]["priority"] == "nguoi_cao_tuoi"


async def test_priority_goes_first_at_call_next(client: TestClient) -> None:
    h = await staff_at(client, 3)
    await issue(client, 1)
    prio = await issue(client, 1, priority="phu_nu_mang_thai")
    called = (await (await client.post("/api/counters/3/call-next", headers=h)).json())["ticket"]
    assert called["id"] == prio["id"]


async def test_concurrent_call_next_never_gives_the_same_ticket(client: TestClient) -> None:
    heads = [await staff_at(client, 3), await staff_at(client, 4)]
    for _ in range(30):
        await issue(client, 1)
    seen: list[str] = []

    async def counter(n: int, h: dict[str, str]) -> None:
        for _ in range(15):
            body = await (await client.post(f"/api/counters/{n}/call-next", headers=h)).json()
            t = body["ticket"]
            assert t is not None
            seen.append(t["id"])
            r = await client.post(f"/api/counters/{n}/tickets/{t['id']}/no-show", headers=h)
            assert r.status == 200

    await asyncio.gather(counter(3, heads[0]), counter(4, heads[1]))
    assert len(seen) == 30 and len(set(seen)) == 30


async def test_numbering_restarts_at_local_midnight(client: TestClient, clock: FakeClock) -> None:
    clock.set(clock.now().replace(hour=23, minute=59))
    late = [await issue(client, 1) for _ in range(3)]
    assert [t["number"] for t in late][-1] == "1003" or late[0]["number"] == "1001"
    clock.advance(minutes=2)  # 00:01 the next day, Asia/Ho_Chi_Minh
    early = await issue(client, 1)
    assert early["number"] == "1001" and early["day"] == (clock.now() + timedelta(hours=7)).date().isoformat()
    assert early["waiting_ahead"] == 0, "yesterday's tickets are not in today's queue"


async def test_staff_cannot_act_at_another_counter(client: TestClient) -> None:
    h = await staff_at(client, 3)
    await issue(client, 14)
    r = await client.post("/api/counters/5/call-next", headers=h)
    body = await r.json()
    assert r.status == 403 and body["error"]["code"] == "not_your_counter"
    assert "quầy 3" in body["error"]["message"] and "counter 5" in body["error"]["message_en"]


async def test_counter_taken_by_someone_else(client: TestClient) -> None:
    await staff_at(client, 3)
    other = await login(client, "canbo4")
    r = await client.post("/api/counters/3/signin", json={}, headers=other)
    assert r.status == 409 and "Lê Thị Hồng" in (await r.json())["error"]["message"]


async def test_roles_kiosk_cannot_call_and_public_cannot_issue(client: TestClient) -> None:
    r = await client.post("/api/counters/3/call-next", headers=KIOSK)
    assert r.status == 403 and (await r.json())["error"]["code"] == "forbidden_role"
    r = await client.post("/api/tickets", json={"procedure_id": 1})
    assert r.status == 401 and (await r.json())["error"]["code"] == "auth_required"
    r = await client.get("/api/queue", headers={"Authorization": "Bearer not-a-token"})
    assert r.status == 401


async def test_login_errors_and_bearer_token_use(client: TestClient) -> None:
    r = await client.post("/api/login", json={"username": "canbo1", "password": "wrong"})
    assert r.status == 401 and (await r.json())["error"]["message"] == "Sai tên đăng nhập hoặc mật khẩu."
    h = await login(client, "canbo1")
    me = await (await client.get("/api/me", headers=h)).json()
    assert me["role"] == "staff" and me["username"] == "canbo1"
    await client.post("/api/logout", headers=h)
    assert (await client.get("/api/queue", headers=h)).status == 401


async def test_bad_input_gets_clear_4xx_and_loses_nothing(client: TestClient) -> None:
    h = await staff_at(client, 3)
    cases = [
        (await client.post("/api/tickets", data=b"{not json", headers={**KIOSK, "Content-Type": "application/json"}),
         400, "bad_json"),
        (await client.post("/api/tickets", json={"procedure_id": "abc"}, headers=KIOSK), 422, "invalid_input"),
        (await client.post("/api/tickets", json={"procedure_id": 1, "evil": 1}, headers=KIOSK), 422, "invalid_input"),
        (await client.post("/api/tickets", json={"procedure_id": 999}, headers=KIOSK), 404, "procedure_not_found"),
        (await client.post("/api/tickets", json={"procedure_id": 1, "priority": "vip"}, headers=KIOSK), 422,
         "priority_unknown"),
        (await client.post("/api/tickets", json=[1, 2], headers=KIOSK), 422, "invalid_input"),
        (await client.get("/api/tickets/nope", headers=h), 404, "ticket_not_found"),
        (await client.post("/api/counters/3/call", json={}, headers=h), 422, "invalid_input"),
        (await client.post("/api/counters/99/signin", json={}, headers=h), 404, "counter_not_found"),
        (await client.post("/api/counters/3/tickets/nope/recall", headers=h), 404, "ticket_not_found"),
        (await client.get("/api/public/tickets/guess", headers=KIOSK), 404, "ticket_not_found"),
        (await client.get("/api/nothing-here"), 404, "not_found"),
    ]
    for resp, status, code in cases:
        body = await resp.json()
        assert (resp.status, body["error"]["code"]) == (status, code), body
        assert body["error"]["message"] and body["error"]["message_en"]
    t = await issue(client, 1)
    assert t["number"] == "1001", "no refused request consumed a number"
    r = await client.post(f"/api/counters/3/tickets/{t['id']}/start", headers=h)
    body = await r.json()
    assert r.status == 409 and "bắt đầu phục vụ" in body["error"]["message"] and "đang chờ" in body["error"]["message"]
    r = await client.post(f"/api/counters/3/tickets/{t['id']}/finish", json={"outcome": "maybe"}, headers=h)
    assert r.status == 422
    q = await (await client.get("/api/queue", headers=h)).json()
    assert [x["status"] for x in q["tickets"]] == ["waiting"]


async def test_english_error_messages_on_request(client: TestClient) -> None:
    r = await client.post("/api/tickets", json={"procedure_id": 999}, headers={**KIOSK, "Accept-Language": "en"})
    assert (await r.json())["error"]["message"] == "Procedure 999 not found."


async def test_oversized_body_is_refused(client: TestClient) -> None:
    r = await client.post("/api/tickets", data=b"x" * 200_000, headers={**KIOSK, "Content-Type": "application/json"})
    assert r.status == 413
    assert (await r.json())["error"]["code"] == "body_too_large"


async def test_a_number_too_large_for_the_database_is_a_422_not_a_500(client: TestClient) -> None:
    huge = 113094878942657544192  # found by the fuzzer: SQLite integers stop at 2**63 - 1
    r = await client.post("/api/tickets", json={"procedure_id": huge}, headers=KIOSK)
    assert r.status == 422
    assert "number too large" in (await r.json())["error"]["message_en"]
    admin = await login(client, "admin")
    r = await client.get(f"/api/appointments/slots?procedure_id={huge}&day_from=2026-12-01&days=7", headers=admin)
    assert r.status == 422, await r.text()
    hours = [{"weekday": 4, "start": "16:12", "end": "17:00", "counter_ids": [24, -huge]}]  # nested, in a list
    r = await client.put("/api/calendar/hours", json={"hours": hours}, headers=admin)
    assert r.status == 422, await r.text()
