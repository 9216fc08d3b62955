"""The demo's front page at `/`: every page of the demo office one click away, in Vietnamese, with the demo's
sign-ins. Only `motcua demo` adds it: an office's server has no page at `/` to show to whoever finds it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from server.messages import labels
from server.web.templating import page_templates, render_page

HERE = Path(__file__).parent
TEMPLATES = page_templates(HERE / "templates")


@dataclass(frozen=True)
class Link:
    """One page of the demo: its catalogue key (`demo.<key>`, `demo.<key>_note`) and where it is."""

    key: str
    path: str


def links(status_token: str | None) -> list[Link]:
    """Every page a visitor can open, in the order an office meets them: the citizen's, the staff's, the admin's."""
    pages = [Link("kiosk", "/kiosk?device=demo-kiosk-1"), Link("tv", "/display?device=demo-display-hall"),
             Link("tv_group", "/display?device=demo-display-hall&layout=group&counters=1,2,3"),
             Link("counter", "/counter"), Link("leader", "/leader"), Link("rate", "/rate/3?device=demo-rate-3"),
             Link("book", "/book")]
    if status_token:
        pages.append(Link("status", f"/t/{status_token}"))
    pages += [Link("reports", "/reports"), Link("admin", "/admin"), Link("api", "/api/openapi.json")]
    return pages


def setup(app: web.Application, lan_base: str | None, signins: list[tuple[str, str, str]],
          status_token: str | None) -> None:
    """Add `/`: the links are relative (they work whatever address the visitor used); `lan_base` is shown for
    the tablets and phones on the office LAN."""

    async def landing(request: web.Request) -> web.Response:
        roles = {role: pair[0] for role, pair in labels.ROLES.items()}
        return render_page(request, TEMPLATES, "static", "landing.html", links=links(status_token),
                           lan_base=lan_base, signins=[(u, p, roles.get(r, r)) for u, p, r in signins])

    app.router.add_get("/", landing, name="demo_landing")
