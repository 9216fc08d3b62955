"""/admin/calendar: the office calendar as forms (weekly hours, holidays, special days, mobile sessions, the
closing rule) and the "now" line the kiosk sees. /admin/appointments lives in admin_appointment_pages.

Each form runs the very API operation the JSON clients use (`run_op`: same role check, same pydantic body,
same decision and audit line), so the pages add no rule of their own; they only turn form fields into the
operation's body and its refusal into a sentence next to the form, with what the person typed kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import ValidationError

from server import auth
from server.api.registry import operation_of, path_value, principal_of, refuse_miswritten
from server.domain.errors import DomainError, Invalid
from server.keys import READER
from server.messages import labels
from server.pages.admin.site import admin_only, error_text, render
from server.services import calendar as service
from server.services.views import local_now
from server.store import calendar as store
from server.store import catalog

WEEKDAYS = labels.WEEKDAYS
SESSION_TYPES = labels.SESSION_TYPES
TAGS = labels.DAY_TAGS
AT_CLOSE = labels.AT_CLOSE
BLANK_HOURS_ROWS = 3
# Field names in the operations' bodies, as a person reads them in a refusal.
LABELS = {"start": ("giờ bắt đầu", "start"), "end": ("giờ kết thúc", "end"), "weekday": ("thứ", "weekday"),
          "day": ("ngày", "date"), "name": ("tên", "name"), "place": ("địa điểm", "place"),
          "tags": ("nhãn", "tags"), "hours": ("giờ riêng", "own hours"), "day_from": ("từ ngày", "from"),
          "day_to": ("đến ngày", "to"), "length_min": ("độ dài khung", "slot length"),
          "capacity": ("số người mỗi khung", "capacity"), "weekdays": ("các thứ", "weekdays"),
          "slot_id": ("khung giờ", "time slot"), "phone": ("số điện thoại", "phone"),
          "procedure_id": ("thủ tục", "procedure"), "at_close": ("khi hết giờ", "at closing")}
# What pydantic says, in Vietnamese; the English stays pydantic's own sentence.
SAYS_VI = {"string_pattern_mismatch": "phải có dạng giờ:phút, ví dụ 07:30",
           "missing": "chưa nhập", "string_too_short": "chưa nhập", "date_from_datetime_parsing": "không phải ngày",
           "date_parsing": "không phải ngày", "int_parsing": "phải là một số", "greater_than_equal": "nhỏ quá",
           "less_than_equal": "lớn quá", "literal_error": "không có trong danh sách", "too_long": "quá nhiều mục"}
VALUE_ERRORS_VI = {"start must be before end": "giờ bắt đầu phải trước giờ kết thúc",
                   "give either day": "chọn một thứ trong tuần hoặc một ngày cụ thể (không chọn cả hai)",
                   "own hours apply to a dated day only": "giờ riêng chỉ dùng cho một ngày cụ thể",
                   "day_to must not be before": "đến ngày phải sau từ ngày và giờ kết thúc phải sau giờ bắt đầu",
                   "hours must be HH:MM pairs": "giờ riêng phải có giờ bắt đầu trước giờ kết thúc",
                   "tags are lower-case": "nhãn chỉ gồm chữ thường không dấu và dấu gạch dưới"}


def refusal(exc: ValidationError, row_label: Any = None) -> DomainError:
    """The operation's own validation, said in a person's words: which row or field, and what is wrong."""
    vi, en = [], []
    for err in exc.errors()[:4]:
        loc = [p for p in err.get("loc", ()) if p != "body"]
        rows = [p for p in loc if isinstance(p, int)]
        field = next((p for p in reversed(loc) if isinstance(p, str) and p in LABELS), None)
        where_vi = ", ".join(filter(None, [row_label(rows[0]) if rows and row_label else "",
                                           LABELS[field][0] if field else ""]))
        where_en = ", ".join(filter(None, [row_label(rows[0]) if rows and row_label else "",
                                           LABELS[field][1] if field else ""]))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        said = SAYS_VI.get(err.get("type", "")) or next((v for k, v in VALUE_ERRORS_VI.items() if msg.startswith(k)),
                                                         msg)
        vi.append(f"{where_vi}: {said}" if where_vi else said)
        en.append(f"{where_en}: {msg}" if where_en else msg)
    return Invalid("admin_form_invalid", vi="; ".join(vi), en="; ".join(en))


async def run_op(request: web.Request, op_id: str, body: dict[str, Any] | None = None,
                 row_label: Any = None, **path: str) -> Any:
    """Run API operation `op_id` for the signed-in person, as its JSON route would, and answer its data."""
    op = operation_of(request.app, op_id)
    principal = principal_of(request)
    auth.require(principal, op.roles)
    kwargs: dict[str, Any] = {name: path_value(op, name, value) for name, value in path.items()}
    if op.body is not None:
        refuse_miswritten(op.body, body or {}, text=True)  # a form's values are text, as a query's
        try:
            kwargs["body"] = op.body.model_validate(body or {}, strict=False)
        except ValidationError as exc:
            raise refusal(exc, row_label) from exc
    response = await op.handler(request, principal, **kwargs)
    return json.loads(response.text) if isinstance(response, web.Response) and response.text else None


def hhmm(raw: str | None) -> str:
    """What people type for a time ("7:30", "7h30", "13.30") as the HH:MM the operations expect; anything
    else is passed on unchanged for the operation to refuse with its own sentence."""
    text = (raw or "").strip().lower().replace("h", ":").replace(".", ":")
    if re.fullmatch(r"\d{1,2}:\d{2}", text) or re.fullmatch(r"\d{1,2}:?", text):
        hours, _, minutes = text.partition(":")
        return f"{int(hours):02d}:{minutes or '00'}"
    return (raw or "").strip()


def ids_from_codes(raw: str, known: dict[str, int], what: tuple[str, str]) -> list[int] | None:
    """"1.001193, 1.000894" -> their ids; empty -> None (every procedure / counter)."""
    codes = [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]
    if not codes:
        return None
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise Invalid("admin_unknown_codes", what_vi=what[0], what_en=what[1], codes=", ".join(unknown))
    return sorted({known[c] for c in codes})


def code_maps(conn: Any) -> dict[str, Any]:
    procs = catalog.procedures(conn)
    counters = catalog.counters(conn)
    return {"procs": procs, "proc_ids": {p["code"]: p["id"] for p in procs},
            "proc_codes": {p["id"]: p["code"] for p in procs}, "proc_names": {p["id"]: p["name_vi"] for p in procs},
            "counter_ids": {str(c["number"]): c["id"] for c in counters},
            "counter_numbers": {c["id"]: str(c["number"]) for c in counters}}


def codes_of(ids: list[int] | None, names: dict[int, str]) -> str:
    return ", ".join(names.get(i, str(i)) for i in ids or [])


def _limits(form: dict[str, str], maps: dict[str, Any]) -> dict[str, list[int] | None]:
    return {"procedure_ids": ids_from_codes(form.get("procedures", ""), maps["proc_ids"], ("thủ tục", "procedure")),
            "counter_ids": ids_from_codes(form.get("counters", ""), maps["counter_ids"], ("quầy", "counter"))}


# --- the page --------------------------------------------------------------------------------------------


def hours_rows(rules: dict[str, Any], maps: dict[str, Any]) -> list[dict[str, str]]:
    rows = [{"weekday": str(h["weekday"]), "start": h["start"], "end": h["end"], "session_type": h["session_type"],
             "procedures": codes_of(h["procedure_ids"], maps["proc_codes"]),
             "counters": codes_of(h["counter_ids"], maps["counter_numbers"])} for h in rules["hours"]]
    return rows + blank_rows()


def blank_rows() -> list[dict[str, str]]:
    """Empty rows under the week's: a new interval is typed there (a row left empty is not saved)."""
    return [{"weekday": "", "start": "", "end": "", "session_type": "regular", "procedures": "", "counters": ""}
            for _ in range(BLANK_HOURS_ROWS)]


