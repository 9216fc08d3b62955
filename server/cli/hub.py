"""`motcua hub serve | add-centre | revoke-centre | add-admin`: the province hub's commands."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from server import config as config_mod
from server.cli.common import fail
from server.domain.errors import DomainError
from server.passwords import add_cli_options, from_cli


def _require_hub_extra() -> None:
    """The hub's PostgreSQL driver is an extra: an office PC never needs it."""
    if importlib.util.find_spec("asyncpg") is None:
        sys.exit("motcua hub: thiếu gói asyncpg; cài bằng: pip install 'motcua[hub]'\n"
                 "            the asyncpg package is missing; install it with: pip install 'motcua[hub]'")


def _settings(args: argparse.Namespace) -> tuple[config_mod.Config, Any]:
    _require_hub_extra()
    from server.hub.app import hub_settings

    try:
        cfg = config_mod.load(args.config)
        return cfg, hub_settings(cfg)
    except config_mod.ConfigError as exc:
        sys.exit(f"motcua hub: {exc}")


def _with_store(args: argparse.Namespace, fn: Callable[[Any], Awaitable[Any]]) -> Any:
    from server.hub.store import HubStore

    _, settings = _settings(args)

    async def go() -> Any:
        store = await HubStore.open(settings.dsn, max_size=1)
        try:
            return await fn(store)
        finally:
            await store.close()

    try:
        return asyncio.run(go())
    except DomainError as exc:
        fail(exc, "motcua hub")
    except OSError as exc:
        sys.exit(f"motcua hub: cannot reach PostgreSQL ({exc}); check [hub] dsn")


def cmd_serve(args: argparse.Namespace) -> None:
    from server.hub.app import create_hub_app

    cfg, settings = _settings(args)
    app = create_hub_app(cfg)
    host, port = args.host or settings.host, args.port or settings.port
    print(f"motcua hub: serving on http://{host}:{port}/hub", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None, shutdown_timeout=5)


def cmd_add_centre(args: argparse.Namespace) -> None:
    key = _with_store(args, lambda s: s.add_centre(args.code, args.name, time.time()))
    print(f"motcua hub: centre {args.code} registered.\n  key: {key}\n"
          "  (shown once: enter it with the hub URL in the centre's [sync] section)")


def cmd_revoke_centre(args: argparse.Namespace) -> None:
    _with_store(args, lambda s: s.revoke_centre(args.code, time.time()))
    print(f"motcua hub: the key of centre {args.code} is revoked; its pushes are now refused.")


def cmd_add_admin(args: argparse.Namespace) -> None:
    from server.auth import hash_password

    try:
        password, shown = from_cli(args)  # the office's rule, checked before the database is reached
    except DomainError as exc:
        fail(exc, "motcua hub")
        return
    _with_store(args, lambda s: s.add_admin(args.username, hash_password(password), time.time()))
    print(f"motcua hub: admin {args.username} saved." + (f"\n  password: {password}  (shown once)" if shown else ""))


def register_cli(sub: Any) -> None:
    hub = sub.add_parser("hub", help="the province hub (PostgreSQL): serve, register centres and admins")
    cmds = hub.add_subparsers(dest="hub_command", required=True)

    def add(name: str, help_: str, fn: Callable[[argparse.Namespace], None]) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_)
        p.add_argument("--config", required=True, help="TOML file with a [hub] section (dsn, host, port, ...)")
        p.set_defaults(func=fn)
        return p

    p = add("serve", "run the hub's sync endpoint and dashboard", cmd_serve)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p = add("add-centre", "register a commune centre and print its key", cmd_add_centre)
    p.add_argument("code", help="the centre's [office] code")
    p.add_argument("name", help="the centre's name as the dashboard shows it")
    p = add("revoke-centre", "revoke a centre's key (its pushes are refused)", cmd_revoke_centre)
    p.add_argument("code")
    p = add("add-admin", "create a province admin (or set a new password)", cmd_add_admin)
    p.add_argument("username")
    add_cli_options(p)
