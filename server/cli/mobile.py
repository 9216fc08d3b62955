"""`motcua mobile prepare` at the office before a mobile session, `motcua export` on the laptop after it,
`motcua import FILE` at the office.

    motcua mobile prepare --config office.toml --machine-id laptop-nvh4 --place "Nhà văn hóa khu vực 4" \
        --series LD --out ./laptop-nvh4
    motcua export --config laptop.toml --day 2026-11-27 --out nvh-khu4-2026-11-27.jsonl
    motcua import nvh-khu4-2026-11-27.jsonl --config office.toml

Prepare makes the laptop's folder: a database holding the office's catalogue only (no ticket, booking or
sign-in travels to the cultural house) and a config in mobile mode with the laptop's own machine id and
number series.

Export reads the database (the laptop's server may keep running); import is one transaction through the
writer, idempotent, and prints what changed. Failures exit with status 1 and a sentence saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from server.cli.common import fail, load_config
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError
from server.messages import text


def cmd_export(args: argparse.Namespace) -> None:
    from server.services.mobile import export_lines
    from server.store import calendar as store
    from server.store.db import connect

    cfg = load_config(args)
    if not cfg.db_file.exists():
        sys.exit(f"motcua: {cfg.db_file} does not exist")
    conn = connect(cfg.db_file, readonly=True)
    try:
        day = args.day or SystemClock().now().astimezone(cfg.tz).date().isoformat()
        sessions = args.session or store.sessions_of(conn, day=day, origin=cfg.server.machine_id)
        lines = list(export_lines(conn, sessions, cfg.server.machine_id, epoch(SystemClock().now())))
    except DomainError as exc:
        fail(exc)
        return
    finally:
        conn.close()
    out = Path(args.out)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)  # a half-written file never carries the final name
    print(f"motcua: exported {len(lines) - 2} rows of {', '.join(sessions)} to {out}")
    left = json.loads(lines[0]).get("left_out") or []
    if left:
        numbers = ", ".join(f"{t['number']} ({t['day']}, {t['origin']})" for t in left)
        print(f"motcua: {text('mobile_left_out', 'vi', n=len(left), numbers=numbers)}\n"
              f"        {text('mobile_left_out', 'en', n=len(left), numbers=numbers)}", file=sys.stderr)


def import_path(cfg: Any, path: Path) -> dict[str, Any]:
    from server.services import mobile
    from server.services.context import Ctx
    from server.store.writer import Writer

    parsed = mobile.parse(path.read_text(encoding="utf-8").splitlines())

    async def go() -> dict[str, Any]:
        writer = Writer(cfg.db_file, origin=cfg.server.machine_id)
        await writer.start()
        try:
            from server.domain.queue_policy import QueuePolicy

            ctx = Ctx(now=epoch(SystemClock().now()), tz=cfg.tz, policy=QueuePolicy(), actor="cli:import")
            return await writer.run(mobile.import_file, ctx, parsed)
        finally:
            await writer.stop()

    return asyncio.run(go())


def cmd_import(args: argparse.Namespace) -> None:
    cfg = load_config(args)
    path = Path(args.file)
    if not path.exists():
        sys.exit(f"motcua: {path} does not exist")
    try:
        result = import_path(cfg, path)
    except DomainError as exc:
        fail(exc)
        return
    print(json.dumps(result, ensure_ascii=False))



def cmd_prepare(args: argparse.Namespace) -> None:
    """The laptop's folder: the catalogue-only database and its config (services/laptop.py)."""
    from server.cli.common import fail
    from server.services import laptop as svc

    office = load_config(args)
    folder = Path(args.out).resolve()
    sections = svc.laptop_sections(office.office, args.machine_id, args.place, args.series, args.host, args.port,
                                   str(folder))
    config_file = folder / svc.CONFIG_NAME
    try:
        laptop = svc.laptop_config(sections, office.server.machine_id)
        if config_file.exists():
            raise DomainError("mobile_prepare_exists", path=str(config_file))
        if laptop.db_file.exists():
            raise DomainError("mobile_prepare_exists", path=str(laptop.db_file))
        if not office.db_file.exists():
            raise DomainError("mobile_prepare_no_office", path=str(office.db_file))
        folder.mkdir(parents=True, exist_ok=True)
        copied = asyncio.run(svc.build_database(laptop, laptop.db_file, office.db_file))
    except DomainError as exc:
        fail(exc)
    config_file.write_text(svc.config_text(sections, f"{office.db_file} by motcua mobile prepare"), encoding="utf-8")
    counts = ", ".join(f"{t} {n}" for t, n in copied.items() if n)
    print(f"motcua: laptop folder {folder} ready ({counts}); no ticket, booking or sign-in copied.\n"
          f"  on the laptop: motcua serve --config {config_file}")


def register_cli(sub: Any) -> None:
    mobile = sub.add_parser("mobile", help="mobile sessions: prepare a laptop")
    cmds = mobile.add_subparsers(dest="mobile_command", required=True)
    p = cmds.add_parser("prepare", help="a laptop folder: the office's catalogue only, its own id and series")
    p.add_argument("--config", help="TOML config file of the office")
    p.add_argument("--data-dir")
    p.add_argument("--machine-id", required=True, help="the laptop's id, e.g. laptop-nvh4 (not the office's)")
    p.add_argument("--place", required=True, help='where the session is held, e.g. "Nhà văn hóa khu vực 4"')
    p.add_argument("--series", default="LD", help="the laptop's number series (default LD)")
    p.add_argument("--out", required=True, help="a new folder for the laptop's database and config")
    p.add_argument("--host", default="127.0.0.1", help="the laptop server's address (0.0.0.0 for its LAN)")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("export", help="write a mobile session (tickets, events, steps, ratings) to a file")
    p.add_argument("--config", help="TOML config file of this machine")
    p.add_argument("--data-dir")
    p.add_argument("--session", action="append", help="session id (repeatable); default: this machine's of --day")
    p.add_argument("--day", help="local date YYYY-MM-DD (default today)")
    p.add_argument("--out", required=True, help="file to write (JSON Lines)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", help="merge a mobile-session file into this office's database (idempotent)")
    p.add_argument("file")
    p.add_argument("--config", help="TOML config file of the office")
    p.add_argument("--data-dir")
    p.set_defaults(func=cmd_import)
