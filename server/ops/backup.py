"""Backups and restores of the office database, and the lock that tells a restore the server is running.

Backups use SQLite's online backup API, so they are consistent while the server keeps writing (WAL mode).
Each is one self-contained file (rollback-journal mode, no -wal beside it) named
``motcua-YYYYmmdd-HHMMSS.db`` after the office's local time, checked with ``PRAGMA integrity_check``
before it counts.

Server detection: the running server holds an exclusive ``fcntl.flock`` on ``<db_path>.lock`` for its whole
life (``hold_server_lock``). A restore tries to take the same lock without waiting; if it cannot, a server
holds the database and the restore is refused unless forced. The kernel drops a flock when its process dies,
so a crashed server never leaves a stale lock behind.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import json
import os
import re
import shutil
import sqlite3
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

NAME_FORMAT = "motcua-%Y%m%d-%H%M%S"
_NAME_RE = re.compile(r"^motcua-(\d{8}-\d{6})(?:-(\d+))?\.db$")
SIDE_FILES = ("", "-wal", "-shm")


class BackupError(Exception):
    """A backup or restore that could not be done safely; the message says why, for the IT officer."""


class ServerRunning(BackupError):
    """Another process (the server, or a second server) holds the database's lock."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime


def list_backups(dest_dir: Path | str) -> list[BackupFile]:
    """The backups in ``dest_dir``, oldest first; other files there are ignored."""
    found = []
    directory = Path(dest_dir)
    if not directory.is_dir():
        return []
    for path in directory.iterdir():
        match = _NAME_RE.match(path.name)
        if match and path.is_file():
            taken_at = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            found.append((taken_at, int(match.group(2) or 0), path))
    return [BackupFile(path, taken_at) for taken_at, _, path in sorted(found)]


def check_integrity(db_file: Path | str) -> None:
    """Raise BackupError unless ``db_file`` is an SQLite database whose integrity_check says ok."""
    path = Path(db_file)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from exc
    if rows != [("ok",)]:
        problems = "; ".join(str(row[0]) for row in rows[:5])
        raise BackupError(f"{path}: integrity check failed: {problems}")


def backup_database(
    db_path: Path | str, dest_dir: Path | str, keep_days: int, now: datetime | None = None
) -> Path:
    """Copy the live database into ``dest_dir``, verify the copy, then delete backups older than keep_days.

    The copy is written under a temporary name and renamed only once verified, so a half-written or
    corrupt file is never listed as a backup. The newest backup is never deleted, whatever its age.
    """
    source, dest = Path(db_path), Path(dest_dir)
    if not source.is_file():
        raise BackupError(f"{source}: no database to back up")
    now = (now or datetime.now()).replace(tzinfo=None, microsecond=0)
    dest.mkdir(parents=True, exist_ok=True)
    target = _free_name(dest, now)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(partial)) as copy,
        ):
            src.backup(copy)
            # A backup is one file to copy around: no WAL, no -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        check_integrity(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    remove_old_backups(dest, keep_days, now)
    return target


def _free_name(dest: Path, now: datetime) -> Path:
    stem = now.strftime(NAME_FORMAT)
    candidate, n = dest / f"{stem}.db", 1
    while candidate.exists():
        n += 1
        candidate = dest / f"{stem}-{n}.db"
    return candidate


def remove_old_backups(dest_dir: Path | str, keep_days: int, now: datetime) -> list[Path]:
    """Delete backups taken more than keep_days before ``now``, except the newest one; return them."""
    backups = list_backups(dest_dir)
    cutoff = now.replace(tzinfo=None) - timedelta(days=keep_days)
    doomed = [b.path for b in backups[:-1] if b.taken_at < cutoff]
    for path in doomed:
        path.unlink()
    return doomed


def lock_path(db_path: Path | str) -> Path:
    return Path(f"{db_path}.lock")


@contextlib.contextmanager
def hold_server_lock(db_path: Path | str) -> Iterator[Path]:
    """Hold the database's server lock for the duration; raise ServerRunning if someone else holds it.

    The lock file is opened read-only (flock needs no write access), so a lock file left by root during a
    restore does not stop the ``motcua`` user's server from taking it later.
    """
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ServerRunning(
                f"{db_path} is in use by a running motcua server (lock {path}); stop it first: "
                "sudo systemctl stop motcua"
            ) from exc
        yield path
    finally:
        os.close(fd)


def restore_database(
    backup_file: Path | str, db_path: Path | str, force: bool = False, now: datetime | None = None
) -> list[Path]:
    """Put ``backup_file`` in place of the database; return where the previous files were moved.

    The backup is verified first. The current database, -wal and -shm are kept beside it as
    ``<name>.before-restore-YYYYmmdd-HHMMSS`` rather than deleted: a wrong restore can be undone.
    """
    backup, db = Path(backup_file), Path(db_path)
    check_integrity(backup)
    db.parent.mkdir(parents=True, exist_ok=True)
    owner = (db if db.exists() else db.parent).stat()
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(hold_server_lock(db))
        except ServerRunning:
            if not force:
                raise
        incoming = db.with_name(f".{db.name}.restoring")
        shutil.copyfile(backup, incoming)
        if os.geteuid() == 0:  # restored by root (motcua-restore): the server's user must still own it
            os.chown(incoming, owner.st_uid, owner.st_gid)
        with open(incoming, "rb") as handle:
            os.fsync(handle.fileno())
        moved = []
        for suffix in SIDE_FILES:
            current = Path(f"{db}{suffix}")
            if current.exists():
                aside = Path(f"{current}.before-restore-{stamp}")
                os.replace(current, aside)
                moved.append(aside)
        os.replace(incoming, db)
    return moved