def standard_rows() -> list[dict[str, str]]:
    """The usual week, put in the form for the admin to check and save (nothing is written until then)."""
    week = [{"weekday": str(d), "start": a, "end": b, "session_type": "regular"}
            for d in range(1, 6) for a, b in (("07:00", "11:30"), ("13:30", "17:00"))]
    week.append({"weekday": "6", "start": "07:00", "end": "11:30", "session_type": "saturday"})
    return [{"procedures": "", "counters": "", **r} for r in week]


async def calendar_page(request: web.Request, *, status: int = 200, failed: str = "",
                        error: dict[str, str] | None = None, values: Any = None) -> web.Response:
    conn = request.app[READER]
    maps = code_maps(conn)
    rules = store.rules(conn)
    forms: dict[str, Any] = {"hours": hours_rows(rules, maps), "holiday": {}, "special": {}, "mobile": {}}
    if "preset" in request.query:
        forms["hours"] = standard_rows() + blank_rows()
    if failed:
        forms[failed] = values
    return await render(request, "calendar.html", status=status, rules=rules, forms=forms, failed=failed,
                        form_error=error, now=service.calendar_now(conn, local_now(request.app)),
                        at_close=service.load_settings(conn).at_close, maps=maps, weekdays=WEEKDAYS,
                        session_types=SESSION_TYPES, tags=TAGS, at_close_labels=AT_CLOSE, today=local_now(
                            request.app).date().isoformat(), preset="preset" in request.query)


