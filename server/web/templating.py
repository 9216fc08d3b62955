"""Jinja2 for a part's pages: one way to load its templates, one way to render them with the two URL helpers its
templates use (asset / shared).

Kiosk and console pages are built the same way: `asset(path)` points into the part's own static route,
`shared(path)` into `server/web/static` (live.js, base.css), so templates never hard-code a versioned URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from server import messages


def page_templates(folder: Path) -> jinja2.Environment:
    """The templates in `folder`: autoescaped, and strict (a name a handler forgot to pass fails loudly)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(messages.template_globals())  # the page's words come from the one catalogue
    return env


def render_page(request: web.Request, env: jinja2.Environment, static_route: str, name: str, status: int = 200,
                headers: dict[str, str] | None = None, **context: Any) -> web.Response:
    """The HTML answer for template `name`; `static_route` is the name of the part's static route."""
    router = request.app.router

    def asset(path: str) -> str:
        return str(router[static_route].url_for(filename=path))

    def shared(path: str) -> str:
        return str(router["static"].url_for(filename=path))

    html = env.get_template(name).render(asset=asset, shared=shared, **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8", headers=headers)
