"""The hub refuses what it must, clearly (JSON, Vietnamese + English), and stores nothing then:
a missing, wrong or revoked key, another centre's key, a batch that skips seqs or is out of order."""

from __future__ import annotations

import json
import time
from typing import Any

import asyncpg

from server.config import from_dict
from server.hub import migrations
from server.hub.app import STORE, create_hub_app
from server.hub.protocol import strip_personal

pytest_plugins = ("tests.pg",)


def event(seq: int, **data: Any) -> dict[str, Any]:
    return {"seq": seq, "id": f"01EV{seq:022d}", "at": 1.8e9 + seq, "day": "2026-11-23", "type": "ticket.call",
            "ticket_id": None, "counter_id": 1, "actor": "user:nguyen.van.a", "data": data}


async def test_refusals_are_clear_and_store_nothing(aiohttp_client, pg_dsn) -> None:
    hub = create_hub_app(from_dict({"hub": {"dsn": pg_dsn}}))
    client = await aiohttp_client(hub)
    store = hub[STORE]
    key_a = await store.add_centre("a", "Xã A", time.time())
    key_b = await store.add_centre("b", "Xã B", time.time())

    async def push(key: str | None, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        r = await client.post("/api/sync/batch", json={"centre": "a", "after": 0, "head": 2, **body},
                              headers=headers)
        return r.status, await r.json()

    status, body = await push(None, {"events": [event(1)]})
    assert status == 401 and body["error"]["code"] == "hub_key_required"
    status, body = await push("not-a-key", {"events": [event(1)]})
    assert (status, body["error"]["code"]) == (401, "hub_key_invalid")
    assert "thu hồi" in body["error"]["message"] and "revoked" in body["error"]["message_en"]
    status, body = await push(key_b, {"events": [event(1)]})
    assert (status, body["error"]["code"]) == (403, "hub_key_other_centre")
    assert "trung tâm b" in body["error"]["message"]
    status, body = await push(key_a, {"after": 5, "events": [event(6)]})
    assert (status, body["error"]["code"], body["error"]["held"]) == (409, "hub_sync_gap", 0)
    status, body = await push(key_a, {"events": [event(2), event(1)]})
    assert (status, body["error"]["code"]) == (422, "hub_batch_order")
    status, body = await push(key_a, {"protocol": 2, "events": [event(1)]})
    assert (status, body["error"]["code"]) == (422, "hub_protocol")
    assert "phiên bản" in body["error"]["message"].lower() and "need 1" in body["error"]["message_en"]
    bad = event(1, score=4)
    del bad["day"]
    status, body = await push(key_a, {"events": [event(1), {**event(2), "day": "23/11/2026"}, bad]})
    assert (status, body["error"]["code"]) == (422, "invalid_input")
    assert "events.1.day" in body["error"]["message"] and "events.2.day" in body["error"]["message"]
    status, body = await push(key_a, {"events": [{**event(1), "colour": "red"}]})
    assert (status, body["error"]["code"]) == (422, "invalid_input") and "events.0.colour" in body["error"]["message"]
    r = await client.post("/api/sync/batch", data=b'{"centre": "a", "events": [',
                          headers={"Authorization": f"Bearer {key_a}"})
    assert (r.status, (await r.json())["error"]["code"]) == (400, "bad_json")
    ticket = {"id": "01TK", "day": "2026-11-23", "series": "A", "seq": 1, "number": "A001", "procedure_id": 1,
              "field_id": 1, "status": "waiting", "arrival_at": "soon", "issued_at": 1.8e9, "hour": 8, "weekday": 0,
              "version": 1}
    status, body = await push(key_a, {"events": [event(1)], "rows": {"tickets": [ticket]}})
    assert (status, body["error"]["code"]) == (422, "invalid_input") and "soon" in body["error"]["message"]
    assert await store.pool.fetchval("SELECT COUNT(*) FROM events") == 0

    status, body = await push(key_a, {"events": [event(1, phone="0912345678", name="Lan", score=4), event(2)]})
    assert (status, body["held"]) == (200, 2)
    status, body = await push(key_a, {"events": [event(1), event(2)]})  # the same batch again
    assert (status, body["held"]) == (200, 2)
    assert await store.pool.fetchval("SELECT COUNT(*) FROM events") == 2
    assert json.loads(await store.pool.fetchval("SELECT data FROM events WHERE seq = 1")) == {"score": 4}
    assert await store.pool.fetchval("SELECT actor FROM events WHERE seq = 1") == "user"

    await store.revoke_centre("a", time.time())
    status, body = await push(key_a, {"after": 2, "events": [event(3)]})
    assert (status, body["error"]["code"]) == (401, "hub_key_invalid")

    r = await client.get("/api/centres")
    assert r.status == 401
    r = await client.get("/api/openapi.json")
    ops = {op["operationId"] for path in (await r.json())["paths"].values() for op in path.values()}
    assert {"pushBatch", "getSyncState", "listCentres", "getProvinceReport"} <= ops


def test_personal_keys_are_dropped_at_any_depth() -> None:
    data = {"score": 2, "reason": "chậm", "citizen": {"full_name": "Lê Thị B", "phone_number": "09", "age": 70},
            "items": [{"Email": "x@y", "n": 1}]}
    assert strip_personal(data) == {"score": 2, "citizen": {"age": 70}, "items": [{"n": 1}]}


async def test_migrations_4_and_5_keep_a_running_hubs_events(pg_dsn) -> None:
    """A hub upgraded in place: events stored as jsonb before step 4 keep their data, the summary's recall
    count still finds them through the narrower index, and step 5 swaps the tickets' indexes under its rows."""
    conn = await asyncpg.connect(pg_dsn)
    try:
        steps, migrations.STEPS[:] = list(migrations.STEPS), [s for s in migrations.STEPS if s[0] < 4]
        try:
            assert await migrations.apply(conn) == ["0001_core", "0002_centre_rows", "0003_report_rollup"]
        finally:
            migrations.STEPS[:] = steps
        await conn.execute("INSERT INTO centres (code, name, key_hash, created_at) VALUES ('a', 'Xã A', 'h', 0)")
        await conn.execute(
            "INSERT INTO events (centre_id, seq, id, at, day, type, ticket_id, data) VALUES"
            " (1, 1, 'e1', 0, '2026-11-23', 'ticket.recall', 't1', '{\"kết_quả\": \"đã nhận\", \"n\": [1, 2]}'),"
            " (1, 2, 'e2', 0, '2026-11-23', 'ticket.call', 't1', '{}')")
        await conn.execute(
            "INSERT INTO tickets (centre_id, id, day, series, seq, number, procedure_id, field_id, status, arrival_at,"
            " issued_at, hour, weekday, version) VALUES (1, 't1', '2026-11-23', 'A', 1, 'A001', 1, 1, 'waiting',"
            " 0, 0, 8, 0, 2)")
        assert await migrations.apply(conn) == ["0004_events_lean", "0005_ingest_lean", "0006_letters"]
        assert await conn.fetchval("SELECT letters_since FROM centres WHERE code = 'a'") is None  # until it says
        indexes = {r[0] for r in await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename IN"
                                                  " ('tickets', 'steps')")}
        assert {"tickets_centre_day", "tickets_waiting"} <= indexes and not {"tickets_day", "steps_ticket"} & indexes
        assert await conn.fetchval("SELECT COUNT(*) FROM tickets WHERE day = '2026-11-23' AND status = 'waiting'") == 1
        assert await conn.fetchval("SELECT data FROM events WHERE seq = 1") == '{"n": [1, 2], "kết_quả": "đã nhận"}'
        assert await conn.fetchval("SELECT pg_typeof(data)::text FROM events LIMIT 1") == "json"
        assert await conn.fetchval("SELECT COUNT(*) FROM events WHERE ticket_id = 't1' AND type = 'ticket.recall'") == 1
        assert await migrations.apply(conn) == []
    finally:
        await conn.close()
