"""Packaging: one version, runtime dependencies that the code imports, extras that fail clearly when missing."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# The import name of each distribution whose name differs from it.
IMPORT_NAME = {"aiohttp-jinja2": "aiohttp_jinja2", "Jinja2": "jinja2", "sqlite-utils": "sqlite_utils",
               "python-escpos": "escpos", "argon2-cffi": "argon2", "python-ulid": "ulid", "Pillow": "PIL"}


def test_motcua_version_is_the_one_in_pyproject() -> None:
    out = subprocess.run([sys.executable, "-m", "server.cli", "--version"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == f"motcua {PYPROJECT['project']['version']}"


def test_every_runtime_dependency_is_imported_by_the_code() -> None:
    """A package only tests or benchmarks use belongs in the test extra, not on every office PC."""
    code = "\n".join(p.read_text(encoding="utf-8") for part in ("server", "display", "printers", "kiosk")
                     for p in (ROOT / part).rglob("*.py"))
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)  # type: ignore[union-attr]
        module = IMPORT_NAME.get(name, name)
        assert re.search(rf"^\s*(import|from) {re.escape(module)}\b", code, re.M), f"{name} is never imported"


def test_the_hub_command_without_its_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from server.cli import hub

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "asyncpg" else real(name, *a))
    with pytest.raises(SystemExit) as stopped:
        hub._require_hub_extra()
    assert "pip install 'motcua[hub]'" in str(stopped.value) and "thiếu gói asyncpg" in str(stopped.value)
