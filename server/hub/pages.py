"""The hub's pages: sign-in, the province dashboard (one sortable row per centre), one centre's
detail, and the month report as XLSX. Server-rendered with Jinja2 autoescape; JS and CSS are static
files (strict CSP). Pages use the admin cookie; the same data is in the API for other tools. They speak
Vietnamese, English behind their language switch (a cookie, like the office's admin pages), from the one
catalogue (hub_page.* in server/messages/hub.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from server.domain.errors import DomainError
from server.hub import queries
from server.hub.api import centre_dashboard_summary, centre_detail, dashboard_rows, set_cookie, sign_in
from server.hub.app import ADMINS, COOKIE, SETTINGS, STORE, TZ, admin_token, now_of, require_admin, today_of
from server.hub.figures import period
from server.hub.xlsx import workbook
from server.messages import text
from server.messages.numbers import written as number
from server.reports.definitions import all_figures
from server.web.templating import page_templates

# The centre page's columns: (figure key, Vietnamese, English, unit) from the report's definitions.
SHOWN = ("issued", "served", "no_show", "wait_mean", "wait_max", "within_service_target_share", "ratings",
         "satisfied_share", "good_share")
COLUMNS = [(f.key, f.vi, f.en, f.unit) for key in SHOWN for f in all_figures() if f.key == key]


def show(value: Any, unit: str, lang: str = "vi") -> str:
    if value is None:
        return "–"
    if unit == "seconds":
        return text("hub_page.minutes", lang, n=number(value / 60))
    if unit == "share":
        return f"{number(100 * value)} %"
    return number(value)

HERE = Path(__file__).parent
JINJA = web.AppKey("hub_jinja", jinja2.Environment)


LANG_COOKIE = "motcua_hub_lang"


def lang_of(request: web.Request) -> str:
    """The page's language: Vietnamese, unless this browser chose English with the switch."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def _render(request: web.Request, name: str, **context: Any) -> web.Response:
    """A page in its language: `say(code, **params)` from the catalogue, `pick(vi, en)` for a label kept as a
    pair (the report's figure names); `switch` is the other language's link back to this page."""
    lang = lang_of(request)
    words = {"lang": lang, "say": lambda code, **params: text(code, lang, **params),
             "pick": lambda vi, en="": en if lang == "en" and en else vi,
             "switch": f"/hub/lang/{'vi' if lang == 'en' else 'en'}?next={request.path_qs}"}
    html = request.app[JINJA].get_template(name).render(**words, **context)
    return web.Response(text=html, content_type="text/html", headers={"Content-Language": lang})


def _local(request: web.Request) -> Any:
    lang = lang_of(request)

    def fmt(ts: float | None) -> str:
        if ts is None:
            return text("hub_page.never", lang)
        return datetime.fromtimestamp(ts, request.app[TZ]).strftime("%H:%M %d/%m/%Y")
    return fmt


def _month_label(month: str) -> str:
    """"2026-11" as an office writes it: 11/2026."""
    year, _, mon = month.partition("-")
    return f"{mon}/{year}" if mon else month


async def switch_lang(request: web.Request) -> web.StreamResponse:
    """The language switch: remembered by this browser for a year, back to the hub page it was pressed on."""
    target = request.query.get("next", "/hub")
    target = target if target.startswith("/hub") and "//" not in target else "/hub"
    redirect = web.Response(status=303, headers={"Location": target})
    redirect.set_cookie(LANG_COOKIE, request.match_info["lang"], max_age=365 * 24 * 3600, path="/hub",
                        httponly=True, samesite="Strict")
    return redirect


async def login_page(request: web.Request) -> web.Response:
    return _render(request, "login.html", error=None)


async def login_post(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    try:
        token = await sign_in(request, str(form.get("username", "")).strip(), str(form.get("password", "")))
    except DomainError:
        resp = _render(request, "login.html", error=True)
        resp.set_status(401)
        return resp
    resp = web.Response(status=303, headers={"Location": "/hub"})
    set_cookie(resp, token, request.app[SETTINGS].token_ttl_hours)
    return resp


async def logout_post(request: web.Request) -> web.StreamResponse:
    request.app[ADMINS].close(admin_token(request) or "")
    resp = web.Response(status=303, headers={"Location": "/hub/login"})
    resp.del_cookie(COOKIE, path="/")
    return resp


async def dashboard(request: web.Request) -> web.Response:
    user = require_admin(request)
    rows = await dashboard_rows(request.app)
    today = today_of(request.app)
    return _render(request, "dashboard.html", user=user, rows=rows, month=today[:7], number=number,
                   today=datetime.strptime(today, "%Y-%m-%d").strftime("%d/%m/%Y"),
                   summary=centre_dashboard_summary(rows), fmt=_local(request), now=now_of(request.app),
                   silent_min=request.app[SETTINGS].silent_after_min,
                   wait_target_min=request.app[SETTINGS].wait_target_min)


async def centre_page(request: web.Request) -> web.Response:
    user = require_admin(request)
    detail = await centre_detail(request.app, request.match_info["code"], request.query.get("month"))
    lang = lang_of(request)
    return _render(request, "centre.html", user=user, d=detail, columns=COLUMNS, fmt=_local(request),
                   show=lambda value, unit: show(value, unit, lang), number=number,
                   month=_month_label(request.query.get("month") or today_of(request.app)[:7]))


async def export_xlsx(request: web.Request) -> web.Response:
    require_admin(request)
    day_from, day_to = period(request.query.get("month") or today_of(request.app)[:7])
    pool, target = request.app[STORE].pool, request.app[SETTINGS].wait_target_min
    groups = {g: await queries.report(pool, day_from, day_to, g, target) for g in ("all", "centre", "field",
                                                                                     "procedure")}
    body = workbook(day_from, day_to, groups, await queries.letters(pool, day_from, day_to))
    return web.Response(body=body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="bao-cao-tinh-{day_from[:7]}.xlsx"'})


def add_routes(app: web.Application) -> None:
    app[JINJA] = page_templates(HERE / "templates")
    app.router.add_get("/", to_hub)
    app.router.add_get("/hub", dashboard)
    app.router.add_get("/hub/login", login_page)
    app.router.add_get("/hub/lang/{lang:vi|en}", switch_lang)
    app.router.add_post("/hub/login", login_post)
    app.router.add_post("/hub/logout", logout_post)
    app.router.add_get("/hub/centre/{code}", centre_page)
    app.router.add_get("/hub/export.xlsx", export_xlsx)
    app.router.add_static("/hub/static/", HERE / "static", append_version=True, name="hub_static")


async def to_hub(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/hub")
