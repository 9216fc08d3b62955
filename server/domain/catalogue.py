"""The procedure catalogue as the portals publish it: reading a table of procedures, and what importing it changes.

Provincial portals and the national database (Cơ sở dữ liệu quốc gia về thủ tục hành chính) export one row per
procedure with Vietnamese column titles, which differ from portal to portal ("Thủ tục" or "Tên thủ tục", one
"Phí, lệ phí" column or "Lệ phí" and "Phí"). Columns are found by their title without diacritics; the ones the
office uses (code, name, field, legal time, fee, required documents, whether in force) are read, every other
column is kept as it came, so the export gives back the portal's shape.

The plan compares the file with the catalogue: new procedures, changed ones (with what changed), unchanged ones,
and the office's procedures the file does not list (kept, or no longer received, as the admin chooses: they are
never deleted, tickets refer to them). Fields the file names and the office lacks are created, each with a
number block of its own. Everything here is pure: cells in, a plan out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.search import fold
from server.domain.errors import Invalid
from server.domain.numbering import NumberSeries, overlapping
from server.messages import labels

STEP_ORDER = ("receive", "appraise", "approve", "return")
LETTERS = tuple(labels.LETTERS)  # "" (none), congratulation (birth), congratulation:marriage, condolence
MAX_ROWS = 5000
HEADER_SEARCH = 10  # a title line or two may come before the column titles
MAX_PROBLEMS = 10
CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")

# What a column is for, by its title without diacritics (`fold`, punctuation as spaces).
ROLES: dict[str, tuple[str, ...]] = {
    "code": ("ma thu tuc", "ma tthc", "ma so thu tuc", "ma so tthc"),
    "name": ("thu tuc", "ten thu tuc", "ten thu tuc hanh chinh", "ten tthc", "thu tuc hanh chinh"),
    "field": ("linh vuc", "ten linh vuc"),
    "time": ("thoi han giai quyet", "thoi gian giai quyet"),
    "fee": ("phi le phi", "muc phi le phi", "le phi phi"),
    "fee_le": ("le phi",),
    "fee_phi": ("phi",),
    "documents": ("thanh phan ho so", "thanh phan so luong ho so"),
    "status": ("tinh trang hieu luc",),
    "no": ("stt", "tt", "so tt", "so thu tu"),
}
# The export's columns: the provincial portal's layout (see tests/data/README.md), then the columns this system
# keeps that the layout lacks. Import reads either.
EXPORT_HEAD = ("STT", "Thủ tục", "Mã thủ tục", "Lĩnh vực", "Thông tin công bố", "Cách thức nộp trực tuyến",
               "Thời hạn giải quyết", "Mức trực tuyến", "Lệ phí", "Phí", "Văn bản quy định lệ phí",
               "Cơ quan thực hiện", "Cơ quan có thẩm quyền quyết định", "Đối tượng thực hiện", "Cách thức thực hiện",
               "Điều kiện thực hiện", "Số bộ hồ sơ", "Kết quả thực hiện", "Địa chỉ tiếp nhận hồ sơ",
               "Mẫu đơn, tờ khai", "Trình tự thực hiện", "Căn cứ pháp lý", "Tình trạng hiệu lực",
               "Phí, lệ phí", "Thành phần hồ sơ")
SAME_DAY = ("trong ngay", "ngay sau khi", "ngay khi")
NOT_IN_FORCE = ("het hieu luc", "bai bo", "khong con hieu luc")


def title_key(title: str) -> str:
    """A column title as compared: no diacritics, lowercase, punctuation as spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(title)).split())


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class ImportRow:
    """One procedure of the file, as the office keeps it."""

    line: int  # the row's number in the file, for messages
    code: str
    name: str
    field: str
    legal_time: str
    legal_days: float
    same_day: bool
    fee: str
    documents: tuple[str, ...] | None  # None: the file has no such column
    active: bool | None  # None: the file does not say whether it is in force
    info: dict[str, str]  # the portal's other columns, title -> text, in the file's order

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "name": self.name, "field": self.field,
                "legal_time": self.legal_time, "legal_days": self.legal_days, "same_day": self.same_day,
                "fee": self.fee, "documents": None if self.documents is None else list(self.documents),
                "active": self.active, "info": self.info}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ImportRow:
        docs = d["documents"]
        return cls(d["line"], d["code"], d["name"], d["field"], d["legal_time"], float(d["legal_days"]),
                   bool(d["same_day"]), d["fee"], None if docs is None else tuple(docs), d["active"], dict(d["info"]))


