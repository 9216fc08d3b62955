"""Admin decisions: the office's catalogue, counters' services, staff accounts and devices.

Each editable table is described once as data (`ENTITIES`): the columns, their Vietnamese and English
labels and types. The same description parses a submitted form, renders the form, and tells the store
which columns it may write. Every decision runs in the writer and leaves a line in `audit_log` with the
actor and the IP address, in the same transaction as the change.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from kiosk.search import fold
from server import auth
from server.domain import catalogue
from server.domain.errors import DomainError, Invalid, NotFound
from server.domain.numbering import NumberSeries, overlapping
from server.messages import Both, labels, pair
from server.services.context import Ctx
from server.store import accounts, catalog
from server.store import admin as store
from server.store import catalogue_import as imports
from server.store.tx import Tx

CODE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Col:
    name: str
    vi: str
    en: str
    kind: str = "text"  # text, code, int, real, bool, select
    required: bool = True
    max_len: int = 200
    choices: str = ""  # for select: "series", "fields", "roles", "kinds", "counters"

    @property
    def label(self) -> Both:
        """The column's name for an error, said in the error's language."""
        return Both(self.vi, self.en)


@dataclass(frozen=True)
class Entity:
    slug: str
    table: str
    vi: str
    en: str
    cols: tuple[Col, ...]
    key: str = "id"

    @property
    def key_is_column(self) -> bool:
        return any(c.name == self.key for c in self.cols)


def _names(*pairs: tuple[str, str]) -> tuple[Col, ...]:
    return tuple(Col(n, vi, en) for n, (vi, en) in zip(("name_vi", "name_en"), pairs, strict=True))


ENTITIES: dict[str, Entity] = {e.slug: e for e in (
    # The office itself is edited on /admin/office with the office's settings (server/pages/admin/settings.py).
    Entity("fields", "fields", "Lĩnh vực", "Fields", (
        Col("code", "Mã", "Code", "code", max_len=20), *_names(("Tên tiếng Việt", "Vietnamese name"),
                                                               ("Tên tiếng Anh", "English name")),
        Col("series", "Dãy số", "Number series", "select", choices="series"),
        Col("sort", "Thứ tự", "Order", "int", required=False), Col("icon", "Biểu tượng", "Icon", required=False,
                                                                   max_len=8))),
    Entity("procedures", "procedures", "Thủ tục hành chính", "Procedures", (
        Col("code", "Mã thủ tục", "Code", "code", max_len=40), *_names(("Tên thủ tục", "Name (Vietnamese)"),
                                                                       ("Tên tiếng Anh", "English name")),
        Col("field_id", "Lĩnh vực", "Field", "select", choices="fields"),
        Col("legal_days", "Thời hạn (ngày làm việc)", "Legal time (working days)", "real", required=False),
        Col("same_day", "Trả trong ngày", "Same day", "bool"),
        Col("service_target_min", "Thời gian phục vụ mục tiêu (phút)", "Service target (min)", "int"),
        Col("kiosk_visible", "Hiện trên ki-ốt", "Shown on the kiosk", "bool"),
        Col("active", "Đang tiếp nhận", "Active", "bool"), Col("sort", "Thứ tự", "Order", "int", required=False),
        Col("keywords", "Từ khóa tìm kiếm", "Search keywords", required=False))),
    Entity("counters", "counters", "Quầy", "Counters", (
        Col("number", "Số quầy", "Number", "int"), *_names(("Tên quầy", "Name (Vietnamese)"),
                                                            ("Tên tiếng Anh", "English name")),
        Col("grp", "Nhóm / khu vực", "Group / area", max_len=40), Col("active", "Đang mở", "Open", "bool"))),
    Entity("series", "number_series", "Dãy số thứ tự", "Number series", (
        Col("key", "Mã dãy", "Key", "code", max_len=20), Col("name", "Tên", "Name", required=False),
        Col("start", "Số đầu", "First number", "int"), Col("end", "Số cuối", "Last number", "int"),
        Col("prefix", "Tiền tố", "Prefix", required=False, max_len=4),
        Col("width", "Số chữ số (0 = tự nhiên)", "Digits (0 = natural)", "int", required=False)), key="key"),
    Entity("priority", "priority_categories", "Nhóm ưu tiên", "Priority categories", (
        Col("code", "Mã", "Code", "code", max_len=40), *_names(("Tên", "Name (Vietnamese)"),
                                                               ("Tên tiếng Anh", "English name")),
        Col("active", "Đang áp dụng", "Active", "bool"), Col("sort", "Thứ tự", "Order", "int", required=False)),
        key="code"),
)}

# A form's choices as (Vietnamese, English) pairs from the one label tables; the page shows one (pick).
ROLE_LABELS: dict[str, tuple[str, str]] = dict(labels.ROLES)
KIND_LABELS: dict[str, tuple[str, str]] = dict(labels.DEVICE_KINDS)


def parse(cols: tuple[Col, ...], form: dict[str, str], choices: dict[str, set[str]]) -> dict[str, Any]:
    """Form text -> typed values; the first problem raises Invalid naming the field, in both languages."""
    out: dict[str, Any] = {}
    for col in cols:
        raw = (form.get(col.name) or "").strip()
        if col.kind == "bool":
            out[col.name] = int(raw in ("on", "1", "true"))
            continue
        if not raw:
            if col.required:
                raise Invalid("admin_required_field", label=col.label)
            out[col.name] = 0 if col.kind in ("int", "real") else ""
            continue
        if len(raw) > col.max_len:
            raise Invalid("admin_too_long", label=col.label, max=col.max_len)
        if col.kind in ("int", "real"):
            try:
                value: Any = int(raw) if col.kind == "int" else float(raw)
            except ValueError:
                raise Invalid("admin_bad_number", label=col.label) from None
            if not -1e9 < value < 1e9:
                raise Invalid("admin_bad_number", label=col.label)
            out[col.name] = value
        elif col.kind == "select":
            if raw not in choices.get(col.choices, set()):
                raise Invalid("admin_bad_choice", label=col.label)
            out[col.name] = int(raw) if raw.isdigit() and col.choices in ("fields", "counters") else raw
        elif col.kind == "code" and not CODE.match(raw):
            raise Invalid("admin_bad_code", label=col.label)
        else:
            out[col.name] = raw
    return out


def _unique_violation(exc: sqlite3.IntegrityError, entity_vi: str, values: dict[str, Any]) -> DomainError:
    text = str(exc)
    column = text.rsplit(".", 1)[-1] if "UNIQUE" in text else ""
    if column in values:
        return DomainError("duplicate", status=409, what=entity_vi, value=values[column])
    return DomainError("in_use", status=409, what=entity_vi)


def _check_series(tx: Tx, key: str | None, values: dict[str, Any]) -> None:
    """A block is refused when it shares numbers with another series (`numbering.overlapping`); the row being
    edited (its old key: the key may be renamed) is not another."""
    if values["start"] >= values["end"]:
        raise Invalid("admin_series_range")
    series = NumberSeries(values["key"], values["start"], values["end"], values.get("prefix") or "")
    others = [NumberSeries(s["key"], s["start"], s["end"], s["prefix"] or "") for s in catalog.all_series(tx.conn)
              if s["key"] != key]
    other = overlapping(series, others)
    if other is not None:
        raise DomainError("admin_series_overlap", status=409, key=series.key, start=series.start, end=series.end,
                          other=other.key, other_start=other.start, other_end=other.end)


def save_row(tx: Tx, ctx: Ctx, slug: str, key: Any, values: dict[str, Any], ip: str) -> Any:
    """Create (key None) or update one catalogue row."""
    entity = ENTITIES[slug]
    if slug == "series":
        _check_series(tx, key, values)
    try:
        if key is None:
            key = store.insert(tx.conn, entity.table, values)
        elif not store.update(tx.conn, entity.table, key, values):
            raise NotFound("admin_not_found", what=entity.vi, key=key)
    except sqlite3.IntegrityError as exc:
        raise _unique_violation(exc, entity.vi, values) from exc
    accounts.audit(tx, ctx.now, ctx.actor, f"{slug}.save", {"key": key, **values}, ip)
    return key


def save_counter_services(tx: Tx, ctx: Ctx, counter_id: int, field_ids: list[int], procedure_ids: list[int],
                          ip: str) -> None:
    store.set_counter_services(tx.conn, counter_id, field_ids, procedure_ids)
    accounts.audit(tx, ctx.now, ctx.actor, "counters.services",
                   {"counter_id": counter_id, "field_ids": field_ids, "procedure_ids": procedure_ids}, ip)


def create_user(tx: Tx, ctx: Ctx, values: dict[str, Any], password_hash: str, ip: str) -> int:
    if accounts.user_by_name(tx, values["username"]) is not None:
        raise DomainError("duplicate", status=409, what="Tài khoản", value=values["username"])
    user_id = accounts.insert_user(tx, values["username"], values["display_name"], values["role"], password_hash,
                                   ctx.now)
    accounts.audit(tx, ctx.now, ctx.actor, "user.create",
                   {"user_id": user_id, "username": values["username"], "role": values["role"]}, ip)
    return user_id


def update_user(tx: Tx, ctx: Ctx, user_id: int, values: dict[str, Any], ip: str) -> None:
    before = store.user(tx.conn, user_id)
    if before is None:
        raise NotFound("admin_not_found", what="Tài khoản", key=user_id)
    demoted = before["role"] == "admin" and (values["role"] != "admin" or not values["active"])
    if demoted and store.active_admins(tx.conn) == [user_id]:
        raise DomainError("admin_last_admin", status=409)
    store.update_user(tx.conn, user_id, values["display_name"], values["role"], bool(values["active"]))
    if not values["active"]:
        store.delete_user_tokens(tx.conn, user_id)
    accounts.audit(tx, ctx.now, ctx.actor, "user.update", {"user_id": user_id, **values}, ip)


def reset_password(tx: Tx, ctx: Ctx, user_id: int, password_hash: str, ip: str) -> None:
    """A new password signs the person out everywhere: their old tokens stop working."""
    if store.user(tx.conn, user_id) is None:
        raise NotFound("admin_not_found", what="Tài khoản", key=user_id)
    accounts.set_password(tx, user_id, password_hash)
    store.delete_user_tokens(tx.conn, user_id)
    accounts.audit(tx, ctx.now, ctx.actor, "user.reset_password", {"user_id": user_id}, ip)


def create_device(tx: Tx, ctx: Ctx, values: dict[str, Any], ip: str) -> str:
    """A new device and its token; only the token's hash is stored, so the answer is the one chance to copy it."""
    token = auth.new_token()
    try:
        accounts.insert_device(tx, values["id"], values["kind"], values["name"], auth.token_hash(token),
                               values.get("printer_id") or None, values.get("counter_id") or None,
                               values.get("layout") or "")
    except sqlite3.IntegrityError as exc:
        raise DomainError("duplicate", status=409, what="Thiết bị", value=values["id"]) from exc
    accounts.audit(tx, ctx.now, ctx.actor, "device.create", {k: v for k, v in values.items()}, ip)
    return token


