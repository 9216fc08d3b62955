"""The "Hành chính phục vụ người dân" letters report, in the shape of seed 000's appendix tables.

A letter goes with the result of a procedure whose `letter` column is set: congratulation letters
(thư chúc mừng) for births and marriages, condolence letters (thư chia buồn) for deaths. One letter
is counted per ticket finished with the outcome "result returned" (the result is handed over, with
the letter) for such a procedure. A congratulation is for a marriage when `letter` is
'congratulation:marriage' or the procedure's name holds "kết hôn"; otherwise for a birth.
Table 1 (by unit) and table 2 (by unit and procedure) carry the columns (4)=(5)+(8), (5)=(6)+(7).
Column (3) of table 1, "Thời gian bắt đầu triển khai", is the day the unit began the model: a setting
(`[reports] letters_since` at an office; each centre's, sent with its catalogue, at the hub), blank when unset.
The rows come from `server.store.sql.letters.letters_query` (office and hub); here they are shaped.
"""

from __future__ import annotations

from typing import Any

KINDS = ("birth", "marriage", "death")
HEAD_1 = ("STT", "Tên cơ quan, đơn vị", "Thời gian bắt đầu triển khai",
          "Tổng Thư chúc mừng (Hỷ sự) và chia buồn (Tang gia)", "Tổng Thư chúc mừng",
          "Thư chúc mừng - Trường hợp Khai sinh", "Thư chúc mừng - Trường hợp Kết hôn",
          "Tổng Thư chia buồn (Trường hợp Khai tử)")
HEAD_2 = ("STT", "Tên cơ quan, đơn vị", "Tên thủ tục hành chính", *HEAD_1[3:])
NUMBERS_1 = ("(1)", "(2)", "(3)", "(4)=(5)+(8)", "(5)=(6)+(7)", "(6)", "(7)", "(8)")


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    c = dict.fromkeys(KINDS, 0)
    for r in rows:
        c[r["kind"]] += int(r["n"])
    return {"total": c["birth"] + c["marriage"] + c["death"], "congratulation": c["birth"] + c["marriage"], **c}


def shape(units: list[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """Both appendix tables from (unit, the day it began the model or "", its query rows) of each unit (one
    unit at an office; many at the hub)."""
    by_unit, by_procedure = [], []
    for i, (unit, since, rows) in enumerate(units, start=1):
        by_unit.append({"no": i, "unit": unit, "since": since or None, **_counts(rows)})
        for j, r in enumerate(rows):
            by_procedure.append({"no": i if j == 0 else None, "unit": unit if j == 0 else "",
                                 "procedure": r["procedure"], **_counts([r])})
    all_rows = [r for _, _, rows in units for r in rows]
    return {"by_unit": by_unit, "by_procedure": by_procedure, "total": _counts(all_rows),
            "head_unit": list(HEAD_1), "head_procedure": list(HEAD_2), "numbers": list(NUMBERS_1)}


def day_vi(iso: str | None) -> str:
    """A day as the appendix writes it: 2024-03-01 -> 01/03/2024 ("" for none)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def table_rows(letters: dict[str, Any], which: str) -> list[list[Any]]:
    """The table as rows of cells, total row last ("Tổng cộng"), for XLSX, CSV and the page."""
    keys = ("total", "congratulation", "birth", "marriage", "death")
    if which == "unit":
        rows = [[r["no"], r["unit"], day_vi(r["since"]), *(r[k] for k in keys)] for r in letters["by_unit"]]
        rows.append(["", "Tổng cộng", "", *(letters["total"][k] for k in keys)])
    else:
        rows = [[r["no"] or "", r["unit"], r["procedure"], *(r[k] for k in keys)] for r in letters["by_procedure"]]
        rows.append(["TỔNG", "", "", *(letters["total"][k] for k in keys)])
    return rows