def legal_time(text: str) -> tuple[float, bool]:
    """(working days, returned the same day) from the portal's "Thời hạn giải quyết": "05 ngày làm việc" -> 5;
    "Ngay trong ngày ..." or a few hours -> same day; a bare number is days. Unreadable: (0, False)."""
    t = fold(text)
    if re.fullmatch(r"\d+([.,]\d+)?", t):
        return float(t.replace(",", ".")), False
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*(ngay|gio)", t)
    said = [t.find(p) for p in SAME_DAY if p in t]
    if said and (m is None or min(said) < m.start()):
        return 0.0, True  # "Ngay trong ngày ...; trường hợp nhận sau 15 giờ thì ..."
    if m:
        n = float(m.group(1).replace(",", "."))
        if m.group(2) == "gio":
            return 0.0, n <= 8
        return n, False
    return 0.0, False


def days_text(days: float, same_day: bool) -> str:
    """The legal time written as the portals write it, for a procedure entered by hand."""
    if same_day and not days:
        return "Trong ngày"
    if not days:
        return ""
    n = int(days) if float(days).is_integer() else days
    return f"{n:02d} ngày làm việc" if isinstance(n, int) else f"{n} ngày làm việc".replace(".", ",")


def documents_of(text: str) -> tuple[str, ...]:
    """The required documents, one a line ("- ", "+ ", "1. " bullets dropped); one line with ';' is split there."""
    lines = [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    if len(lines) == 1 and ";" in lines[0]:
        lines = lines[0].split(";")
    out = [re.sub(r"^\s*(?:[-+•*]|\d+[.)])\s*", "", ln).strip() for ln in lines]
    return tuple(d for d in out if d)


def suggested_letter(name: str) -> str:
    """The letter a new procedure's result goes with ("Hành chính phục vụ người dân"): registering a birth or a
    marriage (congratulation), a death (condolence); none for anything else, the admin sets it on the page."""
    n = fold(name)
    if n.startswith("dang ky ket hon"):
        return "congratulation:marriage"
    if n.startswith("dang ky khai sinh") or "ve dang ky khai sinh" in n:
        return "congratulation"
    if n.startswith("dang ky khai tu") or "ve dang ky khai tu" in n:
        return "condolence"
    return ""


def _roles(head: Sequence[str]) -> dict[str, int]:
    """Column index of each role the titles name (the first such column)."""
    found: dict[str, int] = {}
    for i, title in enumerate(head):
        key = title_key(title)
        for role, names in ROLES.items():
            if key in names and role not in found:
                found[role] = i
    return found


def _info(titles: Sequence[str], row: Sequence[str], columns: Iterable[int]) -> dict[str, str]:
    """The portal's columns the office does not use, title -> text, empty cells left out."""
    return {titles[i]: row[i] for i in sorted(columns) if i < len(row) and row[i]}


def _header(cells: Sequence[Sequence[Any]]) -> tuple[int, list[str], dict[str, int]]:
    """The line of column titles: the first of the first lines naming a code and a name column."""
    for h, head in enumerate(cells[:HEADER_SEARCH]):
        titles = [cell_text(c) for c in head]
        roles = _roles(titles)
        if "code" in roles and "name" in roles:
            return h, titles, roles
    raise Invalid("catalogue_no_header")


def read_table(cells: Sequence[Sequence[Any]]) -> tuple[list[ImportRow], set[str]]:
    """The procedures of a sheet (rows of cells); also which optional roles the file has ("documents",
    "status"). Refused, naming the rows to fix, when a row lacks its code or name, a code is malformed or
    repeated, or no line of titles is found."""
    h, titles, roles = _header(cells)
    used = set(roles.values())
    others = [(i, t) for i, t in enumerate(titles) if i not in used and t]
    rows: list[ImportRow] = []
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    body = cells[h + 1:]
    if len(body) > MAX_ROWS:
        raise Invalid("catalogue_too_many", max=MAX_ROWS)
    for offset, raw in enumerate(body):
        line = h + 2 + offset
        row = [cell_text(c) for c in raw]

        def get(role: str, row: list[str] = row) -> str:
            i = roles.get(role)
            return row[i] if i is not None and i < len(row) else ""

        if not any(row):
            continue
        code, name = get("code"), " ".join(get("name").split())
        if not code:
            problems.append((line, f"thiếu mã thủ tục ({name[:40]})", f"no procedure code ({name[:40]})"))
            continue
        if not CODE.match(code):
            problems.append((line, f"mã '{code[:40]}' có ký tự không hợp lệ", f"code '{code[:40]}' is malformed"))
            continue
        if not name:
            problems.append((line, f"thiếu tên thủ tục (mã {code})", f"no procedure name (code {code})"))
            continue
        if code in seen:
            problems.append((line, f"mã {code} trùng dòng {seen[code]}", f"code {code} repeats line {seen[code]}"))
            continue
        seen[code] = line
        time_text = " ".join(get("time").split())
        days, same = legal_time(time_text)
        if time_text and re.fullmatch(r"\d+([.,]\d+)?", time_text):
            time_text = days_text(days, same)
        fee = get("fee") or "; ".join(f"{label}: {v}" for label, v in (("Lệ phí", get("fee_le")),
                                                                       ("Phí", get("fee_phi"))) if v)
        status = fold(get("status"))
        rows.append(ImportRow(
            line=line, code=code, name=name, field=" ".join(get("field").split()) or "Khác",
            legal_time=time_text, legal_days=days, same_day=same, fee=fee,
            documents=documents_of(get("documents")) if "documents" in roles else None,
            active=(not any(s in status for s in NOT_IN_FORCE)) if "status" in roles else None,
            info=_info(titles, row, [i for i, _ in others] + [roles[r] for r in ("fee_le", "fee_phi") if r in roles]),
        ))
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        vi = "; ".join(f"dòng {n}: {p}" for n, p, _ in shown) + (f"; và {more} dòng khác" if more else "")
        en = "; ".join(f"line {n}: {p}" for n, _, p in shown) + (f"; and {more} more" if more else "")
        raise Invalid("catalogue_bad_rows", count=len(problems), rows_vi=vi, rows_en=en)
    if not rows:
        raise Invalid("catalogue_empty")
    optional: set[str] = {r for r in ("documents", "status") if r in roles}
    return rows, optional


# --- the plan -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewField:
    name: str
    code: str
    series: NumberSeries


@dataclass(frozen=True)
class Change:
    row: ImportRow
    procedure: dict[str, Any]
    changes: tuple[tuple[str, str, str], ...]  # (what, old, new)


@dataclass
class Plan:
    new: list[ImportRow] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[ImportRow] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)  # the office's procedures the file leaves out
    new_fields: list[NewField] = field(default_factory=list)
    field_of: dict[str, int | str] = field(default_factory=dict)  # folded field name -> field id, or a new code

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "changed": len(self.changed), "unchanged": len(self.unchanged),
                "missing": len(self.missing), "new_fields": len(self.new_fields)}