def revoke_device(tx: Tx, ctx: Ctx, device_id: str, ip: str) -> None:
    if not store.set_device_active(tx.conn, device_id, False):
        raise NotFound("admin_not_found", what="Thiết bị", key=device_id)
    accounts.audit(tx, ctx.now, ctx.actor, "device.revoke", {"device_id": device_id}, ip)


USER_NEW = (Col("username", "Tên đăng nhập", "Username", "code", max_len=64),
            Col("display_name", "Họ và tên", "Full name", max_len=100),
            Col("role", "Vai trò", "Role", "select", choices="roles"))
USER_EDIT = (USER_NEW[1], USER_NEW[2], Col("active", "Đang hoạt động", "Active", "bool"))
DEVICE_NEW = (Col("id", "Mã thiết bị", "Device id", "code", max_len=40),
              Col("kind", "Loại", "Kind", "select", choices="kinds"),
              Col("name", "Tên / vị trí", "Name / place", max_len=100),
              Col("printer_id", "Máy in (ki-ốt)", "Printer id (kiosk)", "code", required=False, max_len=40),
              Col("counter_id", "Quầy (máy đánh giá)", "Counter (rating tablet)", "select", required=False,
                  choices="counters"),
              Col("layout", "Bố cục (màn hình)", "Layout (display)", required=False, max_len=40))


