"""`motcua demo`: a fresh demo office with its devices emulated, ready to click through.

The ticket printer is an ESC/POS emulator on 127.0.0.1 (each printed ticket becomes a PNG in
`<data>/printed/`), the LED boards over the six counters and the hall are an emulator that prints what
each board shows, and the voice is rendered to WAV files in `<data>/audio/` for the TV page to play.
"""

from __future__ import annotations

import logging
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from .config import Config
from .demo import COUNTERS, DEMO_OFFICE_NAME, seed_demo
from .domain.clock import SystemClock, epoch

log = logging.getLogger("motcua.demo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def emulated_devices(cfg: Config, data: Path) -> tuple[int, int]:
    """Point the demo's printer and LED boards at emulators on free local ports."""
    printer_port, led_port = _free_port(), _free_port()
    cfg.printers = [{"id": "kiosk1", "kind": "network", "host": "127.0.0.1", "port": printer_port,
                     "paper_mm": 80, "footer": "Hotline: 1900 0000 — Cảm ơn quý công dân!"}]
    boards = [{"address": "MAIN", "transport": "tcp", "host": "127.0.0.1", "port": led_port}]
    boards += [{"address": f"Q{n}", "counter": n, "transport": "tcp", "host": "127.0.0.1", "port": led_port}
               for n, *_ in COUNTERS]
    cfg.extra.setdefault("led", {"boards": boards})
    cfg.extra.setdefault("voice", {"player": "none", "cache_dir": str(data / "audio")})
    return printer_port, led_port


def emulators(data: Path, printer_port: int, led_port: int):  # noqa: ANN201
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        from display.led.emulator import LedEmulator
        from printers.emulator import PrinterEmulator

        printer = PrinterEmulator(data / "printed", port=printer_port)
        led = LedEmulator(port=led_port, verbose=True)
        await printer.start()
        await led.start()
        yield
        await led.stop()
        await printer.stop()

    return ctx


def run_demo(cfg: Config, *, fresh: bool = True) -> None:
    from .app import create_app
    from .cli import _run_db_op, serve

    data = Path(cfg.server.data_dir if cfg.server.data_dir != "./var" else "./demo-data").resolve()
    cfg.server.data_dir = str(data)
    cfg.server.db_path = ""
    if fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    if cfg.office.name == Config().office.name:
        cfg.office.name = DEMO_OFFICE_NAME
    base = f"http://{cfg.server.host}:{cfg.server.port}"
    cfg.server.public_url = cfg.server.public_url or base
    printer_port, led_port = emulated_devices(cfg, data)
    logins = None
    if not cfg.db_file.exists():
        logins = _run_db_op(cfg, lambda tx: seed_demo(tx, epoch(SystemClock().now()), cfg.office.code,
                                                           cfg.office.name))
    app = create_app(cfg)
    app.cleanup_ctx.insert(0, emulators(data, printer_port, led_port))
    lines = [f"motcua demo: {cfg.office.name}", f"  database: {cfg.db_file}",
             f"  printed tickets (PNG): {data / 'printed'}   voice (WAV): {data / 'audio'}",
             f"  printer emulator 127.0.0.1:{printer_port}   LED board emulator 127.0.0.1:{led_port}", ""]
    lines += [f"  admin page    {base}/admin", f"  kiosk         {base}/kiosk?device=demo-kiosk-1",
              f"  hall TV       {base}/display?device=demo-display-hall", f"  counter       {base}/counter",
              f"  leader        {base}/leader", f"  rating tablet {base}/rate/3?device=demo-rate-3",
              f"  booking       {base}/book", f"  reports       {base}/reports",
              f"  API document  {base}/api/openapi.json"]
    if logins is not None:
        lines += ["", "  demo sign-ins (username / password / role):"]
        lines += [f"    {u} / {p} / {r}" for u, p, r in logins.users]  # type: ignore[attr-defined]
    serve(cfg, app=app, banner="\n".join(lines))
