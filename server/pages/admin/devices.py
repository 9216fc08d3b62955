"""The admin page of devices: kiosks, screens and rating tablets with their last-seen times, the printers' and
boards' states, the storage's alerts; create a device (its token shown once) and revoke one."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain.errors import DomainError
from server.keys import READER
from server.pages.admin import screens
from server.pages.admin.site import admin_only, choice_sets, choices, decide, error_text, form_of, render
from server.services import admin as svc
from server.store import accounts
from server.store import pairing as pairing_store
from server.web.lan import public_base


async def devices_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                       values: dict[str, Any] | None = None, pair_code: str = "") -> web.StreamResponse:
    from server.keys import SERVICES
    from server.ops.devices import TRACKER

    app = request.app
    if "pair" in request.query and error is None:  # the "pair a screen" form: a code typed
        return await screens.pair_dialog(request, request.query["pair"])
    tracker = app.get(TRACKER)
    rows = tracker.rows() if tracker else accounts.devices(app[READER])
    services = []
    for name, service in app[SERVICES].items():
        health = getattr(service, "health", None)
        if name == "devices" or health is None:
            continue
        try:
            state = health()
        except Exception as exc:  # a broken part must not hide the others from the admin
            state = {"ready": False, "error": str(exc)}
        services.append((name, state if isinstance(state, dict) else {"state": state}))
    from server.ops.health import label
    from server.ops.health import rows as state_rows
    from server.ops.storage_problems import storage_alerts

    return await render(request, "devices.html", status=status, devices=rows, services=services,
                        service_label=label, state_rows=state_rows,
                        cols=svc.DEVICE_NEW, choices=choices(request), values=values or {"kind": "kiosk"},
                        alerts=storage_alerts(dict(services).get("storage")),
                        error=error, kinds=svc.KIND_LABELS, pair_code=pair_code,
                        paired=pairing_store.device(app[READER], request.query.get("paired", "")))


async def device_create(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.DEVICE_NEW, form, choice_sets(request))
        token = await decide(request, svc.create_device, values)
    except DomainError as exc:
        return await devices_page(request, status=exc.status, error=error_text(exc), values=form)
    page = {"kiosk": "/kiosk", "display": "/display", "rating": "/rate"}[values["kind"]]
    return await render(request, "token_once.html", device=values, token=token,
                        link=f"{public_base(request)}{page}?device={token}")


async def device_revoke(request: web.Request) -> web.StreamResponse:
    try:
        await decide(request, svc.revoke_device, request.match_info["device_id"])
    except DomainError as exc:
        return await devices_page(request, status=exc.status, error=error_text(exc))
    # The revoked token stops working now, not in five minutes; its open pages reload (and ask to be paired).
    screens.tell_device(request.app, request.match_info["device_id"])
    raise web.HTTPSeeOther("/admin/devices?saved=1")


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/devices", admin_only(devices_page))
    r.add_post("/admin/devices", admin_only(device_create))
    r.add_post(r"/admin/devices/{device_id:[A-Za-z0-9._-]{1,40}}/revoke", admin_only(device_revoke))
