"""Who may act where (issue 19, items 4-6): staff act only at the counter they hold, cancel included; a
leader's takeover ends the old holder's right at once; a kiosk reads only the public view of a ticket."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.keys import SESSIONS
from tests.conftest import KIOSK, issue, login, staff_at


async def ticket(client: TestClient, headers: dict[str, str], ticket_id: str) -> dict[str, Any]:
    r = await client.get(f"/api/tickets/{ticket_id}", headers=headers)
    assert r.status == 200, await r.text()
    return await r.json()


async def call_next(client: TestClient, headers: dict[str, str], counter: int) -> dict[str, Any]:
    r = await client.post(f"/api/counters/{counter}/call-next", headers=headers)
    assert r.status == 200, await r.text()
    return (await r.json())["ticket"]


async def test_staff_cannot_cancel_a_ticket_another_counter_has_called(client: TestClient) -> None:
    h3, h4 = await staff_at(client, 3), await staff_at(client, 4)
    a = await issue(client, 1)  # Hộ tịch: counters 3 and 4 serve it
    await issue(client, 1)
    assert (await call_next(client, h3, 3))["id"] == a["id"]
    r = await client.post(f"/api/tickets/{a['id']}/cancel", json={"reason": "nhầm"}, headers=h4)
    body = await r.json()
    assert r.status == 403 and body["error"]["code"] == "ticket_at_other_counter", body
    assert "quầy 3" in body["error"]["message"] and "counter 3" in body["error"]["message_en"]
    kept = await ticket(client, h3, a["id"])
    assert (kept["status"], kept["counter_id"]) == ("called", 3), "the refused cancel changed nothing"
    r = await client.post(f"/api/tickets/{a['id']}/cancel", json={"reason": "về trước"}, headers=h3)
    assert r.status == 200 and (await r.json())["status"] == "cancelled", "the counter that called it may"


async def test_staff_cannot_cancel_a_ticket_being_served_elsewhere(client: TestClient) -> None:
    h3, h4 = await staff_at(client, 3), await staff_at(client, 4)
    a = await issue(client, 4)
    await call_next(client, h4, 4)
    assert (await client.post(f"/api/counters/4/tickets/{a['id']}/start", headers=h4)).status == 200
    r = await client.post(f"/api/tickets/{a['id']}/cancel", json={}, headers=h3)
    assert r.status == 403 and (await r.json())["error"]["code"] == "ticket_at_other_counter"
    assert (await ticket(client, h4, a["id"]))["status"] == "serving"


async def test_cancel_needs_a_counter_for_staff_but_not_for_leaders(client: TestClient) -> None:
    h3 = await staff_at(client, 3)
    a, b, c = await issue(client, 1), await issue(client, 1), await issue(client, 1)
    loose = await login(client, "canbo6")  # signed in to the system, not at a counter
    r = await client.post(f"/api/tickets/{b['id']}/cancel", json={}, headers=loose)
    assert r.status == 403 and (await r.json())["error"]["code"] == "not_signed_in_counter"
    assert (await ticket(client, h3, b["id"]))["status"] == "waiting"
    await call_next(client, h3, 3)  # a, now called at counter 3
    leader = await login(client, "lanhdao")
    r = await client.post(f"/api/tickets/{a['id']}/cancel", json={"reason": "trùng số"}, headers=leader)
    assert r.status == 200 and (await r.json())["status"] == "cancelled", "a leader acts anywhere"
    r = await client.post(f"/api/tickets/{c['id']}/cancel", json={}, headers=h3)
    assert r.status == 200, "a waiting ticket belongs to no counter yet: staff at a counter may cancel it"


async def test_takeover_ends_the_old_holders_right_at_once(client: TestClient) -> None:
    h3 = await staff_at(client, 3)
    a = await issue(client, 1)
    await issue(client, 1)
    assert (await call_next(client, h3, 3))["id"] == a["id"]
    leader = await login(client, "lanhdao")
    r = await client.post("/api/counters/3/signin", json={"force": True}, headers=leader)
    assert r.status == 200, await r.text()
    for method, path, body in (("POST", f"/api/counters/3/tickets/{a['id']}/no-show", None),
                               ("POST", "/api/counters/3/call", {"number": "1002"}),
                               ("POST", f"/api/tickets/{a['id']}/cancel", {})):
        r = await client.request(method, path, json=body, headers=h3)
        err = (await r.json())["error"]
        assert r.status == 403 and err["code"] == "counter_taken_over", (path, err)
        assert "Chủ tịch UBND xã" in err["message"] and "nhận thay" in err["message"]
        assert "took over" in err["message_en"]
    assert (await ticket(client, leader, a["id"]))["status"] == "called", "nothing the old holder tried went through"
    assert (await (await client.get("/api/me", headers=h3)).json())["counter_id"] is None
    r = await client.post(f"/api/counters/3/tickets/{a['id']}/no-show", headers=leader)
    assert r.status == 200, "the leader now holds the counter"
    assert (await client.post("/api/counters/6/signin", json={}, headers=h3)).status == 200
    assert (await client.post("/api/counters/6/call-next", headers=h3)).status == 200, "free again elsewhere"


async def test_the_writer_checks_the_holder_even_if_the_memory_lags(client: TestClient) -> None:
    """The in-memory mirror of sign-ins is only a quick first check: the decision re-reads who holds the
    counter inside its transaction, so a takeover committed a moment before a staff action (in the same
    batch of the writer, before the mirror is updated) still refuses that action."""
    r = await client.post("/api/login", json={"username": "canbo3", "password": "canbo3-demo"})
    signed = await r.json()
    h3 = {"Authorization": f"Bearer {signed['token']}"}
    assert (await client.post("/api/counters/3/signin", json={}, headers=h3)).status == 200
    await issue(client, 1)
    leader = await login(client, "lanhdao")
    assert (await client.post("/api/counters/3/signin", json={"force": True}, headers=leader)).status == 200
    client.app[SESSIONS].counter_of[signed["user"]["id"]] = 3  # as if the mirror had not caught up yet
    r = await client.post("/api/counters/3/call-next", headers=h3)
    assert r.status == 403 and (await r.json())["error"]["code"] == "counter_taken_over"
    q = await (await client.get("/api/queue?counter_id=3", headers=leader)).json()
    assert [x["status"] for x in q["tickets"]] == ["waiting"], "nothing was called"


async def test_a_kiosk_reads_only_the_public_view_of_a_ticket(client: TestClient) -> None:
    h3 = await staff_at(client, 3)
    t = await issue(client, 4)
    assert t["status_token"] and t["status_url"].endswith(t["status_token"]), "the issue answer carries the QR"
    await call_next(client, h3, 3)
    base = f"/api/counters/3/tickets/{t['id']}"
    await client.post(base + "/start", headers=h3)
    r = await client.post(base + "/finish", json={"outcome": "dossier_received", "receipt_no": "HS-0042"}, headers=h3)
    assert r.status == 200, await r.text()
    r = await client.get(f"/api/tickets/{t['id']}", headers=KIOSK)
    assert r.status == 200
    seen = await r.json()
    assert (seen["number"], seen["status"]) == (t["number"], "done")
    leaked = {"receipt_no", "status_token", "outcome", "wrote_forms"} & set(seen)
    assert not leaked, f"a kiosk must not read {sorted(leaked)}"
    assert t["status_token"] not in await r.text() and "HS-0042" not in await r.text()
    full = await ticket(client, h3, t["id"])
    assert full["receipt_no"] == "HS-0042" and full["status_token"] == t["status_token"], "staff still see all"
