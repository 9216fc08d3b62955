"""The admin pages of the catalogue (office, number series, fields, procedures, counters, priority groups):
one list page and one edit page per table, described by `services/admin.py`'s ENTITIES."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from server.domain import catalogue
from server.domain.errors import DomainError
from server.keys import READER
from server.messages import labels
from server.pages.admin.site import Handler, admin_only, choice_sets, choices, decide, error_text, render
from server.services import admin as svc
from server.store import admin as store
from server.store import catalog


def _key(entity: svc.Entity, request: web.Request) -> Any:
    raw = request.match_info["key"]
    return raw if entity.key_is_column else int(raw)


async def _entity_page(request: web.Request, entity: svc.Entity, key: Any, *, status: int = 200,
                       values: dict[str, Any] | None = None, error: dict[str, str] | None = None,
                       extra: dict[str, Any] | None = None) -> web.Response:
    conn = request.app[READER]
    context: dict[str, Any] = {"entity": entity, "choices": choices(request), "error": error, "key": key}
    if key is None:
        context["rows"] = store.rows(conn, entity.table)
        context["values"] = values if values is not None else {"active": 1, "kiosk_visible": 1}
        return await render(request, "entity_list.html", status=status, **context)
    row = store.row(conn, entity.table, key)
    if row is None:
        return await render(request, "not_found.html", status=404)
    context["values"] = values if values is not None else row
    if entity.slug == "procedures":
        context["details"] = details_view(extra if extra is not None else catalog.procedure(conn, key) or {})
    if entity.slug == "counters":
        counter = catalog.counter(conn, key) or {}
        served = extra or {"field_ids": counter.get("field_ids", []), "procedure_ids": counter.get("procedure_ids", [])}
        context.update(served=served, fields=catalog.fields(conn), procedures=catalog.procedures(conn))
    return await render(request, "entity_edit.html", status=status, **context)


def details_view(source: dict[str, Any]) -> dict[str, Any]:
    """The procedure page's details form, from the stored procedure or from a refused submission."""
    if "step_order" in source:
        return source
    targets = {s["step"]: s["target_min"] for s in source.get("steps", [])}
    return {"step_order": [(step, *labels.STEPS[step], step in targets, targets.get(step, ""))
                           for step in catalogue.STEP_ORDER],
            "letter": source.get("letter") or "", "letters": list(labels.LETTERS.items()),
            "documents": "\n".join(source.get("documents", [])), "fee": source.get("fee", ""),
            "legal_time": source.get("legal_time", "")}


def _details_echo(form: dict[str, str]) -> dict[str, Any]:
    """A refused submission's details, shown again as typed."""
    steps = [{"step": s, "target_min": form.get(f"target_{s}", "")} for s in catalogue.STEP_ORDER
             if form.get(f"step_{s}")]
    return details_view({"steps": steps, "letter": form.get("letter", ""),
                         "documents": (form.get("documents") or "").splitlines(), "fee": form.get("fee", ""),
                         "legal_time": form.get("legal_time", "")})


def _ids(form: MultiDictProxy[Any], name: str, allowed: set[int]) -> list[int]:
    return sorted({int(v) for v in form.getall(name, []) if isinstance(v, str) and v.isdigit()} & allowed)


def entity_handlers(entity: svc.Entity) -> tuple[Handler, Handler, Handler]:
    async def list_page(request: web.Request) -> web.StreamResponse:
        if entity.slug == "office":
            return await _entity_page(request, entity, 1)
        return await _entity_page(request, entity, None)

    async def edit_page(request: web.Request) -> web.StreamResponse:
        return await _entity_page(request, entity, _key(entity, request))

    async def save(request: web.Request) -> web.StreamResponse:
        key = 1 if entity.slug == "office" else (_key(entity, request) if "key" in request.match_info else None)
        raw = await request.post()
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
        if key is not None and entity.key_is_column:
            form[entity.key] = str(key)  # a code other rows refer to is not renamed here
        extra = None
        try:
            values = svc.parse(entity.cols, form, choice_sets(request))
            if entity.slug == "counters":
                conn = request.app[READER]
                extra = {"field_ids": _ids(raw, "field_ids", {f["id"] for f in catalog.fields(conn)}),
                         "procedure_ids": _ids(raw, "procedure_ids", {p["id"] for p in catalog.procedures(conn)})}
                await decide(request, svc.save_counter, key, values, extra["field_ids"], extra["procedure_ids"])
            elif entity.slug == "procedures":
                extra = _details_echo(form)
                details = svc.parse_details(form) if key is not None else svc.parse_details({})
                key = await decide(request, svc.save_procedure, key, values, details)
                raise web.HTTPSeeOther(f"/admin/procedures/{key}?saved=1")
            else:
                await decide(request, svc.save_row, entity.slug, key, values)
        except DomainError as exc:
            return await _entity_page(request, entity, key, status=exc.status, values=form, error=error_text(exc),
                                      extra=extra)
        raise web.HTTPSeeOther(f"/admin/{entity.slug}?saved=1")

    return list_page, edit_page, save


def setup(app: web.Application) -> None:
    r = app.router
    for entity in svc.ENTITIES.values():
        list_page, edit_page, save = entity_handlers(entity)
        key = r"{key:[A-Za-z0-9._-]{1,40}}" if entity.key_is_column else r"{key:\d{1,9}}"
        r.add_get(f"/admin/{entity.slug}", admin_only(list_page))
        r.add_post(f"/admin/{entity.slug}", admin_only(save))
        if entity.slug != "office":
            r.add_get(f"/admin/{entity.slug}/{key}", admin_only(edit_page))
            r.add_post(f"/admin/{entity.slug}/{key}", admin_only(save))
