"""The people's pages of the counter part: the counter console (`/counter`), the leader's office view
(`/leader`) and the rating tablet (`/rate/<counter>?device=<token>`).

Pages are small Jinja2 templates (autoescape, no inline script or style: the CSP forbids both); the
scripts in `static/` do the work through the API and the live WebSocket. The console and the
leader page sign in with a password and keep the bearer token in sessionStorage; the tablet carries its
device token in its URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from server.api.pairing import renew_device_cookie
from server.api.registry import principal_of
from server.keys import OFFICE_SETTINGS, READER
from server.pages.pairing.pages import may_pair, page_csrf, unpaired
from server.store import catalog
from server.web.templating import page_templates, render_page

HERE = Path(__file__).parent
STATIC_NAME = "console_static"
TEMPLATES = web.AppKey("console_templates", jinja2.Environment)


def _render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    office = catalog.office(request.app[READER]) or {"name": request.app[OFFICE_SETTINGS].current.office.name}
    return render_page(request, request.app[TEMPLATES], STATIC_NAME, name, status,
                       headers={"Cache-Control": "no-store"}, office=office["name"], **context)


async def counter_page(request: web.Request) -> web.Response:
    return _render(request, "counter.html")


async def leader_page(request: web.Request) -> web.Response:
    return _render(request, "leader.html")


async def rate_page(request: web.Request) -> web.Response:
    """The tablet on a counter: only its own registered device token opens it."""
    counter = int(request.match_info["counter"])
    principal = principal_of(request)
    if principal.role != "rating" or principal.device_counter_id != counter:
        if may_pair(request):
            raise unpaired(request, "rating", counter)
        return _render(request, "rate_refused.html", status=403, counter=counter,
                       bound=principal.device_counter_id if principal.role == "rating" else None)
    response = _render(request, "rate.html", counter=counter, device=principal.display_name or "",
                       csrf=page_csrf(request))
    renew_device_cookie(response, request)
    return response


async def rate_home(request: web.Request) -> web.Response:
    """`/rate` with no counter: a paired tablet goes to its own counter's page, any other screen is paired."""
    principal = principal_of(request)
    if principal.role == "rating" and principal.device_counter_id:
        raise web.HTTPSeeOther(f"/rate/{principal.device_counter_id}")
    raise unpaired(request, "rating")


def setup(app: web.Application) -> None:
    app[TEMPLATES] = page_templates(HERE / "templates")
    app.router.add_get("/counter", counter_page, name="counter_console")
    app.router.add_get("/leader", leader_page, name="leader_page")
    app.router.add_get("/rate/{counter:\\d+}", rate_page, name="rating_tablet")
    app.router.add_get("/rate", rate_home, name="rating_tablet_home")
    app.router.add_static("/console-static/", HERE / "static", name=STATIC_NAME, append_version=True)
