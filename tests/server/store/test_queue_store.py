"""The store's candidate heads give call-next the same choice as the policy over the whole queue."""

from __future__ import annotations

import random
from pathlib import Path

from sqlite_utils import Database

from server.domain.queue_policy import CounterScope, QueuePolicy, Streaks, next_for, place, position_in_queue
from server.domain.tickets import Status, Ticket
from server.store import migrations, tickets
from server.store.db import connect

POLICY = QueuePolicy(priority_burst=2, appointment_burst=1, normal_max_wait_s=600, appointment_early_s=900)


def test_heads_choose_like_the_full_queue(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    migrations.apply(Database(conn))
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
            heads = tickets.candidate_heads(conn, "2026-11-23", scope)
            assert next_for(scope, heads, streaks, now, POLICY) == full
            walk_in_heads = [h for h in heads if h.slot_at is None]
            assert len(walk_in_heads) <= 2 * len(scope.lanes()), "one per lane and kind, never the hall"


def test_insert_keeps_every_column_of_new_and_already_called_tickets(tmp_path: Path) -> None:
    """A just-issued ticket binds only the columns it has; one merged in already served binds them all."""
    conn = connect(tmp_path / "q.db")
    migrations.apply(Database(conn))
    new = Ticket(id="N1", day="2026-11-23", number="1001", series="HT", seq=1, procedure_id=1, field_id=1,
                 status=Status.WAITING, arrival_at=10.0, issued_at=10.0, public_token="pn", priority="elderly",
                 kiosk_id="k1", session_id="s1", slot_at=99.0)
    served = Ticket(id="D1", day="2026-11-23", number="1002", series="HT", seq=2, procedure_id=1, field_id=1,
                    status=Status.DONE, arrival_at=11.0, issued_at=11.0, public_token="pd", counter_id=3,
                    called_at=20.0, first_called_at=20.0, served_at=21.0, done_at=30.0, calls=2,
                    outcome="result_returned", receipt_no="R-7", wrote_forms=True, served_by=5, origin="laptop")
    target_only = Ticket(id="T1", day="2026-11-23", number="1003", series="HT", seq=3, procedure_id=1,
                         field_id=1, status=Status.WAITING, arrival_at=5.0, issued_at=12.0, public_token="pt",
                         target_counter_id=4)
    for t in (new, served, target_only):
        tickets.insert(conn, t, 9, 1)
        assert tickets.get(conn, t.id) == t
    assert conn.execute("SELECT n FROM waiting_counts WHERE field_id = 1").fetchone()[0] == 2


async def test_catalogue_edits_reach_the_cached_decisions_at_once(client) -> None:  # noqa: ANN001
    from server.keys import WRITER
    from tests.conftest import issue

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


def _counted_ahead(conn, t: Ticket, now: float) -> int:  # noqa: ANN001
    booked, walk_ins = tickets.field_queue(conn, t)
    return place(t, booked, walk_ins, now, POLICY)


def test_waiting_counts_and_position_match_the_whole_queue(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The store keeps `waiting_counts` exact through inserts, calls, transfers between fields and returns to
    the queue; `recount_waiting` agrees; the position from the store's counts equals the rule over the whole queue,
from both ends of the queue, with bookings due and not yet due."""
    from dataclasses import replace

    monkeypatch.setattr(tickets, "_TAIL", 5)  # exercise the count-from-the-head path in a small hall too
    conn = connect(tmp_path / "q.db")
    migrations.apply(Database(conn))
    rng = random.Random(11)
    live: dict[str, Ticket] = {}
    for i in range(400):
        roll = rng.random()
        if roll < 0.5 or not live:
            t = Ticket(id=f"T{i:04d}", day=rng.choice(["2026-11-23", "2026-11-24"]), number=str(i), series="S",
                       seq=i + 1, procedure_id=1, field_id=rng.choice([1, 2, 3]), status=Status.WAITING,
                       arrival_at=float(rng.choice([i, i, i, i - 3, 100])), issued_at=0, public_token=f"p{i}",
                       priority=rng.choice([None, None, "elderly"]),
                       slot_at=rng.choice([None] * 6 + [float(rng.randint(0, 1500))]),
                       target_counter_id=rng.choice([None] * 8 + [5]))
            tickets.insert(conn, t, 9, 1)
        else:
            old = rng.choice(list(live.values()))
            t = replace(old, status=rng.choice(list(Status)), field_id=rng.choice([old.field_id, 1, 2, 3]))
            tickets.update(conn, t, old if roll < 0.8 else None)  # with and without the previous state
        live[t.id] = t
        counts = dict(((d, f), n) for d, f, n in conn.execute("SELECT day, field_id, n FROM waiting_counts"))
        expected: dict[tuple[str, int], int] = {}
        for o in live.values():
            if o.status is Status.WAITING:
                expected[(o.day, o.field_id)] = expected.get((o.day, o.field_id), 0) + 1
        assert {k: v for k, v in counts.items() if v} == expected
        for o in rng.sample(list(live.values()), min(5, len(live))):
            if o.status is Status.WAITING:
                now = rng.choice([0.0, 200.0, 1000.0])
                assert _counted_ahead(conn, o, now) == position_in_queue(o, live.values(), now, POLICY), o
    kept = sorted(map(tuple, conn.execute("SELECT day, field_id, n FROM waiting_counts WHERE n != 0")))
    tickets.recount_waiting(conn)
    assert sorted(map(tuple, conn.execute("SELECT day, field_id, n FROM waiting_counts"))) == kept
