"""`motcua export` on the laptop after a mobile session, `motcua import FILE` at the office.

    motcua export --config laptop.toml --day 2026-11-27 --out nvh-khu4-2026-11-27.jsonl
    motcua import nvh-khu4-2026-11-27.jsonl --config office.toml

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

from .domain.clock import SystemClock, epoch
from .domain.errors import DomainError


def _config(args: argparse.Namespace) -> Any:
    from .cli import _load

    return _load(args)


def _fail(exc: DomainError) -> None:
    from .cli import fail

    fail(exc)


def cmd_export(args: argparse.Namespace) -> None:
    from .services.mobile import export_lines
    from .store import calendar as store
    from .store.db import connect

    cfg = _config(args)
    if not cfg.db_file.exists():
        sys.exit(f"motcua: {cfg.db_file} does not exist")
    conn = connect(cfg.db_file, readonly=True)
    try:
        day = args.day or SystemClock().now().astimezone(cfg.tz).date().isoformat()
        sessions = args.session or store.sessions_of(conn, day=day, origin=cfg.server.machine_id)
        lines = list(export_lines(conn, sessions, cfg.server.machine_id, epoch(SystemClock().now())))
    except DomainError as exc:
        _fail(exc)
        return
    finally:
        conn.close()
    out = Path(args.out)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)  # a half-written file never carries the final name
    print(f"motcua: exported {len(lines) - 2} rows of {', '.join(sessions)} to {out}")


def import_path(cfg: Any, path: Path) -> dict[str, Any]:
    from .services import mobile
    from .services.queue import Ctx
    from .store.writer import Writer

    parsed = mobile.parse(path.read_text(encoding="utf-8").splitlines())

    async def go() -> dict[str, Any]:
        writer = Writer(cfg.db_file, origin=cfg.server.machine_id)
        await writer.start()
        try:
            from .domain.queue_policy import QueuePolicy

            ctx = Ctx(now=epoch(SystemClock().now()), tz=cfg.tz, policy=QueuePolicy(), actor="cli:import")
            return await writer.run(mobile.import_file, ctx, parsed)
        finally:
            await writer.stop()

    return asyncio.run(go())


def cmd_import(args: argparse.Namespace) -> None:
    cfg = _config(args)
    path = Path(args.file)
    if not path.exists():
        sys.exit(f"motcua: {path} does not exist")
    try:
        result = import_path(cfg, path)
    except DomainError as exc:
        _fail(exc)
        return
    print(json.dumps(result, ensure_ascii=False))


def register_cli(sub: Any) -> None:
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
