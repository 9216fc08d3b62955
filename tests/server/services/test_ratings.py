"""Satisfaction ratings through the real API: the counter's tablet, the citizen's phone, once per
ticket, only after service, never by staff, and recorded with counter, officer and receipt."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.config import Config
from server.keys import READER
from tests.conftest import issue, make_config, staff_at

TABLET3 = {"Authorization": "Bearer demo-rate-3"}
TABLET4 = {"Authorization": "Bearer demo-rate-4"}


async def as_public(client: TestClient, body: dict[str, Any]) -> Any:
    """A citizen's phone: no staff cookie from earlier sign-ins in this client."""
    client.session.cookie_jar.clear()
    return await client.post("/api/ratings", json=body)


@pytest.fixture
def config(tmp_path: Any) -> Config:
    return make_config(tmp_path, voice={"enabled": False})


async def served(client: TestClient, counter: int = 3, outcome: str = "dossier_received",
                 finish: bool = True) -> tuple[dict[str, str], dict[str, Any]]:
    h = await staff_at(client, counter)
    issued = await issue(client, 4)  # not same day: any outcome may end it
    tid = issued["id"]
    await client.post(f"/api/counters/{counter}/call", json={"ticket_id": tid}, headers=h)
    await client.post(f"/api/counters/{counter}/tickets/{tid}/start", headers=h)
    if finish:
        r = await client.post(f"/api/counters/{counter}/tickets/{tid}/finish", headers=h,
                              json={"outcome": outcome, "receipt_no": "000.00.22.H12-261123-0007"})
        assert r.status == 200, await r.text()
    return h, issued


async def test_tablet_rates_its_counters_last_ticket_with_officer_and_receipt(client: TestClient) -> None:
    _, t = await served(client)
    prompt = await (await client.get("/api/ratings/prompt", headers=TABLET3)).json()
    assert prompt["ticket"]["id"] == t["id"]
    r = await client.post("/api/ratings", json={"ticket_id": t["id"], "score": 2, "reason": "Chờ lâu"},
                          headers=TABLET3)
    assert r.status == 201, await r.text()
    assert (await r.json())["label_vi"] == "Bình thường"
    row = client.app[READER].execute(
        "SELECT r.counter_id, u.username, r.receipt_no, r.score, r.reason, r.channel, r.device_id FROM ratings r"
        " JOIN users u ON u.id = r.user_id").fetchone()
    assert tuple(row) == (3, "canbo3", "000.00.22.H12-261123-0007", 2, "Chờ lâu", "device", "rate-3")
    ev = client.app[READER].execute("SELECT actor, data FROM events WHERE type = 'rating.given'").fetchone()
    assert ev[0] == "device:rate-3"
    assert (await (await client.get("/api/ratings/prompt", headers=TABLET3)).json())["ticket"] is None


async def test_a_ticket_cannot_be_rated_twice(client: TestClient) -> None:
    _, t = await served(client)
    assert (await client.post("/api/ratings", json={"ticket_id": t["id"], "score": 4}, headers=TABLET3)).status == 201
    r = await as_public(client, {"status_token": t["status_token"], "score": 1})
    assert r.status == 409
    err = (await r.json())["error"]
    assert err["code"] == "rating_already_given"
    assert err["message"] == f"Vé {t['number']} đã được đánh giá. Mỗi lượt phục vụ chỉ đánh giá một lần."


async def test_a_ticket_cannot_be_rated_before_it_is_done(client: TestClient) -> None:
    _, t = await served(client, finish=False)
    r = await as_public(client, {"status_token": t["status_token"], "score": 4})
    assert r.status == 409
    assert (await r.json())["error"]["message"] == (
        f"Vé {t['number']} chưa phục vụ xong (đang phục vụ), chưa thể đánh giá.")
    assert client.app[READER].execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == 0


async def test_phone_rates_with_the_status_token_and_sees_the_state(client: TestClient) -> None:
    _, t = await served(client)
    state = await (await client.get(f"/api/public/ratings/{t['status_token']}")).json()
    assert (state["can_rate"], state["rated"]) == (True, False)
    r = await as_public(client, {"status_token": t["status_token"], "score": 4})
    assert r.status == 201
    state = await (await client.get(f"/api/public/ratings/{t['status_token']}")).json()
    assert (state["can_rate"], state["rated"]) == (False, True)
    channel = client.app[READER].execute("SELECT channel, device_id FROM ratings").fetchone()
    assert tuple(channel) == ("phone", None)


async def test_public_needs_the_status_token_not_the_ticket_id(client: TestClient) -> None:
    _, t = await served(client)
    r = await as_public(client, {"ticket_id": t["id"], "score": 4})
    assert r.status == 403
    assert (await r.json())["error"]["code"] == "rating_token_required"


async def test_staff_may_not_rate(client: TestClient) -> None:
    h, t = await served(client)
    r = await client.post("/api/ratings", json={"status_token": t["status_token"], "score": 4}, headers=h)
    assert r.status == 403
    assert "không được phép" in (await r.json())["error"]["message"]


async def test_tablet_of_another_counter_is_refused(client: TestClient) -> None:
    _, t = await served(client)
    r = await client.post("/api/ratings", json={"ticket_id": t["id"], "score": 4}, headers=TABLET4)
    assert r.status == 403
    assert (await r.json())["error"]["message"] == (
        "Máy đánh giá của quầy 4 không thể đánh giá vé của quầy 3.")


async def test_tablet_only_rates_the_latest_ticket(client: TestClient) -> None:
    _, first = await served(client)
    _, second = await served(client)
    r = await client.post("/api/ratings", json={"ticket_id": first["id"], "score": 4}, headers=TABLET3)
    assert r.status == 409
    assert (await r.json())["error"]["code"] == "rating_not_latest"
    r = await client.post("/api/ratings", json={"ticket_id": second["id"], "score": 4}, headers=TABLET3)
    assert r.status == 201


@pytest.mark.parametrize("body", [{"score": 5, "status_token": "x" * 20}, {"score": 3},
                                  {"score": 3, "status_token": "x" * 20, "ticket_id": "y"}])
async def test_bad_bodies_are_422(client: TestClient, body: dict[str, Any]) -> None:
    r = await as_public(client, body)
    assert r.status == 422
    assert (await r.json())["error"]["message"].startswith("Dữ liệu không hợp lệ")
