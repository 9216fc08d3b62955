"""The report as one JSON-ready dict: totals, rows per group, outcomes, steps, charts' series.

Figures come from the per-day summary (`server.reports.rollup`, read by `server.store.rollup`: stored
days added up in SQL, changed days summed on the fly); this module turns each group's sums into its
figures, adds the shares (`definitions.SHARES`) and the labels. The page, the XLSX/CSV exports,
the CLI and the monthly job all render this same dict, so they cannot disagree.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from server.domain.tickets import OUTCOME_LABELS
from server.reports import definitions as d
from server.reports import rollup
from server.reports.letters import shape
from server.store import reports as store

TREND_DAYS = 62  # up to two months the trend is per day, beyond per month; a single day's is per hour


def _round(v: Any) -> Any:
    return round(v, 1) if isinstance(v, float) else v


def _row(acc: rollup.Acc, wait_target_s: float, steps: list[dict[str, Any]]) -> dict[str, Any]:
    row = {k: _round(v) for k, v in rollup.figures(acc, wait_target_s).items()}
    row["steps"] = [{k: _round(v) for k, v in st.items()} for st in steps]
    rollup.derive(row)
    return row


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


def _jobs(group: str, trend: str) -> list[tuple[str, bool]]:
    """(grouping, steps?) read from the summary: the total and the breakdown with their steps, the trend
    and the arrival charts' groupings (each once)."""
    return sorted({("all", True), (group, True), ("all", False), (group, False), (trend, False),
                   ("hour", False), ("weekday", False)}, key=lambda j: (j[0] != "all", j[1]))


def build_report(reader: store.Reader, from_day: date, to_day: date, group: str, *,
                 wait_target_min: float = 15, generated_at: str = "") -> dict[str, Any]:
    params = period_params(from_day, to_day, wait_target_min)
    days = (to_day - from_day).days + 1
    trend = "hour" if days == 1 else "day" if days <= TREND_DAYS else "month"
    done = reader.sums(_jobs(group, trend), params["from_day"], params["to_day"])
    target = params["wait_target_s"]

    def rows_of(g: str) -> dict[Any, dict[str, Any]]:
        steps = rollup.steps_by_group(done.get((g, True), {}))
        return {key: _row(acc, target, steps.get(key, [])) for key, acc in done[(g, False)].items()}

    conn = reader.conn()
    total = rows_of("all").get("all") or _row(rollup.Acc(), target, [])
    names = store.labels(conn, group)
    rows = []
    for key, row in sorted(rows_of(group).items(), key=lambda kv: (kv[0] is not None, kv[0] or 0)):
        vi, en = _label(group, key, names)
        rows.append({"key": key, "label": vi, "label_en": en, **row})
    keep = ("key", "issued", "served", "wait_mean", "wait_median", "wait_p90", "ratings", "satisfied_share",
            "good_share")

    def series(g: str) -> list[dict[str, Any]]:
        merged = sorted(rows_of(g).items(), key=lambda kv: (kv[0] is None, kv[0]))
        return [{k: ({"key": key, **v}).get(k) for k in keep} for key, v in merged]

    return {
        "office": store.office(conn),
        "period": {"from": params["from_day"], "to": params["to_day"], "days": days},
        "group": group, "group_label": list(d.GROUP_NAMES[group]),
        "wait_target_min": wait_target_min, "generated_at": generated_at,
        "figures": [{"key": f.key, "vi": f.vi, "en": f.en, "unit": f.unit} for f in d.all_figures()],
        "outcome_labels": {o: list(v) for o, v in OUTCOME_LABELS.items()},
        "step_labels": {k: list(v) for k, v in d.STEP_LABELS.items()},
        "total": total, "rows": rows,
        "charts": {"by_hour": series("hour"), "by_weekday": series("weekday"), "trend": series(trend),
                   "trend_unit": trend, "open_hours": list(store.open_hours(conn))},
    }


def build_letters(conn: sqlite3.Connection, from_day: date, to_day: date, since: str = "") -> dict[str, Any]:
    """Both appendix tables of seed 000 for the office's own tickets; `since` is the day the office began the
    model (`[reports] letters_since`), column (3)."""
    unit = store.office(conn)
    rows = store.letters(conn, {"from_day": from_day.isoformat(), "to_day": to_day.isoformat()})
    out = shape([(unit["name"], since, rows)])
    out["period"] = {"from": from_day.isoformat(), "to": to_day.isoformat()}
    return out
