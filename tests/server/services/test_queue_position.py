"""A ticket's place in the queue is one figure wherever a citizen sees it: the kiosk's answer (and slip), the
status page /t/<token> and its live refresh (GET /api/public/tickets/<token>) agree, across priority groups,
a booking due at its slot and a transfer, and they count what call-next really takes first."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from server.domain.clock import FakeClock
from tests.conftest import issue, make_config, staff_at
from tests.server.services.test_appointments import BIRTH, KIOSK, THURSDAY_9AM, book, make_slots

LAND = 14  # a procedure of Đất đai: counter 5's queue


@pytest.fixture
def config(tmp_path):  # noqa: ANN001, ANN201
    return make_config(tmp_path, voice={"enabled": False})


async def shown(client: TestClient, ticket: dict) -> tuple[int, int]:
    """The position on the live view (the JSON the page refreshes from) and on the page as served."""
    token = ticket["status_token"]
    r = await client.get(f"/api/public/tickets/{token}")
    assert r.status == 200, await r.text()
    page = await (await client.get(f"/t/{token}")).text()
    found = re.search(r'<dd id="position">(\d+)</dd>', page)
    assert found, page
    return (await r.json())["position"], int(found.group(1))


async def call_next(client: TestClient, staff: dict[str, str]) -> dict:
    r = await client.post("/api/counters/3/call-next", json={}, headers=staff)
    assert r.status == 200, await r.text()
    return (await r.json())["ticket"]


async def test_kiosk_answer_status_page_and_live_view_show_the_place_call_next_keeps(client: TestClient,
                                                                                      clock: FakeClock) -> None:
    slots = await make_slots(client)
    _, booking = await book(client, slots[0]["id"])
    clock.set(THURSDAY_9AM.replace(hour=8, minute=20))
    land = [await issue(client, LAND) for _ in range(2)]
    clock.set(THURSDAY_9AM.replace(hour=8, minute=30))
    first, second = await issue(client, BIRTH), await issue(client, BIRTH)
    clock.set(THURSDAY_9AM.replace(hour=8, minute=35))
    elderly = await issue(client, BIRTH, priority="nguoi_cao_tuoi")
    clock.set(THURSDAY_9AM.replace(hour=8, minute=50))  # the 9:00 booking is due (15 minutes early)
    r = await client.post("/api/appointments/check-in", json={"code": booking["code"]}, headers=KIOSK)
    assert r.status == 201, await r.text()
    booked = await r.json()

    # Each kiosk answer, right after it was given, is what the page and the live view show.
    assert [t["waiting_ahead"] for t in (first, second, elderly, booked)] == [0, 1, 0, 0], \
        "a priority group goes before walk-ins, a booking due at its slot before everyone"
    assert await shown(client, booked) == (0, 0)
    # Later tickets that go first move the earlier ones back, on every view alike.
    assert [await shown(client, t) for t in (booked, elderly, first, second)] == [(0, 0), (1, 1), (2, 2), (3, 3)]

    staff = await staff_at(client, 3)
    for expected in (booked, elderly):
        called = await call_next(client, staff)
        assert called["id"] == expected["id"], "call-next takes them in the order the positions said"
        r = await client.post(f"/api/tickets/{called['id']}/cancel", json={}, headers=staff)
        assert r.status == 200, await r.text()
        assert await shown(client, first) == (0, 0) if expected is elderly else (1, 1)
    assert (await call_next(client, staff))["id"] == first["id"]
    r = await client.post(f"/api/counters/3/tickets/{first['id']}/transfer", json={"to_counter_id": 5},
                          headers=staff)
    assert r.status == 200, await r.text()
    assert await shown(client, first) == (2, 2), "sent to counter 5: behind the two land tickets there"
    assert await shown(client, second) == (0, 0)
    assert [await shown(client, t) for t in land] == [(0, 0), (1, 1)]