def save_counter(tx: Tx, ctx: Ctx, key: int | None, values: dict[str, Any], field_ids: list[int],
                 procedure_ids: list[int], ip: str) -> int:
    """A counter and what it serves, in one decision: never a counter saved without its services."""
    counter_id = int(save_row(tx, ctx, "counters", key, values, ip))
    save_counter_services(tx, ctx, counter_id, field_ids, procedure_ids, ip)
    return counter_id


# --- a procedure's details and the catalogue import (issue 21) -------------------------------------------------

MAX_DOCUMENTS = 40


def parse_details(form: dict[str, str]) -> dict[str, Any]:
    """The procedure page's details: the "4 tại chỗ" steps in their order (a step is used when ticked, with its
    target minutes; ticking "approve" means a leader approves on the spot), the letter, the required documents
    (one a line), the fee and the legal time as published."""
    steps = []
    for step in catalogue.STEP_ORDER:
        if (form.get(f"step_{step}") or "") not in ("on", "1", "true"):
            continue
        label = Both(*labels.STEPS[step])
        raw = (form.get(f"target_{step}") or "").strip()
        try:
            minutes = float(raw.replace(",", "."))
        except ValueError:
            raise Invalid("admin_step_target", label=label) from None
        if not 0 < minutes <= 480:
            raise Invalid("admin_step_target", label=label)
        steps.append({"step": step, "target_min": int(minutes) if minutes.is_integer() else minutes})
    letter = (form.get("letter") or "").strip()
    if letter not in catalogue.LETTERS:
        raise Invalid("admin_bad_choice", label=Both(*pair("admin_page.letter_with_result")))
    documents = list(catalogue.documents_of(form.get("documents") or ""))
    if len(documents) > MAX_DOCUMENTS or any(len(d) > 500 for d in documents):
        raise Invalid("admin_documents_too_many", max=MAX_DOCUMENTS, chars=500)
    out: dict[str, Any] = {"steps": steps, "letter": letter, "documents": documents}
    for name, label in (("fee", Both(*pair("admin_page.fee"))), ("legal_time", Both(*pair("admin_page.legal_time")))):
        value = " ".join((form.get(name) or "").split())
        if len(value) > 500:
            raise Invalid("admin_too_long", label=label, max=500)
        out[name] = value
    return out