def field_code(name: str, taken: set[str]) -> str:
    """A short code for a new field from its name's initials ("Bảo trợ xã hội" -> "BTXH"), unique among `taken`."""
    words = [w for w in re.sub(r"[^0-9a-z]+", " ", fold(name)).split() if w not in ("va", "cac")]
    base = ("".join(w[0] for w in words) or "LV").upper()[:16]
    code, n = base, 2
    while code.upper() in taken:
        code, n = f"{base}{n}", n + 1
    return code


def next_block(taken: Sequence[NumberSeries], key: str, size: int = 1000) -> NumberSeries:
    """The first block of `size` numbers (1001-1999, 2001-2999, ...) that no other series shares."""
    k = 1
    while True:
        candidate = NumberSeries(key, k * size + 1, (k + 1) * size - 1)
        if overlapping(candidate, taken) is None:
            return candidate
        k += 1


def _field_id(plan: Plan, fields: Iterable[dict[str, Any]], name: str, taken_codes: set[str],
              series: list[NumberSeries]) -> int | str:
    key = fold(name)
    if key not in plan.field_of:
        match = next((f for f in fields if fold(f["name_vi"]) == key or fold(f["code"]) == key), None)
        if match is not None:
            plan.field_of[key] = int(match["id"])
        else:
            code = field_code(name, taken_codes)
            taken_codes.add(code.upper())
            block = next_block(series, code)
            series.append(block)
            plan.new_fields.append(NewField(name, code, block))
            plan.field_of[key] = code
    return plan.field_of[key]


