"""The admin pages at /admin: plain server-rendered forms (Jinja2, autoescaped), no page script.

Sign-in at /admin/login uses the same token as the API (HttpOnly cookie); every form carries the
session's CSRF token, checked by the auth middleware. Each change is one writer decision that also
writes the audit log (services/admin.py). Other parts add their own /admin/... pages; the nav finds
them in the router, so this module never needs editing when a section is added.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from . import auth, passwords
from .api import session
from .api.registry import principal_of
from .api.session import LoginBody
from .client_address import client_address
from .domain.errors import DomainError
from .keys import CONFIG, READER, SESSIONS
from .lan import public_base
from .messages import text
from .middleware import COOKIE
from .services import admin as svc
from .store import accounts, catalog
from .store import admin as store

HERE = Path(__file__).parent
JINJA = web.AppKey("admin_jinja", jinja2.Environment)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# My sections first, then pages other parts add under /admin (found in the router), with these labels.
SECTIONS = [("/admin", "Tổng quan", "Overview"), *((f"/admin/{e.slug}", e.vi, e.en) for e in svc.ENTITIES.values()),
            ("/admin/users", "Tài khoản", "Staff accounts"), ("/admin/devices", "Thiết bị", "Devices"),
            ("/admin/audit", "Nhật ký", "Audit log")]
KNOWN = {"/admin/slogans": ("Khẩu hiệu", "Slogans"), "/admin/calendar": ("Lịch làm việc", "Calendar"),
         "/admin/steps": ("Các bước xử lý", "Steps"), "/admin/appointments": ("Lịch hẹn", "Appointments"),
         "/admin/printers": ("Máy in", "Printers"), "/admin/display": ("Màn hình", "Display"),
         "/reports": ("Báo cáo", "Reports")}


def nav(app: web.Application) -> list[tuple[str, str, str]]:
    mine = {path for path, _, _ in SECTIONS}
    extra = []
    for resource in app.router.resources():
        path = resource.get_info().get("path")
        if path and path not in mine and (path.startswith("/admin/") or path in KNOWN) and \
                "/static" not in path and path not in ("/admin/login", "/admin/logout"):
            vi, en = KNOWN.get(path, (path.rsplit("/", 1)[-1].capitalize(), ""))
            extra.append((path, vi, en))
    return [*SECTIONS, *sorted(set(extra))]


def local_time(app: web.Application, at: float | None) -> str:
    if not at:
        return "—"
    return datetime.fromtimestamp(at, app[CONFIG].tz).strftime("%d/%m/%Y %H:%M:%S")


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    token = request.cookies.get(COOKIE, "")
    principal = principal_of(request)
    base = {"principal": principal, "csrf": auth.csrf_token(token) if token else "", "nav": nav(request.app),
            "path": request.path, "office": request.app[CONFIG].office.name, "saved": "saved" in request.query,
            "time": lambda at: local_time(request.app, at), "error": None}
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


async def decide(request: web.Request, fn: Callable[..., Any], *args: Any) -> Any:
    from .api.common import decide as run

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
    return await render(request, "overview.html", counts=counts, entities=svc.ENTITIES)


async def audit_page(request: web.Request) -> web.StreamResponse:
    return await render(request, "audit.html", entries=store.audit_entries(request.app[READER]))


# --- the catalogue: one list page and one edit page per table, described by svc.ENTITIES ------------


def _key(entity: svc.Entity, request: web.Request) -> Any:
    raw = request.match_info["key"]
    return raw if entity.key_is_column else int(raw)


async def _entity_page(request: web.Request, entity: svc.Entity, key: Any, *, status: int = 200,
                       values: dict[str, Any] | None = None, error: dict[str, str] | None = None,
                       extra: dict[str, Any] | None = None) -> web.Response:
    conn = request.app[READER]
    context: dict[str, Any] = {"entity": entity, "choices": choices(request), "error": error, "key": key}
    if key is None:
        context["rows"] = store.rows(conn, entity.table)
        context["values"] = values if values is not None else {"active": 1, "kiosk_visible": 1}
        return await render(request, "entity_list.html", status=status, **context)
    row = store.row(conn, entity.table, key)
    if row is None:
        return await render(request, "not_found.html", status=404)
    context["values"] = values if values is not None else row
    if entity.slug == "counters":
        counter = catalog.counter(conn, key) or {}
        served = extra or {"field_ids": counter.get("field_ids", []), "procedure_ids": counter.get("procedure_ids", [])}
        context.update(served=served, fields=catalog.fields(conn), procedures=catalog.procedures(conn))
    return await render(request, "entity_edit.html", status=status, **context)


def _ids(form: web.MultiDictProxy[Any], name: str, allowed: set[int]) -> list[int]:
    return sorted({int(v) for v in form.getall(name, []) if isinstance(v, str) and v.isdigit()} & allowed)


def entity_handlers(entity: svc.Entity) -> tuple[Handler, Handler, Handler]:
    async def list_page(request: web.Request) -> web.StreamResponse:
        if entity.slug == "office":
            return await _entity_page(request, entity, 1)
        return await _entity_page(request, entity, None)

    async def edit_page(request: web.Request) -> web.StreamResponse:
        return await _entity_page(request, entity, _key(entity, request))

    async def save(request: web.Request) -> web.StreamResponse:
        key = 1 if entity.slug == "office" else (_key(entity, request) if "key" in request.match_info else None)
        raw = await request.post()
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
        if key is not None and entity.key_is_column:
            form[entity.key] = key  # a code other rows refer to is not renamed here
        extra = None
        try:
            values = svc.parse(entity.cols, form, choice_sets(request))
            if entity.slug == "counters":
                conn = request.app[READER]
                extra = {"field_ids": _ids(raw, "field_ids", {f["id"] for f in catalog.fields(conn)}),
                         "procedure_ids": _ids(raw, "procedure_ids", {p["id"] for p in catalog.procedures(conn)})}
                await decide(request, svc.save_counter, key, values, extra["field_ids"], extra["procedure_ids"])
            else:
                await decide(request, svc.save_row, entity.slug, key, values)
        except DomainError as exc:
            return await _entity_page(request, entity, key, status=exc.status, values=form, error=error_text(exc),
                                      extra=extra)
        raise web.HTTPSeeOther(f"/admin/{entity.slug}?saved=1")

    return list_page, edit_page, save


# --- staff accounts ------------------------------------------------------------------------------------


async def _password(form: dict[str, str]) -> tuple[str, str]:
    """(password, hash): the one typed, or a generated one; hashed off the event loop (argon2 is slow)."""
    password = form.get("password", "").strip() or secrets.token_urlsafe(9)
    passwords.check_new_password(password)  # the one rule, as for `motcua init`
    return password, await asyncio.to_thread(auth.hash_password, password)


async def users_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None) -> web.Response:
    return await render(request, "users.html", status=status, users=accounts.users(request.app[READER]),
                        cols=svc.USER_NEW, choices=choices(request), values=values or {"role": "staff"}, error=error)


async def user_create(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.USER_NEW, form, choice_sets(request))
        password, hashed = await _password(form)
        await decide(request, svc.create_user, values, hashed)
    except DomainError as exc:
        return await users_page(request, status=exc.status, error=error_text(exc), values=form)
    return await render(request, "password_once.html", username=values["username"], password=password)


async def user_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None) -> web.Response:
    user = store.user(request.app[READER], int(request.match_info["user_id"]))
    if user is None:
        return await render(request, "not_found.html", status=404)
    return await render(request, "user_edit.html", status=status, user=user, cols=svc.USER_EDIT,
                        choices=choices(request), values=values or user, error=error)


async def user_save(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.USER_EDIT, form, choice_sets(request))
        await decide(request, svc.update_user, int(request.match_info["user_id"]), values)
    except DomainError as exc:
        return await user_page(request, status=exc.status, error=error_text(exc), values=form)
    request.app[SESSIONS].forget_all()  # a deactivated or demoted account's cached sign-in must not linger
    raise web.HTTPSeeOther("/admin/users?saved=1")


async def user_password(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    user_id = int(request.match_info["user_id"])
    try:
        password, hashed = await _password(form)
        await decide(request, svc.reset_password, user_id, hashed)
    except DomainError as exc:
        return await user_page(request, status=exc.status, error=error_text(exc))
    request.app[SESSIONS].forget_all()
    user = store.user(request.app[READER], user_id) or {"username": "?"}
    return await render(request, "password_once.html", username=user["username"], password=password)


# --- devices: the list with last-seen times, printers' and boards' states, create and revoke ---------


async def devices_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                       values: dict[str, Any] | None = None) -> web.Response:
    from .devices import TRACKER
    from .keys import SERVICES

    app = request.app
    tracker = app.get(TRACKER)
    rows = tracker.rows() if tracker else accounts.devices(app[READER])
    services = []
    for name, service in app[SERVICES].items():
        health = getattr(service, "health", None)
        if name == "devices" or health is None:
            continue
        try:
            state = health()
        except Exception as exc:  # a broken part must not hide the others from the admin
            state = {"ready": False, "error": str(exc)}
        services.append((name, state if isinstance(state, dict) else {"state": state}))
    from .health_text import label
    from .db_problems import storage_alerts
    from .health_text import rows as state_rows

    return await render(request, "devices.html", status=status, devices=rows, services=services,
                        service_label=label, state_rows=state_rows,
                        cols=svc.DEVICE_NEW, choices=choices(request), values=values or {"kind": "kiosk"},
                        alerts=storage_alerts(dict(services).get("storage")),
                        error=error, kinds=svc.KIND_LABELS)


async def device_create(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.DEVICE_NEW, form, choice_sets(request))
        token = await decide(request, svc.create_device, values)
    except DomainError as exc:
        return await devices_page(request, status=exc.status, error=error_text(exc), values=form)
    page = {"kiosk": "/kiosk", "display": "/display", "rating": "/rate"}[values["kind"]]
    return await render(request, "token_once.html", device=values, token=token,
                        link=f"{public_base(request)}{page}?device={token}")


async def device_revoke(request: web.Request) -> web.StreamResponse:
    try:
        await decide(request, svc.revoke_device, request.match_info["device_id"])
    except DomainError as exc:
        return await devices_page(request, status=exc.status, error=error_text(exc))
    request.app[SESSIONS].forget_all()  # the revoked token must stop working now, not in five minutes
    raise web.HTTPSeeOther("/admin/devices?saved=1")


def add_form_routes(app: web.Application) -> None:
    r, guard = app.router, admin_only
    for entity in svc.ENTITIES.values():
        list_page, edit_page, save = entity_handlers(entity)
        key = r"{key:[A-Za-z0-9._-]{1,40}}" if entity.key_is_column else r"{key:\d{1,9}}"
        r.add_get(f"/admin/{entity.slug}", guard(list_page))
        r.add_post(f"/admin/{entity.slug}", guard(save))
        if entity.slug != "office":
            r.add_get(f"/admin/{entity.slug}/{key}", guard(edit_page))
            r.add_post(f"/admin/{entity.slug}/{key}", guard(save))
    r.add_get("/admin/users", guard(users_page))
    r.add_post("/admin/users", guard(user_create))
    r.add_get(r"/admin/users/{user_id:\d{1,9}}", guard(user_page))
    r.add_post(r"/admin/users/{user_id:\d{1,9}}", guard(user_save))
    r.add_post(r"/admin/users/{user_id:\d{1,9}}/password", guard(user_password))
    r.add_get("/admin/devices", guard(devices_page))
    r.add_post("/admin/devices", guard(device_create))
    r.add_post(r"/admin/devices/{device_id:[A-Za-z0-9._-]{1,40}}/revoke", guard(device_revoke))


def setup(app: web.Application) -> None:
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "admin_templates"), app_key=JINJA,
                         autoescape=True, undefined=jinja2.StrictUndefined)
    r = app.router
    r.add_get("/admin/login", login_form)
    r.add_post("/admin/login", login_submit)
    r.add_post("/admin/logout", logout)
    r.add_get("/admin", admin_only(overview))
    r.add_get("/admin/audit", admin_only(audit_page))
    add_form_routes(app)
    r.add_static("/admin/static/", HERE / "admin_static", name="admin_static", append_version=True)
