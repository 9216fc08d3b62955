"""The leaders' report page `/reports`: a static shell (no inline script or style, for the CSP) whose
script signs in, asks `getReport` and draws tables; charts come from `getReportChart` as PNG."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).parent / "reports_static"


async def reports_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def setup(app: web.Application) -> None:
    app.router.add_get("/reports", reports_page, name="reports_page")
    app.router.add_static("/reports-static/", STATIC, name="reports_static")
