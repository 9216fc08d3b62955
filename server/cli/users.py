"""`motcua user add | passwd | disable`: the IT officer manages staff accounts from the terminal, through the same
decisions (and audit lines) as the admin's Tài khoản page, with passwords by the one rule (server/passwords.py)."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from server import auth, passwords
from server.cli.common import fail, load_config, office_options, require_db, run_db_op, say
from server.domain.clock import SystemClock, epoch
from server.domain.errors import DomainError, NotFound
from server.domain.queue_policy import QueuePolicy
from server.services import admin as svc
from server.services import counters
from server.services.context import Ctx
from server.store import accounts
from server.store.tx import Tx

ROLES = ("staff", "leader", "admin")


def _ctx(args: argparse.Namespace) -> Ctx:
    """Who acts: the command and the machine's user, as the audit log shows it."""
    cfg = load_config(args)
    return Ctx(now=epoch(SystemClock().now()), tz=cfg.tz, policy=QueuePolicy(), actor=f"cli:{getpass.getuser()}")


def _user(tx: Tx, username: str) -> dict[str, Any]:
    user = accounts.user_by_name(tx, username)
    if user is None:
        raise NotFound("cli.user_not_found", username=username)
    return user


def _new_password(args: argparse.Namespace) -> tuple[str, bool, str]:
    """(password, generated, hash); the hash is slow on purpose, so it is made before the decision."""
    password, generated = passwords.from_cli(args)
    return password, generated, auth.hash_password(password)


def cmd_add(args: argparse.Namespace) -> None:
    cfg = require_db(args)
    ctx = _ctx(args)
    try:
        values = svc.parse(svc.USER_NEW, {"username": args.username, "display_name": args.name, "role": args.role},
                           {"roles": set(ROLES)})
        password, generated, hashed = _new_password(args)
        run_db_op(cfg, lambda tx: svc.create_user(tx, ctx, values, hashed, "cli"))
    except DomainError as exc:
        fail(exc)
    print(say(args, "cli.user_added", username=args.username, role=args.role))
    if generated:
        print(say(args, "cli.password_once", password=password))


def cmd_passwd(args: argparse.Namespace) -> None:
    cfg = require_db(args)
    ctx = _ctx(args)
    try:
        password, generated, hashed = _new_password(args)
        run_db_op(cfg, lambda tx: svc.reset_password(tx, ctx, _user(tx, args.username)["id"], hashed, "cli"))
    except DomainError as exc:
        fail(exc)
    print(say(args, "cli.password_set", username=args.username))
    if generated:
        print(say(args, "cli.password_once", password=password))


def disable(tx: Tx, ctx: Ctx, username: str) -> None:
    """The account can no longer sign in (its tokens go; the last admin is refused) and leaves its counter."""
    user = _user(tx, username)
    svc.update_user(tx, ctx, user["id"], {"display_name": user["display_name"], "role": user["role"],
                                          "active": False}, "cli")
    counters.sign_out(tx, ctx, user["id"])


def cmd_disable(args: argparse.Namespace) -> None:
    cfg = require_db(args)
    ctx = _ctx(args)
    try:
        run_db_op(cfg, lambda tx: disable(tx, ctx, args.username))
    except DomainError as exc:
        fail(exc)
    print(say(args, "cli.user_disabled", username=args.username))


def register_cli(sub: Any) -> None:
    user = sub.add_parser("user", help="staff accounts: add, set a password, disable")
    cmds = user.add_subparsers(dest="user_command", required=True)
    p = office_options(cmds.add_parser("add", help="a new account (password asked, read from a file, or generated)"))
    p.add_argument("username")
    p.add_argument("--name", required=True, help="full name, as the consoles and reports show it")
    p.add_argument("--role", choices=ROLES, default="staff")
    passwords.add_cli_options(p)
    p.set_defaults(func=cmd_add)
    p = office_options(cmds.add_parser("passwd", help="a new password; the account's open sign-ins end"))
    p.add_argument("username")
    passwords.add_cli_options(p)
    p.set_defaults(func=cmd_passwd)
    p = office_options(cmds.add_parser("disable", help="the account can no longer sign in"))
    p.add_argument("username")
    p.set_defaults(func=cmd_disable)


