"""A real `motcua serve` in a child process, for tests that kill and restart it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


LOAD_TEST_SECURITY = "[security]\nkiosk_issue_burst = 100000\nkiosk_issue_every_s = 0.001\n"


def write_config(path: Path, data_dir: Path, port: int, extra: str = "", security: str = LOAD_TEST_SECURITY) -> Path:
    """A config for a child server; the kiosk rate limit is lifted unless `security` says otherwise."""
    path.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {port}\ndata_dir = "{data_dir}"\n'
        f'public_url = "http://127.0.0.1:{port}"\n{security}{extra}',
        encoding="utf-8",
    )
    return path


class ServerProcess:
    """Start, wait until /healthz answers (polling with a deadline), kill with any signal."""

    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.config, self.port, self.log = config, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--config", str(self.config)],
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
