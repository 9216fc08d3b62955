"""The admin's printers page (/admin/printers): the office's ticket printers with their live state, add, change or
remove a network, USB, serial or device-file printer, print a test slip, and choose the kiosks that print on each.

A change is one writer decision (services/printers.py: the `printers` settings section and the kiosks' printer,
audited); the print service is told through the settings' listeners and starts, changes or stops the printer's
worker at once (printers/service.py), so a printer added here prints without a restart.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from printers.service import PrintService, service_of
from server.config import PRINTER_NEEDS
from server.domain.errors import DomainError, Invalid, NotFound
from server.keys import CLOCK, OFFICE_SETTINGS, READ_CACHE, READER, SESSIONS
from server.messages import text
from server.pages.admin.site import admin_only, decide, error_text, render
from server.services import printers as svc
from server.store import admin as store
from server.store import catalog
from server.web.lan import public_base

# The form's keys in the order shown: (key, catalogue code of its label, input kind, kinds it belongs to).
FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("host", "printers.host", "text", ("network",)),
    ("port", "printers.port", "int", ("network",)),
    ("usb_vendor_id", "printers.usb_vendor_id", "hex", ("usb",)),
    ("usb_product_id", "printers.usb_product_id", "hex", ("usb",)),
    ("serial_device", "printers.serial_device", "text", ("serial",)),
    ("baudrate", "printers.baudrate", "int", ("serial",)),
    ("file_path", "printers.file_path", "text", ("file",)),
)
KINDS = ("network", "usb", "serial", "file")
OPTIONAL = ("profile", "header", "footer")
WAIT_FOR_STATE_S = 3.0  # after a save, how long the page waits for the printer's first answer before showing it


def field_labels() -> dict[str, str]:
    """Vietnamese names of the keys, for a refusal that names one."""
    names = {key: text(code) for key, code, _, _ in FIELDS}
    names.update({key: text(f"printers.{key}") for key in ("id", "kind", "paper_mm", "mode", "timeout_s",
                                                             *OPTIONAL)})
    return names


def _number(raw: str, kind: str) -> Any:
    """Form text as the model's type; text that is not a number goes on as written, for the model to refuse."""
    try:
        return float(raw) if kind == "float" else int(raw)
    except ValueError:
        return raw


