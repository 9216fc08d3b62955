"""Live events over a real WebSocket: snapshot + sequence, ordered deltas, resume after a gap, public view."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import ClientWebSocketResponse, web
from aiohttp.test_utils import TestClient

from tests.conftest import issue, staff_at

DISPLAY_TOKEN = "demo-display-hall"


async def receive(ws: ClientWebSocketResponse, type_: str | None = None, timeout: float = 5.0) -> dict[str, Any]:
    """The next message (of a type, if given), with a deadline instead of a sleep."""
    async def go() -> dict[str, Any]:
        while True:
            msg = await ws.receive_json()
            if type_ is None or msg["type"] == type_:
                return msg
    return await asyncio.wait_for(go(), timeout)


async def test_snapshot_then_ordered_deltas(client: TestClient) -> None:
    first = await issue(client, 1)
    ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}")
    snap = await receive(ws, "snapshot")
    assert [t["number"] for t in snap["tickets"]] == [first["number"]]
    assert {c["number"] for c in snap["counters"]} == {1, 2, 3, 4, 5, 6}
    h = await staff_at(client, 3)
    await issue(client, 1)
    await client.post("/api/counters/3/call-next", headers=h)
    events = [await receive(ws, "event") for _ in range(3)]
    types = [e["event"]["type"] for e in events]
    assert types == ["counter.signed_in", "ticket.issued", "ticket.call"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and seqs[0] > snap["seq"]
    call = events[2]
    assert call["ticket"]["number"] == first["number"] and call["ticket"]["counter_id"] == 3
    assert "actor" not in call["event"], "screens never see who acted"
    await ws.close()


async def test_staff_view_sees_actor_and_receipt_public_does_not(client: TestClient) -> None:
    h = await staff_at(client, 3)
    t = await issue(client, 4)
    staff_ws = await client.ws_connect(f"/api/live?token={h['Authorization'][7:]}")
    client.session.cookie_jar.clear()  # a phone has no staff cookie
    public_ws = await client.ws_connect("/api/live")
    await receive(staff_ws, "snapshot")
    await receive(public_ws, "snapshot")
    await client.post("/api/counters/3/call-next", headers=h)
    base = f"/api/counters/3/tickets/{t['id']}"
    await client.post(base + "/start", headers=h)
    await client.post(base + "/finish", json={"outcome": "dossier_received", "receipt_no": "HS-9"}, headers=h)

    async def finish_event(ws: ClientWebSocketResponse) -> dict[str, Any]:
        while True:
            m = await receive(ws, "event")
            if m["event"]["type"] == "ticket.finish":
                return m["event"]

    staff_ev, public_ev = await finish_event(staff_ws), await finish_event(public_ws)
    assert staff_ev["actor"] == "user:canbo3" and staff_ev["data"]["receipt_no"] == "HS-9"
    assert "actor" not in public_ev and "receipt_no" not in public_ev["data"]
    await staff_ws.close()
    await public_ws.close()


async def test_reconnect_with_since_resumes_only_what_was_missed(client: TestClient) -> None:
    ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}")
    snap = await receive(ws, "snapshot")
    await issue(client, 1)
    last = (await receive(ws, "event"))["seq"]
    await ws.close()
    missed = [await issue(client, 1) for _ in range(3)]
    ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}&since={last}")
    assert (await receive(ws))["type"] == "resume"
    got = [await receive(ws, "event") for _ in range(3)]
    assert [g["ticket"]["number"] for g in got] == [m["number"] for m in missed]
    assert got[0]["seq"] == last + 1 and snap["seq"] < last
    await ws.close()


async def test_reconnect_after_restart_gets_a_fresh_snapshot(
    aiohttp_client: Any, app: web.Application, config: Any, template_dir: Any, clock: Any
) -> None:
    from server.app import create_app
    from tests.conftest import use_demo_db

    use_demo_db(config, template_dir)
    client = await aiohttp_client(app)
    await issue(client, 1)
    ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}")
    seq = (await receive(ws, "snapshot"))["seq"]
    await ws.close()
    await client.close()  # the server stops: its in-memory ring is gone
    client2 = await aiohttp_client(create_app(config, clock=clock))
    ws = await client2.ws_connect(f"/api/live?token={DISPLAY_TOKEN}&since={seq - 1}")
    snap = await receive(ws)
    assert snap["type"] == "snapshot" and snap["seq"] == seq and len(snap["tickets"]) == 1
    await ws.close()


async def test_bad_token_on_the_websocket_is_refused(client: TestClient) -> None:
    r = await client.get("/api/live?token=nope")
    assert r.status == 401
