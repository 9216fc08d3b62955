"""`motcua check`: the IT officer's one look at an installation. One line per check, `OK` or `LỖI` with what to do:
the config file, the database (present, writable, SQLite's quick_check), the settings stored in it, free disk,
each registered device's last contact, each printer's connection. Exit status 1 when any check failed, so a
monitoring script or an install guide can rely on it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server import config as config_mod
from server.cli.common import office_options, say
from server.config import Config, PrinterConfig
from server.domain.clock import local_at
from server.messages import labels
from server.store import accounts
from server.store import settings as settings_store
from server.store.db import connect
from server.store.health import LOW_SPACE_BYTES
from server.store.integrity import DatabaseProblem, quick_check, require_database

STALE_S = 10 * 60  # a device that has not been heard from for this long is reported (the server writes every minute)


@dataclass(frozen=True)
class Line:
    ok: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def check_config(args: argparse.Namespace) -> tuple[Config | None, Line]:
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        return None, Line(False, "cli.config_bad", {"detail": str(exc)})
    if args.data_dir:
        cfg.server.data_dir, cfg.server.db_path = args.data_dir, ""
    return cfg, Line(True, "cli.config_ok", {"file": args.config}) if args.config else Line(True, "cli.config_none")


def check_database(cfg: Config) -> Line:
    path = cfg.db_file.absolute()
    try:
        require_database(path)
        with contextlib.closing(connect(path, readonly=True)) as conn:
            problems = quick_check(conn)
    except DatabaseProblem as problem:
        return Line(False, f"db.{problem.code}", {"file": path, "folder": path.parent, "detail": problem.detail or "—"})
    if problems:
        return Line(False, "storage.damaged", {"file": path, "detail": "; ".join(problems[:3])})
    return Line(True, "cli.db_ok", {"file": path})


def office_settings(cfg: Config, conn: Any) -> tuple[Config, Line]:
    """The office as the server would run it: the file's machine part and the database's sections."""
    from server.settings import compose

    try:
        return compose(cfg, settings_store.sections(conn)), Line(True, "cli.settings_ok")
    except config_mod.ConfigError as exc:
        return cfg, Line(False, "cli.settings_bad", {"detail": str(exc)})


def check_disk(cfg: Config) -> Line:
    folder = cfg.db_file.absolute().parent
    free = shutil.disk_usage(folder if folder.is_dir() else Path.cwd()).free
    free_mb = round(free / 2**20)
    if free < LOW_SPACE_BYTES:
        return Line(False, "storage.low_space", {"free_mb": free_mb})
    return Line(True, "cli.disk_ok", {"folder": folder, "free_mb": f"{free_mb:,}".replace(",", ".")})


def check_devices(office: Config, conn: Any, lang: str, now: float) -> list[Line]:
    devices = [d for d in accounts.devices(conn) if d["active"]]
    if not devices:
        return [Line(True, "cli.no_devices")]
    lines = []
    for d in devices:
        kind = labels.DEVICE_KINDS.get(d["kind"], (d["kind"], d["kind"]))[1 if lang == "en" else 0]
        params = {"kind": kind, "name": d["name"]}
        if d["last_seen"] is None:
            lines.append(Line(False, "cli.device_never", params))
            continue
        seen = local_at(d["last_seen"], office.tz).strftime("%H:%M %d/%m/%Y")
        recent = now - d["last_seen"] <= STALE_S
        lines.append(Line(recent, "cli.device_ok" if recent else "cli.device_stale", {**params, "seen": seen}))
    return lines


def where(cfg: PrinterConfig) -> str:
    """How the printer is reached, as the admin's Printers page writes it."""
    if cfg.kind == "network":
        return f"{cfg.host}:{cfg.port}"
    if cfg.kind == "usb":
        return f"USB {cfg.usb_vendor_id or 0:04x}:{cfg.usb_product_id or 0:04x}"
    return str({"serial": cfg.serial_device, "file": cfg.file_path}.get(cfg.kind, cfg.kind))


def reach(cfg: PrinterConfig) -> str | None:
    """Why the printer cannot be reached, or None. Opens it as the print queue does (printers/connectors.py) and
    asks a network printer for its paper; a device file is not opened (that would empty it), only its folder."""
    from printers.connectors import open_connector, paper_status

    if cfg.kind == "file":
        folder = Path(str(cfg.file_path)).parent
        return None if os.access(folder, os.W_OK) else f"không ghi được vào thư mục {folder} / cannot write to {folder}"
    try:
        device = open_connector(cfg)
    except Exception as exc:  # the library's errors differ by kind: each is a reason to show, on one line
        return " ".join(str(exc).split()) or type(exc).__name__
    try:
        if paper_status(device, timeout_s=min(cfg.timeout_s, 2.0)) == "out":
            return "hết giấy / out of paper"
    finally:
        device.close()
    return None


def check_printers(office: Config) -> list[Line]:
    if not office.printers:
        return [Line(False, "cli.no_printers")]

    async def one(printer: PrinterConfig) -> str | None:
        try:
            return await asyncio.wait_for(asyncio.to_thread(reach, printer), printer.timeout_s + 2)
        except TimeoutError:
            return "không trả lời / no answer"

    async def all_printers() -> list[str | None]:
        return list(await asyncio.gather(*(one(p) for p in office.printers)))

    lines = []
    for printer, reason in zip(office.printers, asyncio.run(all_printers()), strict=True):
        params = {"printer": printer.id, "where": where(printer), "reason": reason}
        lines.append(Line(reason is None, "cli.printer_ok" if reason is None else "cli.printer_down", params))
    return lines


def run_checks(args: argparse.Namespace) -> list[Line]:
    cfg, line = check_config(args)
    lines = [line]
    if cfg is None:
        return lines
    database = check_database(cfg)
    lines += [database, check_disk(cfg)]
    if not database.ok:
        return lines
    with contextlib.closing(connect(cfg.db_file.absolute(), readonly=True)) as conn:
        office, settings_line = office_settings(cfg, conn)
        lines.append(settings_line)
        lines += check_devices(office, conn, args.lang, time.time())
    lines += check_printers(office)
    return lines


def cmd_check(args: argparse.Namespace) -> None:
    lines = run_checks(args)
    for line in lines:
        print(f"{say(args, 'cli.ok' if line.ok else 'cli.fail')} {say(args, line.code, **line.params)}")
    failed = sum(not line.ok for line in lines)
    print(say(args, "cli.some_failed", count=failed) if failed else say(args, "cli.all_ok"))
    sys.exit(1 if failed else 0)


def register_cli(sub: Any) -> None:
    p = office_options(sub.add_parser("check", help="check the config, database, disk, devices and printers"))
    p.set_defaults(func=cmd_check)
