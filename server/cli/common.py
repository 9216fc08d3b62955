"""What every command shares: reading the config with the command line's overrides, ending with a sentence,
and running one decision through the writer outside the server."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from server import config as config_mod
from server.domain.errors import DomainError
from server.messages import text
from server.store.writer import Writer

T = TypeVar("T")


def load_config(args: argparse.Namespace) -> config_mod.Config:
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


def fail(exc: DomainError, command: str = "motcua") -> NoReturn:
    """End a command with the refusal's sentence in Vietnamese, then English, and status 1."""
    indent = " " * (len(command) + 2)
    sys.exit(f"{command}: {text(exc.code, 'vi', **exc.params)}\n{indent}{text(exc.code, 'en', **exc.params)}")


def run_db_op(cfg: config_mod.Config, fn: Callable[..., T]) -> T:
    """Run `fn(tx)` as one decision through a writer of its own; its value is the command's result."""

    async def go() -> T:
        writer = Writer(cfg.db_file, origin=cfg.server.machine_id)
        await writer.start()
        try:
            return await writer.run(fn)
        finally:
            await writer.stop()

    return asyncio.run(go())


def office_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Which office the IT officer's commands act on, and the language they answer in (Vietnamese unless asked)."""
    parser.add_argument("--config", help="TOML config file (defaults are used without one)")
    parser.add_argument("--data-dir", help="data folder (its motcua.db), overriding the config")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="answer in Vietnamese (vi) or English")
    return parser


def say(args: argparse.Namespace, code: str, **params: object) -> str:
    """A catalogue sentence in the command's language."""
    return text(code, getattr(args, "lang", "vi"), **params)


def require_db(args: argparse.Namespace) -> config_mod.Config:
    """The config, with its database present and writable; otherwise end with what is wrong and what to do."""
    from server.ops.storage_problems import explain
    from server.store.integrity import DatabaseProblem, require_database

    cfg = load_config(args)
    try:
        require_database(cfg.db_file.absolute())
    except DatabaseProblem as problem:
        sys.exit(explain(problem))
    return cfg
