"""The report as one JSON-ready dict: totals, rows per group, outcomes, steps, charts' series.

Figures come from SQL (`server.store.reports`); this module only merges the statements' rows by
group key, adds the shares (`definitions.SHARES`) and the labels. The page, the XLSX/CSV exports,
the CLI and the monthly job all render this same dict, so they cannot disagree.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from ..domain.tickets import OUTCOME_LABELS
from ..store import reports as store
from . import definitions as d
from .letters import shape

TREND_DAYS = 62  # up to two months the trend is per day, beyond per month
# A group with no rows in one statement: counts are 0, times and means unknown (None).
_ZERO = {f.key: (0 if f.unit == "count" else None) for f in (*d.COUNTS, *d.RATINGS, *d.EVENT_COUNTS)} \
    | {f.key: None for f, _, _ in d.PERCENTILES}


def _round(v: Any) -> Any:
    return round(v, 1) if isinstance(v, float) else v


def _merge(parts: dict[str, list[dict[str, Any]]]) -> dict[Any, dict[str, Any]]:
    rows: dict[Any, dict[str, Any]] = {}
    for name in ("summary", "waits", "counts", "events", "ratings"):
        for r in parts.get(name, []):
            rows.setdefault(r["g"], dict(_ZERO)).update({k: _round(v) for k, v in r.items() if k != "g"})
    for r in parts.get("outcomes", []):
        rows.setdefault(r["g"], dict(_ZERO)).setdefault("outcomes", {})[r["outcome"] or ""] = r["n"]
    for r in parts.get("steps", []) + parts.get("step_sums", []):
        step = {k: _round(v) for k, v in r.items() if k != "g"}
        rows.setdefault(r["g"], dict(_ZERO)).setdefault("steps", []).append(step)
    order = list(d.STEP_LABELS)
    for row in rows.values():
        row.get("steps", []).sort(key=lambda st: order.index(st["step"]) if st["step"] in order else len(order))
        _derive(row)
    return rows


def _derive(row: dict[str, Any]) -> None:
    row["satisfied"] = sum(row.get(f"score_{s}", 0) or 0 for s in d.SCORES if s >= d.SATISFIED_MIN_SCORE)
    for s in d.SHARES:
        den = row.get(s.denominator) or 0
        row[s.key] = (row.get(s.numerator) or 0) / den if den else None
    row.setdefault("outcomes", {})
    row.setdefault("steps", [])


def _label(group: str, key: Any, names: dict[Any, tuple[str, str]]) -> tuple[str, str]:
    if key is None:
        return ("(không có)", "(none)")
    if group == "session_type":
        return d.SESSION_TYPES.get(key, (str(key), str(key)))
    if group == "weekday":
        return d.WEEKDAYS.get(key, (str(key), str(key)))
    if group == "hour":
        return (f"{key:02d}:00-{key:02d}:59", f"{key:02d}:00-{key:02d}:59")
    return names.get(key, (str(key), str(key)))


def period_params(from_day: date, to_day: date, wait_target_min: float) -> dict[str, Any]:
    return {"from_day": from_day.isoformat(), "to_day": to_day.isoformat(), "wait_target_s": wait_target_min * 60}


# The statements of a report, costliest first (they run two at a time).
FULL = ("summary", "steps", "events", "ratings", "outcomes")


GROUP_PARTS = ("summary", "step_sums", "events", "ratings", "outcomes")  # step percentiles: total only


def _jobs(group: str, trend: str) -> list[tuple[str, str]]:
    jobs = [("all", n) for n in FULL] + [(group, n) for n in GROUP_PARTS]
    jobs += [(trend, "ratings"), ("hour", "counts"), ("weekday", "counts")]
    if group != trend:  # else the group's summary already has the trend's waits
        jobs.append((trend, "waits"))
    return sorted(set(jobs), key=lambda j: (("summary", "steps", "waits").index(j[1]) if j[1] in
                                            ("summary", "steps", "waits") else 9))


def build_report(reader: store.Reader, from_day: date, to_day: date, group: str, *,
                 wait_target_min: float = 15, generated_at: str = "") -> dict[str, Any]:
    params = period_params(from_day, to_day, wait_target_min)
    days = (to_day - from_day).days + 1
    trend = "day" if days <= TREND_DAYS else "month"
    done = reader.statements(_jobs(group, trend), params)

    def parts(g: str, names: tuple[str, ...]) -> dict[Any, dict[str, Any]]:
        return _merge({n: done[(g, n)] for n in names})

    conn = reader.conn()
    total = parts("all", FULL).get("all") or {**_ZERO}
    _derive(total)
    names = store.labels(conn, group)
    rows = []
    for key, row in parts(group, GROUP_PARTS).items():
        vi, en = _label(group, key, names)
        rows.append({"key": key, "label": vi, "label_en": en, **row})
    keep = ("key", "issued", "served", "wait_mean", "wait_median", "wait_p90", "ratings", "satisfied_share",
            "good_share")

    def series(g: str, names_: tuple[str, ...]) -> list[dict[str, Any]]:
        merged = sorted(parts(g, names_).items(), key=lambda kv: (kv[0] is None, kv[0]))
        return [{k: ({"key": key, **v}).get(k) for k in keep} for key, v in merged]

    return {
        "office": store.office(conn),
        "period": {"from": params["from_day"], "to": params["to_day"], "days": days},
        "group": group, "group_label": list(d.GROUP_NAMES[group]),
        "wait_target_min": wait_target_min, "generated_at": generated_at,
        "figures": [{"key": f.key, "vi": f.vi, "en": f.en, "unit": f.unit} for f in d.all_figures()],
        "outcome_labels": {o.value: list(v) for o, v in OUTCOME_LABELS.items()},
        "step_labels": {k: list(v) for k, v in d.STEP_LABELS.items()},
        "total": total, "rows": rows,
        "charts": {"by_hour": series("hour", ("counts",)), "by_weekday": series("weekday", ("counts",)),
                   "trend": series(trend, ("summary" if group == trend else "waits", "ratings")),
                   "trend_unit": trend},
    }


def build_letters(conn: sqlite3.Connection, from_day: date, to_day: date) -> dict[str, Any]:
    """Both appendix tables of seed 000 for the office's own tickets."""
    unit = store.office(conn)
    rows = store.letters(conn, {"from_day": from_day.isoformat(), "to_day": to_day.isoformat()})
    out = shape([(unit["name"], rows)])
    out["period"] = {"from": from_day.isoformat(), "to": to_day.isoformat()}
    return out
