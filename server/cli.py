"""`motcua serve | init | demo | ...`: one entry point for the office PC, the laptop and the hub."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import NoReturn

from aiohttp import web

from . import config as config_mod
from . import passwords
from .app import create_app
from .domain.clock import SystemClock, epoch
from .domain.errors import DomainError
from .messages import text
from .store import db

log = logging.getLogger("motcua")

# Modules that add their own subcommands with `register_cli(subparsers)`.
CLI_MODULES = ("server.backup", "server.reports_cli", "server.mobile_cli", "server.hub_cli", "server.simulate")


def _load(args: argparse.Namespace) -> config_mod.Config:
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        sys.exit(f"motcua: {exc}")
    if getattr(args, "port", None):
        cfg.server.port = args.port
    if getattr(args, "host", None):
        cfg.server.host = args.host
    if getattr(args, "data_dir", None):
        cfg.server.data_dir = args.data_dir
        cfg.server.db_path = ""
    return cfg


def fail(exc: DomainError) -> NoReturn:
    """End a command with the refusal's sentence in Vietnamese, then English, and status 1."""
    sys.exit(f"motcua: {text(exc.code, 'vi', **exc.params)}\n        {text(exc.code, 'en', **exc.params)}")


def _run_db_op(cfg: config_mod.Config, fn: Callable[..., object]) -> object:
    from .store.writer import Writer

    async def go() -> object:
        writer = Writer(cfg.db_file, origin=cfg.server.machine_id)
        await writer.start()
        try:
            return await writer.run(fn)
        finally:
            await writer.stop()

    return asyncio.run(go())


def cmd_serve(args: argparse.Namespace) -> None:
    cfg = _load(args)
    serve(cfg)


GC_THRESHOLDS = (20_000, 20, 20)


async def _freeze_startup_heap(app: web.Application) -> None:
    """What starting made (modules, routes, the catalogue: most of the heap) lives as long as the process.
    Frozen out of the garbage collector's sight, it is no longer walked by every full collection, which
    stopped the event loop for ~50 ms under load: the slowest answer of every client at that moment.

    Then the youngest generation is collected every 20,000 new objects instead of 700: a request makes a
    few hundred that live for milliseconds, so the default walked them every few tickets (25,000 CPU
    instructions a ticket, 2.6 %); a collection of 20,000 young objects takes well under a millisecond."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(cfg: config_mod.Config, app: web.Application | None = None, banner: str = "") -> None:
    if not db.without_memory_statistics():
        log.info("SQLite keeps its memory statistics: a connection was open before the server started")
    from .backup import ServerRunning
    from .db_problems import explain
    from .store.integrity import DatabaseProblem, problem_from, require_database

    try:
        # Never an empty office in place of a missing, empty or mistyped one; never "serving" on a file that
        # cannot be written. `motcua init`, `motcua restore` and `motcua demo` make the file first.
        require_database(cfg.db_file.absolute())
        app = app or create_app(cfg)
        app.on_startup.append(_freeze_startup_heap)  # the last startup step: after the app's own
        banner = banner or f"motcua: serving {cfg.office.name} on http://{cfg.server.host}:{cfg.server.port}"
        # Said once the port is open, not before the database is: a start that fails says why instead.
        web.run_app(app, host=cfg.server.host, port=cfg.server.port, print=lambda _: print(banner, flush=True),
                    access_log=None, handle_signals=True, shutdown_timeout=5)
    except DatabaseProblem as problem:
        sys.exit(explain(problem))
    except sqlite3.Error as exc:  # a part's first write at startup met what the check could not see
        sys.exit(explain(problem_from(exc, cfg.db_file.absolute())))
    except ServerRunning as exc:
        sys.exit(f"motcua: {exc}")


def cmd_init(args: argparse.Namespace) -> None:
    """Create the database with the office's catalogue skeleton and one admin account."""
    from . import auth
    from .demo import seed_catalog
    from .store import accounts

    cfg = _load(args)
    if cfg.db_file.exists():
        sys.exit(f"motcua: {cfg.db_file} already exists; nothing done")
    try:
        password, generated = passwords.from_cli(args)
    except DomainError as exc:
        fail(exc)
    now = epoch(SystemClock().now())

    def seed(tx: object) -> None:
        seed_catalog(tx, cfg.office.code, cfg.office.name)  # type: ignore[arg-type]
        accounts.insert_user(tx, "admin", "Quản trị viên", "admin", auth.hash_password(password), now)  # type: ignore[arg-type]

    _run_db_op(cfg, seed)
    shown = f"\n  admin password: {password}  (shown once: write it down)" if generated else ""
    print(f"motcua: created {cfg.db_file} with the account admin{shown}")


def cmd_demo(args: argparse.Namespace) -> None:
    from .demo_run import run_demo

    try:
        run_demo(_load(args), fresh=not args.keep)
    except DomainError as exc:  # the folder is not the demo's: nothing was deleted
        fail(exc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="Queue and appointment system for one-stop offices")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", help="TOML config file (defaults are used without one)")
        p.add_argument("--port", type=int)
        p.add_argument("--host")
        p.add_argument("--data-dir")
        return p

    common(sub.add_parser("serve", help="run the office server")).set_defaults(func=cmd_serve)
    p = common(sub.add_parser("init", help="create the database and an admin account"))
    passwords.add_cli_options(p)
    p.set_defaults(func=cmd_init)
    p = common(sub.add_parser("demo", help="a demo office with emulated printer, LED boards and voice"))
    p.add_argument("--keep", action="store_true", help="keep the demo database from the last run")
    p.set_defaults(func=cmd_demo)
    for module in CLI_MODULES:
        try:
            mod = __import__(module, fromlist=["register_cli"])
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        mod.register_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    args.func(args)


if __name__ == "__main__":
    main()
