"""The procedure catalogue in and out as the portals export it: upload a file, see what would change, apply it in
one step; export the catalogue in the same shape (XLSX or CSV).

Upload (multipart) -> the file is read (services/catalogue_file.py) and its rows checked (domain/catalogue.py);
a file that cannot be used is refused with a 400 page saying what to fix, and nothing is kept. A usable file is
kept as a pending import (one writer decision) and the admin is sent to its preview: new, changed (with what
changed), unchanged, and the office's procedures the file leaves out, which stay as they are or are no longer
received, as the admin chooses. "Apply" is one writer decision that plans again against the catalogue of that
instant and writes the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from server.domain import catalogue
from server.domain.errors import DomainError
from server.keys import OFFICE_SETTINGS, READER
from server.messages import labels
from server.pages.admin.site import admin_only, decide, error_text, render, uploaded_file
from server.services import admin as svc
from server.services import catalogue_file
from server.store import catalog
from server.store import catalogue_import as imports

CHANGE_LABELS = {"name": ("Tên thủ tục", "Name"), "field": ("Lĩnh vực", "Field"),
                 "legal_time": ("Thời hạn giải quyết", "Legal time"), "fee": ("Phí, lệ phí", "Fee"),
                 "documents": ("Thành phần hồ sơ", "Required documents"),
                 "active": ("Đang tiếp nhận", "Received"), "info": ("Thông tin khác của Cổng", "Other portal data")}


async def upload_page(request: web.Request) -> web.StreamResponse:
    return await render(request, "catalogue_upload.html", head=catalogue.EXPORT_HEAD)


async def upload(request: web.Request) -> web.StreamResponse:
    try:
        name, data = await uploaded_file(request, "catalogue_no_file", catalogue_file.MAX_BYTES)
        rows, optional = catalogue.read_table(catalogue_file.read_cells(name, data))
        import_id = await decide(request, svc.stage_import, name, rows, optional)
    except DomainError as exc:
        return await render(request, "catalogue_upload.html", status=exc.status, error=error_text(exc),
                            head=catalogue.EXPORT_HEAD)
    raise web.HTTPSeeOther(f"/admin/procedures/import/{import_id}")


def _when(request: web.Request, at: float) -> str:
    return datetime.fromtimestamp(at, request.app[OFFICE_SETTINGS].current.tz).strftime("%d/%m/%Y %H:%M")


async def preview(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None) \
        -> web.StreamResponse:
    conn = request.app[READER]
    staged = imports.pending(conn, int(request.match_info["id"]))
    if staged is None:
        return await render(request, "not_found.html", status=404)
    context: dict[str, Any] = {"staged": staged, "uploaded": _when(request, staged["at"]), "error": error,
                               "result": None,
                               "change_labels": CHANGE_LABELS, "letters": labels.LETTERS}
    if staged["applied_at"] is None:
        plan = svc.import_plan(conn, staged["rows"])
        context.update(plan=plan, counts=plan.counts(),
                       suggested={r.code: catalogue.suggested_letter(r.name) for r in plan.new})
    else:
        context.update(applied=_when(request, staged["applied_at"]), result=staged["result"])
    return await render(request, "catalogue_preview.html", status=status, **context)


async def apply(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    stop_missing = form.get("missing") == "stop"
    try:
        await decide(request, svc.apply_import, int(request.match_info["id"]), stop_missing)
    except DomainError as exc:
        return await preview(request, status=exc.status, error=error_text(exc))
    raise web.HTTPSeeOther(f"/admin/procedures/import/{request.match_info['id']}")


async def export(request: web.Request) -> web.StreamResponse:
    """The whole catalogue, active or not, in the portal's column layout."""
    fmt = request.query.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise web.HTTPBadRequest(text="format: xlsx | csv")
    head, rows = catalogue.export_rows(catalog.procedures(request.app[READER]))
    body = catalogue_file.to_xlsx(head, rows) if fmt == "xlsx" else catalogue_file.to_csv(head, rows)
    name = f"danh-muc-thu-tuc.{fmt}"
    return web.Response(body=body, content_type=catalogue_file.XLSX if fmt == "xlsx" else "text/csv",
                        charset=None if fmt == "xlsx" else "utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/procedures/import", admin_only(upload_page))
    r.add_post("/admin/procedures/import", admin_only(upload))
    r.add_get(r"/admin/procedures/import/{id:\d{1,9}}", admin_only(preview))
    r.add_post(r"/admin/procedures/import/{id:\d{1,9}}", admin_only(apply))
    r.add_get("/admin/procedures/export", admin_only(export))
