"""The per-day report summary's SQL on both stores: the rows of a day (`rollup_select`, `steps_select`), the
stored days added up per report group (`read_select`) and the tables (`rollup_ddl`).

The office (SQLite, `server.store.rollup`) and the province hub (PostgreSQL, `server.hub.store`) run the same
text; only the JSON aggregate's and the string concatenation's names differ. The summary's columns and the
figures read back from it are in `server.reports.rollup`.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.reports.definitions import COUNTS, SCORES
from server.reports.rollup import ADDED, DIMS, JSONS, MAXED, STEP_ADDED, TICKET_COUNTS
from server.store.sql.report import Dialect, Sql, _same, base_cte, group_expr

# Report grouping -> (rollup dimension, key over the rollup alias `r`).
READ_GROUPS: dict[str, tuple[str, str]] = {d: (d, "r.k") for d in DIMS}
READ_GROUPS |= {"day": ("all", "r.day"), "month": ("all", "{month_r}")}
MONTH_OF_R = {"sqlite": "substr(r.day, 1, 7)", "postgres": "substr(r.day, 1, 7)"}

JSON_OBJECT = {"sqlite": "json_group_object({k}, {v})", "postgres": "CAST(json_object_agg({k}, {v}) AS TEXT)"}
CONCAT = {"sqlite": "group_concat({x}, ',')", "postgres": "string_agg({x}, ',')"}


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
    counts = ",\n  ".join(f"{_sql_of(c)} AS {c}" for c in TICKET_COUNTS)
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


