"""The office's settings on the admin pages: the Office page (/admin/office: name, code, address, hotline, logo,
public address for QR codes, slip footer) and the Settings page (/admin/settings: kiosk timings, queue policy,
report targets, backup destination, hub sync with its live state).

Each form edits one section of the configuration model; the values typed are checked by that model
(services/settings.py) and, once saved, apply at once: `save` refreshes app[OFFICE_SETTINGS], whose listeners
rebuild what depends on the section. Other admin pages that edit a section (printers, voice) call `save` too.
A refused form is shown again with what was typed and the model's reason, in Vietnamese and English.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from aiohttp import web

from server.config import Section
from server.domain.errors import DomainError
from server.keys import CONFIG, OFFICE_SETTINGS, READER, SERVICES
from server.pages.admin.site import admin_only, decide, error_text, render
from server.services import admin as admin_svc
from server.services import settings as svc
from server.store import settings as store
from server.store import sync as sync_store

# The forms: section -> (title vi, title en, [(key, label vi, label en)]). Keys not listed keep their value.
FORMS: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "office": ("Thông tin đơn vị", "Office", [
        ("name", "Tên đơn vị", "Name"), ("code", "Mã đơn vị", "Code"), ("address", "Địa chỉ", "Address"),
        ("hotline", "Đường dây nóng", "Hotline"),
        ("public_url", "Địa chỉ truy cập in trên mã QR", "Public address for QR codes"),
        ("slip_footer", "Dòng cuối phiếu số thứ tự", "Slip footer"), ("timezone", "Múi giờ", "Time zone")]),
    "kiosk": ("Ki-ốt lấy số", "Kiosk timings", [
        ("idle_reset_s", "Về màn hình đầu sau (giây không chạm)", "Back to start after (s idle)"),
        ("ticket_show_s", "Hiện phiếu trong (giây)", "Ticket screen shown for (s)"),
        ("cooldown_s", "Chờ giữa hai lần lấy số (giây)", "Wait between tickets (s)"),
        ("print_wait_s", "Chờ máy in trả lời (giây)", "Wait for the printer (s)"),
        ("default_lang", "Ngôn ngữ mặc định", "Default language")]),
    "queue": ("Thứ tự gọi số", "Queue policy", [
        ("priority_burst", "Số vé ưu tiên gọi liên tiếp", "Priority tickets in a row"),
        ("appointment_burst", "Số vé hẹn trước gọi liên tiếp", "Appointment tickets in a row"),
        ("normal_max_wait_min", "Chờ tối đa rồi được gọi trước (phút, 0 = tắt)", "Maximum wait (min, 0 = off)"),
        ("appointment_early_min", "Gọi vé hẹn sớm nhất trước giờ hẹn (phút)", "Call a booking early by (min)")]),
    "reports": ("Báo cáo", "Report targets", [
        ("wait_target_min", "Thời gian chờ đạt chuẩn (phút)", "Wait target (min)"),
        ("monthly", "Tự lập báo cáo tháng vào ngày 1", "Write the monthly report on the 1st"),
        ("monthly_group", "Báo cáo tháng nhóm theo", "Monthly report grouped by"),
        ("letters_since", "Ngày bắt đầu mô hình \"Hành chính phục vụ\" (YYYY-MM-DD)",
         "Letters model since (YYYY-MM-DD)")]),
    "backup": ("Sao lưu", "Backup", [
        ("dir", "Thư mục sao lưu (ổ đĩa thứ hai hoặc USB)", "Backup folder (second or USB disk)"),
        ("keep_days", "Giữ bản sao lưu trong (ngày)", "Keep backups for (days)")]),
    "sync": ("Đồng bộ lên máy chủ tỉnh", "Hub sync", [
        ("hub_url", "Địa chỉ máy chủ tỉnh", "Hub address"), ("key", "Khóa của trung tâm", "Centre key"),
        ("centre_code", "Mã trung tâm tại máy chủ tỉnh (trống: mã đơn vị)", "Centre code (empty: office code)"),
        ("interval_s", "Gửi mỗi (giây)", "Push every (s)")]),
    "appointments": ("Lịch hẹn trực tuyến", "Bookings", [
        ("early_min", "Được xác nhận đến sớm nhất trước giờ hẹn (phút)", "Check in at most this early (min)"),
        ("late_min", "Được xác nhận muộn nhất sau giờ hẹn (phút)", "Check in at most this late (min)"),
        ("reminder_hours", "Nhắc lịch trước giờ hẹn (giờ)", "Reminder before the slot (h)"),
        ("max_active_per_phone", "Số lịch hẹn tối đa của một số điện thoại", "Upcoming bookings per phone"),
        ("purge_days", "Xóa họ tên, số điện thoại sau (ngày)", "Erase names and phones after (days)")]),
    "steps": ("Các bước \"4 tại chỗ\"", "Timed steps", [
        ("amber_pct", "Báo vàng khi quá (% thời gian quy định)", "Amber past (% of the target)"),
        ("red_pct", "Báo đỏ khi quá (% thời gian quy định)", "Red past (% of the target)"),
        ("check_seconds", "Kiểm tra bước quá hạn mỗi (giây)", "Look for overdue steps every (s)")]),
    "calendar": ("Giờ làm việc", "Opening hours", [
        ("refuse_when_closed", "Không cấp số ngoài giờ làm việc", "Refuse tickets while closed"),
        ("at_close", "Khi hết giờ làm việc", "At the end of the day")]),
    "security": ("Kết nối và phiên làm việc", "Connections and sign-ins", [
        ("live_per_address", "Số kết nối cập nhật trực tiếp tối đa của một địa chỉ", "Live connections per address"),
        ("live_send_timeout_s", "Ngắt kết nối không nhận dữ liệu sau (giây)", "Cut off a client not reading after (s)"),
        ("live_max_queued_kb", "Ngắt kết nối khi dữ liệu chờ gửi vượt (KiB)", "Cut off past this much waiting (KiB)"),
        ("counter_idle_lapse_min", "Quầy không thao tác thì tự đăng xuất sau (phút, 0 = không)",
         "A counter sign-in idle this long lapses (min, 0 = never)")]),
}
SETTINGS_PAGE = ("kiosk", "queue", "appointments", "steps", "calendar", "reports", "security", "backup", "sync")
SECRETS = {("sync", "key")}  # shown empty; left empty keeps the stored one


def _kind(annotation: Any) -> tuple[str, list[tuple[str, str]]]:
    """The form's input kind for a model field (and its choices, for a fixed list)."""
    if get_origin(annotation) is Literal:
        return "select", [(str(v), str(v)) for v in get_args(annotation)]
    return {int: "int", float: "real", bool: "bool"}.get(annotation, "text"), []


