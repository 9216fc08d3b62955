"""The kiosk page (`/kiosk?device=<token>`), a citizen's ticket status page (`/t/<token>`) and its QR image.

Pages are Jinja2 templates with autoescape and no inline script or style (the CSP forbids both): settings reach
the scripts as data attributes. The status page is rendered complete on the server, so a phone on a weak network
shows the number and position before its script loads; the script then keeps it live.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from server.api.pairing import renew_device_cookie
from server.api.registry import principal_of
from server.config import Config, KioskSection
from server.keys import CONFIG, OFFICE_SETTINGS, READER
from server.pages.pairing.pages import may_pair, page_csrf, unpaired
from server.services.views import status_url, ticket_status
from server.store import catalog, tickets
from server.web.templating import page_templates, render_page

HERE = Path(__file__).parent
STATIC = HERE / "static"
KIOSK_STATIC = "kiosk_static"


# The `[kiosk]` section: keys, defaults and checks in server/config.py (docs/settings.md).
KioskSettings = KioskSection
TEMPLATES = web.AppKey("kiosk_templates", jinja2.Environment)


def settings_of(request: web.Request) -> Config:
    return request.app[OFFICE_SETTINGS].current


def _render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    return render_page(request, request.app[TEMPLATES], KIOSK_STATIC, name, status, **context)


async def kiosk_page(request: web.Request) -> web.Response:
    principal = principal_of(request)
    settings = request.app[OFFICE_SETTINGS].current.kiosk  # read at each page: a change applies at once
    if principal.role != "kiosk":
        if may_pair(request):
            raise unpaired(request, "kiosk")
        return _render(request, "unregistered.html", status=403)
    office = catalog.office(request.app[READER]) or {"name": request.app[CONFIG].office.name}
    response = _render(request, "kiosk.html", settings=settings, office=office["name"], kiosk=principal.display_name,
                       printer=principal.printer_id or "", hotline=settings_of(request).office.hotline,
                       tz=settings_of(request).office.timezone, csrf=page_csrf(request))
    renew_device_cookie(response, request)
    return response


async def status_page(request: web.Request) -> web.Response:
    t = tickets.get_by_token(request.app[READER], request.match_info["token"])
    if t is None:
        return _render(request, "status_missing.html", status=404)
    office = catalog.office(request.app[READER]) or {"name": request.app[CONFIG].office.name}
    return _render(request, "status.html", s=ticket_status(request.app, t), token=t.public_token,
                   office=office["name"])


async def status_qr(request: web.Request) -> web.Response:
    """The status page's address as a QR picture, for the kiosk screen when the paper ticket did not print."""
    import qrcode  # loaded on the first QR drawn, not with the server

    t = tickets.get_by_token(request.app[READER], request.match_info["token"])
    if t is None:
        raise web.HTTPNotFound()
    origin = f"{request.scheme}://{request.host}"
    image = qrcode.make(status_url(request.app, t.public_token, origin), box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return web.Response(body=buffer.getvalue(), content_type="image/png",
                        headers={"Cache-Control": "private, max-age=86400"})


def setup(app: web.Application) -> None:
    app[TEMPLATES] = page_templates(HERE / "templates")
    app.router.add_get("/kiosk", kiosk_page, name="kiosk")
    app.router.add_get("/t/{token}", status_page, name="ticket_status_page")
    app.router.add_get("/t/{token}/qr.png", status_qr, name="ticket_status_qr")
    app.router.add_static("/kiosk/static/", STATIC, name=KIOSK_STATIC, append_version=True)