# --- command line: `motcua backup` and `motcua restore` ------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    db_path: Path
    backup_dir: Path
    keep_days: int
    timezone: str
    data_dir: Path = Path("./var")
    hour: int = 2


BACKUP_KEYS = {"dir": "/var/backups/motcua", "keep_days": 14, "hour": 2}


def stored_sections(db_path: Path) -> dict[str, dict[str, object]]:
    """[office] and [backup] as the admin pages keep them in the database (they win over the file's once there;
    see docs/settings.md), read-only; {} when there is no database or no settings table yet."""
    if not db_path.exists():
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT section, value FROM settings WHERE section IN ('office', 'backup')").fetchall()
    except sqlite3.Error:
        return {}
    return {section: json.loads(value) for section, value in rows}


def settings_from_toml(config_file: Path | str) -> BackupSettings:
    """The few settings backups need, read straight from motcua.toml.

    Same layout and defaults as server/config.py ([server] data_dir, db_path with "" meaning
    <data_dir>/motcua.db, [office] timezone); [backup] is a section this module owns and validates.
    Read without importing the server package, so install.sh can use it with the system Python.
    """
    with open(config_file, "rb") as handle:
        config = tomllib.load(handle)
    server = config.get("server", {})
    data_dir = Path(server.get("data_dir", "./var"))
    stored = stored_sections(Path(server.get("db_path") or data_dir / "motcua.db"))
    office = stored.get("office", config.get("office", {}))
    backup = {**BACKUP_KEYS, **stored.get("backup", config.get("backup", {}))}
    unknown = sorted(set(backup) - set(BACKUP_KEYS))
    if unknown:
        raise BackupError(f"{config_file}: [backup]: unknown key(s) {', '.join(unknown)}; "
                          f"known: {', '.join(BACKUP_KEYS)}")
    hour, keep_days = backup["hour"], backup["keep_days"]
    if not (isinstance(hour, int) and 0 <= hour <= 23 and isinstance(keep_days, int) and keep_days >= 0):
        raise BackupError(f"{config_file}: [backup] hour must be 0-23 and keep_days 0 or more")
    return BackupSettings(
        db_path=Path(server.get("db_path") or data_dir / "motcua.db"),
        backup_dir=Path(backup["dir"]),
        keep_days=keep_days,
        timezone=office.get("timezone", "Asia/Ho_Chi_Minh"),
        data_dir=data_dir,
        hour=hour,
    )


def _settings(args: argparse.Namespace) -> BackupSettings:
    if args.config:
        settings = settings_from_toml(args.config)
    else:
        settings = BackupSettings(Path(args.db), Path("/var/backups/motcua"), 14, "Asia/Ho_Chi_Minh")
    return dataclasses.replace(
        settings,
        backup_dir=Path(getattr(args, "dest", None) or settings.backup_dir),
        keep_days=settings.keep_days if getattr(args, "keep_days", None) is None else args.keep_days,
    )


def _office_now(timezone: str) -> datetime:
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def run_backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.list:
        for item in list_backups(settings.backup_dir):
            print(f"{item.path}\t{item.taken_at:%Y-%m-%d %H:%M:%S}\t{item.path.stat().st_size} bytes")
        return 0
    if not settings.db_path.exists() and args.if_exists:
        print(f"no database at {settings.db_path} yet: nothing to back up")
        return 0
    if args.skip_if_unchanged and _unchanged_since_last_backup(settings):
        print(f"{settings.db_path} unchanged since the last backup: not copying it again")
        return 0
    made = backup_database(settings.db_path, settings.backup_dir, settings.keep_days,
                           _office_now(settings.timezone))
    print(f"backup written: {made}")
    return 0


def _unchanged_since_last_backup(settings: BackupSettings) -> bool:
    backups = list_backups(settings.backup_dir)
    if not backups or not settings.db_path.exists():
        return False
    changed = max(Path(f"{settings.db_path}{s}").stat().st_mtime
                  for s in ("", "-wal") if Path(f"{settings.db_path}{s}").exists())
    return backups[-1].path.stat().st_mtime > changed


def run_restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    moved = restore_database(args.file, settings.db_path, force=args.force,
                             now=_office_now(settings.timezone))
    print(f"restored {args.file} into {settings.db_path}")
    for path in moved:
        print(f"previous file kept as {path}")
    return 0


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", help="motcua.toml (database path, backup folder, keep_days)")
    source.add_argument("--db", help="the database file, when there is no config file")


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add `backup` and `restore`; each sets ``func(args) -> exit code`` as its default."""
    backup = subparsers.add_parser("backup", help="copy the database into the backup folder, safely")
    _add_source_options(backup)
    backup.add_argument("--dest", help="backup folder (default: [backup] dir, /var/backups/motcua)")
    backup.add_argument("--keep-days", type=int, help="delete backups older than this (default 14)")
    backup.add_argument("--if-exists", action="store_true", help="do nothing if there is no database yet")
    backup.add_argument("--skip-if-unchanged", action="store_true",
                        help="do nothing if the newest backup is newer than the database")
    backup.add_argument("--list", action="store_true", help="list the backups instead of taking one")
    backup.set_defaults(func=_reporting_errors(run_backup))

    restore = subparsers.add_parser("restore", help="put a backup in place of the database (server stopped)")
    restore.add_argument("file", help="the backup file, e.g. /var/backups/motcua/motcua-20250101-020000.db")
    _add_source_options(restore)
    restore.add_argument("--force", action="store_true", help="restore even if a server holds the database")
    restore.set_defaults(func=_reporting_errors(run_restore))


def _reporting_errors(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except BackupError as exc:
            # Exit non-zero here rather than return 1: the caller may ignore a return value, and
            # motcua-restore and systemd must see the failure.
            print(f"motcua {args.command}: {exc}", file=sys.stderr)
            raise SystemExit(1) from exc

    return run
