"""The IT officer's commands, run as the officer runs them (`python -m server.cli ...` in a subprocess) against a
real database made by `motcua init`: user add | passwd | disable (the running server sees each change), check on a
good and on broken installations, printer test on the ESC/POS emulator over TCP."""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from printers.emulator.server import PrinterEmulator
from server.app import create_app
from server.config import load
from server.domain.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ")
OFFICE = "UBND xã Hoài Thanh"


async def motcua(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """Run the command; its exit status and what it said: its answer on standard output, or (failing) the reason
    it ended with on standard error, without the log lines. Async, so the emulator in this process answers."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", *args, cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else None), 120)
    said = out.decode() if proc.returncode == 0 else out.decode() + err.decode()
    return proc.returncode or 0, "\n".join(line for line in said.splitlines() if not LOG_LINE.match(line))


def write_config(tmp_path: Path, printers: str = "") -> Path:
    path = tmp_path / "motcua.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path / "data"}"\n\n[office]\ncode = "hoaithanh"\nname = "{OFFICE}"\n'
                    + printers, encoding="utf-8")
    return path


def network_printer(port: int, printer_id: str = "sanh") -> str:
    return (f'\n[[printers]]\nid = "{printer_id}"\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\n'
            'mode = "text"\ntimeout_s = 3.0\n')


async def init(config: Path) -> None:
    code, out = await motcua("init", "--config", str(config), "--password-file", "-", stdin="quan-tri-vien-1\n")
    assert code == 0, out


def free_port() -> int:
    """A port nothing listens on (taken, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def office(tmp_path: Path) -> Path:
    config = write_config(tmp_path)
    await init(config)
    return config


async def server_for(aiohttp_client: Callable[..., Any], config: Path, clock: FakeClock) -> TestClient:
    return await aiohttp_client(create_app(load(config), clock=clock))


async def login(client: TestClient, username: str, password: str) -> Any:
    return await client.post("/api/login", json={"username": username, "password": password})


async def test_user_add_then_passwd_then_disable(office: Path, aiohttp_client: Callable[..., Any], clock: FakeClock,
                                                 tmp_path: Path) -> None:
    server = await server_for(aiohttp_client, office, clock)
    code, out = await motcua("user", "add", "chi", "--name", "Nguyễn Thị Chi", "--role", "staff",
                             "--config", str(office), "--password-file", "-", stdin="mat-khau-cua-chi\n")
    assert code == 0, out
    assert out.strip() == "Đã tạo tài khoản chi (staff)."
    r = await login(server, "chi", "mat-khau-cua-chi")
    assert r.status == 200, await r.text()
    token = {"Authorization": f"Bearer {(await r.json())['token']}"}
    assert (await server.post("/api/counters/1/signin", json={}, headers=token)).status == 200

    code, out = await motcua("user", "passwd", "chi", "--config", str(office), "--password-file", "-",
                             stdin="mat-khau-moi-2026\n")
    assert code == 0 and "Đã đặt mật khẩu mới cho chi" in out, out
    assert (await login(server, "chi", "mat-khau-cua-chi")).status == 401
    r = await login(server, "chi", "mat-khau-moi-2026")
    assert r.status == 200
    token = {"Authorization": f"Bearer {(await r.json())['token']}"}

    code, out = await motcua("user", "disable", "chi", "--config", str(office))
    assert code == 0 and "Đã khóa tài khoản chi" in out, out
    assert (await login(server, "chi", "mat-khau-moi-2026")).status == 401, "a disabled account cannot sign in"
    clock.advance(minutes=6)  # past the server's 5-minute memory of a sign-in
    assert (await server.get("/api/queue", headers=token)).status == 401, "nor use a sign-in it had"
    with sqlite3.connect(tmp_path / "data" / "motcua.db") as db:
        assert db.execute("SELECT COUNT(*) FROM counter_signins").fetchone()[0] == 0, "it left its counter"
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE actor LIKE 'cli:%' ORDER BY id")]
    assert actions == ["user.create", "user.reset_password", "user.update"]


async def test_user_commands_refuse_with_the_reason(office: Path) -> None:
    code, out = await motcua("user", "add", "ngan", "--name", "Lê Ngân", "--config", str(office),
                             "--password-file", "-", stdin="ngan\n")
    assert code == 1 and "Mật khẩu cần ít nhất 8 ký tự" in out, out
    code, out = await motcua("user", "add", "khong hop le", "--name", "X", "--config", str(office),
                             "--password-file", "-", stdin="mot-mat-khau-dai\n")
    assert code == 1 and "Tên đăng nhập" in out, out
    code, out = await motcua("user", "disable", "admin", "--config", str(office))
    assert code == 1, out
    code, out = await motcua("user", "passwd", "nobody", "--config", str(office), "--password-file", "-",
                             stdin="mot-mat-khau-dai\n")
    assert code == 1 and "Không có tài khoản nobody." in out, out


async def test_user_add_without_a_password_prints_a_generated_one_once(office: Path, aiohttp_client: Callable[..., Any],
                                                                        clock: FakeClock) -> None:
    code, out = await motcua("user", "add", "lanh", "--name", "Trần Lành", "--role", "leader", "--config", str(office))
    assert code == 0, out
    password = next(line for line in out.splitlines() if line.startswith("Mật khẩu: ")).split()[2]
    server = await server_for(aiohttp_client, office, clock)
    r = await login(server, "lanh", password)
    assert r.status == 200 and (await r.json())["user"]["role"] == "leader"


async def test_check_on_a_good_installation(tmp_path: Path, emulator: PrinterEmulator) -> None:
    config = write_config(tmp_path, network_printer(emulator.port))
    await init(config)
    code, out = await motcua("check", "--config", str(config))
    assert code == 0, out
    lines = out.strip().splitlines()
    assert all(line.startswith("OK ") for line in lines[:-1]), out
    assert any("quick_check" in line for line in lines) and any("Máy in sanh (127.0.0.1:" in line for line in lines)
    assert lines[-1] == "Tất cả đều ổn."
    code, out = await motcua("check", "--config", str(config), "--lang", "en")
    assert code == 0 and out.strip().endswith("Everything is fine."), out


async def test_check_on_broken_installations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[server]\nprot = 8080\n', encoding="utf-8")
    code, out = await motcua("check", "--config", str(bad))
    assert code == 1 and out.startswith("LỖI Tệp cấu hình sai:") and "prot" in out, out

    config = write_config(tmp_path, network_printer(free_port()))
    code, out = await motcua("check", "--config", str(config))
    assert code == 1, out
    assert any(line.startswith("LỖI Không có thư mục dữ liệu") for line in out.splitlines()), out

    await init(config)
    with sqlite3.connect(tmp_path / "data" / "motcua.db") as db:
        db.execute("INSERT INTO devices (id, kind, name, token_hash) VALUES ('kiosk-sanh', 'kiosk', 'Ki-ốt sảnh', 'x')")
    code, out = await motcua("check", "--config", str(config))
    assert code == 1, out
    failed = [line for line in out.splitlines() if line.startswith("LỖI")]
    assert len(failed) == 2, out
    assert "Ki-ốt lấy số “Ki-ốt sảnh” chưa từng kết nối" in failed[0]
    assert failed[1].startswith("LỖI Máy in sanh (127.0.0.1:") and "Kiểm tra nguồn" in failed[1]
    assert out.strip().endswith("2 mục LỖI: xem hướng dẫn ở từng dòng.")


async def test_printer_test_prints_a_slip_the_emulator_decodes(tmp_path: Path, emulator: PrinterEmulator) -> None:
    config = write_config(tmp_path, network_printer(emulator.port))
    await init(config)
    code, out = await motcua("printer", "test", "sanh", "--config", str(config))
    assert code == 0 and out.strip() == "Đã in phiếu thử trên máy in sanh.", out
    (slip,) = await emulator.wait_for_tickets(1)
    printed = "\n".join(slip.text)
    assert "IN THỬ" in printed and OFFICE in printed and "máy in sanh" in printed, printed

    code, out = await motcua("printer", "test", "quay-1", "--config", str(config))
    assert code == 1 and "Không có máy in quay-1. Các máy in đã khai báo: sanh." in out, out
    await emulator.stop()
    code, out = await motcua("printer", "test", "sanh", "--config", str(config))
    assert code == 1 and "Không in được phiếu thử trên máy in sanh" in out, out
