"""The catalogue's files: reading the XLSX or CSV a portal exported into rows of cells, and writing the
catalogue back in the same shape (server/domain/catalogue.py decides what the cells mean).

CSV files come from spreadsheets in many ways: UTF-8 with or without a byte-order mark, or the Vietnamese
Windows code page (cp1258) from an older Excel; separated by commas, semicolons (a Vietnamese-locale Excel)
or tabs. The export writes UTF-8 with a byte-order mark and semicolons, which a Vietnamese-locale spreadsheet
opens in columns; XLSX is the safer choice and offered first.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from server.domain.errors import Invalid

MAX_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cells(data: bytes) -> list[list[Any]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Invalid("catalogue_unreadable") from None
    try:
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_cells(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid("catalogue_unreadable")
    if "\x00" in text:
        raise Invalid("catalogue_unreadable")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise Invalid("catalogue_unreadable") from None


def read_cells(filename: str, data: bytes) -> list[list[Any]]:
    """The first sheet of an XLSX (told by its content, not its name) or a CSV, as rows of cells."""
    if not data:
        raise Invalid("catalogue_empty")
    if len(data) > MAX_BYTES:
        raise Invalid("catalogue_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    if data[:2] == b"PK":
        return _xlsx_cells(data)
    if filename.lower().endswith((".xls", ".xlsx", ".ods")) or data[:4] == b"\xd0\xcf\x11\xe0":
        raise Invalid("catalogue_unreadable")  # the old binary .xls: ask for XLSX or CSV
    return _csv_cells(data)


def to_xlsx(head: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh mục TTHC"
    ws.append(list(head))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(list(row))
    for column, width in (("B", 60), ("C", 12), ("D", 24), ("G", 24)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(head: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(head)
    w.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
