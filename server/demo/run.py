"""`motcua demo`: a fresh demo office with its devices emulated, ready to click through.

The ticket printer is an ESC/POS emulator on 127.0.0.1 (each printed ticket becomes a PNG in
`<data>/printed/`), the LED boards over the six counters and the hall are an emulator that prints what
each board shows, and the voice is rendered to WAV files in `<data>/audio/` for the TV page to play.

The demo deletes only what it made. It claims a folder that is new or empty by writing `motcua-demo.txt`
into it, and marks its database as the demo's (`is_demo_office`). A later fresh run renews the database,
`printed/`, `audio/` and `reports/` there and nothing else. Everything is refused with a sentence: a folder a
running server holds (its lock), a folder holding an office database, or holding files the demo did not make.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from aiohttp import web

from server.config import Config, LedBoard, LedSection, PrinterConfig, VoiceSection
from server.demo.catalogue import COUNTERS, DEMO_OFFICE_NAME, is_demo_office, seed_demo
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError
from server.ops.backup import ServerRunning, hold_server_lock, lock_path
from server.store import catalog
from server.store.db import connect

log = logging.getLogger("motcua.demo")

DEMO_MARK = "motcua-demo.txt"
# What the demo's server makes in its folder besides the database: the only folders a fresh run removes.
DEMO_FOLDERS = ("printed", "audio", "reports")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def emulated_devices(cfg: Config, data: Path) -> tuple[int, int]:
    """Point the demo's printer and LED boards at emulators on free local ports."""
    printer_port, led_port = _free_port(), _free_port()
    cfg.printers = [PrinterConfig(id="kiosk1", kind="network", host="127.0.0.1", port=printer_port, paper_mm=80,
                                  footer="Hotline: 1900 0000 — Cảm ơn quý công dân!")]
    boards = [LedBoard(address="MAIN", transport="tcp", host="127.0.0.1", port=led_port)]
    boards += [LedBoard(address=f"Q{n}", counter=str(n), transport="tcp", host="127.0.0.1", port=led_port)
               for n, *_ in COUNTERS]
    if "led" not in cfg.model_fields_set:  # the office's own boards, when its config names them, stay
        cfg.led = LedSection(boards=boards)
    if "voice" not in cfg.model_fields_set:
        cfg.voice = VoiceSection(player="none", cache_dir=str(data / "audio"))
    return printer_port, led_port


def emulators(data: Path, printer_port: int, led_port: int):  # noqa: ANN201
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        from display.led.emulator import LedEmulator
        from printers.emulator.server import PrinterEmulator

        printer = PrinterEmulator(data / "printed", port=printer_port)
        led = LedEmulator(port=led_port, verbose=True)
        await printer.start()
        await led.start()
        yield
        await led.stop()
        await printer.stop()

    return ctx


def _held_by_another(db_file: Path) -> bool:
    try:
        with hold_server_lock(db_file):
            return False
    except ServerRunning:
        return True


def _is_demo_database(db_file: Path) -> bool:
    """The demo's own database: marked by `seed_demo`, or never seeded (empty, or no office row yet: a demo
    stopped while it started). Anything unreadable counts as someone else's."""
    if db_file.stat().st_size == 0:
        return True
    try:
        conn = connect(db_file, readonly=True)
        try:
            office = catalog.office(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return office is None or is_demo_office(office)


def _database_files(db_file: Path) -> list[Path]:
    return [db_file, *(db_file.with_name(db_file.name + s) for s in ("-wal", "-shm", "-journal"))]


@contextlib.contextmanager
def claimed_folder(data: Path, db_file: Path, *, fresh: bool) -> Iterator[None]:
    """Check the folder is the demo's (or new, or empty), claim it, and on a fresh run remove the demo's own
    files; the server lock is held throughout and until the caller has seeded, so no server starts on a
    folder half-renewed. Raises DomainError with the reason when the folder is not the demo's."""
    folder = str(data)
    if data.exists() and not (data / DEMO_MARK).exists():
        if lock_path(db_file).exists() and _held_by_another(db_file):
            raise DomainError("demo_folder_in_use", folder=folder, lock=str(lock_path(db_file)))
        if db_file.exists():
            raise DomainError("demo_folder_office_db", folder=folder, db=str(db_file))
        others = sorted(p.name for p in data.iterdir())
        if others:
            raise DomainError("demo_folder_not_ours", folder=folder, names=", ".join(others[:5]))
    data.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(hold_server_lock(db_file))
        except ServerRunning as exc:
            raise DomainError("demo_folder_in_use", folder=folder, lock=str(lock_path(db_file))) from exc
        if db_file.exists() and not _is_demo_database(db_file):
            raise DomainError("demo_folder_office_db", folder=folder, db=str(db_file))
        mark = data / DEMO_MARK
        if not mark.exists():
            mark.write_text("This folder was made by `motcua demo`; a fresh demo renews its database,\n"
                            "printed/, audio/ and reports/ here. Never put an office's data in it.\n",
                            encoding="utf-8")
        if fresh:
            for path in _database_files(db_file):
                path.unlink(missing_ok=True)
            for name in DEMO_FOLDERS:
                shutil.rmtree(data / name, ignore_errors=True)
        yield


def run_demo(cfg: Config, *, fresh: bool = True) -> None:
    from server.app import create_app
    from server.cli import serve
    from server.cli.common import run_db_op

    data = Path(cfg.server.data_dir if cfg.server.data_dir != "./var" else "./demo-data").resolve()
    cfg.server.data_dir = str(data)
    cfg.server.db_path = ""
    if cfg.office.name == Config().office.name:
        cfg.office.name = DEMO_OFFICE_NAME
    base = f"http://{cfg.server.host}:{cfg.server.port}"
    cfg.office.public_url = cfg.office.public_url or base
    printer_port, led_port = emulated_devices(cfg, data)
    logins = None
    with claimed_folder(data, cfg.db_file, fresh=fresh):
        if not cfg.db_file.exists() or cfg.db_file.stat().st_size == 0:
            logins = run_db_op(cfg, lambda tx: seed_demo(tx, epoch(SystemClock().now()), cfg.office.code,
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
