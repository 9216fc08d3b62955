"""A real PostgreSQL for the hub's tests: `initdb` into a temporary folder, `pg_ctl start` on a unix
socket there and on 127.0.0.1 at a free port, fsync off (unless told otherwise), stopped at the end.

Runs as root in CI and on developers' machines: PostgreSQL refuses to run as root, so the server
runs as the `postgres` user (runuser/setpriv) in a folder chowned to it. Skips with a clear reason
only when the binaries are missing.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.procs import free_port

PG_BIN = Path(os.environ.get("MOTCUA_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PgServer:
    """One throw-away cluster; `dsn(db)` gives a TCP DSN, `create_database()` a fresh database."""

    # Speed over durability for throw-away test data; `settings` overrides any of these (the hub benchmark runs
    # with the durable settings a real hub uses).
    SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "100"}

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = {**self.SETTINGS, **(settings or {})}
        self.dir = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._as: list[str] = []

    def _run_as(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._as, *cmd], check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> PgServer:
        if not (PG_BIN / "initdb").exists():
            pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (apt-get install postgresql-15)")
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else [
                "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        self._run_as(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                     "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        opts = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} " + " ".join(
            f"-c {k}={v}" for k, v in self.settings.items())
        self._run_as(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-o", opts,
                     "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run_as(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A fresh database in this cluster; returns its DSN."""
        name = "hub_" + secrets.token_hex(4)
        self._run_as(str(PG_BIN / "psql"), "-h", str(self.dir), "-p", str(self.port), "-U", "postgres",
                     "-d", "postgres", "-q", "-c", f"CREATE DATABASE {name}")
        return self.dsn(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: PgServer) -> str:
    """A DSN to an empty database of its own for one test."""
    return pg_server.create_database()
