"""`motcua serve` turns SQLite's memory statistics off before its first connection (a global mutex at every
allocation); with a connection already open it must leave the library alone. Each case in its own Python
process: the setting is the whole process's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import ctypes, sqlite3, sys, _sqlite3
from server.store import db
lib = ctypes.CDLL(_sqlite3.__file__)
lib.sqlite3_memory_used.restype = ctypes.c_int64
early = sys.argv[1] == "open-first"
if early:
    keep = db.connect(sys.argv[2] + "-early.db")
turned_off = db.without_memory_statistics()
conn = db.connect(sys.argv[2])
conn.execute("CREATE TABLE t (n INTEGER)")
conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
print(turned_off, lib.sqlite3_memory_used() > 0, conn.execute("SELECT SUM(n) FROM t").fetchone()[0],
      db.without_memory_statistics())
"""


def _probe(case: str, tmp_path: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, case, str(tmp_path / "probe.db")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.split()


def test_off_before_the_first_connection_and_the_database_works(tmp_path: Path) -> None:
    turned_off, counting, total, again = _probe("fresh", tmp_path)
    assert turned_off == "True" and counting == "False", "the statistics are still kept"
    assert total == str(sum(range(1000)))
    assert again == "True"  # a second call changes nothing (and does not shut SQLite down again)


def test_left_alone_while_a_connection_is_open(tmp_path: Path) -> None:
    turned_off, counting, total, again = _probe("open-first", tmp_path)
    assert turned_off == "False" and counting == "True"
    assert total == str(sum(range(1000))) and again == "False"
