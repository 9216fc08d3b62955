"""The report as XLSX (openpyxl: figures as numbers, Vietnamese headers) and CSV (UTF-8 with BOM, ';' and decimal
commas, for a Vietnamese-locale spreadsheet).
openpyxl is imported when a workbook is made, not when the server starts.

Both take their columns from one table, `COLUMNS`, built from the figure definitions: times are
written in minutes (the exact value, shown with one decimal), shares as fractions shown as %.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from server.reports import definitions as d
from server.reports.letters import table_rows

if TYPE_CHECKING:
    from openpyxl import Workbook

UNIT_SUFFIX = {"seconds": " (phút)", "share": " (%)", "count": "", "score": ""}
FORMATS = {"seconds": "0.0", "share": "0.0%", "count": "#,##0", "score": "0.00"}


def cell_value(value: Any, unit: str) -> Any:
    """The number as written in a sheet: seconds become minutes; missing stays empty."""
    if value is None:
        return None
    return value / 60 if unit == "seconds" else value


COLUMNS: list[tuple[str, str, str]] = [(f.key, f.vi + UNIT_SUFFIX[f.unit], f.unit) for f in d.all_figures()]


def group_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows (one per group, then "Tổng cộng"): the same table for XLSX, CSV and print."""
    head = [report["group_label"][0], *(h for _, h, _ in COLUMNS)]
    rows = [[r["label"], *(cell_value(r.get(k), u) for k, _, u in COLUMNS)] for r in report["rows"]]
    rows.append(["Tổng cộng", *(cell_value(report["total"].get(k), u) for k, _, u in COLUMNS)])
    return head, rows


def outcome_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    codes = list(report["outcome_labels"])
    head = [report["group_label"][0], *(report["outcome_labels"][c][0] for c in codes)]
    rows = [[r["label"], *(r["outcomes"].get(c, 0) for c in codes)] for r in report["rows"]]
    rows.append(["Tổng cộng", *(report["total"]["outcomes"].get(c, 0) for c in codes)])
    return head, rows


STEP_COLUMNS = [("n", "Số bước đã xong", "count"), ("mean", "Trung bình (phút)", "seconds"),
                ("median", "Trung vị (phút)", "seconds"), ("p90", "Phân vị 90 (phút)", "seconds"),
                ("max", "Lâu nhất (phút)", "seconds"), ("overdue", "Quá thời gian mục tiêu", "count")]


def step_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    head = [report["group_label"][0], "Bước", *(h for _, h, _ in STEP_COLUMNS)]
    rows = []
    for label, steps in [*((r["label"], r["steps"]) for r in report["rows"]), ("Tổng cộng", report["total"]["steps"])]:
        for s in steps:
            name = report["step_labels"].get(s["step"], [s["step"]])[0]
            rows.append([label, name, *(cell_value(s.get(k), u) for k, _, u in STEP_COLUMNS)])
    return head, rows


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list[Any]], units: list[str] | None = None,
           intro: list[str] | None = None) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title[:31])
    for line in intro or []:
        ws.append([line])
    top = ws.max_row + 1 if intro else 1
    ws.append(head)
    for c in ws[top]:
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F2")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = Border(bottom=Side(style="thin", color="888888"))
    ws.row_dimensions[top].height = 60
    for row in rows:
        ws.append(row)
    if units:
        for col, unit in enumerate(units, start=1):
            for (c,) in ws.iter_rows(min_row=top + 1, min_col=col, max_col=col):
                c.number_format = FORMATS.get(unit, "General")
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(head) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = ws.cell(row=top + 1, column=2)
    if rows and rows[-1][0] in ("Tổng cộng", "TỔNG"):
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)


def _intro(report: dict[str, Any], title: str) -> list[str]:
    p = report["period"]
    return [f"{report['office']['name']}", title, f"Từ ngày {p['from']} đến ngày {p['to']} ({p['days']} ngày)"]


