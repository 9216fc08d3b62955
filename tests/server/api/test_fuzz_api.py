"""Fuzzing the live API with schemathesis against its own OpenAPI document: no 5xx, every answer as documented.

A real `motcua serve` (demo office) runs in a child process; schemathesis's CLI drives it twice: as the
admin (so protected operations run their handlers, not only the 401) and with no token at all.
Excluded: `liveEvents` (a WebSocket upgrade; OpenAPI cannot describe it and the live hub has its own tests)
and, in the admin run, `logout` (it would end the admin's token halfway through the run).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.procs import LOAD_TEST_LIMITS, ServerProcess, demo_server, toml_sections

pytestmark = pytest.mark.slow

ST = Path(sys.executable).with_name("st")
# The document and the checks agree both ways: data the document forbids is refused with a 4xx (integer ids given
# as `true` or `10.0`, dates as `0`, ids past 2**63), and a method a path lacks answers 405 with `Allow`.
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "negative_data_rejection,unsupported_method,allow_header_conformance")
NO_LIMITS = toml_sections({"security": {**LOAD_TEST_LIMITS, "public_burst": 100_000}})


def _json(url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> ServerProcess:
    tmp = tmp_path_factory.mktemp("fuzz")
    server = demo_server(tmp, tmp_path_factory.mktemp("template"), security=NO_LIMITS).start()
    yield server
    server.stop()


def _fuzz(server: ServerProcess, examples: int, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [str(ST), "run", server.base + "/api/openapi.json", "--checks", CHECKS, "--max-examples", str(examples),
            "--phases", "examples,coverage,fuzzing", "--seed", "20261123", "--no-shrink", "--workers", "1",
            "--request-timeout", "10", "--suppress-health-check", "all", "--warnings", "off"]
    args += ["--exclude-operation-id", "liveEvents"]  # the file exports declare their media types (registry `media=`)
    # The timeout guards against a hang, it is no speed check: on a loaded machine a run took over 120 s.
    return subprocess.run([*args, *extra], capture_output=True, text=True, timeout=600)


def _report(run: subprocess.CompletedProcess[str], server: ServerProcess) -> str:
    errors = [ln for ln in server.log.read_text(errors="replace").splitlines() if "ERROR server" in ln]
    return run.stdout[-6000:] + run.stderr[-2000:] + "\nserver errors:\n" + "\n".join(errors[-20:])


def test_fuzz_as_admin_no_5xx_and_every_answer_matches_the_spec(live_server: ServerProcess) -> None:
    token = _json(live_server.base + "/api/login", {"username": "admin", "password": "admin-demo"})["token"]
    run = _fuzz(live_server, 12, "-H", f"Authorization: Bearer {token}", "--exclude-operation-id", "logout")
    assert run.returncode == 0, _report(run, live_server)
    assert "passed" in run.stdout


def test_fuzz_without_a_token_no_5xx_and_every_answer_matches_the_spec(live_server: ServerProcess) -> None:
    run = _fuzz(live_server, 5)  # without a token most operations stop at the 401: fewer examples suffice
    assert run.returncode == 0, _report(run, live_server)
    assert "passed" in run.stdout
