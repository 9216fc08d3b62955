"""Specs for the citizen's ticket status: GET /api/public/tickets/{token} and the page /t/<token> (kiosk/pages.py).
The live page in a real browser is in tests/browser/test_kiosk_status_page.py."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from server.domain.clock import FakeClock
from tests.conftest import issue, staff_at

PRIVATE = ("id", "kiosk_id", "receipt_no", "appointment_id", "served_by", "public_token", "status_token")


async def test_status_json_has_position_and_wait_and_no_personal_data(client: TestClient) -> None:
    await issue(client, 1)
    ticket = await issue(client, 1)
    r = await client.get(f"/api/public/tickets/{ticket['status_token']}")
    assert r.status == 200
    s = await r.json()
    assert s["number"] == ticket["number"] and s["status"] == "waiting"
    assert s["position"] == 1 and s["estimated_wait_min"] >= 1
    assert s["procedure_vi"] == "Đăng ký khai sinh" and s["counter"] is None
    assert not set(PRIVATE) & set(s)


async def test_status_json_shows_the_counter_once_called(client: TestClient) -> None:
    ticket = await issue(client, 1)
    staff = await staff_at(client, 3)
    r = await client.post("/api/counters/3/call-next", json={}, headers=staff)
    assert r.status == 200, await r.text()
    s = await (await client.get(f"/api/public/tickets/{ticket['status_token']}")).json()
    assert s["status"] == "called" and s["counter"]["number"] == 3 and s["counter"]["name_vi"] == "Quầy số 3"


async def test_status_page_renders_the_ticket_without_inline_script_or_style(client: TestClient) -> None:
    ticket = await issue(client, 2)
    r = await client.get(f"/t/{ticket['status_token']}")
    assert r.status == 200
    html = await r.text()
    assert f'<p id="number" class="number">{ticket["number"]}</p>' in html
    assert "Đăng ký kết hôn" in html and "Người chờ trước bạn" in html
    assert 'id="rating-slot"' in html  # where the rating part adds its form for done tickets
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", html) and " style=" not in html
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]


async def test_unknown_token_gets_a_friendly_page_not_a_stack_trace(client: TestClient) -> None:
    r = await client.get("/t/not-a-real-token")
    assert r.status == 404
    html = await r.text()
    assert "Không tìm thấy vé" in html and "Ticket not found" in html
    r = await client.get("/api/public/tickets/not-a-real-token")
    assert r.status == 404 and (await r.json())["error"]["message"]


async def test_status_token_is_long_and_random(client: TestClient, clock: FakeClock) -> None:
    tickets = []
    for _ in range(5):
        tickets.append(await issue(client, 1))
        clock.advance(seconds=1)
    tokens = [t["status_token"] for t in tickets]
    secret = [t[10:] for t in tokens]
    assert len(set(secret)) == 5 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", s) for s in secret)  # 16 random bytes
    # after the issue time (the id's first 10 characters), so the token index grows at its end
    assert [t[:10] for t in tokens] == [t["id"][:10] for t in tickets] and tokens == sorted(tokens)


async def test_status_qr_image_is_a_png(client: TestClient) -> None:
    ticket = await issue(client, 1)
    r = await client.get(f"/t/{ticket['status_token']}/qr.png")
    assert r.status == 200 and r.content_type == "image/png"
    assert (await r.read()).startswith(b"\x89PNG")
    assert (await client.get("/t/unknown/qr.png")).status == 404


async def test_estimate_follows_finished_services_as_soon_as_they_are_finished(
        client: TestClient, clock, monkeypatch) -> None:  # noqa: ANN001
    """Before three services are finished the procedure's target is used; after them, their mean, at once
    (the kept samples are dropped when a finish commits, not after a timeout)."""
    import math

    from server.keys import READ_CACHE, READER
    from server.services import estimate
    from server.store import catalog

    monkeypatch.setattr(estimate, "SAMPLES_TTL_S", 10**9)  # only the finish may refresh them here

    cat = catalog.current(client.app[READER], client.app[READ_CACHE])
    proc = cat.procedure(1)
    serving = len(cat.counters_serving(1, proc["field_id"]))
    await issue(client, 1)
    before = await issue(client, 1)
    assert before["estimated_wait_min"] == math.ceil(proc["service_target_min"] / serving)
    staff = await staff_at(client, 3)
    for _ in range(3):
        await issue(client, 1)
        r = await client.post("/api/counters/3/call-next", json={}, headers=staff)
        base = f"/api/counters/3/tickets/{(await r.json())['ticket']['id']}"
        assert (await client.post(base + "/start", headers=staff)).status == 200
        clock.advance(minutes=40)
        r = await client.post(base + "/finish", json={"outcome": "guidance_only"}, headers=staff)
        assert r.status == 200, await r.text()
    after = await issue(client, 1)
    assert after["waiting_ahead"] == 2
    assert after["estimated_wait_min"] == math.ceil(2 * 40 / serving) != before["estimated_wait_min"]


async def test_a_transferred_ticket_shows_its_new_counter_and_its_place_there(client: TestClient,
                                                                              clock: FakeClock) -> None:
    land = [await issue(client, 14) for _ in range(2)]  # Đất đai: counter 5's queue, there first
    clock.advance(minutes=1)
    ticket = await issue(client, 1)  # Hộ tịch, counter 3
    staff = await staff_at(client, 3)
    assert (await client.post("/api/counters/3/call-next", json={}, headers=staff)).status == 200
    r = await client.post(f"/api/counters/3/tickets/{ticket['id']}/transfer", json={"to_counter_id": 5},
                          headers=staff)
    assert r.status == 200, await r.text()
    s = await (await client.get(f"/api/public/tickets/{ticket['status_token']}")).json()
    assert s["status"] == "waiting" and s["counter"] is None
    assert s["transferred_to"]["name_vi"] == "Quầy số 5" and s["position"] == 2 and s["estimated_wait_min"] > 0
    assert s["watch_fields"] == sorted({ticket["field"]["id"], land[0]["field"]["id"]})
    page = await (await client.get(f"/t/{ticket['status_token']}")).text()
    assert re.search(r'id="transferred" class="transferred"', page) and "Quầy số 5" in page
    assert re.search(r'<dd id="position">2</dd>', page)
