"""What a ticket costs the server in CPU instructions: a figure that does not drift with the machine.

    .venv/bin/python bench/bench_cost.py [--tickets 1000]

Seconds on this virtual machine drift by a third between identical runs, so a change of a few percent
can't be seen in bench_queue.py's tickets/s. This starts `motcua serve` under valgrind's callgrind with
counting off, warms it up, then counts the instructions of every server thread while `--tickets`
issueTicket requests (32 at a time) and as many callNext + markNoShow pairs are answered, and prints
the instructions per request. The count repeats to within ~0.2 % (server work, not the client's; the
kernel's share, socket and fsync, is not counted). Needs valgrind (deploy/dev.sh installs it).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_queue import CALL_COUNTERS, CALL_PROCEDURE, KIOSK, prepare  # noqa: E402

from server.config import load  # noqa: E402
from tests.procs import free_port, write_config  # noqa: E402

CLIENTS = 32


async def wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("the server under valgrind exited early")
            try:
                async with s.get(base + "/api/procedures") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)  # polling a starting process, with a deadline
    raise TimeoutError("the server under valgrind did not start")


async def issue(base: str, n: int, procedure_id: int = 1) -> None:
    left = [n]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CLIENTS)) as s:
        async def client() -> None:
            while left[0] > 0:
                left[0] -= 1
                async with s.post(base + "/api/tickets", json={"procedure_id": procedure_id}, headers=KIOSK) as r:
                    assert r.status == 201, await r.text()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))


async def call_pairs(base: str, admin: dict[str, str], n: int) -> None:
    left = [n]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CLIENTS)) as s:
        async def counter(cid: int) -> None:
            while left[0] > 0:
                left[0] -= 1
                async with s.post(f"{base}/api/counters/{cid}/call-next", headers=admin) as r:
                    t = (await r.json())["ticket"]
                assert t is not None, "the hall ran out of tickets"
                async with s.post(f"{base}/api/counters/{cid}/tickets/{t['id']}/no-show", headers=admin) as r:
                    assert r.status == 200, await r.text()
        await asyncio.gather(*(counter(c) for c in CALL_COUNTERS[:CLIENTS]))


def control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True)


def counted(out: Path) -> tuple[int, int]:
    """Instructions in the dumps written so far: all threads, and the event loop's (the main thread,
    callgrind's thread 1: the one whose time bounds tickets/s; the others overlap it on the other core)."""
    total = loop = 0
    for f in out.parent.glob(out.name + "*"):
        found = re.search(r"^totals:\s+(\d+)", f.read_text(errors="replace"), re.M)
        n = int(found.group(1)) if found else 0
        total += n
        loop += n if f.name.endswith("-01") else 0
    return total, loop


async def measure(base: str, pid: int, out: Path, work, n: int) -> tuple[int, int]:  # noqa: ANN001
    before = counted(out)
    control(pid, "-i", "on")
    await work(n)
    control(pid, "-d")
    control(pid, "-i", "off")
    after = counted(out)
    return (after[0] - before[0]) // n, (after[1] - before[1]) // n


async def main(tickets: int) -> None:
    if not shutil.which("valgrind"):
        sys.exit("bench_cost needs valgrind: apt-get install valgrind")
    tmp = Path(tempfile.mkdtemp(prefix="motcua-cost-"))
    port = free_port()
    cfg = write_config(tmp / "motcua.toml", tmp / "data", port, extra="[voice]\nenabled = false\n")
    prepare(load(cfg).db_file)
    out = tmp / "callgrind.out"
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
         f"--callgrind-out-file={out}",
         sys.executable, "-m", "server.cli", "serve", "--config", str(cfg)],
        cwd=ROOT, stdout=(tmp / "server.log").open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_up(base, proc)
        async with aiohttp.ClientSession() as s:
            async with s.post(base + "/api/login", json={"username": "admin", "password": "admin-demo"}) as r:
                admin = {"Authorization": "Bearer " + (await r.json())["token"]}
        await issue(base, tickets // 4)  # warm-up: caches filled, code paths compiled
        per_issue = await measure(base, proc.pid, out, lambda n: issue(base, n), tickets)
        await issue(base, tickets + tickets // 4, CALL_PROCEDURE)
        await call_pairs(base, admin, tickets // 4)
        per_pair = await measure(base, proc.pid, out, lambda n: call_pairs(base, admin, n), tickets)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    print(f"\nmotcua CPU cost per request (instructions, callgrind; {CLIENTS} clients)\n")
    print(f"{'request':<34}{'all threads':>14}{'event loop':>14}")
    for name, (total, loop) in (("issueTicket", per_issue), ("callNext + markNoShow (a pair)", per_pair)):
        print(f"{name:<34}{total:>14,}{loop:>14,}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1000)
    asyncio.run(main(parser.parse_args().tickets))
