"""The office report's figures, run on the hub: the SQL comes from `server.reports.queries`
(`report_queries(dialect, group_by)`, the one definition of every figure); this module runs its
statements on either store and merges their rows into one row per group, the same way for both.

The hub registers one extra grouping, "centre" (`t.centre_id`), in the builder's GROUPS table.
Hub tables keep the office's column names; ticket ids are ULIDs (unique across centres), and
procedure/field ids are made province-wide at ingest (`global_id`), so the builder's joins hold.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.errors import Invalid
from ..reports import queries as rq
from ..reports.definitions import COUNTS, EVENT_COUNTS, PERCENTILES, RATINGS, SATISFIED_MIN_SCORE, SCORES, SHARES

rq.GROUPS.setdefault("centre", "t.centre_id")
# The builder's "all" groups by the literal 'all', which PostgreSQL refuses ("non-integer constant in
# GROUP BY"); a cast is an expression to PostgreSQL and the same text on SQLite.
rq.GROUPS.setdefault("province", "CAST('all' AS TEXT)")

ID_SPAN = 1_000_000  # hub id = centre_id * ID_SPAN + the centre's own id
STATEMENTS = ("summary", "events", "ratings", "outcomes")
ZERO_KEYS = [f.key for f in (*COUNTS, *EVENT_COUNTS, *RATINGS) if f.unit == "count"]
NONE_KEYS = [f.key for f in COUNTS if f.unit != "count"] + [f.key for f, _, _ in PERCENTILES] + ["score_mean"]


def global_id(centre_id: int, local: int) -> int:
    return centre_id * ID_SPAN + int(local)


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def merge(results: dict[str, list[dict[str, Any]]]) -> dict[Any, dict[str, Any]]:
    """One row per group key `g` with every figure, shares derived from their definitions."""
    rows: dict[Any, dict[str, Any]] = {}
    for name in ("summary", "events", "ratings"):
        for r in results.get(name, []):
            rows.setdefault(r["g"], {}).update({k: _plain(v) for k, v in r.items()})
    for r in results.get("outcomes", []):
        rows.setdefault(r["g"], {"g": r["g"]}).setdefault("outcomes", {})[r["outcome"]] = int(r["n"])
    for row in rows.values():
        for key in ZERO_KEYS:
            row[key] = int(row.get(key) or 0)
        for key in NONE_KEYS:
            row.setdefault(key, None)
        row.setdefault("outcomes", {})
        row["satisfied"] = sum(row[f"score_{s}"] for s in SCORES if s >= SATISFIED_MIN_SCORE)
        for s in SHARES:
            den = row[s.denominator]
            row[s.key] = row[s.numerator] / den if den else None
    return rows


def params(day_from: str, day_to: str, wait_target_min: float, **extra: Any) -> dict[str, Any]:
    return {"from_day": day_from, "to_day": day_to, "wait_target_s": wait_target_min * 60, **extra}


def office_report(conn: Any, day_from: str, day_to: str, group_by: str = "all",
                  wait_target_min: float = 15) -> dict[Any, dict[str, Any]]:
    """The figures on an office's own SQLite database (sqlite3 connection)."""
    values = params(day_from, day_to, wait_target_min)
    results: dict[str, list[dict[str, Any]]] = {}
    for name, sql in rq.report_queries("sqlite", group_by).items():
        if name in STATEMENTS:
            cur = conn.execute(sql.for_dialect(), sql.bind(values))
            cols = [d[0] for d in cur.description]
            results[name] = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    return merge(results)


async def hub_report(pool: Any, day_from: str, day_to: str, group_by: str, wait_target_min: float,
                     centre_id: int | None = None) -> dict[Any, dict[str, Any]]:
    """The same statements on the hub's PostgreSQL (asyncpg pool), optionally for one centre."""
    group_by = "province" if group_by == "all" else group_by
    where = "t.centre_id = :centre" if centre_id is not None else ""
    values = params(day_from, day_to, wait_target_min, centre=centre_id)
    results: dict[str, list[dict[str, Any]]] = {}
    async with pool.acquire() as conn:
        for name, sql in rq.report_queries("postgres", group_by, where=where).items():
            if name in STATEMENTS:
                results[name] = [dict(r) for r in await conn.fetch(sql.for_dialect(), *sql.bind(values))]
    return merge(results)


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period(month: str | None = None, day_from: str | None = None, day_to: str | None = None) -> tuple[str, str]:
    """(first day, last day) from 'YYYY-MM' or from/to dates; refuses anything else clearly."""
    try:
        if month:
            m = MONTH.match(month)
            if not m:
                raise ValueError(month)
            y, mo = int(m.group(1)), int(m.group(2))
            return date(y, mo, 1).isoformat(), date(y, mo, calendar.monthrange(y, mo)[1]).isoformat()
        if day_from and day_to:
            a, b = date.fromisoformat(day_from), date.fromisoformat(day_to)
            if b < a or (b - a).days > 400:
                raise ValueError(f"{day_from}..{day_to}")
            return a.isoformat(), b.isoformat()
    except ValueError as exc:
        raise Invalid("hub_bad_period", detail=str(exc)) from exc
    raise Invalid("hub_bad_period", detail="month or from+to required")
