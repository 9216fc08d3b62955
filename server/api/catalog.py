"""Read-only catalogue: office, fields, procedures, priority groups (public: kiosks need them)."""

from __future__ import annotations

from aiohttp import web

from server.api.common import ok
from server.api.registry import Api
from server.auth import Principal
from server.keys import OFFICE_SETTINGS, READER
from server.store import catalog

api = Api()


@api.operation("getOffice", "GET", "/api/office", "The office's name and settings shown to the public", tag="catalogue",
               response={"type": "object", "required": ["name", "timezone"]})
async def get_office(request: web.Request, principal: Principal) -> web.Response:
    cfg = request.app[OFFICE_SETTINGS].current
    row = catalog.office(request.app[READER]) or {}
    return ok({"code": row.get("code", cfg.office.code), "name": row.get("name", cfg.office.name),
               "address": row.get("address", ""), "hotline": cfg.office.hotline, "timezone": cfg.office.timezone})


@api.operation("listFields", "GET", "/api/fields", "Fields (lĩnh vực) in kiosk order", tag="catalogue",
               response={"type": "object", "required": ["fields"]})
async def list_fields(request: web.Request, principal: Principal) -> web.Response:
    return ok({"fields": catalog.fields(request.app[READER])})


@api.operation("listProcedures", "GET", "/api/procedures", "Active procedures with their field and step targets",
               tag="catalogue", response={"type": "object", "required": ["procedures"]})
async def list_procedures(request: web.Request, principal: Principal) -> web.Response:
    rows = catalog.procedures(request.app[READER], only_active=True)
    if principal.role in ("kiosk", "public"):
        rows = [r for r in rows if r["kiosk_visible"]]
    return ok({"procedures": rows})


@api.operation("listPriorityCategories", "GET", "/api/priority-categories", "Priority groups (ưu tiên)",
               tag="catalogue", response={"type": "object", "required": ["categories"]})
async def list_priority(request: web.Request, principal: Principal) -> web.Response:
    return ok({"categories": catalog.priority_categories(request.app[READER])})
