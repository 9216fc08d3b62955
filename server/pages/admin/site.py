"""The admin pages at /admin: the frame (sign-in, overview, audit log, navigation) and the helpers every
admin section uses (render, admin_only, forms). Each section lives in its own module beside this one.

Plain server-rendered forms (Jinja2, autoescaped), no page script. Sign-in at /admin/login uses the same
token as the API (HttpOnly cookie); every form carries the session's CSRF token, checked by the auth
middleware. Each change is one writer decision that also writes the audit log (services/admin.py). The
nav finds other parts' /admin/... pages in the router.
"""


from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server import auth
from server.api import session
from server.api.registry import principal_of
from server.api.session import LoginBody
from server.domain.errors import DomainError, Invalid
from server.keys import OFFICE_SETTINGS, READER
from server.messages import text
from server.services import admin as svc
from server.store import accounts, catalog
from server.store import admin as store
from server.web.client_address import client_address
from server.web.middleware import COOKIE

HERE = Path(__file__).parent
JINJA = web.AppKey("admin_jinja", jinja2.Environment)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LANG_COOKIE = "motcua_admin_lang"

# My sections first, then pages other parts add under /admin (found in the router), with these labels.
SECTIONS = [("/admin", "Tổng quan", "Overview"), ("/admin/setup", "Bắt đầu thiết lập", "Getting started"),
            *((f"/admin/{e.slug}", e.vi, e.en) for e in svc.ENTITIES.values()),
            ("/admin/users", "Tài khoản", "Staff accounts"), ("/admin/devices", "Thiết bị", "Devices"),
            ("/admin/audit", "Nhật ký", "Audit log")]
KNOWN = {"/admin/office": ("Thông tin đơn vị", "Office"), "/admin/settings": ("Cài đặt", "Settings"),
         "/admin/slogans": ("Khẩu hiệu", "Slogans"), "/admin/calendar": ("Lịch làm việc", "Calendar"),
         "/admin/steps": ("Các bước xử lý", "Steps"), "/admin/appointments": ("Lịch hẹn", "Appointments"),
         "/admin/printers": ("Máy in", "Printers"), "/admin/voice": ("Giọng đọc", "Voice"),
         "/admin/display": ("Màn hình", "Display"),
         "/admin/mobile": ("Phiên lưu động", "Mobile sessions"),
         "/reports": ("Báo cáo", "Reports")}


def nav(app: web.Application) -> list[tuple[str, str, str]]:
    mine = {path for path, _, _ in SECTIONS}
    extra = []
    for resource in app.router.resources():
        path = resource.get_info().get("path")
        if path and any(path.startswith(f"{section}/") for section in (*mine, *KNOWN) if section != "/admin"):
            continue  # a section's own sub-pages (/admin/procedures/import) are reached from the section
        if path and path not in mine and (path.startswith("/admin/") or path in KNOWN) and \
                "/static" not in path and path not in ("/admin/login", "/admin/logout"):
            vi, en = KNOWN.get(path, (path.rsplit("/", 1)[-1].capitalize(), ""))
            extra.append((path, vi, en))
    return [*SECTIONS, *sorted(set(extra))]


def local_time(app: web.Application, at: float | None) -> str:
    if not at:
        return "—"
    return datetime.fromtimestamp(at, app[OFFICE_SETTINGS].current.tz).strftime("%d/%m/%Y %H:%M:%S")


def lang_of(request: web.Request) -> str:
    """The admin's language: Vietnamese, unless this browser chose English with the switch (a cookie)."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def words(lang: str) -> dict[str, Any]:
    """What a template says with: `say(code, **params)` from the catalogue in the page's language, and
    `pick(vi, en)` for a label kept as a (Vietnamese, English) pair (nav entries, form columns)."""
    return {"lang": lang, "say": lambda code, **params: text(code, lang, **params),
            "pick": lambda vi, en="": en if lang == "en" and en else vi}


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    token = request.cookies.get(COOKIE, "")
    principal = principal_of(request)
    base = {"principal": principal, "csrf": auth.csrf_token(token) if token else "", "nav": nav(request.app),
            "path": request.path, "office": request.app[OFFICE_SETTINGS].current.office.name,
            "saved": "saved" in request.query,
            "time": lambda at: local_time(request.app, at), "error": None, **words(lang_of(request))}
    response = aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status, app_key=JINJA)
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_only(handler: Handler) -> Handler:
    """Anonymous -> the sign-in form; signed in without the admin role -> 403 page."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        principal = principal_of(request)
        if principal.role == "public":
            raise web.HTTPSeeOther(f"/admin/login?next={request.path}")
        if principal.role != "admin":
            return await render(request, "forbidden.html", status=403)
        return await handler(request)

    return guarded


