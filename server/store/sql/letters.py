"""The letters report's statement (see `server.reports.letters`), for the office's SQLite and the hub's
PostgreSQL: a letter is counted per ticket finished with "result returned" for a procedure whose `letter`
is set."""

from __future__ import annotations

from server.store.sql.report import Dialect, Sql


def letters_query(dialect: Dialect, *, where: str = "") -> Sql:
    """(procedure_id, procedure, kind, n) per procedure with letters in the period."""
    extra = f" AND ({where})" if where else ""
    text = f"""SELECT p.id AS procedure_id, p.name_vi AS procedure,
  CASE WHEN p.letter = 'condolence' THEN 'death'
       WHEN p.letter = 'congratulation:marriage' OR p.name_vi LIKE '%kết hôn%' THEN 'marriage'
       ELSE 'birth' END AS kind,
  COUNT(*) AS n
FROM tickets t JOIN procedures p ON p.id = t.procedure_id
WHERE t.day >= :from_day AND t.day <= :to_day AND t.status = 'done' AND t.outcome = 'result_returned'
  AND p.letter IS NOT NULL AND p.letter <> ''{extra}
GROUP BY p.id, p.name_vi, p.letter ORDER BY p.id"""
    return Sql(text, dialect)
