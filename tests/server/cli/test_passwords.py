"""One password rule for every account, and new passwords that never need the command line: `motcua init`
and `motcua hub add-admin` run for real in child processes (the prompt on a real pseudo-terminal)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from server import auth
from server.domain.errors import Invalid
from server.passwords import check_new_password
from server.store.db import connect
from tests.procs import ROOT, toml_sections

MOTCUA = [sys.executable, "-m", "server.cli"]


def motcua(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          input=stdin if stdin is not None else "")


def office_config(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "office.toml"
    path.write_text(toml_sections({"server": {"data_dir": str(tmp_path / "data")}}), encoding="utf-8")
    return path


def admin_hash(tmp_path: Path) -> str:
    conn = connect(tmp_path / "data" / "motcua.db", readonly=True)
    try:
        return str(conn.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("password", ["a", "1234567", "       x       ", "x" * 257])
def test_the_rule_refuses_short_blank_and_unusable_passwords(password: str) -> None:
    with pytest.raises(Invalid):
        check_new_password(password)
    check_new_password("đủ-tám-k")


def test_init_refuses_a_short_password_and_creates_nothing(tmp_path: Path) -> None:
    config = office_config(tmp_path)
    done = motcua("init", "--config", str(config), "--password", "a")
    assert done.returncode != 0
    assert "ít nhất 8 ký tự" in done.stderr and "at least 8 characters" in done.stderr, done.stderr
    assert not (tmp_path / "data" / "motcua.db").exists()


def test_init_reads_the_password_from_a_file_or_standard_input_and_never_prints_it(tmp_path: Path) -> None:
    secret = tmp_path / "admin-password"
    secret.write_text("mật-khẩu-từ-tệp\n", encoding="utf-8")
    done = motcua("init", "--config", str(office_config(tmp_path / "a")), "--password-file", str(secret))
    assert done.returncode == 0, done.stderr
    assert "mật-khẩu-từ-tệp" not in done.stdout + done.stderr
    assert auth.verify_password(admin_hash(tmp_path / "a"), "mật-khẩu-từ-tệp")

    done = motcua("init", "--config", str(office_config(tmp_path / "b")), "--password-file", "-",
                  stdin="tu-stdin-123\n")
    assert done.returncode == 0, done.stderr
    assert auth.verify_password(admin_hash(tmp_path / "b"), "tu-stdin-123")

    done = motcua("init", "--config", str(office_config(tmp_path / "c")), "--password-file", "-", stdin="ngan\n")
    assert done.returncode != 0 and "ít nhất 8 ký tự" in done.stderr
    assert not (tmp_path / "c" / "data" / "motcua.db").exists()


def test_init_on_a_terminal_asks_with_echo_off_and_twice(tmp_path: Path) -> None:
    """A real pseudo-terminal as the command's controlling terminal: what getpass sees at a console."""
    master, slave = pty.openpty()

    def take_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([*MOTCUA, "init", "--config", str(office_config(tmp_path))], cwd=ROOT,
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=take_terminal)
    os.close(slave)
    seen = b""

    def read_until(wanted: bytes, times: int = 1) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while seen.count(wanted) < times:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break

    prompt, again = "để trống".encode(), "Nhập lại".encode()
    try:
        read_until(prompt)
        os.write(master, b"short\n")  # too short: said, and asked again
        read_until("ít nhất 8".encode())
        read_until(prompt, times=2)
        os.write(master, "mật-khẩu-gõ-tay\n".encode())
        read_until(again)
        os.write(master, "mật-khẩu-gõ-tay\n".encode())
        read_until(b"created")
        assert proc.wait(timeout=30) == 0, seen.decode(errors="replace")
        assert again not in seen.split(prompt)[1]  # the short one was never asked twice
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert "mật-khẩu-gõ-tay".encode() not in seen and b"short" not in seen  # echo was off
    assert auth.verify_password(admin_hash(tmp_path), "mật-khẩu-gõ-tay")


def test_hub_add_admin_follows_the_same_rule(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(toml_sections({"hub": {"dsn": "postgresql://127.0.0.1:1/nowhere"}}), encoding="utf-8")
    done = motcua("hub", "add-admin", "--config", str(config), "tinh", "--password", "a")
    assert done.returncode != 0
    assert "ít nhất 8 ký tự" in done.stderr and "PostgreSQL" not in done.stderr, done.stderr
