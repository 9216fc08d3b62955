"""The per-day summary ("rollup") of the report, built in SQL on both stores, and the figures read back from it.

A year's report over a large office ranked about 650,000 waits for its percentiles; the rollup keeps, for
each day and each value of each grouping dimension (field, procedure, counter, ...), the counts, sums and
maxima of `queries.base_cte` plus **one-second histograms** of waits, service times and step times. A report
adds up the days of its period and reads its percentiles from the summed histograms with the same
nearest-rank rule as `queries._percentiles` (which ranks the same whole seconds), so both ways give the
same figures: counts, sums, means and maxima exactly, percentiles over waits rounded up to whole seconds.

The SQL text is shared by the office (SQLite, `server.store.rollup`) and the province hub (PostgreSQL,
`server.hub.store`); only the JSON aggregate's name differs (`DIALECTS`). Pure functions, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from server.reports.definitions import COUNTS, SATISFIED_MIN_SCORE, SCORES, SHARES, STEP_LABELS
from server.reports.queries import Dialect, Sql, _same, base_cte, group_expr

JSON_OBJECT = {"sqlite": "json_group_object({k}, {v})", "postgres": "CAST(json_object_agg({k}, {v}) AS TEXT)"}
CONCAT = {"sqlite": "group_concat({x}, ',')", "postgres": "string_agg({x}, ',')"}

# Raised when a dimension's key or a summed figure changes meaning: a summary stored under another version is
# not used, and every day is summed again (2: a ticket sent on to another counter counts at a counter).
SUMMARY_VERSION = 2
# The office's dimensions: every report grouping but day/month/weekday-of-day, which come from "all" by day.
DIMS = ("all", "field", "procedure", "counter", "staff", "session_type", "hour", "weekday")
# Report grouping -> (rollup dimension, key over the rollup alias `r`).
READ_GROUPS: dict[str, tuple[str, str]] = {d: (d, "r.k") for d in DIMS}
READ_GROUPS |= {"day": ("all", "r.day"), "month": ("all", "{month_r}")}
MONTH_OF_R = {"sqlite": "substr(r.day, 1, 7)", "postgres": "substr(r.day, 1, 7)"}

# Counts summed as they are (their SQL is the figure's own, from definitions.COUNTS).
_TICKET_COUNTS = ("issued", "served", "no_show", "cancelled", "open", "priority", "wrote_forms", "called",
                  "service_n", "within_service_target")
ADDED = (*_TICKET_COUNTS, "wait_sum", "service_sum", "recalls", "transfers", "ratings",
         *(f"score_{s}" for s in SCORES), "score_sum")
MAXED = ("wait_max", "service_max")
JSONS = ("wait_hist", "service_hist", "outcomes")
COLUMNS = (*ADDED, *MAXED, *JSONS)
STEP_ADDED = ("n", "d_sum", "overdue")
STEP_COLUMNS = ("step", *STEP_ADDED, "d_max", "hist")


def _sql_of(key: str) -> str:
    return next(f.sql for f in COUNTS if f.key == key)


def _hist(dialect: Dialect, source: str, value: str, keys: str, where: str = "") -> str:
    """One JSON object {whole seconds (rounded up): count} per key, from `source`."""
    cond = f"{value} IS NOT NULL" + (f" AND {where}" if where else "")
    return f"""SELECT {keys}, {JSON_OBJECT[dialect].format(k="CAST(s AS TEXT)", v="c")} AS hist FROM (
    SELECT {keys}, CAST(CEIL({value}) AS INTEGER) AS s, COUNT(*) AS c FROM {source} WHERE {cond}
    GROUP BY {keys}, CAST(CEIL({value}) AS INTEGER)) x GROUP BY {keys}"""


def _on(a: str, b: str) -> str:
    return f"{a}.day = {b}.day AND {a}.dim = {b}.dim AND {_same(a, b, ('g',))}"


def keys_of(dialect: Dialect, dims: Iterable[str] | dict[str, str]) -> dict[str, str]:
    """Dimension -> key expression over the ticket alias `t` (the builder's GROUPS unless given)."""
    return dict(dims) if isinstance(dims, dict) else {d: group_expr(dialect, d) for d in dims}


def _unpivot(source: str, dims: dict[str, str], columns: str) -> str:
    """One row per source row and dimension: (day, dim, g, columns...), so each aggregate runs once.
    COALESCE(k, NULL): an expression has no affinity on SQLite, so the compound's `g` keeps each key's own
    type (the first branch's TEXT would turn every field id into text)."""
    return "\n  UNION ALL ".join(f"SELECT day, CAST('{d}' AS TEXT) AS dim, COALESCE(k{i}, NULL) AS g, {columns}"
                                  f" FROM {source}"
                                  for i, d in enumerate(dims))


def rollup_select(dialect: Dialect, dims: Iterable[str] | dict[str, str] = DIMS, *, where: str = "") -> Sql:
    """Rows (day, dim, k, COLUMNS...) for the tickets of days :from_day..:to_day, one per day, dimension and
    key. Every dimension comes from one pass over the tickets. Recalls and transfers are every such event of
    the ticket, ratings the ticket's rating (one at most: `ratings.ticket_id` is unique)."""
    keys = keys_of(dialect, dims)
    first, *rest = keys.values()
    extra = ", ".join([*(f"{k} AS k{i + 1}" for i, k in enumerate(rest)), "t.day AS day", "t.outcome AS outcome",
                       *(f"(SELECT COUNT(*) FROM events e WHERE e.ticket_id = t.id AND e.type = 'ticket.{x}') AS {x}s"
                         for x in ("recall", "transfer")),
                       "(SELECT r.score FROM ratings r WHERE r.ticket_id = t.id) AS score"])
    base = base_cte(first, where, extra=extra, materialized=True).replace(" AS g,", " AS k0,", 1)
    cols = "status, priority, wrote_forms, outcome, wait, service, target_s, recalls, transfers, score"
    counts = ",\n  ".join(f"{_sql_of(c)} AS {c}" for c in _TICKET_COUNTS)
    scores = ", ".join(f"SUM(CASE WHEN score = {s} THEN 1 ELSE 0 END) AS score_{s}" for s in SCORES)
    by = "day, dim, g"
    text = f"""WITH {base},
u AS MATERIALIZED ({_unpivot("base", keys, cols)}),
agg AS (SELECT {by},
  {counts},
  SUM(wait) AS wait_sum, SUM(service) AS service_sum, SUM(recalls) AS recalls, SUM(transfers) AS transfers,
  COUNT(score) AS ratings, {scores}, COALESCE(SUM(score), 0) AS score_sum,
  MAX(wait) AS wait_max, MAX(service) AS service_max
  FROM u GROUP BY {by}),
wh AS ({_hist(dialect, "u", "wait", by)}),
sh AS ({_hist(dialect, "u", "service", by)}),
oc AS (SELECT {by}, {JSON_OBJECT[dialect].format(k="outcome", v="c")} AS outcomes FROM (
    SELECT {by}, COALESCE(outcome, '') AS outcome, COUNT(*) AS c FROM u WHERE status = 'done'
    GROUP BY {by}, COALESCE(outcome, '')) x GROUP BY {by})
SELECT a.day, a.dim, a.g AS k, {", ".join("a." + c for c in ADDED + MAXED)},
  wh.hist AS wait_hist, sh.hist AS service_hist, oc.outcomes
FROM agg a
LEFT JOIN wh ON {_on("wh", "a")}
LEFT JOIN sh ON {_on("sh", "a")}
LEFT JOIN oc ON {_on("oc", "a")}"""
    return Sql(text, dialect)


def steps_select(dialect: Dialect, dims: Iterable[str] | dict[str, str] = DIMS, *, where: str = "") -> Sql:
    """Rows (day, dim, k, step, n, d_sum, overdue, d_max, hist) of the steps ended by a person, by ticket day,
    every dimension from one pass over the steps."""
    keys = keys_of(dialect, dims)
    period = "t.day >= :from_day AND t.day <= :to_day" + (f" AND ({where})" if where else "")
    ks = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys.values()))
    by = "day, dim, g, step"
    text = f"""WITH sb AS MATERIALIZED (
  SELECT t.day AS day, {ks}, s.step AS step, s.ended_at - s.started_at AS d, s.target_min AS target_min
  FROM steps s JOIN tickets t ON t.id = s.ticket_id
  WHERE s.ended_at IS NOT NULL AND s.ended_reason IS NULL AND {period}),
u AS MATERIALIZED ({_unpivot("sb", keys, "step, d, target_min")}),
agg AS (SELECT {by}, COUNT(*) AS n, SUM(d) AS d_sum,
    SUM(CASE WHEN target_min IS NOT NULL AND d > target_min * 60 THEN 1 ELSE 0 END) AS overdue, MAX(d) AS d_max
  FROM u GROUP BY {by}),
h AS ({_hist(dialect, "u", "d", by)})
SELECT a.day, a.dim, a.g AS k, a.step, a.n, a.d_sum, a.overdue, a.d_max, h.hist
FROM agg a LEFT JOIN h ON {_on("h", "a")} AND a.step = h.step"""
    return Sql(text, dialect)


