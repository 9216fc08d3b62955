"""The office report's figures, on the hub: each centre's per-day summary is made at ingest by the
office's own SQL (`server.store.sql.rollup.rollup_select`, PostgreSQL dialect) and read back with the
office's own sums and percentiles; `office_report` runs the direct statements of
`server.store.sql.report` on a centre's SQLite file, to compare (tests).

The hub registers one extra grouping, "centre" (`t.centre_id`), in the builder's GROUPS table.
Hub tables keep the office's column names; ticket ids are ULIDs (unique across centres), and
procedure/field ids are made province-wide at ingest (`ID_SPAN`), so the builder's joins hold.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from server.domain.errors import Invalid
from server.reports import rollup
from server.reports.definitions import COUNTS, EVENT_COUNTS, PERCENTILES, RATINGS, SATISFIED_MIN_SCORE, SCORES, SHARES
from server.store.sql import report as rq
from server.store.sql import rollup as rollup_sql

rq.GROUPS.setdefault("centre", "t.centre_id")
# The builder's "all" groups by the literal 'all', which PostgreSQL refuses ("non-integer constant in
# GROUP BY"); a cast is an expression to PostgreSQL and the same text on SQLite.
rq.GROUPS.setdefault("province", "CAST('all' AS TEXT)")

ID_SPAN = 1_000_000  # hub id = centre_id * ID_SPAN + the centre's own id
STATEMENTS = ("summary", "events", "ratings", "outcomes")
ZERO_KEYS = [f.key for f in (*COUNTS, *EVENT_COUNTS, *RATINGS) if f.unit == "count"]
NONE_KEYS = [f.key for f in COUNTS if f.unit != "count"] + [f.key for f, _, _ in PERCENTILES] + ["score_mean"]


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


# The hub's summary dimensions and their keys (procedure and field ids are province-wide, see ID_SPAN).
HUB_DIMS = {"all": "CAST(0 AS BIGINT)", "field": "t.field_id", "procedure": "t.procedure_id"}
rollup_sql.READ_GROUPS.setdefault("centre", ("all", "r.centre_id"))
rollup_sql.READ_GROUPS.setdefault("province", ("all", "r.k"))
_SUMS = rollup_sql.rollup_select("postgres", HUB_DIMS, where="t.centre_id = :centre")
_INSERT = rq.Sql(f"INSERT INTO report_rollup (centre_id, day, dim, k, {', '.join(rollup.COLUMNS)})"
                 f" SELECT CAST(:centre AS INTEGER), x.* FROM ({_SUMS.text}) x", "postgres")


SPAN_GAP_DAYS = 7


def spans(days: list[str]) -> list[tuple[str, str]]:
    """The days as (first, last) spans, one statement each. Runs of consecutive days less than a week apart
    share a span: a batch's days skip Sundays and holidays, and summing a day again is always exact (the
    summary is a function of the stored rows), so one statement over a day with nothing to sum is cheaper
    than one more statement. Far-apart days (a late batch of old days) keep their own spans."""
    out: list[tuple[str, str]] = []
    for first, last in rollup.day_ranges(days):
        if out and date.fromisoformat(first) - date.fromisoformat(out[-1][1]) <= timedelta(days=SPAN_GAP_DAYS):
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return out


async def rebuild_rollup(conn: Any, centre_id: int, days: list[str]) -> None:
    """Sum a centre's days again, inside the ingest's transaction (the office's own SQL, `rollup_select`)."""
    for first, last in spans(days):
        await conn.execute("DELETE FROM report_rollup WHERE centre_id = $1 AND day >= $2 AND day <= $3",
                           centre_id, first, last)
        await conn.execute(_INSERT.for_dialect(), *_INSERT.bind({"centre": centre_id, "from_day": first,
                                                                 "to_day": last}))


def _figures(accs: dict[Any, rollup.Acc], wait_target_min: float) -> dict[Any, dict[str, Any]]:
    out = {}
    for g, acc in accs.items():
        row = {"g": g, **rollup.figures(acc, wait_target_min * 60)}
        rollup.derive(row)
        row.pop("steps")
        out[g] = row
    return out


async def hub_report(pool: Any, day_from: str, day_to: str, group_by: str, wait_target_min: float,
                     centre_id: int | None = None, *, percentiles: bool = True) -> dict[Any, dict[str, Any]]:
    """Every figure per group from the centres' per-day summaries (PostgreSQL), optionally for one centre.
    Without `percentiles` the histograms are not read (the dashboard's cheap figures)."""
    group = "province" if group_by == "all" else group_by
    sql = rollup_sql.read_select("postgres", group, where="r.centre_id = :centre" if centre_id is not None else "",
                             with_hist=percentiles)
    values = params(day_from, day_to, wait_target_min, centre=centre_id)
    async with pool.acquire() as conn:
        rows = [dict(r) for r in await conn.fetch(sql.for_dialect(), *sql.bind(values))]
    out = _figures(rollup.add_up(rows), wait_target_min)
    if group_by == "all" and out:
        out = {"all": {**out.pop(0), "g": "all"}}
    return out


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
