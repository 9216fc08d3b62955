"""Call-next reads the head of each lane (a field, a procedure, tickets sent to this counter) and
class (walk-in, priority, appointment due) without sorting the hall: see tickets.candidate_heads.

Partial indexes hold only waiting tickets, in calling order; the per-field one carries every column
the counter filters on, so skipping a priority or a transferred ticket never reads the table.
(Edited once before any release, to drop 0009's index in the same step.)
"""

from __future__ import annotations

from sqlite_utils import Database

from server.store.migrations.sql import run


def migrate(db: Database) -> None:
    run(
        db,
        "CREATE INDEX tickets_waiting_order ON tickets(day, field_id, arrival_at, seq, id, procedure_id,"
        " target_counter_id, priority, slot_at) WHERE status = 'waiting'",
        "CREATE INDEX tickets_waiting_priority ON tickets(day, field_id, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND priority IS NOT NULL",
        "CREATE INDEX tickets_waiting_slot ON tickets(day, slot_at, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND slot_at IS NOT NULL",
        "CREATE INDEX tickets_waiting_target ON tickets(day, target_counter_id, arrival_at, seq, id)"
        " WHERE status = 'waiting' AND target_counter_id IS NOT NULL",
        # 0009's index of every ticket by status: the waiting counts now use the partial one above
        "DROP INDEX tickets_waiting_field",
    )