def error_text(exc: DomainError) -> dict[str, str]:
    return {"vi": text(exc.code, "vi", **exc.params), "en": text(exc.code, "en", **exc.params)}


async def form_of(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


async def uploaded_file(request: web.Request, missing: str, limit: int) -> tuple[str, bytes]:
    """A form's `file` (its name without folders, and at most `limit` + 1 bytes, so the caller can say it is too
    big); refused with the catalogue's `missing` sentence when none was chosen."""
    file = (await request.post()).get("file")
    if not isinstance(file, web.FileField) or not file.filename:
        raise Invalid(missing)
    return Path(file.filename).name[:200], file.file.read(limit + 1)


async def decide(request: web.Request, fn: Callable[..., Any], *args: Any) -> Any:
    from server.api.common import decide as run

    return await run(request, principal_of(request), fn, *args, client_address(request))


def choices(request: web.Request) -> dict[str, list[tuple[str, str]]]:
    conn = request.app[READER]
    return {
        "series": [(s["key"], f"{s['key']} — {s['name']}") for s in catalog.all_series(conn)],
        "fields": [(str(f["id"]), f["name_vi"]) for f in catalog.fields(conn)],
        "counters": [(str(c["id"]), c["name_vi"]) for c in catalog.counters(conn)],
        "roles": list(svc.ROLE_LABELS.items()),
        "kinds": list(svc.KIND_LABELS.items()),
    }


def choice_sets(request: web.Request) -> dict[str, set[str]]:
    return {name: {v for v, _ in options} for name, options in choices(request).items()}


# --- sign-in -----------------------------------------------------------------------------------------


async def login_form(request: web.Request) -> web.StreamResponse:
    if principal_of(request).role == "admin":
        raise web.HTTPSeeOther("/admin")
    return await render(request, "login.html", next=_next(request))


def _next(request: web.Request) -> str:
    target = request.query.get("next", "/admin")
    return target if target.startswith("/admin") and "//" not in target else "/admin"


async def login_submit(request: web.Request) -> web.StreamResponse:
    """The API's sign-in (same throttle, token and cookie), answered with a redirect instead of JSON."""
    form = await form_of(request)
    try:
        body = LoginBody(username=form.get("username", "")[:64] or "?", password=form.get("password", "")[:256] or "?")
        answer = await session.login(request, auth.PUBLIC, body)
    except DomainError as exc:
        return await render(request, "login.html", status=exc.status, error=error_text(exc), next=_next(request),
                            username=form.get("username", ""))
    redirect = web.Response(status=303, headers={"Location": _next(request)})
    for morsel in answer.cookies.values():
        redirect.cookies[morsel.key] = morsel
    return redirect


async def switch_lang(request: web.Request) -> web.StreamResponse:
    """The language switch: remembered by this browser for a year, back to the page it was pressed on."""
    redirect = web.Response(status=303, headers={"Location": _next(request)})
    redirect.set_cookie(LANG_COOKIE, request.match_info["lang"], max_age=365 * 24 * 3600, path="/admin",
                        httponly=True, samesite="Strict")
    return redirect


async def logout(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if principal.token_hash:
        await session.logout(request, principal)
    redirect = web.Response(status=303, headers={"Location": "/admin/login"})
    session.clear_session_cookie(redirect, request)
    return redirect


# --- overview and audit ------------------------------------------------------------------------------


async def overview(request: web.Request) -> web.StreamResponse:
    conn = request.app[READER]
    counts = {e.slug: len(store.rows(conn, e.table)) for e in svc.ENTITIES.values() if e.slug != "office"}
    counts["users"] = len(accounts.users(conn))
    counts["devices"] = len(accounts.devices(conn))
    from server.pages.admin.checklist import view  # it renders through this module's frame

    return await render(request, "overview.html", counts=counts, entities=svc.ENTITIES, setup=view(request))


async def audit_page(request: web.Request) -> web.StreamResponse:
    return await render(request, "audit.html", entries=store.audit_entries(request.app[READER]))


def setup(app: web.Application) -> None:
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), app_key=JINJA,
                         autoescape=True, undefined=jinja2.StrictUndefined)
    r = app.router
    r.add_get("/admin/login", login_form)
    r.add_post("/admin/login", login_submit)
    r.add_post("/admin/logout", logout)
    r.add_get("/admin/lang/{lang:vi|en}", switch_lang)
    r.add_get("/admin", admin_only(overview))
    r.add_get("/admin/audit", admin_only(audit_page))
    r.add_static("/admin/static/", HERE / "static", name="admin_static", append_version=True)
