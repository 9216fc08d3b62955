"""`motcua mobile prepare`: run for real against a running office, it makes a laptop folder whose database
holds the catalogue only (no ticket, booking, rating or sign-in of the office), in mobile mode with the
laptop's own machine id and series; the laptop then serves from it, numbering from its series."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from server.config import load
from server.store.db import connect
from tests.conftest import KIOSK
from tests.procs import ROOT, ServerProcess, demo_server, free_port, toml_sections

MOTCUA = [sys.executable, "-m", "server.cli"]
VOICE_OFF = toml_sections({"voice": {"enabled": False}})
PLACE = "Nhà văn hóa khu vực 4"


def post(url: str, body: dict[str, object], headers: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def count(db_file: Path, table: str) -> int:
    conn = connect(db_file, readonly=True)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def prepare(office: ServerProcess, out: Path, *extra: str, machine: str = "laptop-nvh4"
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, "mobile", "prepare", "--config", str(office.config), "--machine-id", machine,
                           "--place", PLACE, "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_prepare_copies_the_catalogue_only_and_the_laptop_numbers_from_its_series(tmp_path: Path,
                                                                                  template_dir: Path) -> None:
    office = demo_server(tmp_path / "office", template_dir, extra=VOICE_OFF).start()
    try:
        issued = post(office.base + "/api/tickets", {"procedure_id": 1}, KIOSK)
        assert issued["number"] == "1001"
        post(office.base + "/api/login", {"username": "admin", "password": "admin-demo"}, {})  # a sign-in token
        port = free_port()
        done = prepare(office, tmp_path / "laptop", "--port", str(port))  # while the office serves
        assert done.returncode == 0, done.stderr
    finally:
        office.stop()
    laptop_config = tmp_path / "laptop" / "motcua.toml"
    cfg = load(laptop_config)
    assert cfg.server.machine_id == "laptop-nvh4" and cfg.mobile.model_dump() == {
        "enabled": True, "place": PLACE, "series": "LD"}
    for table in ("tickets", "events", "ratings", "appointments", "tokens", "audit_log", "sessions",
                  "number_seq", "waiting_counts", "sync_state"):
        assert count(cfg.db_file, table) == 0, table
    for table in ("procedures", "fields", "counters", "users", "number_series", "devices"):
        assert count(cfg.db_file, table) == count(office.db_file, table) > 0, table

    laptop = ServerProcess(laptop_config, port, tmp_path / "laptop.log").start()
    try:
        ticket = post(laptop.base + "/api/tickets", {"procedure_id": 1}, KIOSK)
        assert ticket["number"] == "9001"
    finally:
        laptop.stop()


def test_prepare_refuses_the_office_machine_id_an_unknown_series_and_an_existing_folder(
        tmp_path: Path, template_dir: Path) -> None:
    office = demo_server(tmp_path / "office", template_dir, extra=VOICE_OFF, machine_id="office")
    done = prepare(office, tmp_path / "a", machine="office")
    assert done.returncode != 0 and "mã riêng" in done.stderr and "id of its own" in done.stderr
    done = prepare(office, tmp_path / "b", "--series", "ZZ")
    assert done.returncode != 0 and "ZZ" in done.stderr
    assert not (tmp_path / "b" / "motcua.db").exists() and not (tmp_path / "b" / "motcua.db.part").exists()
    assert prepare(office, tmp_path / "c").returncode == 0
    done = prepare(office, tmp_path / "c")
    assert done.returncode != 0 and "đã có" in done.stderr