def read_select(dialect: Dialect, group: str, *, table: str = "report_rollup", where: str = "",
                steps: bool = False, with_hist: bool = True) -> Sql:
    """The stored rollup of a period added up per report group `g` (histograms and outcomes as JSON arrays).
    Binds :from_day, :to_day (and whatever `where` names)."""
    dim, key = READ_GROUPS[group]
    key = key.format(month_r=MONTH_OF_R[dialect])
    concat = CONCAT[dialect]
    if steps:
        cols = ["r.step", *(f"SUM(r.{c}) AS {c}" for c in STEP_ADDED), "MAX(r.d_max) AS d_max"]
        if with_hist:
            cols.append(f"'[' || {concat.format(x='r.hist')} || ']' AS hist")
        by = f"{key}, r.step"
    else:
        cols = [*(f"SUM(r.{c}) AS {c}" for c in ADDED), *(f"MAX(r.{c}) AS {c}" for c in MAXED)]
        if with_hist:
            cols += [f"'[' || {concat.format(x='r.' + c)} || ']' AS {c}" for c in JSONS]
        by = key
    cond = f"r.dim = '{dim}' AND r.day >= :from_day AND r.day <= :to_day" + (f" AND ({where})" if where else "")
    return Sql(f"SELECT {key} AS g, {', '.join(cols)} FROM {table} r WHERE {cond} GROUP BY {by}", dialect)


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


