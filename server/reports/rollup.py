"""The per-day summary ("rollup") of the report: its columns, and the figures read back from it.

A year's report over a large office ranked about 650,000 waits for its percentiles; the rollup keeps, for
each day and each value of each grouping dimension (field, procedure, counter, ...), the counts, sums and
maxima of the report's `base` rows (`server.store.sql.report.base_cte`) plus **one-second histograms** of
waits, service times and step times. A report adds up the days of its period and reads its percentiles from
the summed histograms with the same nearest-rank rule as the report's own SQL (which ranks the same whole
seconds), so both ways give the same figures: counts, sums, means and maxima exactly, percentiles over
waits rounded up to whole seconds.

The SQL that makes and reads the summary is in `server.store.sql.rollup`, shared by the office (SQLite,
`server.store.rollup`) and the province hub (PostgreSQL, `server.hub.store`). Here: pure functions, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from server.reports.definitions import SATISFIED_MIN_SCORE, SCORES, SHARES, STEP_LABELS

# Raised when a dimension's key or a summed figure changes meaning: a summary stored under another version is
# not used, and every day is summed again (2: a ticket sent on to another counter counts at a counter).
SUMMARY_VERSION = 2
# The office's dimensions: every report grouping but day/month/weekday-of-day, which come from "all" by day.
DIMS = ("all", "field", "procedure", "counter", "staff", "session_type", "hour", "weekday")

# Counts summed as they are (their SQL is the figure's own, from definitions.COUNTS).
TICKET_COUNTS = ("issued", "served", "no_show", "cancelled", "open", "priority", "wrote_forms", "called",
                  "service_n", "within_service_target")
ADDED = (*TICKET_COUNTS, "wait_sum", "service_sum", "recalls", "transfers", "ratings",
         *(f"score_{s}" for s in SCORES), "score_sum")
MAXED = ("wait_max", "service_max")
JSONS = ("wait_hist", "service_hist", "outcomes")
COLUMNS = (*ADDED, *MAXED, *JSONS)
STEP_ADDED = ("n", "d_sum", "overdue")
STEP_COLUMNS = ("step", *STEP_ADDED, "d_max", "hist")


def day_ranges(days: Iterable[str]) -> list[tuple[str, str]]:
    """Consecutive days joined into (first, last) ranges: one statement per range, not per day."""
    out: list[tuple[str, str]] = []
    for d in sorted(set(days)):
        if out and date.fromisoformat(out[-1][1]) + timedelta(days=1) == date.fromisoformat(d):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def live_key(group: str, row: dict[str, Any]) -> Any:
    """The report group of a rollup row made on the fly (what `read_select` computes in SQL)."""
    if group == "day":
        return row["day"]
    if group == "month":
        return row["day"][:7]
    return row["k"]


# -- reading: partial rows (stored sums or fresh rows) added up per group, then the figures ---------------

def _json_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, list) else [parsed]


class Acc:
    """The running sums of one group (or one group and step)."""

    __slots__ = ("sums", "maxes", "hists")

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.maxes: dict[str, float | None] = {}
        self.hists: dict[str, dict[Any, int]] = {}

    def add(self, row: dict[str, Any], added: tuple[str, ...], maxed: tuple[str, ...], jsons: tuple[str, ...]) -> None:
        for c in added:
            v = row.get(c) or 0
            self.sums[c] = self.sums.get(c, 0) + (float(v) if isinstance(v, Decimal) else v)
        for c in maxed:
            v, old = row.get(c), self.maxes.get(c)
            self.maxes[c] = v if old is None or (v is not None and v > old) else old
        for c in jsons:
            h = self.hists.setdefault(c, {})
            for obj in _json_list(row.get(c)):
                for s, n in obj.items():
                    h[s] = h.get(s, 0) + int(n)


def nearest_rank(hist: dict[Any, int], n: float, p: float) -> int | None:
    """The smallest whole second whose rank reaches p*n (the ceil(p*n)-th smallest), as the SQL ranks."""
    if not n:
        return None
    rank = 0
    for s in sorted(hist, key=int):
        rank += hist[s]
        if rank >= p * n:
            return int(s)
    return None


def add_up(rows: Iterable[dict[str, Any]], key: Any = lambda r: r["g"], *, steps: bool = False,
           into: dict[Any, Acc] | None = None) -> dict[Any, Acc]:
    """Partial rows (stored sums per group, or fresh per-day rows) added into one Acc per group (and step)."""
    out: dict[Any, Acc] = {} if into is None else into
    for r in rows:
        g = (key(r), r["step"]) if steps else key(r)
        acc = out.get(g)
        if acc is None:
            acc = out[g] = Acc()
        if steps:
            acc.add(r, STEP_ADDED, ("d_max",), ("hist",))
        else:
            acc.add(r, ADDED, MAXED, JSONS)
    return out


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def at_most(value: float | None, top: float | None) -> float | None:
    """A percentile of times rounded up to whole seconds, never above the exact longest time: one wait of
    100.4 s has a p90 of 100.4 s, not 101 s (the ranked value is the ceiling of a time that is at most `top`)."""
    if value is None or top is None or value <= top:
        return value
    return top


def figures(acc: Acc, wait_target_s: float) -> dict[str, Any]:
    """Every figure of `definitions.COUNTS`, `PERCENTILES`, `EVENT_COUNTS` and `RATINGS` for one group."""
    s, wait, service = acc.sums, acc.hists.get("wait_hist", {}), acc.hists.get("service_hist", {})
    row: dict[str, Any] = {c: int(s.get(c, 0)) for c in (*TICKET_COUNTS, "recalls", "transfers", "ratings",
                                                          *(f"score_{k}" for k in SCORES))}
    called, served_n = row["called"], row["service_n"]
    row.update({
        "wait_mean": _div(s.get("wait_sum", 0), called), "wait_max": acc.maxes.get("wait_max"),
        "service_mean": _div(s.get("service_sum", 0), served_n), "service_max": acc.maxes.get("service_max"),
        "within_wait_target": sum(n for sec, n in wait.items() if int(sec) <= wait_target_s),
        "wait_median": at_most(nearest_rank(wait, called, 0.5), acc.maxes.get("wait_max")),
        "wait_p90": at_most(nearest_rank(wait, called, 0.9), acc.maxes.get("wait_max")),
        "service_median": at_most(nearest_rank(service, served_n, 0.5), acc.maxes.get("service_max")),
        "service_p90": at_most(nearest_rank(service, served_n, 0.9), acc.maxes.get("service_max")),
        "score_mean": _div(s.get("score_sum", 0), row["ratings"]),
        "outcomes": dict(acc.hists.get("outcomes", {})),
    })
    return row


def derive(row: dict[str, Any]) -> None:
    """`satisfied` and the shares (`definitions.SHARES`: None when the denominator is 0), in place."""
    row["satisfied"] = sum(row.get(f"score_{s}", 0) or 0 for s in SCORES if s >= SATISFIED_MIN_SCORE)
    for s in SHARES:
        den = row.get(s.denominator) or 0
        row[s.key] = (row.get(s.numerator) or 0) / den if den else None
    row.setdefault("outcomes", {})
    row.setdefault("steps", [])


def step_figures(step: str, acc: Acc) -> dict[str, Any]:
    n = int(acc.sums.get("n", 0))
    hist, top = acc.hists.get("hist", {}), acc.maxes.get("d_max")
    return {"step": step, "n": n, "mean": _div(acc.sums.get("d_sum", 0), n), "max": top,
            "overdue": int(acc.sums.get("overdue", 0)), "median": at_most(nearest_rank(hist, n, 0.5), top),
            "p90": at_most(nearest_rank(hist, n, 0.9), top)}


def steps_by_group(accs: dict[Any, Acc]) -> dict[Any, list[dict[str, Any]]]:
    order = list(STEP_LABELS)
    out: dict[Any, list[dict[str, Any]]] = {}
    for (g, step), acc in accs.items():
        out.setdefault(g, []).append(step_figures(step, acc))
    for steps in out.values():
        steps.sort(key=lambda st: order.index(st["step"]) if st["step"] in order else len(order))
    return out

