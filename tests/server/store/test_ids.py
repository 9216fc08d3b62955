"""Our ULIDs are real ULIDs: python-ulid parses them back to the same instant, and they sort by time."""

from __future__ import annotations

import os

from ulid import ULID

from server.store.tx import new_id


def test_new_id_is_a_ulid_of_that_instant() -> None:
    at = 1_795_399_200.123
    parsed = ULID.from_str(new_id(at))
    assert abs(parsed.timestamp - at) < 0.001


def test_ids_sort_by_time_and_do_not_repeat() -> None:
    ids = [new_id(1_795_399_200 + i * 0.01) for i in range(200)]
    assert ids == sorted(ids) and len(set(ids)) == 200
    assert len({new_id(1.0) for _ in range(1000)}) == 1000


def test_a_forked_child_draws_other_ids_than_its_parent() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then leave without running pytest's exit handlers
        os.write(write, new_id(1.0).encode())
        os._exit(0)
    os.close(write)
    mine = new_id(1.0)
    with os.fdopen(read, "rb") as pipe:
        theirs = pipe.read().decode()
    os.waitpid(pid, 0)
    assert len(theirs) == 26 and theirs[:10] == mine[:10] and theirs != mine
