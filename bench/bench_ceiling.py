"""motcua against its ceiling: tickets/s of `motcua serve` as a ratio of a bare aiohttp + one-SQLite-writer server.

Run: .venv/bin/python bench/bench_ceiling.py [--rounds 6] [--seconds 5] [--clients 32]

Both servers run at once in their own processes, each on its own temporary database, and answer a ticket only
after a group commit whose WAL is fsynced. `wrk` (Debian's package, installed by deploy/dev.sh) sends the same
POST /api/tickets at 32 clients to one, then the other, alternating round by round, so a slower stretch of the
machine falls on both. The figure that matters is the median of the per-pair ratios: the machine's speed
drifts by a third from minute to minute, a ratio measured side by side does not.
The bare server is bench/bare_server.py.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_queue import WRK_SCRIPT, prepare, wrk_issue_load  # noqa: E402
from server.config import load  # noqa: E402
from tests.procs import ServerProcess, free_port, write_config  # noqa: E402


def start_bare(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with (folder / "bare.log").open("ab") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_server.py"), "--port", str(port),
                                 "--db", str(folder / "bare.sqlite")], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return proc, base
        except OSError:
            time.sleep(0.05)  # polling a child process's port, with a deadline
    proc.kill()
    raise TimeoutError("the bare server did not start: " + (folder / "bare.log").read_text()[-2000:])


def main(rounds: int, seconds: float, clients: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="motcua-ceiling-"))
    script = tmp / "issue.lua"
    script.write_text(WRK_SCRIPT)
    port = free_port()
    cfg = write_config(tmp / "motcua.toml", tmp / "data", port, extra="[voice]\nenabled = false\n")
    prepare(load(cfg).db_file)
    motcua = ServerProcess(cfg, port, tmp / "server.log").start()
    bare, bare_base = start_bare(tmp)
    pairs: list[tuple[int, int]] = []
    try:
        for base in (bare_base, motcua.base):  # warm both up (imports, caches, the first WAL pages)
            wrk_issue_load(base, clients, 1, script)
        for n in range(rounds):
            order = [("bare", bare_base), ("motcua", motcua.base)]
            if n % 2:
                order.reverse()
            rates = {name: wrk_issue_load(base, clients, seconds, script)[0] for name, base in order}
            pairs.append((rates["motcua"], rates["bare"]))
    finally:
        motcua.stop()
        bare.terminate()
        bare.wait(timeout=30)
    ratios = [m / b for m, b in pairs]
    print(f"\nmotcua against a bare aiohttp + one-SQLite-writer server ({clients} clients, {seconds:.0f} s a round,"
          " alternating)\n")
    print(f"{'round':<8}{'motcua t/s':>12}{'bare t/s':>12}{'ratio':>8}")
    for n, ((m, b), r) in enumerate(zip(pairs, ratios, strict=True), 1):
        print(f"{n:<8}{m:>12}{b:>12}{r:>8.2f}")
    print(f"\nmedian ratio: {statistics.median(ratios):.2f}  (min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    main(args.rounds, args.seconds, args.clients)
