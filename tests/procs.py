"""A real `motcua serve` (or `motcua hub serve`) in a child process, for tests that kill and restart it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from server.config import load

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def toml_sections(sections: dict[str, dict[str, Any]]) -> str:
    """TOML text for flat sections (strings, numbers, booleans: written as JSON, which TOML reads the same)."""
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


# Tests that issue many tickets from the one demo kiosk are not pranksters: the kiosk limit is lifted in their
# configs (in-process and child servers alike); tests of the rate limit pass their own `security` section.
LOAD_TEST_LIMITS: dict[str, Any] = {"kiosk_issue_burst": 100_000, "kiosk_issue_every_s": 0.001}
LOAD_TEST_SECURITY = toml_sections({"security": LOAD_TEST_LIMITS})


def write_config(path: Path, data_dir: Path, port: int, extra: str = "", security: str = LOAD_TEST_SECURITY,
                 **server: Any) -> Path:
    """A config for a child server; the kiosk rate limit is lifted unless `security` says otherwise.

    `server` adds keys to its [server] section (machine_id=...); `extra` is more TOML text."""
    main = {"host": "127.0.0.1", "port": port, "data_dir": str(data_dir), "public_url": f"http://127.0.0.1:{port}"}
    path.write_text(toml_sections({"server": {**main, **server}}) + security + extra, encoding="utf-8")
    return path


class ServerProcess:
    """Start, wait until /healthz answers (polling with a deadline), kill with any signal.

    `command` is the CLI's sub-command (`("hub", "serve", "--port", "8090")` for the hub); `--config` follows."""

    def __init__(self, config: Path, port: int, log: Path, command: tuple[str, ...] = ("serve",)) -> None:
        self.config, self.port, self.log, self.command = config, port, log, command
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_file(self) -> Path:
        """The SQLite file this server keeps (read from its config)."""
        return load(self.config).db_file

    def start(self, timeout: float = 30.0) -> ServerProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server.cli", *self.command, "--config", str(self.config)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)  # polling a child process's port, with a deadline
        raise TimeoutError(f"server did not answer /healthz in {timeout}s: {self.log.read_text()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


def child_server(folder: Path, name: str = "data", data_dir: Path | None = None, extra: str = "",
                 security: str = LOAD_TEST_SECURITY, **server: Any) -> ServerProcess:
    """A `motcua serve` child on a free port, its config written to `folder/<name>.toml` (not started yet)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = write_config(folder / f"{name}.toml", data_dir or folder / name, port, extra, security, **server)
    return ServerProcess(config, port, folder / f"{name}.log")


def demo_server(folder: Path, template_dir: Path, name: str = "data", extra: str = "",
                security: str = LOAD_TEST_SECURITY, **server: Any) -> ServerProcess:
    """`child_server` over a fresh copy of the seeded demo office (tests.conftest.use_demo_db); not started yet."""
    from tests.conftest import use_demo_db  # here, not at the top: conftest makes password hashing cheap

    child = child_server(folder, name, extra=extra, security=security, **server)
    use_demo_db(load(child.config), template_dir)
    return child
