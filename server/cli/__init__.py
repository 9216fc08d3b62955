"""`motcua serve | init | demo | ...`: one entry point for the office PC, the laptop and the hub."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys

from aiohttp import web

from server import __version__, passwords
from server import config as config_mod
from server.app import create_app
from server.cli import check, hub, mobile, printer, report, users
from server.cli.common import fail, load_config, run_db_op
from server.demo import simulate
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError
from server.keys import OFFICE_SETTINGS
from server.ops import backup
from server.settings import start_note

log = logging.getLogger("motcua")


def cmd_serve(args: argparse.Namespace) -> None:
    cfg = load_config(args)
    serve(cfg)


def _started(app: web.Application, cfg: config_mod.Config, banner: str) -> None:
    """The start's lines: where it serves (the office's name from the database) and what became of the file's
    office sections (server/settings.py)."""
    settings = app[OFFICE_SETTINGS]
    print(banner or f"motcua: serving {settings.current.office.name} on http://{cfg.server.host}:{cfg.server.port}",
          flush=True)
    note = start_note(settings)
    if note:
        print(note, flush=True)


def serve(cfg: config_mod.Config, app: web.Application | None = None, banner: str = "") -> None:
    from server.ops.backup import ServerRunning
    from server.ops.storage_problems import explain
    from server.store.integrity import DatabaseProblem, problem_from, require_database

    try:
        # Never an empty office in place of a missing, empty or mistyped one; never "serving" on a file that
        # cannot be written. `motcua init`, `motcua restore` and `motcua demo` make the file first.
        require_database(cfg.db_file.absolute())
        app = app or create_app(cfg)
        # Said once the port is open, not before the database is: a start that fails says why instead.
        web.run_app(app, host=cfg.server.host, port=cfg.server.port, print=lambda _: _started(app, cfg, banner),
                    access_log=None, handle_signals=True, shutdown_timeout=5)
    except DatabaseProblem as problem:
        sys.exit(explain(problem))
    except sqlite3.Error as exc:  # a part's first write at startup met what the check could not see
        sys.exit(explain(problem_from(exc, cfg.db_file.absolute())))
    except ServerRunning as exc:
        sys.exit(f"motcua: {exc}")


def cmd_init(args: argparse.Namespace) -> None:
    """Create the database with the office's catalogue skeleton and one admin account."""
    from server import auth
    from server.demo.catalogue import seed_catalog
    from server.store import accounts
    from server.store.tx import Tx

    cfg = load_config(args)
    if cfg.db_file.exists():
        sys.exit(f"motcua: {cfg.db_file} already exists; nothing done")
    try:
        password, generated = passwords.from_cli(args)
    except DomainError as exc:
        fail(exc)
    now = epoch(SystemClock().now())

    def seed(tx: Tx) -> None:
        seed_catalog(tx, cfg.office.code, cfg.office.name)
        accounts.insert_user(tx, "admin", "Quản trị viên", "admin", auth.hash_password(password), now)

    run_db_op(cfg, seed)
    shown = f"\n  admin password: {password}  (shown once: write it down)" if generated else ""
    print(f"motcua: created {cfg.db_file} with the account admin{shown}")


def cmd_demo(args: argparse.Namespace) -> None:
    from server.demo.run import run_demo

    try:
        run_demo(load_config(args), fresh=not args.keep)
    except DomainError as exc:  # the folder is not the demo's: nothing was deleted
        fail(exc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="Queue and appointment system for one-stop offices")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--version", action="version", version=f"motcua {__version__}")
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
    for register in (backup.register_cli, report.register_cli, mobile.register_cli, hub.register_cli,
                     simulate.register_cli, users.register_cli, check.register_cli, printer.register_cli):
        register(sub)
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
