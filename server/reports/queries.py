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

from .definitions import COUNTS, EVENT_COUNTS, PERCENTILES, RATINGS, STEP_FIGURES, STEP_PERCENTILES

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
    "counter": "t.counter_id",
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


def base_cte(g: str, where: str = "") -> str:
    """One row per ticket of the period, with its wait and service time (see docs/reports.md)."""
    return f"""base AS (
  SELECT {g} AS g, t.status, t.outcome, t.priority, t.wrote_forms,
    CASE WHEN t.first_called_at IS NOT NULL THEN t.first_called_at - t.arrival_at END AS wait,
    CASE WHEN t.status = 'done' AND t.served_at IS NOT NULL THEN t.done_at - t.served_at END AS service,
    p.service_target_min * 60 AS target_s
  FROM tickets t JOIN procedures p ON p.id = t.procedure_id
  WHERE {_period(where)}
)"""


def _percentiles(source: str, partition: str, specs: list[tuple[str, str, float]]) -> str:
    """Nearest-rank percentiles: the smallest value whose rank is at least p*n (portable window SQL).

    `specs` is (output name, column, p); every column gets its own ranked sub-select.
    """
    columns = sorted({col for _, col, _ in specs})
    parts = []
    for col in columns:
        picks = ", ".join(
            f"MIN(CASE WHEN rn >= {p} * n THEN v END) AS {name}" for name, c, p in specs if c == col
        )
        parts.append(f"""{col}_ranked AS (
  SELECT {partition}, v, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY v) AS rn,
    COUNT(*) OVER (PARTITION BY {partition}) AS n
  FROM (SELECT {partition}, {col} AS v FROM {source} WHERE {col} IS NOT NULL) x
), {col}_pct AS (SELECT {partition}, {picks} FROM {col}_ranked GROUP BY {partition})""")
    return ",\n".join(parts)


def report_queries(dialect: Dialect, group_by: str, *, where: str = "") -> dict[str, Sql]:
    """The statements of one report grouping. Each returns rows whose first column `g` is the group key.

    - summary: the COUNTS figures and the wait/service percentiles, one row per group
    - outcomes: (g, outcome, n) for done tickets
    - events: recalls and transfers counted from the event log
    - ratings: counts per score and the mean score
    - steps: (g, step, n, mean, max, overdue, median, p90) for ended steps
    """
    g = group_expr(dialect, group_by)
    aggregates = ",\n  ".join(f"{f.sql} AS {f.key}" for f in COUNTS)
    pct_specs = [(f.key, col, p) for f, col, p in PERCENTILES]
    pct_names = ", ".join(f"{col}_pct.{name}" for name, col, _ in pct_specs)
    pct_joins = " ".join(
        f"LEFT JOIN {col}_pct ON {col}_pct.g = s.g OR ({col}_pct.g IS NULL AND s.g IS NULL)"
        for col in sorted({c for _, c, _ in pct_specs})
    )
    summary = f"""WITH {base_cte(g, where)},
sums AS (SELECT g,
  {aggregates}
  FROM base GROUP BY g),
{_percentiles("base", "g", pct_specs)}
SELECT s.*, {pct_names} FROM sums s {pct_joins} ORDER BY s.g"""

    outcomes = f"""SELECT {g} AS g, t.outcome AS outcome, COUNT(*) AS n
FROM tickets t WHERE {_period(where)} AND t.status = 'done'
GROUP BY {g}, t.outcome ORDER BY 1, 2"""

    event_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in EVENT_COUNTS)
    events = f"""SELECT {g} AS g, {event_aggs}
FROM events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.day >= :from_day AND e.day <= :to_day AND e.type IN ('ticket.recall', 'ticket.transfer')
  AND {_period(where)}
GROUP BY {g} ORDER BY 1"""

    rating_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in RATINGS)
    ratings = f"""SELECT {g} AS g, {rating_aggs}
FROM ratings r JOIN tickets t ON t.id = r.ticket_id
WHERE {_period(where)}
GROUP BY {g} ORDER BY 1"""

    step_aggs = ", ".join(f"{f.sql} AS {f.key}" for f in STEP_FIGURES)
    step_specs = [(name, "d", p) for name, p in STEP_PERCENTILES]
    step_pct = ", ".join(f"d_pct.{name}" for name, _ in STEP_PERCENTILES)
    steps = f"""WITH sb AS (
  SELECT {g} AS g, s.step AS step, s.ended_at - s.started_at AS d, s.target_min AS target_min
  FROM steps s JOIN tickets t ON t.id = s.ticket_id
  WHERE s.ended_at IS NOT NULL AND s.ended_reason IS NULL AND {_period(where)}
), sa AS (SELECT g, step, {step_aggs} FROM sb GROUP BY g, step),
{_percentiles("sb", "g, step", step_specs)}
SELECT sa.*, {step_pct} FROM sa LEFT JOIN d_pct ON d_pct.step = sa.step
  AND (d_pct.g = sa.g OR (d_pct.g IS NULL AND sa.g IS NULL)) ORDER BY sa.g, sa.step"""

    return {name: Sql(text, dialect) for name, text in
            (("summary", summary), ("outcomes", outcomes), ("events", events), ("ratings", ratings),
             ("steps", steps))}