def to_xlsx(report: dict[str, Any], letters: dict[str, Any] | None = None,
            charts: Callable[[str], bytes] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    summary = [[vi + UNIT_SUFFIX[u], cell_value(report["total"].get(k), u)] for k, vi, u in
               ((f.key, f.vi, f.unit) for f in d.all_figures())]
    _sheet(wb, "Tổng hợp", ["Chỉ tiêu", "Giá trị"], summary, None,
           _intro(report, "BÁO CÁO THỜI GIAN CHỜ, KẾT QUẢ VÀ MỨC ĐỘ HÀI LÒNG"))
    ws = wb["Tổng hợp"]
    for i, (_, _, u) in enumerate(COLUMNS):
        ws.cell(row=5 + i, column=2).number_format = FORMATS[u]
    head, rows = group_table(report)
    _sheet(wb, f"Theo {report['group_label'][0].lower()}", head, rows, ["text", *(u for _, _, u in COLUMNS)])
    head, rows = outcome_table(report)
    _sheet(wb, "Kết quả giải quyết", head, rows, ["text", *["count"] * (len(head) - 1)])
    head, rows = step_table(report)
    _sheet(wb, "Thời gian các bước", head, rows, ["text", "text", *(u for _, _, u in STEP_COLUMNS)])
    if letters is not None:
        letters_sheets(wb, letters, _intro(report, "KẾT QUẢ MÔ HÌNH “HÀNH CHÍNH PHỤC VỤ NGƯỜI DÂN”"))
    if charts is not None:
        _chart_sheet(wb, charts)
    _sheet(wb, "Định nghĩa", ["Mã", "Chỉ tiêu", "Figure", "Đơn vị"],
           [[f.key, f.vi, f.en, f.unit] for f in d.all_figures()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def letters_sheets(wb: Workbook, letters: dict[str, Any], intro: list[str]) -> None:
    """Seed 000's two appendix tables: by unit, then by unit and procedure."""
    _sheet(wb, "Thư HCPVND theo đơn vị", letters["head_unit"], [letters["numbers"], *table_rows(letters, "unit")],
           None, intro)
    _sheet(wb, "Thư HCPVND theo thủ tục", letters["head_procedure"],
           [letters["numbers"], *table_rows(letters, "procedure")])


def _chart_sheet(wb: Workbook, charts: Callable[[str], bytes]) -> None:
    from openpyxl.drawing.image import Image

    from server.reports.charts import CHARTS

    ws = wb.create_sheet("Biểu đồ")
    for i, name in enumerate(CHARTS):
        img = Image(io.BytesIO(charts(name)))
        img.width, img.height = 640, 320
        ws.add_image(img, f"A{1 + i * 17}")


def csv_number(value: Any) -> Any:
    """A figure as a Vietnamese-locale spreadsheet reads it: decimal comma, two decimals at most (12,35)."""
    if isinstance(value, float):
        text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return value


def _csv(tables: list[list[list[Any]]]) -> bytes:
    """UTF-8 with a BOM, ';' between cells, decimal commas: what Excel and LibreOffice in a Vietnamese locale open
    as columns of numbers (docs/reports.md). Tables are separated by an empty line."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for i, table in enumerate(tables):
        if i:
            w.writerow([])
        w.writerows([[csv_number(cell) for cell in row] for row in table])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_csv(report: dict[str, Any]) -> bytes:
    head, rows = group_table(report)
    units = ["", *(u for _, _, u in COLUMNS)]
    shown = [[v * 100 if units[i] == "share" and v is not None else v for i, v in enumerate(row)] for row in rows]
    return _csv([[head, *shown]])  # shares as percentages, as the "(%)" of their header says


def letters_csv(letters: dict[str, Any]) -> bytes:
    return _csv([[head, letters["numbers"], *table_rows(letters, which)]
                 for head, which in ((letters["head_unit"], "unit"), (letters["head_procedure"], "procedure"))])