def parse(form: dict[str, str], kiosk_ids: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The submitted form as one `[[printers]]` table (checked by the model in the decision) and its kiosks."""
    kind = form.get("kind", "").strip()
    printer: dict[str, Any] = {"id": form.get("id", "").strip(), "kind": kind}
    for key, _, input_kind, kinds in FIELDS:
        raw = form.get(key, "").strip()
        if kind in kinds and raw:
            printer[key] = _number(raw, input_kind) if input_kind == "int" else raw
    printer["paper_mm"] = _number(form.get("paper_mm", "80"), "int")
    printer["mode"] = form.get("mode", "image")
    printer["timeout_s"] = _number(form.get("timeout_s", "").strip() or "10", "float")
    printer["show_qr"] = form.get("show_qr") in ("on", "1", "true")
    for key in OPTIONAL:
        if form.get(key, "").strip():
            printer[key] = form[key].strip()
    chosen = [k for k in form.get("_kiosks", "").split("\n") if k in kiosk_ids]
    for key, code, _, kinds in FIELDS:  # said here in the admin's words; the model would say it in English
        if kind in kinds and key in PRINTER_NEEDS[kind] and key not in printer:
            raise Invalid("admin_required_field", label=text(code))
    return printer, chosen


def _as_form(printer: dict[str, Any]) -> dict[str, Any]:
    """A stored printer as the form shows it: USB ids in hex as on `lsusb`."""
    values = dict(printer)
    for key in ("usb_vendor_id", "usb_product_id"):
        if isinstance(values.get(key), int):
            values[key] = f"0x{values[key]:04x}"
    return values


def _summary(printer: dict[str, Any]) -> str:
    kind = printer["kind"]
    if kind == "network":
        return f"{printer['host']}:{printer['port']}"
    if kind == "usb":
        return f"USB {printer['usb_vendor_id']:04x}:{printer['usb_product_id']:04x}"
    if kind == "serial":
        return f"{printer['serial_device']} @ {printer['baudrate']}"
    return str(printer.get("file_path") or "")


def _stored(request: web.Request) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in request.app[OFFICE_SETTINGS].current.printers]


async def printers_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                        values: dict[str, Any] | None = None, editing: str | None = None,
                        tested: str | None = None) -> web.Response:
    app = request.app
    kiosks = store.kiosks(app[READER])
    states = {pid: state.as_dict() for pid, state in service_of(app).states().items()}
    printers = [{**p, "summary": _summary(p), "state": states.get(p["id"], {"status": "unknown"}),
                 "kiosks": [k["name"] or k["id"] for k in kiosks if k["printer_id"] == p["id"]]}
                for p in _stored(request)]
    if editing is not None and values is None:
        found = next((p for p in printers if p["id"] == editing), None)
        if found is None:
            return await render(request, "not_found.html", status=404)
        values = {**_as_form(found), "kiosk_ids": [k["id"] for k in kiosks if k["printer_id"] == editing]}
    blank = {"kind": "network", "port": 9100, "baudrate": 9600, "paper_mm": 80, "mode": "image", "timeout_s": 10,
             "show_qr": True, "kiosk_ids": []}
    return await render(request, "printers.html", status=status, error=error, printers=printers, kiosks=kiosks,
                        values=values or blank, editing=editing, fields=FIELDS, kinds=KINDS, tested=tested)


async def _form(request: web.Request) -> tuple[dict[str, str], set[str]]:
    raw = await request.post()
    form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "kiosk_ids"}
    form["_kiosks"] = "\n".join(v for v in raw.getall("kiosk_ids", []) if isinstance(v, str))
    return form, {k["id"] for k in store.kiosks(request.app[READER])}


async def settled(request: web.Request) -> PrintService:
    """After a decision: the settings are read again and the print service has started or changed the workers."""
    service = service_of(request.app)
    request.app[OFFICE_SETTINGS].load(request.app[READER])  # not refresh(): a stopped clock keeps its stamp
    await service.settled()
    return service


async def _first_answer(service: PrintService, printer_id: str) -> None:
    """Give a printer just saved a moment to answer, so the page shows 'ready' or 'offline', not 'unknown'."""
    await service.wait_for_answer(printer_id, WAIT_FOR_STATE_S)


async def save(request: web.Request) -> web.StreamResponse:
    before_id = request.match_info.get("printer_id")
    form, kiosk_ids = await _form(request)
    chosen: list[str] = []
    try:
        printer, chosen = parse(form, kiosk_ids)
        await decide(request, svc.save_printer, request.app[OFFICE_SETTINGS].boot, before_id, printer, chosen,
                     field_labels())
    except DomainError as exc:
        values = {**form, "kiosk_ids": chosen}
        return await printers_page(request, status=exc.status, error=error_text(exc), values=values,
                                   editing=before_id)
    request.app[SESSIONS].forget_all()  # kiosks read their printer at the next request, not in five minutes
    await _first_answer(await settled(request), before_id or printer["id"])
    raise web.HTTPSeeOther("/admin/printers?saved=1")


async def remove(request: web.Request) -> web.StreamResponse:
    try:
        await decide(request, svc.remove_printer, request.app[OFFICE_SETTINGS].boot, request.match_info["printer_id"])
    except DomainError as exc:
        return await printers_page(request, status=exc.status, error=error_text(exc))
    await settled(request)
    raise web.HTTPSeeOther("/admin/printers?saved=1")


async def print_test(request: web.Request) -> web.StreamResponse:
    """A test slip through the print queue: the office's name, the Vietnamese marks, the public address's QR."""
    app = request.app
    printer_id = request.match_info["printer_id"]
    office = catalog.current(app[READER], app[READ_CACHE]).office or {}
    name = office.get("name") or app[OFFICE_SETTINGS].current.office.name
    try:
        if printer_id not in service_of(app).states():
            raise NotFound("admin_not_found", what=svc.WHAT, key=printer_id)
        job = await service_of(app).print_test(printer_id, name, f"{public_base(request)}/",
                                               app[CLOCK].now().astimezone(app[OFFICE_SETTINGS].current.tz))
    except DomainError as exc:
        return await printers_page(request, status=exc.status, error=error_text(exc))
    raise web.HTTPSeeOther(f"/admin/printers?test={job.id}")


async def list_page(request: web.Request) -> web.StreamResponse:
    job = service_of(request.app).job(request.query.get("test", ""))
    return await printers_page(request, tested=job.printer_id if job else None)


async def edit_page(request: web.Request) -> web.StreamResponse:
    return await printers_page(request, editing=request.match_info["printer_id"])


def setup(app: web.Application) -> None:
    r = app.router
    printer = "{printer_id:[A-Za-z0-9._-]{1,40}}"
    r.add_get("/admin/printers", admin_only(list_page))
    r.add_post("/admin/printers", admin_only(save))
    r.add_get(f"/admin/printers/{printer}", admin_only(edit_page))
    r.add_post(f"/admin/printers/{printer}", admin_only(save))
    r.add_post(f"/admin/printers/{printer}/delete", admin_only(remove))
    r.add_post(f"/admin/printers/{printer}/test", admin_only(print_test))