def columns(section: str) -> tuple[list[admin_svc.Col], dict[str, list[tuple[str, str]]]]:
    """The form's fields as the admin forms' `Col`s, typed from the section's model."""
    model: type[Section] = _model(section)
    cols, choices = [], {}
    for key, vi, en in FORMS[section][2]:
        kind, options = _kind(model.model_fields[key].annotation)
        if section == "reports" and key == "monthly_group":
            kind, options = "select", [(g, g) for g in _group_names()]
        if options:
            choices[f"{section}.{key}"] = options
        cols.append(admin_svc.Col(key, vi, en, kind, required=False, max_len=300, choices=f"{section}.{key}"))
    return cols, choices


def _group_names() -> tuple[str, ...]:
    from server.reports.definitions import GROUP_NAMES
    return tuple(GROUP_NAMES)


def _model(section: str) -> type[Section]:
    from server.config import Config
    model = Config.model_fields[section].annotation
    if not (isinstance(model, type) and issubclass(model, Section)):
        raise TypeError(f"[{section}] is not a section of one table")
    return model


def labels(section: str) -> dict[str, str]:
    return {key: vi for key, vi, _ in FORMS[section][2]}


def typed(section: str, form: dict[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The form's text as the model's types where it reads as one; text that does not stays text, so the model
    refuses it with its own reason ("phải là số nguyên, đã nhập 'abc'")."""
    cols, _ = columns(section)
    out = dict(current)
    for col in cols:
        raw = (form.get(col.name) or "").strip()
        if col.kind != "bool" and col.name not in form or (section, col.name) in SECRETS and not raw:
            continue  # not on the form it came from: kept as it is (a secret left empty too)
        if col.kind == "bool":
            out[col.name] = col.name in form
        elif col.kind == "int":
            out[col.name] = int(raw) if raw.lstrip("-").isdigit() else raw
        elif col.kind == "real":
            try:
                out[col.name] = float(raw.replace(",", "."))
            except ValueError:
                out[col.name] = raw
        else:
            out[col.name] = raw
    return out


async def save(request: web.Request, section: str, value: Any) -> dict[str, Any]:
    """Store one section (one writer decision, audited) and apply it at once; raises DomainError when refused."""
    labelled = labels(section) if section in FORMS else None
    changed = await decide(request, svc.save_section, request.app[CONFIG], section, value, labelled)
    request.app[OFFICE_SETTINGS].refresh(request.app[READER])
    return changed


def sync_state(app: web.Application) -> dict[str, Any]:
    """The hub sync's live state: from the running client, else from what it last recorded."""
    current = app[OFFICE_SETTINGS].current.sync
    state: dict[str, Any] = {"configured": bool(current.hub_url)}
    if not current.hub_url:
        return state
    conn = app[READER]
    progress = sync_store.progress(conn, current.hub_url) or {}
    acked = int(progress.get("acked_seq") or 0)
    client = app[SERVICES].get("sync")
    state.update(last_ok_at=progress.get("last_ok_at"), last_error=progress.get("last_error"),
                 last_error_at=progress.get("last_error_at"),
                 behind=max(0, sync_store.head_seq(conn) - acked), running=client is not None,
                 failures=getattr(client, "failures", 0))
    if client is not None and client.last_error:
        state["last_error"] = client.last_error
    return state


def _values(request: web.Request, section: str) -> dict[str, Any]:
    values = svc.section_values(request.app[OFFICE_SETTINGS].current, (section,))[section]
    for secret_section, key in SECRETS:
        if secret_section == section:
            values[key] = ""
    return values


async def _page(request: web.Request, template: str, sections: tuple[str, ...], *, status: int = 200,
                typed_in: dict[str, dict[str, Any]] | None = None, error: dict[str, str] | None = None,
                failed: str = "") -> web.Response:
    forms, choices = [], {}
    for section in sections:
        cols, options = columns(section)
        choices.update(options)
        values = (typed_in or {}).get(section) or _values(request, section)
        forms.append({"section": section, "vi": FORMS[section][0], "en": FORMS[section][1], "cols": cols,
                      "data": values, "failed": section == failed})
    current = request.app[OFFICE_SETTINGS].current
    logo = store.office_file(request.app[READER], svc.LOGO)
    return await render(request, template, status=status, forms=forms, choices=choices, error=error,
                        sync=sync_state(request.app), key_set=bool(current.sync.key),
                        backup_hour=current.backup.hour, logo=logo["sha256"][:12] if logo else "")


def _handlers(template: str, sections: tuple[str, ...], path: str) -> tuple[Any, Any]:
    async def page(request: web.Request) -> web.StreamResponse:
        return await _page(request, template, sections)

    async def submit(request: web.Request) -> web.StreamResponse:
        section = request.match_info.get("section", sections[0])
        if section not in sections:
            raise web.HTTPNotFound()
        data = await request.post()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        current = svc.section_values(request.app[OFFICE_SETTINGS].current, (section,))[section]
        value = typed(section, form, current)
        try:
            await save(request, section, value)
        except DomainError as exc:
            shown = {k: form.get(k, "") for k in value} | {k: v for k, v in value.items() if isinstance(v, bool)}
            return await _page(request, template, sections, status=exc.status, typed_in={section: shown},
                               error=error_text(exc), failed=section)
        raise web.HTTPSeeOther(f"{path}?saved={section}#{section}")

    return page, submit


async def logo_submit(request: web.Request) -> web.StreamResponse:
    """Upload (or remove) the office's logo: a PNG or JPEG kept in the database."""
    data = await request.post()
    upload = data.get("logo")
    content = upload.file.read(svc.LOGO_MAX_BYTES + 1) if isinstance(upload, web.FileField) else b""
    try:
        if "remove" in data:
            await decide(request, svc.save_logo, None)
        elif content:
            await decide(request, svc.save_logo, content)
        else:
            raise DomainError("settings_logo_type", status=422)
    except DomainError as exc:
        return await _page(request, "office.html", ("office",), status=exc.status, error=error_text(exc))
    raise web.HTTPSeeOther("/admin/office?saved=logo")


async def logo(request: web.Request) -> web.StreamResponse:
    """The office's logo for pages and slips (public: it is on every screen)."""
    found = store.office_file(request.app[READER], svc.LOGO)
    if found is None:
        raise web.HTTPNotFound()
    return web.Response(body=found["data"], content_type=found["content_type"],
                        headers={"Cache-Control": "public, max-age=300", "ETag": f'"{found["sha256"][:16]}"'})


def setup(app: web.Application) -> None:
    r = app.router
    office_page, office_submit = _handlers("office.html", ("office",), "/admin/office")
    settings_page, settings_submit = _handlers("settings.html", SETTINGS_PAGE, "/admin/settings")
    r.add_get("/admin/office", admin_only(office_page))
    r.add_post(r"/admin/office/{what:logo}", admin_only(logo_submit))
    r.add_post("/admin/office", admin_only(office_submit))
    r.add_get("/admin/settings", admin_only(settings_page))
    r.add_post(r"/admin/settings/{section:[a-z]{1,20}}", admin_only(settings_submit))
    r.add_get("/office/logo", logo)
