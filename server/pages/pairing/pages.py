"""The screen's side of pairing: `/pair` shows a new TV, kiosk or rating tablet its code and a QR code, and waits.

`/display`, `/kiosk` and `/rate/<counter>` opened on a screen that is not paired send it here (`?for=` says what it
was opened as, so the admin's dialog can suggest it). The page asks the server every two seconds whether the
code was confirmed; when it was, the screen's cookie already signs it in and the page opens the screen's own.
Vietnamese only: the screen has no language switch, and the admin reads the code, not the sentences.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import jinja2
from aiohttp import web

from server import auth
from server.api import pairing
from server.api.registry import principal_of
from server.domain import pairing as rules
from server.domain.errors import DomainError
from server.keys import OFFICE_SETTINGS, READER, RECEIVED_AT
from server.messages import text
from server.store import catalog
from server.web.middleware import COOKIE, DEVICE_COOKIE
from server.web.templating import page_templates, render_page

HERE = Path(__file__).parent
STATIC_NAME = "pairing_static"
TEMPLATES = web.AppKey("pairing_templates", jinja2.Environment)


def qr_data_uri(link: str) -> str:
    """The link as an SVG QR code inside a data: address (the CSP allows data: images, and nothing is fetched)."""
    import qrcode  # loaded on the first code drawn, not with the server
    import qrcode.image.svg

    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def unpaired(request: web.Request, kind: str, counter_id: int | None = None) -> web.HTTPSeeOther:
    """The answer to a screen page opened with no device: go and get a code."""
    extra = f"&counter={counter_id}" if counter_id else ""
    return web.HTTPSeeOther(f"/pair?for={kind}{extra}")


def may_pair(request: web.Request) -> bool:
    """Only a screen with no device link and nobody signed in is sent to pair: a wrong `?device=` link, or a
    staff member's browser, is told what is wrong instead."""
    return principal_of(request).role == "public" and "device" not in request.query


def page_csrf(request: web.Request) -> str:
    """The CSRF token a page signed in by cookie sends with its writes (server/web/static/live.js reads it)."""
    if "device" in request.query or "Authorization" in request.headers:
        return ""
    cookie = request.cookies.get(COOKIE) or request.cookies.get(DEVICE_COOKIE)
    return auth.csrf_token(cookie) if cookie and principal_of(request).role != "public" else ""


async def pair_page(request: web.Request) -> web.StreamResponse:
    principal = principal_of(request)
    if principal.role in auth.DEVICES:
        raise web.HTTPSeeOther(rules.page_for(principal.role, principal.device_counter_id))
    kind = request.query.get("for", "")
    kind = kind if kind in rules.KINDS else ""
    counter = request.query.get("counter", "")
    counter_id = int(counter) if counter.isdigit() and 0 < int(counter) < 10**6 else None
    office = catalog.office(request.app[READER]) or {"name": request.app[OFFICE_SETTINGS].current.office.name}
    context = {"office": office["name"], "kind": kind, "minutes": rules.TTL_S // 60}
    try:
        found, token = await pairing.start(request, kind, counter_id)
    except DomainError as exc:
        retry = int(exc.params.get("retry_after", 60))
        resp = render_page(request, request.app[TEMPLATES], STATIC_NAME, "pair.html", exc.status,
                           headers={"Cache-Control": "no-store", "Retry-After": str(retry)},
                           problem=text(exc.code, "vi", **exc.params), retry=retry, code="", shown="", qr="", link="",
                           expires_in=0, **context)
        return resp
    link = pairing.pair_link(request, found["code"])
    resp = render_page(request, request.app[TEMPLATES], STATIC_NAME, "pair.html",
                       headers={"Cache-Control": "no-store"}, problem="", retry=0, code=found["code"],
                       shown=rules.shown(found["code"]), qr=qr_data_uri(link), link=link,
                       expires_in=max(1, int(found["expires_at"] - request[RECEIVED_AT])), **context)
    if token is not None:
        pairing.set_device_cookie(resp, request, token)
    return resp


def setup(app: web.Application) -> None:
    app[TEMPLATES] = page_templates(HERE / "templates")
    app.router.add_get("/pair", pair_page, name="pair_screen")
    app.router.add_static("/pair-static/", HERE / "static", name=STATIC_NAME, append_version=True)
