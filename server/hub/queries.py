"""The hub's reads: the province report (the office report's SQL on PostgreSQL, see figures.py),
the dashboard's one row per centre, and one centre's detail. Group keys come back with names."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from server.domain.errors import NotFound
from server.hub.figures import hub_report, merge
from server.reports.letters import shape
from server.store.sql.letters import letters_query

_NAMES = {
    "centre": "SELECT id AS g, code AS centre, name AS centre_name FROM centres",
    "field": "SELECT f.id AS g, c.code AS centre, f.code AS field, f.name_vi AS name_vi, f.name_en AS name_en"
             " FROM fields f JOIN centres c ON c.id = f.centre_id",
    "procedure": "SELECT p.id AS g, c.code AS centre, p.code AS procedure, p.name_vi AS name_vi,"
                 " p.name_en AS name_en, f.name_vi AS field_name_vi FROM procedures p"
                 " JOIN centres c ON c.id = p.centre_id"
                 " LEFT JOIN fields f ON f.centre_id = p.centre_id AND f.id = p.field_id",
}


async def report(pool: asyncpg.Pool, day_from: str, day_to: str, group_by: str, wait_target_min: float,
                 centre_id: int | None = None) -> list[dict[str, Any]]:
    """Rows of every figure per group, with the group's names (centre, field, procedure) attached."""
    rows = await hub_report(pool, day_from, day_to, group_by, wait_target_min, centre_id)
    if group_by in _NAMES and rows:
        names = {r["g"]: dict(r) for r in await pool.fetch(_NAMES[group_by] + " WHERE " + (
            "id" if group_by == "centre" else ("f" if group_by == "field" else "p") + ".id") + " = ANY($1)",
            list(rows))}
        for g, row in rows.items():
            row.update({k: v for k, v in names.get(g, {}).items() if k != "g"})
    ordered = sorted(rows.values(), key=lambda r: (str(r.get("centre", "")), str(r["g"])))
    return ordered


_LETTERS = letters_query("postgres", where="t.centre_id = :centre")


async def letters(pool: asyncpg.Pool, day_from: str, day_to: str) -> dict[str, Any]:
    """The letters report ("Hành chính phục vụ người dân") with one unit per centre, by the office's own
    statement: column (3) is each centre's start of the model, as it sent it with its catalogue."""
    units = []
    for c in await pool.fetch("SELECT id, name, letters_since FROM centres ORDER BY code"):
        values = {"from_day": day_from, "to_day": day_to, "centre": c["id"]}
        rows = [dict(r) for r in await pool.fetch(_LETTERS.for_dialect(), *_LETTERS.bind(values))]
        units.append((c["name"], c["letters_since"] or "", rows))
    return {**shape(units), "period": {"from": day_from, "to": day_to}}


def empty() -> dict[str, Any]:
    return merge({"summary": [{"g": None}]})[None]


def centre_status(c: asyncpg.Record | dict[str, Any], now: float, silent_after_s: float) -> dict[str, Any]:
    """What the dashboard says about a centre's line: last heard from, lag, silent or not."""
    last_seen = c["last_seen"]
    return {
        "code": c["code"], "name": c["name"], "revoked": c["revoked_at"] is not None,
        "last_seen": last_seen, "held_seq": int(c["held_seq"]), "head_seq": int(c["head_seq"]),
        "lag_events": max(0, int(c["head_seq"]) - int(c["held_seq"])),
        "lag_s": round(now - last_seen, 1) if last_seen else None,
        "silent": last_seen is None or now - last_seen > silent_after_s,
    }


def pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


async def dashboard(pool: asyncpg.Pool, centres: list[asyncpg.Record], today: str, now: float,
                    silent_after_s: float, wait_target_min: float) -> list[dict[str, Any]]:
    """One row per centre: waiting now, served today, longest wait today, shares called within the wait target
    and served within the procedures' targets, this month's satisfaction, last heard from. Three grouped
    queries for any number of centres, two of them on the per-day summary (the month's without histograms)."""
    month_from = date.fromisoformat(today).replace(day=1).isoformat()
    # Today's waits within the target come from the day's wait histograms (one day: a few rows per centre).
    day = await hub_report(pool, today, today, "centre", wait_target_min)
    month = await hub_report(pool, month_from, today, "centre", wait_target_min, percentiles=False)
    waiting = dict(await pool.fetch(
        "SELECT centre_id, COUNT(*) FROM tickets WHERE day = $1 AND status = 'waiting' GROUP BY centre_id", today))
    out = []
    for c in centres:
        t = day.get(c["id"]) or empty()
        m = month.get(c["id"]) or empty()
        out.append({
            **centre_status(c, now, silent_after_s),
            "waiting": int(waiting.get(c["id"], 0)), "served_today": t["served"], "issued_today": t["issued"],
            "wait_max_min": minutes(t["wait_max"]), "within_wait_target_pct": pct(t["within_wait_target_share"]),
            "within_service_target_pct": pct(t["within_service_target_share"]),
            "month_ratings": m["ratings"], "satisfied_pct": pct(m["satisfied_share"]), "good_pct": pct(m["good_share"]),
        })
    return out


async def centre_detail(pool: asyncpg.Pool, code: str, today: str, month: tuple[str, str], now: float,
                        silent_after_s: float, wait_target_min: float) -> dict[str, Any]:
    c = await pool.fetchrow("SELECT * FROM centres WHERE code = $1", code)
    if c is None:
        raise NotFound("hub_centre_unknown", centre=code)
    cid = c["id"]

    async def run(a: str, b: str, group: str) -> list[dict[str, Any]]:
        return await report(pool, a, b, group, wait_target_min, cid)

    return {
        "centre": centre_status(c, now, silent_after_s),
        "waiting": int(await pool.fetchval(
            "SELECT COUNT(*) FROM tickets WHERE centre_id = $1 AND day = $2 AND status = 'waiting'", cid, today)),
        "today": (await run(today, today, "all") or [empty()])[0],
        "month": (await run(month[0], month[1], "all") or [empty()])[0],
        "by_day": await run(month[0], month[1], "day"),
        "by_field": await run(month[0], month[1], "field"),
        "by_procedure": await run(month[0], month[1], "procedure"),
    }
