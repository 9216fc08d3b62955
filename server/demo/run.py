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
from yarl import URL

from server.config import Config, LedBoard, LedSection, PrinterConfig, VoiceSection
from server.demo import landing
from server.demo.alive import make_alive
from server.demo.catalogue import COUNTERS, DEMO_OFFICE_NAME, is_demo_office, seed_demo
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError
from server.messages import text
from server.ops.backup import ServerRunning, hold_server_lock, lock_path
from server.store import catalog
from server.store.db import connect
from server.web.lan import is_loopback, lan_address, reachable_origin

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
    base = link_base(cfg)
    cfg.office.public_url = cfg.office.public_url or base
    printer_port, led_port = emulated_devices(cfg, data)
    logins, status_token = None, None
    with claimed_folder(data, cfg.db_file, fresh=fresh):
        if not cfg.db_file.exists() or cfg.db_file.stat().st_size == 0:
            logins = run_db_op(cfg, lambda tx: seed_demo(tx, epoch(SystemClock().now()), cfg.office.code,
                                                               cfg.office.name))
            status_token = make_alive(cfg)
    app = create_app(cfg)
    app.cleanup_ctx.insert(0, emulators(data, printer_port, led_port))
    signins = logins.users if logins is not None else []
    landing.setup(app, base if not is_loopback(URL(base).host) else None, signins, status_token)
    lines = [f"motcua demo: {cfg.office.name}", f"  database: {cfg.db_file}",
             f"  printed tickets (PNG): {data / 'printed'}   voice (WAV): {data / 'audio'}",
             f"  printer emulator 127.0.0.1:{printer_port}   LED board emulator 127.0.0.1:{led_port}", ""]
    lines += [f"  {text('demo.title'):<40} {base}/"]
    lines += [f"  {text('demo.' + link.key):<40} {base}{link.path}" for link in landing.links(status_token)]
    if signins:
        lines += ["", "  demo sign-ins (username / password / role):"]
        lines += [f"    {u} / {p} / {r}" for u, p, r in signins]
    serve(cfg, app=app, banner="\n".join(lines))


def link_base(cfg: Config) -> str:
    """The demo's links as other machines on the office LAN reach them: when the machine has a LAN address and no
    listening address was chosen, the demo listens on every interface and its links (and ticket QR codes) use
    that address, so a tablet or a phone can open them; `--host 127.0.0.1` keeps the demo on this machine."""
    if "host" not in cfg.server.model_fields_set and lan_address() is not None:
        cfg.server.host = "0.0.0.0"
    if cfg.server.host in ("0.0.0.0", "::"):
        return reachable_origin(f"http://127.0.0.1:{cfg.server.port}")
    return f"http://{cfg.server.host}:{cfg.server.port}"
