"""A version number bumped by triggers whenever the catalogue or the calendar changes,
so decisions can keep them in memory and reload only after an edit (from any connection or tool).

Every watched table exists by 0010 on a fresh database; a table an older database lacks is skipped.
Counters' queue streaks change on every call and are not watched.
"""

from __future__ import annotations

from sqlite_utils import Database

WATCHED = ("office", "number_series", "fields", "procedures", "counter_services", "priority_categories",
           "calendar_hours", "calendar_holidays", "calendar_special_days", "calendar_mobile", "calendar_settings")

COUNTER_COLUMNS = "number, name_vi, name_en, grp, active"


def _triggers(table: str, update_of: str = "") -> list[str]:
    bump = "BEGIN UPDATE catalog_version SET v = v + 1; END"
    of = f" OF {update_of}" if update_of else ""
    return [f"CREATE TRIGGER {table}_catalog_{op.lower()} AFTER {op}{of if op == 'UPDATE' else ''} ON {table} {bump}"
            for op in ("INSERT", "UPDATE", "DELETE")]


def migrate(db: Database) -> None:
    db.execute("CREATE TABLE catalog_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL)")
    db.execute("INSERT INTO catalog_version (id, v) VALUES (1, 1)")
    existing = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    for table in WATCHED:
        if table in existing:
            for sql in _triggers(table):
                db.execute(sql)
    for sql in _triggers("counters", COUNTER_COLUMNS):
        db.execute(sql)
