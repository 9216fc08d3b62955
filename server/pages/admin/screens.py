"""The admin's side of pairing and of a screen's settings (a section of the devices page).

The admin types the code a new screen shows (the devices page's form: `/admin/devices?pair=ABC234`) or scans its
QR code on a signed-in phone (`/admin/devices/pair/ABC234`), sees which screen it is (what it was opened as, its
address, when it asked), says what it is (TV, kiosk, rating tablet), its name, and for a TV its layout and
counters, for a rating tablet its counter, for a kiosk its printer. The screen opens its page by itself.
A paired screen's settings can be changed later; its open pages reload at once (live message `device.reload`).
No page script: the form shows only the fields of the chosen kind and layout with CSS (`:has`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.api import pairing
from server.api.registry import principal_of
from server.domain import pairing as rules
from server.domain.errors import DomainError
from server.keys import LIVE, READER, SESSIONS
from server.messages import labels, text
from server.pages.admin.site import admin_only, decide, error_text, lang_of, render
from server.services import pairing as svc
from server.store import catalog
from server.store import pairing as store

CODE_ROUTE = "{code:[A-Za-z0-9-]{1,16}}"
DEVICE_ROUTE = "{device_id:[A-Za-z0-9._-]{1,40}}"


def _options(request: web.Request) -> dict[str, Any]:
    counters = catalog.counters(request.app[READER])
    return {"counters": counters, "floors": sorted({c["grp"] for c in counters if c["grp"]}),
            "printers": sorted(pairing.printer_ids(request.app)), "kinds": labels.DEVICE_KINDS,
            "layouts": LAYOUT_LABELS}


LAYOUT_LABELS = {"hall": ("Toàn sảnh: mọi quầy đang mở", "Whole hall: every open counter"),
                 "group": ("Một nhóm quầy", "A group of counters"),
                 "counter": ("Một quầy (màn hình đặt tại quầy)", "One counter (a screen at the counter)"),
                 "floor": ("Một khu vực (nhóm quầy)", "One area (counter group)")}


def setup_of(form: dict[str, Any], counters: list[str], kind: str) -> svc.ScreenSetup:
    """The form's fields -> what the decision checks (text that is no number is left for it to refuse)."""
    layout = form.get("layout", "hall")
    numbers = tuple(int(n) for n in counters if n.isdigit() and len(n) < 7)
    if layout == "counter":
        single = form.get("single_counter", "")
        numbers = (int(single),) if single.isdigit() and len(single) < 7 else ()
    rating = form.get("counter_id", "")
    return svc.ScreenSetup(kind, form.get("name", "").strip(), form.get("device_id", "").strip(),
                           rules.ScreenLayout(layout, numbers, form.get("floor", "")),
                           int(rating) if rating.isdigit() and len(rating) < 10 else None,
                           form.get("printer_id", ""))


def _values(setup: svc.ScreenSetup) -> dict[str, Any]:
    return {"kind": setup.kind, "name": setup.name, "device_id": setup.device_id, "layout": setup.layout.layout,
            "counters": [str(n) for n in setup.layout.counters], "floor": setup.layout.floor,
            "counter_id": str(setup.counter_id or ""), "printer_id": setup.printer_id}


async def pair_dialog(request: web.Request, typed: str | None = None, *, status: int = 200,
                      error: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> web.StreamResponse:
    """Which screen waits under the code, and the form to pair it. A wrong code goes back to the devices page
    with the reason (and counts against the guesser)."""
    from server.pages.admin.devices import devices_page

    typed = request.match_info.get("code", "") if typed is None else typed
    try:
        screen = pairing.waiting_screen(request, principal_of(request), typed)
    except DomainError as exc:
        return await devices_page(request, status=exc.status, error=error_text(exc), pair_code=typed)
    kind = screen["kind"] or "display"
    if values is None:
        counter = str(screen["counter_id"] or "")
        values = {"kind": kind, "name": "", "device_id": "", "layout": "hall", "counters": [], "floor": "",
                  "counter_id": counter, "printer_id": ""}
    return await render(request, "pair_device.html", status=status, error=error, screen=screen,
                        shown=rules.shown(screen["code"]), values=values, **_options(request))


async def pair_submit(request: web.Request) -> web.StreamResponse:
    data = await request.post()
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    counters = [v for v in data.getall("counters", []) if isinstance(v, str)]
    setup = setup_of(form, counters, form.get("kind", ""))
    try:
        device = await pairing.confirm(request, principal_of(request), request.match_info["code"], setup,
                                       pairing.printer_ids(request.app))
    except DomainError as exc:
        if exc.code in ("pair_code_unknown", "pair_throttled", "pair_bad_code"):
            from server.pages.admin.devices import devices_page

            return await devices_page(request, status=exc.status, error=error_text(exc))
        return await pair_dialog(request, status=exc.status, error=error_text(exc), values=_values(setup))
    raise web.HTTPSeeOther(f"/admin/devices?paired={device['id']}")


async def screen_form(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                      values: dict[str, Any] | None = None) -> web.StreamResponse:
    device = store.device(request.app[READER], request.match_info["device_id"])
    if device is None or not device["active"]:
        raise web.HTTPNotFound(text=text("devices_page.no_such_device", lang_of(request)))
    if values is None:
        layout = rules.ScreenLayout.of(device["layout"])
        values = _values(svc.ScreenSetup(device["kind"], device["name"], device["id"], layout, device["counter_id"],
                                         device["printer_id"] or ""))
    return await render(request, "device_screen.html", status=status, error=error, device=device, values=values,
                        **_options(request))


async def screen_submit(request: web.Request) -> web.StreamResponse:
    device_id = request.match_info["device_id"]
    data = await request.post()
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    counters = [v for v in data.getall("counters", []) if isinstance(v, str)]
    before = store.device(request.app[READER], device_id)
    setup = setup_of(form, counters, before["kind"] if before else "")
    try:
        await decide(request, svc.change, device_id, setup, pairing.printer_ids(request.app))
    except DomainError as exc:
        return await screen_form(request, status=exc.status, error=error_text(exc), values=_values(setup))
    tell_device(request.app, device_id)
    raise web.HTTPSeeOther("/admin/devices?saved=1")


def tell_device(app: web.Application, device_id: str) -> None:
    """The device's settings changed (or it was revoked): its pages read them again now."""
    app[SESSIONS].forget_all()  # the cached principal holds the old layout, counter and printer
    app[LIVE].tell_device(device_id, {"type": "device.reload"})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get(f"/admin/devices/pair/{CODE_ROUTE}", admin_only(pair_dialog))
    r.add_post(f"/admin/devices/pair/{CODE_ROUTE}", admin_only(pair_submit))
    r.add_get(f"/admin/devices/{DEVICE_ROUTE}/screen", admin_only(screen_form))
    r.add_post(f"/admin/devices/{DEVICE_ROUTE}/screen", admin_only(screen_submit))