def _changes(row: ImportRow, p: dict[str, Any], field_id: int | str, field_names: dict[int, str],
             new_field_names: dict[str, str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if row.name != p["name_vi"]:
        out.append(("name", p["name_vi"], row.name))
    if field_id != p["field_id"]:
        new = field_names.get(field_id, "") if isinstance(field_id, int) else new_field_names[field_id]
        out.append(("field", field_names.get(p["field_id"], ""), new))
    time_now = p["legal_time"] or days_text(p["legal_days"], p["same_day"])
    if row.legal_time != time_now or row.legal_days != float(p["legal_days"]):
        out.append(("legal_time", time_now, row.legal_time))
    if row.fee != p["fee"]:
        out.append(("fee", p["fee"], row.fee))
    if row.documents is not None and list(row.documents) != list(p["documents"]):
        out.append(("documents", "; ".join(p["documents"]), "; ".join(row.documents)))
    if row.active is not None and row.active != bool(p["active"]):
        out.append(("active", str(bool(p["active"])), str(row.active)))
    if row.info != p["portal_info"]:
        titles = [t for t in dict.fromkeys([*p["portal_info"], *row.info])
                  if p["portal_info"].get(t, "") != row.info.get(t, "")]
        if titles:
            out.append(("info", ", ".join(titles), ""))
    return out


def plan(rows: Sequence[ImportRow], procedures: Sequence[dict[str, Any]], fields: Sequence[dict[str, Any]],
         series: Sequence[NumberSeries]) -> Plan:
    """What importing `rows` would do to the catalogue (`procedures` with their details, `fields`, `series`)."""
    out = Plan()
    by_code = {p["code"]: p for p in procedures}
    taken_codes = {str(f["code"]).upper() for f in fields} | {s.key.upper() for s in series}
    blocks = list(series)
    field_names = {int(f["id"]): f["name_vi"] for f in fields}
    for row in rows:
        fid = _field_id(out, fields, row.field, taken_codes, blocks)
        existing = by_code.get(row.code)
        if existing is None:
            out.new.append(row)
            continue
        changes = _changes(row, existing, fid, field_names, {f.code: f.name for f in out.new_fields})
        if changes:
            out.changed.append(Change(row, existing, tuple(changes)))
        else:
            out.unchanged.append(row)
    listed = {r.code for r in rows}
    out.missing = [p for p in procedures if p["code"] not in listed]
    return out


def export_rows(procedures: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """The catalogue as a portal-shaped table: the layout's columns, then any other column a procedure brought
    from its portal, filled from what the office keeps."""
    head = list(EXPORT_HEAD)
    for p in procedures:
        head.extend(t for t in p["portal_info"] if t not in head)
    rows = []
    for i, p in enumerate(procedures, start=1):
        mine = {"STT": str(i), "Thủ tục": p["name_vi"], "Mã thủ tục": p["code"], "Lĩnh vực": p["field_name_vi"],
                "Thời hạn giải quyết": p["legal_time"] or days_text(p["legal_days"], p["same_day"]),
                "Tình trạng hiệu lực": "Còn hiệu lực" if p["active"] else "Hết hiệu lực",
                "Phí, lệ phí": p["fee"], "Thành phần hồ sơ": "\n".join(p["documents"])}
        rows.append([mine[t] if t in mine else p["portal_info"].get(t, "") for t in head])
    return head, rows
