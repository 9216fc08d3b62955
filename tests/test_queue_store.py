"""The store's candidate heads give call-next the same choice as the policy over the whole queue."""

from __future__ import annotations

import random
from pathlib import Path

from sqlite_utils import Database

from server.domain.queue_policy import CounterScope, QueuePolicy, Streaks, next_for
from server.domain.tickets import Status, Ticket
from server.store import schema, tickets
from server.store.db import connect

POLICY = QueuePolicy(priority_burst=2, appointment_burst=1, normal_max_wait_s=600, appointment_early_s=900)


def test_heads_choose_like_the_full_queue(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    schema.apply(Database(conn))
    rng = random.Random(7)
    scope = CounterScope(counter_id=3, field_ids=frozenset({1, 2}), procedure_ids=frozenset({9}))
    all_tickets = []
    for i in range(300):
        field = rng.choice([1, 2, 3, 4])
        t = Ticket(id=f"T{i:04d}", day="2026-11-23", number=str(1000 + i), series="S", seq=i + 1,
                   procedure_id=rng.choice([1, 9, 5]), field_id=field, status=Status.WAITING,
                   arrival_at=rng.uniform(0, 5000), issued_at=0, public_token=f"p{i}",
                   priority=rng.choice([None, None, None, "elderly"]),
                   slot_at=rng.choice([None, None, rng.uniform(0, 8000)]),
                   target_counter_id=rng.choice([None] * 8 + [3, 4]))
        tickets.insert(conn, t, 9, 1)
        all_tickets.append(t)
    for now in (1000.0, 3000.0, 6000.0):
        for streaks in (Streaks(), Streaks(priority=2), Streaks(appointment=1), Streaks(2, 1)):
            full = next_for(scope, all_tickets, streaks, now, POLICY)
            heads = tickets.candidate_heads(conn, "2026-11-23", scope, now, POLICY.appointment_early_s)
            assert next_for(scope, heads, streaks, now, POLICY) == full
            assert len(heads) <= 3


async def test_catalogue_edits_reach_the_cached_decisions_at_once(client) -> None:  # noqa: ANN001
    from server.keys import WRITER

    from .conftest import issue

    before = await issue(client, 1)
    assert before["procedure"]["name_vi"] == "Đăng ký khai sinh"
    await client.app[WRITER].run(
        lambda tx: tx.execute("UPDATE procedures SET name_vi = 'Đăng ký khai sinh (mới)' WHERE id = 1"))
    await client.app[WRITER].run(lambda tx: tx.execute("UPDATE number_series SET start = 1501 WHERE key = 'HT'"))
    after = await issue(client, 1)
    assert after["procedure"]["name_vi"] == "Đăng ký khai sinh (mới)"
    assert after["number"] == "1502", "the widened block applies to the next ticket"
    r = await client.post("/api/tickets", json={"procedure_id": 1, "priority": "nguoi_cao_tuoi"},
                          headers={"Authorization": "Bearer demo-kiosk-1"})
    assert r.status == 201
    await client.app[WRITER].run(
        lambda tx: tx.execute("UPDATE priority_categories SET active = 0 WHERE code = 'nguoi_cao_tuoi'"))
    r = await client.post("/api/tickets", json={"procedure_id": 1, "priority": "nguoi_cao_tuoi"},
                          headers={"Authorization": "Bearer demo-kiosk-1"})
    assert r.status == 422