def _hours_from(form: MultiDictProxy[Any]) -> list[dict[str, str]]:
    names = ("weekday", "start", "end", "session_type", "procedures", "counters")
    columns = [[str(v) for v in form.getall(n, [])] for n in names]
    removed = {str(v) for v in form.getall("remove", [])}
    rows = [dict(zip(names, values, strict=False)) for values in zip(*columns, strict=False)]
    return [r for i, r in enumerate(rows) if str(i) not in removed and (r["start"] or r["end"])]


async def save_hours(request: web.Request, form: MultiDictProxy[Any]) -> None:
    rows = _hours_from(form)
    maps = code_maps(request.app[READER])
    body = [{"weekday": r["weekday"] or None, "start": hhmm(r["start"]), "end": hhmm(r["end"]),
             "session_type": r["session_type"] or "regular", **_limits(r, maps)} for r in rows]

    def label(i: int) -> str:
        day = WEEKDAYS.get(int(rows[i]["weekday"] or 0), ("?", "?"))[0]
        return f"dòng {i + 1} ({day} {rows[i]['start'] or '?'}–{rows[i]['end'] or '?'})"

    await run_op(request, "putCalendarHours", {"hours": body}, row_label=label)


def _dated_or_weekly(form: dict[str, str]) -> dict[str, Any]:
    return {"day": form.get("day") or None, "weekday": form.get("weekday") or None}


async def add_holiday(request: web.Request, form: dict[str, str]) -> None:
    await run_op(request, "putHoliday", {"name": form.get("name", "")}, day=form.get("day", ""))


async def add_special(request: web.Request, form: dict[str, str]) -> None:
    hours = [[hhmm(form.get(f"start{i}")), hhmm(form.get(f"end{i}"))] for i in (1, 2)]
    tags = [t for t in TAGS if form.get(f"tag_{t}")] + form.get("other_tags", "").split()
    await run_op(request, "addSpecialDay", {
        "name": form.get("name", ""), "tags": tags, "hours": [h for h in hours if h[0] or h[1]],
        **_dated_or_weekly(form), "procedure_ids": _limits(form, code_maps(request.app[READER]))["procedure_ids"]})


async def add_mobile(request: web.Request, form: dict[str, str]) -> None:
    await run_op(request, "addMobileSession", {
        "place": form.get("place", ""), "start": hhmm(form.get("start")), "end": hhmm(form.get("end")),
        **_dated_or_weekly(form), **_limits(form, code_maps(request.app[READER]))})


async def set_closing(request: web.Request, form: dict[str, str]) -> None:
    await run_op(request, "putCalendarClosing", {"at_close": form.get("at_close", "")})


FORMS = {"hours": ("hours", None), "holidays": ("holiday", add_holiday), "special-days": ("special", add_special),
         "mobile-sessions": ("mobile", add_mobile), "closing": ("closing", set_closing)}
DELETE_OPS = {"holidays": ("deleteHoliday", "day"), "special-days": ("deleteSpecialDay", "rule_id"),
              "mobile-sessions": ("deleteMobileSession", "rule_id")}


async def submit(request: web.Request) -> web.StreamResponse:
    """One POST route per form; a refusal re-renders the page with the form as typed and the sentence beside it."""
    name = request.match_info["form"]
    if name not in FORMS:
        raise web.HTTPNotFound()
    key, handler = FORMS[name]
    raw = await request.post()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        await (save_hours(request, raw) if handler is None else handler(request, form))
    except DomainError as exc:
        values = _hours_from(raw) + blank_rows() if key == "hours" else form
        return await calendar_page(request, status=exc.status, failed=key, error=error_text(exc), values=values)
    raise web.HTTPSeeOther(f"/admin/calendar?saved=1#{key}")


async def delete(request: web.Request) -> web.StreamResponse:
    kind, key = request.match_info["kind"], request.match_info["key"]
    op_id, param = DELETE_OPS[kind]
    try:
        await run_op(request, op_id, body=None, **{param: key})  # the key is a path parameter, never the body
    except DomainError as exc:
        return await calendar_page(request, status=exc.status, failed=FORMS[kind][0], error=error_text(exc),
                                   values={})
    raise web.HTTPSeeOther(f"/admin/calendar?saved=1#{FORMS[kind][0]}")


def setup(app: web.Application) -> None:
    from server.pages.admin import appointments as admin_appointment_pages

    r = app.router
    r.add_get("/admin/calendar", admin_only(calendar_page))
    r.add_post(r"/admin/calendar/{form:[a-z-]{1,20}}", admin_only(submit))
    r.add_post(r"/admin/calendar/{kind:holidays|special-days|mobile-sessions}/{key:[0-9-]{1,10}}/delete",
               admin_only(delete))
    admin_appointment_pages.setup(app)
