"""Portable SQL builders for the report: `report_queries("sqlite"|"postgres", group_by)`.

The province hub (PostgreSQL) imports these same builders, so a figure means the same thing in a
commune and at the province. Every statement reads the `tickets` projection (and `procedures`,
`steps`, `ratings`, `events`) for the days `:from_day`..`:to_day` (inclusive, local dates as
'YYYY-MM-DD' text). Named parameters are written `:name`; `Sql.for_dialect` turns them into
`$1, $2 ...` for asyncpg. A hub with many offices passes `where="t.office_code = :office"` (any extra
condition on the ticket alias `t`) and binds the extra parameter itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from server.reports.definitions import COUNTS, EVENT_COUNTS, PERCENTILES, RATINGS, STEP_FIGURES, STEP_PERCENTILES

Dialect = Literal["sqlite", "postgres"]
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")

# The only dialect differences: how a day becomes its month.
DIALECTS: dict[str, dict[str, str]] = {
    "sqlite": {"month": "substr(t.day, 1, 7)"},
    "postgres": {"month": "to_char(CAST(t.day AS date), 'YYYY-MM')"},
}

# Group key expressions over the ticket alias `t`. "all" is the one-row total.
GROUPS: dict[str, str] = {
    # A literal would do on SQLite, but PostgreSQL refuses to GROUP BY a constant; a cast is an expression.
    "all": "CAST('all' AS TEXT)",
    "field": "t.field_id",
    "procedure": "t.procedure_id",
    # The counter that last called the ticket; a ticket sent on and not yet called again has none, so it counts
    # at the counter it was sent to, else at the one that sent it on (its last transfer's counter).
    "counter": "COALESCE(t.counter_id, t.target_counter_id, (SELECT te.counter_id FROM events te"
               " WHERE te.ticket_id = t.id AND te.type = 'ticket.transfer' ORDER BY te.seq DESC LIMIT 1))",
    "staff": "t.served_by",
    "session_type": "CASE WHEN t.appointment_id IS NOT NULL THEN 'appointment' ELSE t.session_type END",
    "hour": "t.hour",
    "weekday": "t.weekday",
    "day": "t.day",
    "month": "{month}",
}


@dataclass(frozen=True)
class Sql:
    """One statement with `:name` parameters, and the dialect it is meant for."""

    text: str
    dialect: Dialect

    @property
    def params(self) -> list[str]:
        """Parameter names in order of first appearance (the `$n` numbering for PostgreSQL)."""
        seen: list[str] = []
        for name in _PARAM.findall(self.text):
            if name not in seen:
                seen.append(name)
        return seen

    def for_dialect(self) -> str:
        """The text for the driver: `:name` for sqlite3, `$n` for asyncpg."""
        if self.dialect == "sqlite":
            return self.text
        order = self.params
        return _PARAM.sub(lambda m: f"${order.index(m.group(1)) + 1}", self.text)

    def bind(self, values: dict[str, Any]) -> dict[str, Any] | list[Any]:
        missing = [p for p in self.params if p not in values]
        if missing:
            raise KeyError(f"missing report parameters: {', '.join(missing)}")
        if self.dialect == "sqlite":
            return {p: values[p] for p in self.params}
        return [values[p] for p in self.params]


def group_expr(dialect: Dialect, group_by: str) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; use sqlite or postgres")
    if group_by not in GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}; known: {', '.join(GROUPS)}")
    return GROUPS[group_by].format(**DIALECTS[dialect])


def _period(where: str) -> str:
    cond = "t.day >= :from_day AND t.day <= :to_day"
    return f"{cond} AND ({where})" if where else cond


def base_cte(g: str, where: str = "", *, extra: str = "", materialized: bool = False) -> str:
    """One row per ticket of the period, with its wait and service time (see docs/reports.md); `extra` adds
    ticket columns (the rollup's day, id and outcome)."""
    return f"""base AS {"MATERIALIZED " if materialized else ""}(
  SELECT {g} AS g, {extra + ", " if extra else ""}t.status, t.priority, t.wrote_forms,
    CASE WHEN t.first_called_at IS NOT NULL THEN t.first_called_at - t.arrival_at END AS wait,
    CASE WHEN t.status = 'done' AND t.served_at IS NOT NULL THEN t.done_at - t.served_at END AS service,
    p.service_target_min * 60 AS target_s
  FROM tickets t JOIN procedures p ON p.id = t.procedure_id
  WHERE {_period(where)}
)"""


def _percentiles(source: str, partition: str, column: str, picks: list[tuple[str, float]],
                 counts: str, count_column: str, max_column: str) -> str:
    """Nearest-rank percentiles of one column per group, over its values rounded up to whole seconds: the
    smallest whose rank is at least p*n (the ceil(p*n)-th), so the rollup's one-second histograms
    (`rollup.nearest_rank`) give the same figure. Rounding up keeps the order, so the ranks are the
    exact values' ranks. A rounded-up value above the group's exact maximum (`max_column`) is that maximum
    (`rollup.at_most`): a p90 never exceeds the longest time. A narrow sub-select (group key and value) is
    ranked once with ROW_NUMBER; n and the maximum come from the group's aggregate row (`counts`), not from a
    second window. MATERIALIZED keeps SQLite from re-running it for every row it is joined to."""
    keys = tuple(k.strip() for k in partition.split(","))

    def pick(p: float) -> str:
        ranked, top = f"MIN(CASE WHEN r.rn >= {p} * c.{count_column} THEN r.v END)", f"MAX(c.{max_column})"
        return f"CASE WHEN {ranked} > {top} THEN {top} ELSE {ranked} END"

    cols = ", ".join(f"{pick(p)} AS {name}" for name, p in picks)
    return f"""{column}_pct AS MATERIALIZED (
  SELECT {", ".join("r." + k for k in keys)}, {cols} FROM (
    SELECT {partition}, CAST(CEIL({column}) AS INTEGER) AS v,
      ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {column}) AS rn
    FROM {source} WHERE {column} IS NOT NULL) r
  JOIN {counts} c ON {_same("r", "c", keys)}
  GROUP BY {", ".join("r." + k for k in keys)})"""


def _same(a: str, b: str, keys: tuple[str, ...]) -> str:
    """Join on group keys that may be NULL (a ticket never called has no counter), on both dialects."""
    return " AND ".join(f"({a}.{k} = {b}.{k} OR ({a}.{k} IS NULL AND {b}.{k} IS NULL))" for k in keys)


def report_queries(dialect: Dialect, group_by: str, *, where: str = "") -> dict[str, Sql]:
    """The statements of one report grouping. Each returns rows whose first column `g` is the group key.

    - summary: the COUNTS figures and the wait/service percentiles, one row per group
    - waits: the COUNTS figures and the wait percentiles only (the trend chart: one sort, not two)
    - counts: the COUNTS figures alone (no percentiles: cheap, for the charts' series)
    - outcomes: (g, outcome, n) for done tickets
    - events: recalls and transfers counted from the event log
    - ratings: counts per score and the mean score
    - steps: (g, step, n, mean, max, overdue, median, p90) for ended steps
    - step_sums: the same without median and p90 (no window: for breakdowns of long periods)
    """
    g = group_expr(dialect, group_by)
    aggregates = ",\n  ".join(f"{f.sql} AS {f.key}" for f in COUNTS)

    def with_percentiles(columns: list[str]) -> str:
        ctes = ",\n".join(_percentiles("base", "g", c, [(f.key, p) for f, col, p in PERCENTILES if col == c],
                                        "sums", {"wait": "called", "service": "service_n"}[c], f"{c}_max")
                          for c in columns)
        picked = ", ".join(f"{c}_pct.{f.key}" for c in columns for f, col, _ in PERCENTILES if col == c)
        joins = " ".join(f"LEFT JOIN {c}_pct ON {_same(c + '_pct', 's', ('g',))}" for c in columns)
        return f"""WITH {base_cte(g, where)},
sums AS MATERIALIZED (SELECT g,
  {aggregates}
  FROM base GROUP BY g),
{ctes}
SELECT s.*, {picked} FROM sums s {joins} ORDER BY s.g"""

    summary = with_percentiles(["wait", "service"])
    waits = with_percentiles(["wait"])

    counts = f"""WITH {base_cte(g, where)}
SELECT g,
  {aggregates}
FROM base GROUP BY g ORDER BY g"""

    outcomes = f"""SELECT {g} AS g, t.outcome AS outcome, COUNT(*) AS n
FROM tickets t WHERE {_period(where)} AND t.status = 'done'
GROUP BY {g}, t.outcome ORDER BY 1, 2"""

    event_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in EVENT_COUNTS)
    # MATERIALIZED: find the few recall/transfer events first (by type), then their tickets; without it
    # SQLite may walk every ticket of the period and all its events. Every such event of a period's ticket
    # counts, also one made on a later day (none is made before its ticket's day).
    events = f"""WITH e AS MATERIALIZED (
  SELECT ticket_id, type FROM events
  WHERE type IN ('ticket.recall', 'ticket.transfer') AND day >= :from_day)
SELECT {g} AS g, {event_aggs}
FROM e JOIN tickets t ON t.id = e.ticket_id
WHERE {_period(where)}
GROUP BY {g} ORDER BY 1"""

    rating_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in RATINGS)
    ratings = f"""SELECT {g} AS g, {rating_aggs}
FROM ratings r JOIN tickets t ON t.id = r.ticket_id
WHERE {_period(where)}
GROUP BY {g} ORDER BY 1"""

    step_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in STEP_FIGURES)
    step_picks = ", ".join(f"d_pct.{name}" for name, _ in STEP_PERCENTILES)
    step_rows = f"""SELECT {g} AS g, s.step AS step, s.ended_at - s.started_at AS d, s.target_min AS target_min
  FROM steps s JOIN tickets t ON t.id = s.ticket_id
  WHERE s.ended_at IS NOT NULL AND s.ended_reason IS NULL AND {_period(where)}"""
    steps = f"""WITH sb AS ({step_rows}),
sa AS MATERIALIZED (SELECT g, step, {step_aggs} FROM sb GROUP BY g, step),
{_percentiles("sb", "g, step", "d", list(STEP_PERCENTILES), "sa", "n", "max")}
SELECT sa.*, {step_picks} FROM sa LEFT JOIN d_pct ON d_pct.step = sa.step AND {_same("d_pct", "sa", ("g",))}
ORDER BY sa.g, sa.step"""
    step_sums = f"""SELECT g, step, {step_aggs} FROM ({step_rows}) sb GROUP BY g, step ORDER BY g, step"""

    named = (("summary", summary), ("waits", waits), ("counts", counts), ("outcomes", outcomes), ("events", events),
             ("ratings", ratings), ("steps", steps), ("step_sums", step_sums))
    return {name: Sql(text, dialect) for name, text in named}
