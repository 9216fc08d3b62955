"""What the API, the CLI and the monthly job share: run a report off the event loop and render it.

Each report opens its own read-only SQLite connection in a worker thread (a month over a large office
takes a fraction of a second; the loop keeps serving calls meanwhile).
"""

from __future__ import annotations

import asyncio
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

from server.reports import charts, export
from server.reports.build import build_letters, build_report
from server.store.reports import Reader, open_reader


def report(db: Path, start: date, end: date, group: str, wait_target_min: float,
           generated_at: str = "") -> dict[str, Any]:
    with Reader(db) as reader:
        return build_report(reader, start, end, group, wait_target_min=wait_target_min, generated_at=generated_at)


def letters(db: Path, start: date, end: date, since: str = "") -> dict[str, Any]:
    conn = open_reader(db)
    try:
        return build_letters(conn, start, end, since)
    finally:
        conn.close()


def render(db: Path, start: date, end: date, group: str, wait_target_min: float, fmt: str,
           generated_at: str = "", letters_since: str = "") -> bytes:
    """The whole report as an XLSX (with the letters tables and charts) or CSV file."""
    rep = report(db, start, end, group, wait_target_min, generated_at)
    if fmt == "csv":
        return export.to_csv(rep)
    return export.to_xlsx(rep, letters(db, start, end, letters_since), lambda name: charts.render(rep, name))


async def in_thread(fn: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside, then rename: a half-written report is never seen under its final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def filename(start: date, end: date, fmt: str, kind: str = "bao-cao") -> str:
    return f"{kind}-{start.isoformat()}_{end.isoformat()}.{fmt}"


def letters_xlsx(letters_report: dict[str, Any]) -> bytes:
    """The letters report alone, both appendix tables, as XLSX."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    intro = ["KẾT QUẢ TRIỂN KHAI THỰC HIỆN MÔ HÌNH “HÀNH CHÍNH PHỤC VỤ NGƯỜI DÂN”",
             f"Từ ngày {letters_report['period']['from']} đến ngày {letters_report['period']['to']}"]
    export.letters_sheets(wb, letters_report, intro)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
