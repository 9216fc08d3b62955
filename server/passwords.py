"""The one rule for a new password, for every path that sets one (admin pages, `motcua init`, the hub's
`add-admin`), and how a command takes one without leaving it in the shell's history.

A password typed as `--password x` stays in ~/.bash_history and shows in `ps` to every user of the machine,
so commands prefer, in order: `--password-file FILE` (`-` reads standard input, for scripts), a hidden
prompt (getpass) when run on a terminal, or a generated password printed once. `--password` still works for
old scripts, with a warning.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from pathlib import Path

from server.domain.errors import Invalid
from server.messages import text

MIN_LENGTH = 8
MAX_LENGTH = 256  # the sign-in form takes no longer one: a longer password could never be used
PROMPT_TRIES = 3


def check_new_password(password: str) -> None:
    """Refuse a password that is too short to resist guessing or too long to sign in with."""
    if len(password.strip()) < MIN_LENGTH:
        raise Invalid("password_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise Invalid("password_long", max=MAX_LENGTH)


def generated() -> str:
    return secrets.token_urlsafe(12)


def add_cli_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-file", metavar="FILE",
                        help="read the password from the first line of FILE ('-': standard input)")
    parser.add_argument("--password", help="the password itself (stays in the shell history: prefer "
                                           "--password-file or the prompt; generated and printed when none)")


def _both(code: str) -> str:
    return f"{text(code, 'vi')} / {text(code, 'en')}"


def _from_file(name: str) -> str:
    try:
        raw = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid("password_file_unreadable", file=name,
                      reason=getattr(exc, "strerror", None) or type(exc).__name__) from exc
    lines = raw.splitlines()
    return lines[0] if lines else ""


def _prompted() -> str:
    """Ask on the terminal with echo off; a short one is asked again, a mistyped repeat refused."""
    for attempt in range(PROMPT_TRIES):
        password = getpass.getpass(_both("password_prompt"))
        if not password:
            return ""
        try:
            check_new_password(password)
        except Invalid as exc:
            if attempt == PROMPT_TRIES - 1:
                raise
            print(f"{text(exc.code, 'vi', **exc.params)} / {text(exc.code, 'en', **exc.params)}", file=sys.stderr)
            continue
        if getpass.getpass(_both("password_prompt_again")) != password:
            raise Invalid("password_mismatch")
        return password
    return ""  # not reached: the last try raises


def from_cli(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated): from --password-file, --password (warned), the prompt on a terminal, or a new
    random one (empty answer, or no terminal). A chosen password is checked by the one rule."""
    if args.password_file:
        password = _from_file(args.password_file)
    elif args.password is not None:
        print(_both("password_on_command_line"), file=sys.stderr)
        password = args.password
    elif sys.stdin.isatty():
        password = _prompted()
        if not password:
            return generated(), True
    else:
        return generated(), True
    check_new_password(password)
    return password, False
