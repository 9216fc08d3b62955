"""The OpenAPI document and health checks."""

from __future__ import annotations

from aiohttp import web

from server import __version__
from server.api.common import ok
from server.api.registry import OPERATIONS, openapi_document
from server.keys import SERVICES, WRITER


async def openapi(request: web.Request) -> web.Response:
    operations = request.app[OPERATIONS]  # read apart: as an argument, mypy infers the key from the Sequence parameter
    return ok(openapi_document("motcua", __version__, operations))


async def healthz(request: web.Request) -> web.Response:
    return ok({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database takes a write and every registered part says it is healthy (the `storage` part:
    the disk is not full and the last quick_check found no damage). `?deep=1` runs that check now: it reads
    the whole file, so a monitor asks for it now and then, not every few seconds."""
    checks: dict[str, object] = {}
    ready = True
    if request.query.get("deep") in ("1", "true", "yes"):
        await request.app[WRITER].health.run_quick_check()
    try:
        await request.app[WRITER].run(lambda tx: tx.execute("SELECT 1").fetchone())
        checks["database"] = "ok"
    except Exception as exc:  # the answer is the point: report, don't raise
        checks["database"] = f"error: {exc}"
        ready = False
    for name, service in request.app[SERVICES].items():
        health = getattr(service, "health", None)
        if health is None:
            continue
        state = health()
        checks[name] = state
        if isinstance(state, dict) and state.get("ready") is False:
            ready = False
    return ok({"ready": ready, "checks": checks}, status=200 if ready else 503)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