def save_procedure(tx: Tx, ctx: Ctx, key: int | None, values: dict[str, Any], details: dict[str, Any],
                   ip: str) -> int:
    """A procedure and its details in one decision (its steps drive the console's step timers; its letter
    counts its results in the letters report)."""
    procedure_id = int(save_row(tx, ctx, "procedures", key, values, ip))
    if key is None and details == parse_details({}):
        return procedure_id  # created from the list: its details are set on its page next
    catalog.set_procedure_details(tx.conn, procedure_id, details["steps"], details["letter"], details["documents"],
                                  details["fee"], details["legal_time"])
    accounts.audit(tx, ctx.now, ctx.actor, "procedures.details", {"key": procedure_id, **details}, ip)
    return procedure_id


def stage_import(tx: Tx, ctx: Ctx, filename: str, rows: list[catalogue.ImportRow], optional: set[str],
                 ip: str) -> int:
    """Keep an uploaded catalogue for its preview; nothing in the catalogue changes yet."""
    return imports.save_pending(tx.conn, ctx.now, ctx.actor, filename[:200], rows, optional)


def import_plan(conn: Any, rows: list[catalogue.ImportRow]) -> catalogue.Plan:
    """What importing `rows` would change in the catalogue as it is now (the preview; "apply" plans again)."""
    series = [NumberSeries(s["key"], s["start"], s["end"], s["prefix"] or "") for s in catalog.all_series(conn)]
    return catalogue.plan(rows, catalog.procedures(conn), catalog.fields(conn), series)


def apply_import(tx: Tx, ctx: Ctx, import_id: int, stop_missing: bool, ip: str) -> dict[str, Any]:
    """The uploaded catalogue, in one decision: new fields (each with its own number block), new and changed
    procedures; the office's procedures the file leaves out are kept, or no longer received when `stop_missing`
    (never deleted: tickets refer to them). Planned again here, against the catalogue as it is at this instant."""
    staged = imports.pending(tx.conn, import_id)
    if staged is None or staged["applied_at"] is not None:
        raise DomainError("catalogue_import_gone", status=409)
    plan = import_plan(tx.conn, staged["rows"])
    ids: dict[str, int] = {}
    for f in plan.new_fields:
        imports.insert_series(tx.conn, f.series, f.name)
        ids[f.code] = imports.insert_field(tx.conn, f.code, f.name, f.series.key)

    def field_id(row: catalogue.ImportRow) -> int:
        fid = plan.field_of[fold(row.field)]
        return fid if isinstance(fid, int) else ids[fid]

    for row in plan.new:
        imports.insert_procedure(tx.conn, row, field_id(row), catalogue.suggested_letter(row.name))
    for change in plan.changed:
        imports.update_procedure(tx.conn, change.procedure["id"], change.row, field_id(change.row))
    stopped = [p["id"] for p in plan.missing if p["active"]] if stop_missing else []
    imports.stop_receiving(tx.conn, stopped)
    result = {**plan.counts(), "stopped": len(stopped), "file": staged["filename"],
              "fields": [f"{f.name} ({f.series.start}–{f.series.end})" for f in plan.new_fields]}
    imports.mark_applied(tx.conn, import_id, ctx.now, result)
    accounts.audit(tx, ctx.now, ctx.actor, "procedures.import",
                   {**result, "new_codes": [r.code for r in plan.new][:200],
                    "changed_codes": [c.row.code for c in plan.changed][:200], "stopped_ids": stopped}, ip)
    return result
