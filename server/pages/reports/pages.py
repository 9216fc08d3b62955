"""The leaders' report page `/reports`: a static shell (no inline script or style, for the CSP) whose
script signs in, asks `getReport` and draws tables; charts come from `getReportChart` as PNG.

The shell carries the office's today (`<body data-today>`, the office's clock and time zone), so the page
opens on this month as the office counts it, whatever the browser's clock or time zone says."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from server.keys import CLOCK, OFFICE_SETTINGS
from server.messages import texts_script

STATIC = Path(__file__).parent / "static"


async def reports_page(request: web.Request) -> web.Response:
    today = request.app[CLOCK].now().astimezone(request.app[OFFICE_SETTINGS].current.tz).date().isoformat()
    html = (STATIC / "index.html").read_text(encoding="utf-8").replace("<body>", f'<body data-today="{today}">', 1)
    html = html.replace("</head>", f"{texts_script('reports_page')}\n</head>", 1)  # the page's words, both languages
    return web.Response(text=html, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-cache"})


def setup(app: web.Application) -> None:
    app.router.add_get("/reports", reports_page, name="reports_page")
    app.router.add_static("/reports-static/", STATIC, name="reports_static")
