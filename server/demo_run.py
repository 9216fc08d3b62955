"""`motcua demo`: a fresh demo office with its devices emulated, ready to click through."""

from __future__ import annotations

import shutil
from pathlib import Path

from .config import Config
from .demo import seed_demo
from .domain.clock import SystemClock, epoch


def run_demo(cfg: Config, *, fresh: bool = True) -> None:
    from .cli import _run_db_op, serve

    data = Path(cfg.server.data_dir if cfg.server.data_dir != "./var" else "./demo-data")
    cfg.server.data_dir = str(data)
    cfg.server.db_path = ""
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    base = f"http://{cfg.server.host}:{cfg.server.port}"
    cfg.server.public_url = cfg.server.public_url or base
    logins = None
    if not cfg.db_file.exists():
        logins = _run_db_op(cfg, lambda tx: seed_demo(tx, epoch(SystemClock().now()), cfg.office.code))
    lines = [f"motcua demo: {cfg.office.name}", f"  database: {cfg.db_file}", ""]
    lines += [f"  admin page    {base}/admin", f"  kiosk         {base}/kiosk?device=demo-kiosk-1",
              f"  hall TV       {base}/display?device=demo-display-hall", f"  counter       {base}/counter",
              f"  leader        {base}/leader", f"  rating tablet {base}/rate/3?device=demo-rate-3",
              f"  booking       {base}/book", f"  reports       {base}/reports",
              f"  API document  {base}/api/openapi.json"]
    if logins is not None:
        lines += ["", "  demo sign-ins (username / password / role):"]
        lines += [f"    {u} / {p} / {r}" for u, p, r in logins.users]  # type: ignore[attr-defined]
    serve(cfg, banner="\n".join(lines))
