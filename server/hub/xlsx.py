"""The province's month report as XLSX: one sheet per grouping (centre, field, procedure), every
figure of the office report with its Vietnamese label (English beneath), numbers kept as numbers:
times in minutes, shares as percentages; then the letters report ("Hành chính phục vụ người dân") by
centre and by centre and procedure, the office's own two appendix tables with one unit per centre."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from server.reports.definitions import Figure, all_figures
from server.reports.export import letters_sheets

KEYS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "all": (),
    "centre": (("centre", "Mã trung tâm", "Centre code"), ("centre_name", "Trung tâm", "Centre")),
    "field": (("centre", "Trung tâm", "Centre"), ("field", "Mã lĩnh vực", "Field code"),
              ("name_vi", "Lĩnh vực", "Field")),
    "procedure": (("centre", "Trung tâm", "Centre"), ("procedure", "Mã thủ tục", "Procedure code"),
                  ("name_vi", "Thủ tục", "Procedure"), ("field_name_vi", "Lĩnh vực", "Field")),
}
SHEETS = {"all": "Toàn tỉnh", "centre": "Theo trung tâm", "field": "Theo lĩnh vực", "procedure": "Theo thủ tục"}


def cell(f: Figure, value: Any) -> Any:
    """Seconds become minutes; shares stay fractions (shown as %); counts stay whole numbers."""
    if value is None:
        return None
    if f.unit == "seconds":
        return round(value / 60, 2)
    return value


def header(f: Figure) -> tuple[str, str]:
    return (f"{f.vi} (phút)", f"{f.en} (min)") if f.unit == "seconds" else (f.vi, f.en)


def workbook(day_from: str, day_to: str, groups: dict[str, list[dict[str, Any]]],
             letters: dict[str, Any] | None = None) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is made, not when the hub starts
    from openpyxl.styles import Alignment, Font

    figures = all_figures()
    wb = Workbook()
    wb.remove(wb.active)
    for group, rows in groups.items():
        ws = wb.create_sheet(SHEETS[group])
        ws.append([f"Báo cáo tổng hợp tỉnh từ {day_from} đến {day_to} / Province report {day_from} – {day_to}"])
        ws["A1"].font = Font(bold=True, size=13)
        keys = KEYS[group]
        ws.append([vi for _, vi, _ in keys] + [header(f)[0] for f in figures])
        ws.append([en for _, _, en in keys] + [header(f)[1] for f in figures])
        for c in ws[2]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for c in ws[3]:
            c.font = Font(italic=True, color="666666")
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            ws.append([r.get(k) for k, _, _ in keys] + [cell(f, r.get(f.key)) for f in figures])
            for f, c in zip(figures, ws[ws.max_row][len(keys):], strict=True):
                if f.unit == "share":
                    c.number_format = "0.0%"
        for i in range(1, len(keys) + len(figures) + 1):
            key = keys[i - 1][0] if i <= len(keys) else ""
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = 34 if "name" in key else 14
        ws.freeze_panes = ws.cell(row=4, column=len(keys) + 1)
    if letters is not None:
        letters_sheets(wb, letters, ["KẾT QUẢ TRIỂN KHAI THỰC HIỆN MÔ HÌNH “HÀNH CHÍNH PHỤC VỤ NGƯỜI DÂN”",
                                     f"Từ ngày {day_from} đến ngày {day_to}"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
