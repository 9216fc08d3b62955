"""What the step timers and ratings need beyond the tables of 0002.

- `steps.ended_reason`: a step closed by the service ending (finish, transfer, cancel) rather than
  by the person doing it, so reports do not count it as done on time;
- `steps.level_at`: when the step last changed overdue level (the leader's list sorts on it);
- `ratings.device_id`: which tablet took the rating (never who the citizen is);
- indexes for the leader's board (open steps of a day) and the satisfaction report per counter.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    for sql in (
        "ALTER TABLE steps ADD COLUMN ended_reason TEXT",
        "ALTER TABLE steps ADD COLUMN level_at REAL",
        "ALTER TABLE ratings ADD COLUMN device_id TEXT",
        "CREATE INDEX steps_open_day ON steps(day, ended_at)",
        "CREATE INDEX ratings_counter_day ON ratings(counter_id, day)",
    ):
        db.execute(sql)