def rollup_ddl(table: str = "report_rollup", key_type: str = "", prefix: str = "", steps: bool = True) -> list[str]:
    """The per-day summary's tables (see `server.reports.rollup`); the hub passes its key type and a
    `centre_id` prefix. `k` has no declared type on SQLite, so a group key keeps its own (number or text)."""
    num = "DOUBLE PRECISION" if key_type else "REAL"
    cols = [f"{c} {num}" if c in ("wait_sum", "service_sum") else f"{c} INTEGER NOT NULL DEFAULT 0" for c in ADDED]
    cols += [f"{c} {num}" for c in MAXED] + [f"{c} TEXT" for c in JSONS]
    step_cols = [f"{c} {num if c == 'd_sum' else 'INTEGER'} NOT NULL DEFAULT 0" for c in STEP_ADDED]
    head = f"{prefix}day TEXT NOT NULL, dim TEXT NOT NULL, k {key_type}".rstrip()
    ddl = [f"CREATE TABLE {table} ({head}, {', '.join(cols)})", f"CREATE INDEX {table}_dim_day ON {table}(dim, day)"]
    if steps:
        ddl += [f"CREATE TABLE {table}_steps ({head}, step TEXT NOT NULL, {', '.join(step_cols)}, d_max {num},"
                " hist TEXT)", f"CREATE INDEX {table}_steps_dim_day ON {table}_steps(dim, day)"]
    return ddl


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
    row: dict[str, Any] = {c: int(s.get(c, 0)) for c in (*_TICKET_COUNTS, "recalls", "transfers", "ratings",
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

