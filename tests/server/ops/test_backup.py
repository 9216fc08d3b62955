"""Backups of a live WAL database, their rotation, restores and the `motcua backup|restore` commands."""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from server.ops.backup import (
    BackupError,
    ServerRunning,
    backup_database,
    hold_server_lock,
    list_backups,
    register_cli,
    remove_old_backups,
    restore_database,
    settings_from_toml,
)

DAY0 = datetime(2025, 3, 1, 2, 0, 0)


def make_db(path: Path, rows: int = 3) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE tickets (id INTEGER PRIMARY KEY, number TEXT NOT NULL)")
        conn.executemany("INSERT INTO tickets (number) VALUES (?)", [(f"A{i:03}",) for i in range(rows)])
        conn.commit()
    return path


def rows_of(path: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id, number FROM tickets ORDER BY id").fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return make_db(tmp_path / "data" / "motcua.db")


def test_backup_while_a_writer_commits_is_consistent_and_restorable(tmp_path: Path, db: Path) -> None:
    enough_written, stop = threading.Event(), threading.Event()

    def writer() -> None:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            n = 0
            while not stop.is_set():
                conn.execute("INSERT INTO tickets (number) VALUES (?)", (f"B{n}",))
                conn.commit()
                n += 1
                if n == 200:
                    enough_written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert enough_written.wait(timeout=30)
        made = backup_database(db, tmp_path / "backups", keep_days=14, now=DAY0)
    finally:
        stop.set()
        thread.join()

    assert made.name == "motcua-20250301-020000.db"
    assert not Path(f"{made}-wal").exists()
    with contextlib.closing(sqlite3.connect(made)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copied = rows_of(made)
    # A snapshot: every committed row up to some point, in order, with no gap.
    assert len(copied) >= 3 + 200
    assert [row[0] for row in copied] == list(range(1, len(copied) + 1))
    assert copied == rows_of(db)[: len(copied)]

    fresh = tmp_path / "elsewhere" / "motcua.db"
    assert restore_database(made, fresh) == []
    assert rows_of(fresh) == copied


def test_backup_of_a_missing_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup_database(tmp_path / "none.db", tmp_path / "backups", keep_days=3, now=DAY0)
    assert list_backups(tmp_path / "backups") == []


def test_two_backups_in_the_same_second_both_kept(tmp_path: Path, db: Path) -> None:
    first = backup_database(db, tmp_path / "b", keep_days=3, now=DAY0)
    second = backup_database(db, tmp_path / "b", keep_days=3, now=DAY0)
    assert first != second
    assert [b.path for b in list_backups(tmp_path / "b")] == [first, second]


def test_rotation_keeps_keep_days_of_backups(tmp_path: Path, db: Path) -> None:
    dest = tmp_path / "backups"
    for day in range(11):
        backup_database(db, dest, keep_days=3, now=DAY0 + timedelta(days=day))
    (dest / "notes.txt").write_text("not a backup")
    kept = [b.taken_at for b in list_backups(dest)]
    assert kept == [DAY0 + timedelta(days=d) for d in (7, 8, 9, 10)]
    assert (dest / "notes.txt").exists()


def test_rotation_never_deletes_the_newest_backup(tmp_path: Path, db: Path) -> None:
    dest = tmp_path / "backups"
    for day in range(3):
        backup_database(db, dest, keep_days=3, now=DAY0 + timedelta(days=day))
    deleted = remove_old_backups(dest, keep_days=3, now=DAY0 + timedelta(days=365))
    assert len(deleted) == 2
    assert [b.taken_at for b in list_backups(dest)] == [DAY0 + timedelta(days=2)]


def test_restore_is_refused_while_a_server_holds_the_lock(tmp_path: Path, db: Path) -> None:
    backup = backup_database(db, tmp_path / "backups", keep_days=3, now=DAY0)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("INSERT INTO tickets (number) VALUES ('after-backup')")
        conn.commit()
    with hold_server_lock(db):
        with pytest.raises(ServerRunning, match="systemctl stop motcua"):
            restore_database(backup, db)
        assert len(rows_of(db)) == 4
        restore_database(backup, db, force=True, now=DAY0)
    assert len(rows_of(db)) == 3


def test_a_second_server_cannot_take_the_lock(db: Path) -> None:
    with hold_server_lock(db), pytest.raises(ServerRunning), hold_server_lock(db):
        pass
    with hold_server_lock(db) as lock:  # released by the first holder: free again
        assert lock == Path(f"{db}.lock")


def test_restore_keeps_the_previous_files_aside(tmp_path: Path, db: Path) -> None:
    backup = backup_database(db, tmp_path / "backups", keep_days=3, now=DAY0)
    make_db(tmp_path / "other.db", rows=7)
    Path(f"{db}-wal").write_bytes(b"old wal")
    Path(f"{db}-shm").write_bytes(b"old shm")
    previous = db.read_bytes()

    moved = restore_database(backup, db, now=datetime(2025, 3, 2, 9, 30, 0))

    stamp = ".before-restore-20250302-093000"
    assert sorted(p.name for p in moved) == sorted(f"motcua.db{s}{stamp}" for s in ("", "-wal", "-shm"))
    assert Path(f"{db}{stamp}").read_bytes() == previous
    assert Path(f"{db}-wal{stamp}").read_bytes() == b"old wal"
    assert not Path(f"{db}-wal").exists()
    assert len(rows_of(db)) == 3


def test_restore_refuses_a_file_that_is_not_a_sound_database(tmp_path: Path, db: Path) -> None:
    bad = tmp_path / "motcua-20250301-020000.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = db.read_bytes()
    with pytest.raises(BackupError, match="motcua-20250301-020000.db"):
        restore_database(bad, db)
    assert db.read_bytes() == before
    assert list(db.parent.glob("*.before-restore-*")) == []


# --- the command line ---------------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="motcua")
    register_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.fixture
def config(tmp_path: Path, db: Path) -> Path:
    path = tmp_path / "motcua.toml"
    path.write_text(
        f'[server]\ndata_dir = "{db.parent}"\ndb_path = ""\n\n[office]\ntimezone = "Asia/Ho_Chi_Minh"\n\n'
        f'[backup]\ndir = "{tmp_path / "nightly"}"\nkeep_days = 5\n'
    )
    return path


def test_cli_backup_reads_paths_from_the_config(tmp_path: Path, config: Path) -> None:
    args = parse(["backup", "--config", str(config)])
    assert args.func(args) == 0
    (made,) = list_backups(tmp_path / "nightly")
    assert len(rows_of(made.path)) == 3


@pytest.mark.parametrize("backup_table", ['hour = 24', 'keep_days = -1', 'hour = "2"', 'houre = 2'])
def test_config_with_a_wrong_backup_section_is_refused(tmp_path: Path, backup_table: str) -> None:
    path = tmp_path / "motcua.toml"
    path.write_text(f"[backup]\n{backup_table}\n")
    with pytest.raises(BackupError, match=r"\[backup\]"):
        settings_from_toml(path)


def test_config_defaults_follow_the_server_layout(tmp_path: Path) -> None:
    path = tmp_path / "motcua.toml"
    path.write_text('[server]\ndata_dir = "/srv/m"\n\n[office]\ntimezone = "Asia/Bangkok"\n')
    settings = settings_from_toml(path)
    assert settings.db_path == Path("/srv/m/motcua.db")
    assert (settings.timezone, settings.hour, settings.keep_days) == ("Asia/Bangkok", 2, 14)
    assert settings.backup_dir == Path("/var/backups/motcua")


def test_cli_backup_with_db_and_dest_and_list(tmp_path: Path, db: Path, capsys) -> None:
    args = parse(["backup", "--db", str(db), "--dest", str(tmp_path / "d"), "--keep-days", "1"])
    assert args.keep_days == 1
    assert args.func(args) == 0
    args = parse(["backup", "--db", str(db), "--dest", str(tmp_path / "d"), "--list"])
    capsys.readouterr()
    assert args.func(args) == 0
    (only,) = list_backups(tmp_path / "d")
    assert str(only.path) in capsys.readouterr().out


def test_cli_needs_exactly_one_of_config_and_db(config: Path, db: Path) -> None:
    with pytest.raises(SystemExit):
        parse(["backup"])
    with pytest.raises(SystemExit):
        parse(["backup", "--config", str(config), "--db", str(db)])


def test_cli_backup_if_exists_without_database_does_nothing(tmp_path: Path) -> None:
    args = parse(["backup", "--db", str(tmp_path / "new.db"), "--dest", str(tmp_path / "d"), "--if-exists"])
    assert args.func(args) == 0
    assert not (tmp_path / "d").exists()
    args = parse(["backup", "--db", str(tmp_path / "new.db"), "--dest", str(tmp_path / "d")])
    with pytest.raises(SystemExit, match="1"):
        args.func(args)


def test_cli_backup_skip_if_unchanged(tmp_path: Path, db: Path) -> None:
    argv = ["backup", "--db", str(db), "--dest", str(tmp_path / "d"), "--skip-if-unchanged"]
    for _ in range(2):
        args = parse(argv)
        assert args.func(args) == 0
    assert len(list_backups(tmp_path / "d")) == 1
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("INSERT INTO tickets (number) VALUES ('new')")
        conn.commit()
    args = parse(argv)
    assert args.func(args) == 0
    assert len(list_backups(tmp_path / "d")) == 2


def test_cli_restore_refused_while_locked_then_forced(tmp_path: Path, db: Path, config: Path, capsys) -> None:
    backup = backup_database(db, tmp_path / "b", keep_days=3, now=DAY0)
    args = parse(["restore", str(backup), "--config", str(config)])
    with hold_server_lock(db):
        with pytest.raises(SystemExit, match="1"):
            args.func(args)
        assert "motcua restore: " in capsys.readouterr().err
        forced = parse(["restore", str(backup), "--config", str(config), "--force"])
        assert forced.func(forced) == 0
    assert args.func(args) == 0
    assert "previous file kept as" in capsys.readouterr().out
