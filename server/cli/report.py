"""`motcua report --from 2026-10-01 --to 2026-10-31 --format xlsx`: the report page's file, from the shell.

Reads the office database read-only (the server may be running) and writes the same XLSX/CSV the
page exports, or the JSON `getReport` returns. Exits 1 with a clear message on a bad period.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from server.config import ConfigError, load
from server.domain.errors import DomainError
from server.messages import text
from server.reports import service
from server.reports.definitions import GROUP_NAMES
from server.reports.period import check_period


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from exc


def cmd_report(args: argparse.Namespace) -> None:
    try:
        cfg = load(args.config)
        if args.data_dir:
            cfg.server.data_dir, cfg.server.db_path = args.data_dir, ""
        if args.db:
            cfg.server.db_path = args.db
        s = cfg.reports
        check_period(args.start, args.end)
    except ConfigError as exc:
        sys.exit(f"motcua report: {exc}")
    except DomainError as exc:
        sys.exit(f"motcua report: {text(exc.code, 'vi', **exc.params)} / {text(exc.code, 'en', **exc.params)}")
    if not cfg.db_file.exists():
        sys.exit(f"motcua report: database {cfg.db_file} does not exist")
    if args.letters:
        rep = service.letters(cfg.db_file, args.start, args.end, s.letters_since)
        data = (json.dumps(rep, ensure_ascii=False, indent=1).encode() if args.format == "json"
                else service.letters_xlsx(rep) if args.format == "xlsx" else service.export.letters_csv(rep))
        kind = "thu-hcpvnd"
    elif args.format == "json":
        rep = service.report(cfg.db_file, args.start, args.end, args.group, s.wait_target_min)
        data, kind = json.dumps(rep, ensure_ascii=False, indent=1).encode(), "bao-cao"
    else:
        data = service.render(cfg.db_file, args.start, args.end, args.group, s.wait_target_min, args.format,
                              letters_since=s.letters_since)
        kind = "bao-cao"
    out = Path(args.out) if args.out else cfg.data_path / "reports" / service.filename(
        args.start, args.end, args.format, kind)
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        return
    service.write_atomically(out, data)
    print(f"motcua report: wrote {out} ({len(data):,} bytes)")


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the wait/outcome/satisfaction report (xlsx, csv or json)")
    p.add_argument("--from", dest="start", type=_day, required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_day, required=True, help="last day, YYYY-MM-DD (inclusive)")
    p.add_argument("--format", choices=("xlsx", "csv", "json"), default="xlsx")
    p.add_argument("--group", choices=list(GROUP_NAMES), default="field", help="break the figures down by")
    p.add_argument("--letters", action="store_true", help="the letters report (Hành chính phục vụ người dân) instead")
    p.add_argument("--out", help="output file ('-' for standard output); default <data_dir>/reports/...")
    p.add_argument("--config", help="TOML config file")
    p.add_argument("--data-dir", help="data folder (its motcua.db)")
    p.add_argument("--db", help="SQLite file, overriding the config")
    p.set_defaults(func=cmd_report)
