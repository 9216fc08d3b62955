"""The public booking page `/book`: choose a procedure and a free slot, leave a name and a phone number (the
minimum), agree to the personal-data sentence (decree 13/2023), get a code and its QR; or manage a booking by
code + phone. No account. The page is a Jinja2 template (autoescaped) with no inline script or style; its
script talks to the appointment API only."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from server.api.appointments import settings_of
from server.keys import OFFICE_SETTINGS, READER
from server.store import catalog
from server.web.templating import page_templates

HERE = Path(__file__).parent
TEMPLATES = web.AppKey("booking_templates", jinja2.Environment)


async def book_page(request: web.Request) -> web.Response:
    app = request.app
    office = app[OFFICE_SETTINGS].current.office
    static = app.router["booking_static"]
    html = app[TEMPLATES].get_template("book.html").render(
        office=(catalog.office(app[READER]) or {}).get("name") or office.name,
        hotline=office.hotline,
        purge_days=settings_of(app).purge_days,
        code=request.query.get("code", "")[:40],
        asset=lambda name: static.url_for(filename=name),
    )
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app[TEMPLATES] = page_templates(HERE / "templates")
    app.router.add_get("/book", book_page, name="book")
    app.router.add_static("/book/static/", HERE / "static", name="booking_static", append_version=True)
