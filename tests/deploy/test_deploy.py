"""The deploy/ folder: scripts pass shellcheck, install.sh lays down a working tree and can run twice,
units pass systemd-analyze, the kiosk launcher waits for the server and opens Chromium locked down."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SCRIPTS = sorted(DEPLOY.rglob("*.sh"))
UNITS = ["motcua.service", "motcua-backup.service", "motcua-backup.timer"]


def run(*argv: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    argv_text = [str(a) for a in argv]
    return subprocess.run(argv_text, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


def install(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = run("bash", DEPLOY / "install.sh", "--prefix", root, "--no-apt", "--no-systemctl",
               "--source", REPO, *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_every_script_is_found_and_executable() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in SCRIPTS}
    assert {"install.sh", "motcua-restore.sh", "kiosk/install-kiosk.sh", "kiosk/motcua-browser.sh"} <= names
    for script in SCRIPTS:
        assert os.access(script, os.X_OK), f"{script} is not executable"
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in script.read_text()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="no shellcheck: apt install shellcheck")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_script_passes_shellcheck(script: Path) -> None:
    done = run("shellcheck", "--severity=style", script)
    assert done.returncode == 0, done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    install(root, "--no-venv")
    return root


def test_install_lays_down_units_config_dirs_and_helpers(installed: Path) -> None:
    for unit in UNITS:
        laid_down = installed / "etc/systemd/system" / unit
        assert laid_down.read_bytes() == (DEPLOY / "systemd" / unit).read_bytes()
    assert (installed / "etc/motcua/motcua.toml").read_text() == (DEPLOY / "motcua.example.toml").read_text()
    for folder in ("var/lib/motcua", "var/backups/motcua", "var/log/motcua"):
        assert (installed / folder).is_dir(), folder
    assert (installed / "etc/logrotate.d/motcua").read_text() == (DEPLOY / "logrotate/motcua").read_text()
    assert os.access(installed / "usr/local/sbin/motcua-restore", os.X_OK)
    assert os.readlink(installed / "usr/local/bin/motcua") == "/opt/motcua/bin/motcua"
    assert (installed / "opt/motcua/share/deploy/README.md").is_file()
    assert not (installed / "opt/motcua/bin").exists()  # --no-venv


def test_install_writes_systemd_drop_ins_from_the_config(installed: Path) -> None:
    hour = (installed / "etc/systemd/system/motcua-backup.timer.d/hour.conf").read_text()
    assert "OnCalendar=\nOnCalendar=*-*-* 02:00:00 Asia/Ho_Chi_Minh\n" in hour
    paths = (installed / "etc/systemd/system/motcua.service.d/paths.conf").read_text()
    assert "ReadWritePaths=/var/lib/motcua /var/lib/motcua /var/backups/motcua\n" in paths


def test_install_twice_keeps_the_config_and_follows_its_changes(tmp_path: Path) -> None:
    install(tmp_path, "--no-venv")
    config = tmp_path / "etc/motcua/motcua.toml"
    edited = config.read_text().replace("hour = 2", "hour = 23").replace(
        'dir = "/var/backups/motcua"', 'dir = "/mnt/usb/motcua"')
    assert edited != config.read_text()
    config.write_text(edited)

    second = install(tmp_path, "--no-venv")

    assert "keeping the existing" in second.stdout
    assert config.read_text() == edited
    timer = (tmp_path / "etc/systemd/system/motcua-backup.timer.d/hour.conf").read_text()
    assert "OnCalendar=*-*-* 23:00:00 Asia/Ho_Chi_Minh" in timer
    drop_in = tmp_path / "etc/systemd/system/motcua-backup.service.d/paths.conf"
    assert "/mnt/usb/motcua" in drop_in.read_text()
    assert (tmp_path / "mnt/usb/motcua").is_dir()


def test_install_refuses_an_unknown_option(tmp_path: Path) -> None:
    done = run("bash", DEPLOY / "install.sh", "--prefix", tmp_path, "--frobnicate")
    assert done.returncode != 0
    assert "unknown option: --frobnicate" in done.stderr
    assert not (tmp_path / "etc").exists()


@pytest.mark.slow
def test_install_builds_the_venv_with_the_motcua_entry_point(tmp_path: Path) -> None:
    # --no-deps: this checks the venv step and our package, not PyPI's copies of our dependencies.
    install(tmp_path, "--python", sys.executable, "--pip-option", "--no-deps")
    entry = tmp_path / "opt/motcua/bin/motcua"
    assert os.access(entry, os.X_OK)
    assert "server.cli" in entry.read_text()
    done = run(tmp_path / "opt/motcua/bin/python", "-c", "import server.ops.backup as b; print(b.__file__)",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(tmp_path / "opt/motcua/lib"))


def test_example_config_documents_every_key_with_a_comment() -> None:
    text = (DEPLOY / "motcua.example.toml").read_text()
    config = tomllib.loads(text)
    expected = {"server": {"host", "port", "data_dir", "db_path"}, "office": {"name", "timezone"},
                "backup": {"dir", "keep_days", "hour"}}
    for section, keys in expected.items():
        assert keys <= set(config[section]), section
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\w+ = ", line):
            assert lines[number - 1].startswith("#"), f"no comment above: {line}"


def test_example_config_is_accepted_by_the_server_loader() -> None:
    config = pytest.importorskip("server.config", reason="server/config.py not written yet")
    loaded = config.load(DEPLOY / "motcua.example.toml")
    assert str(loaded.db_file) == "/var/lib/motcua/motcua.db"


def test_server_unit_backs_up_before_start_without_blocking_it() -> None:
    unit = (DEPLOY / "systemd/motcua.service").read_text()
    assert re.search(r"^ExecStartPre=-/opt/motcua/bin/motcua backup .*--if-exists", unit, re.M)
    for line in ("Restart=always", "User=motcua", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "PrivateTmp=yes", "ProtectHome=yes"):
        assert re.search(f"^{line}$", unit, re.M), line
    assert re.search(r"^ReadWritePaths=.*/var/lib/motcua.*/var/backups/motcua", unit, re.M)
    timer = (DEPLOY / "systemd/motcua-backup.timer").read_text()
    assert re.search(r"^Persistent=true$", timer, re.M)
    assert re.search(r"^RandomizedDelaySec=\d+min$", timer, re.M)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify wants the programs to exist: point the units at a stand-in in the temporary folder.
    stand_in = tmp_path / "motcua"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    replacements = {"/opt/motcua/bin/motcua": str(stand_in), "/usr/bin/cage": "/bin/true"}
    sources = [DEPLOY / "systemd" / u for u in UNITS] + [DEPLOY / "kiosk/motcua-kiosk.service"]
    for source in sources:
        text = source.read_text()
        for old, new in replacements.items():
            text = text.replace(old, new)
        (tmp_path / source.name).write_text(text)
    done = run("systemd-analyze", "verify", *(tmp_path / s.name for s in sources))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warned about


# --- kiosk and TV machines -------------------------------------------------------------------------------


def test_install_kiosk_writes_the_service_launcher_and_url(tmp_path: Path) -> None:
    url = "http://192.168.1.10:8080/display?device=tok123"
    done = run("bash", DEPLOY / "kiosk/install-kiosk.sh", "--prefix", tmp_path, "--no-apt", "--no-systemctl",
               "--role", "display", "--url", url)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "etc/motcua/browser.env").read_text().splitlines()[1:] == [
        f"MOTCUA_URL={url}", "MOTCUA_ROLE=display"]
    assert os.access(tmp_path / "usr/local/bin/motcua-browser", os.X_OK)
    assert (tmp_path / "etc/pam.d/motcua-kiosk").is_file()
    service = (tmp_path / "etc/systemd/system/motcua-kiosk.service").read_text()
    assert "ExecStart=/usr/bin/cage -d -s -- /usr/local/bin/motcua-browser" in service
    assert re.search(r"^Restart=always$", service, re.M)


@pytest.mark.parametrize("argv", [["--role", "tv", "--url", "http://h/display"],
                                  ["--role", "kiosk", "--url", "h/kiosk"],
                                  ["--role", "kiosk", "--url", "http://h/kiosk?a=1 b"]])
def test_install_kiosk_refuses_bad_arguments(tmp_path: Path, argv: list[str]) -> None:
    done = run("bash", DEPLOY / "kiosk/install-kiosk.sh", "--prefix", tmp_path, "--no-apt", "--no-systemctl",
               *argv)
    assert done.returncode != 0
    assert not (tmp_path / "etc/motcua/browser.env").exists()


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server_origin() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("role", ["kiosk", "display"])
def test_browser_launcher_opens_the_page_locked_down(tmp_path: Path, server_origin: str, role: str) -> None:
    fake = tmp_path / "chromium"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path / "args"}\n')
    fake.chmod(0o755)
    url = f"{server_origin}/{role}?device=abc"
    env = {**os.environ, "MOTCUA_URL": url, "MOTCUA_ROLE": role, "MOTCUA_BROWSER": str(fake),
           "XDG_STATE_HOME": str(tmp_path)}
    done = run(DEPLOY / "kiosk/motcua-browser.sh", env=env)
    assert done.returncode == 0, done.stderr
    args = (tmp_path / "args").read_text().splitlines()
    assert args[-1] == url
    for flag in ("--kiosk", "--noerrdialogs", "--disable-infobars", "--disable-session-crashed-bubble",
                 "--check-for-update-interval=31536000", "--overscroll-history-navigation=0",
                 "--disable-pinch",
                 f"--user-data-dir={tmp_path}/motcua-browser-profile"):
        assert flag in args, flag
    assert any(a.startswith("--disable-features=") and "Translate" in a for a in args)
    assert ("--autoplay-policy=no-user-gesture-required" in args) == (role == "display")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_browser_launcher_keeps_only_the_cookie_jar_across_starts(tmp_path: Path, server_origin: str) -> None:
    """A screen paired by code keeps its device cookie after a restart; the last citizen's traces go."""
    profile = tmp_path / "motcua-browser-profile"
    for name in ("Default/Cookies", "Default/Cookies-journal", "Default/Network/Cookies", "Default/History",
                 "Default/Cache/data_0", "Default/Network/TransportSecurity", "Sessions/Session_1", "Local State"):
        (profile / name).parent.mkdir(parents=True, exist_ok=True)
        (profile / name).write_text("x")
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    env = {**os.environ, "MOTCUA_URL": f"{server_origin}/display", "MOTCUA_ROLE": "display",
           "MOTCUA_BROWSER": str(fake), "XDG_STATE_HOME": str(tmp_path)}
    done = run(DEPLOY / "kiosk/motcua-browser.sh", env=env)
    assert done.returncode == 0, done.stderr
    left = sorted(str(p.relative_to(profile)) for p in profile.rglob("*") if p.is_file())
    assert left == ["Default/Cookies", "Default/Cookies-journal", "Default/Network/Cookies"]


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed (apt install caddy)")
def test_caddyfile_example_is_valid() -> None:
    done = run("caddy", "validate", "--adapter", "caddyfile", "--config", DEPLOY / "caddy/Caddyfile.example")
    assert done.returncode == 0, done.stderr[-2000:]
