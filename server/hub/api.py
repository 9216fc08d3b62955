"""The hub's API: its own small route table (separate from the office's), from which both the routes
and `/api/openapi.json` are built. Centres push with their key; admins read with their token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from server import __version__, auth
from server.domain.errors import DomainError
from server.hub import queries
from server.hub.app import ADMINS, COOKIE, SETTINGS, STORE, admin_token, now_of, require_admin, today_of
from server.hub.figures import period
from server.hub.protocol import PROTOCOL_VERSION, Batch, parse_batch, validated
from server.web.errors import describe_validation


def ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


@dataclass(frozen=True)
class HubOp:
    op_id: str
    method: str
    path: str
    summary: str
    who: Literal["centre", "admin", "public"]
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None


OPS: list[HubOp] = []


def op(op_id: str, method: str, path: str, summary: str, who: Literal["centre", "admin", "public"], *,
       query: type[BaseModel] | None = None, body: type[BaseModel] | None = None) -> Callable[..., Any]:
    def deco(fn: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
        OPS.append(HubOp(op_id, method, path, summary, who, fn, query, body))
        return fn
    return deco


async def _json(request: web.Request, model: type[BaseModel]) -> Any:
    return validated(model, await request.read())


def _query(request: web.Request, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc


async def centre_of(request: web.Request, code: str) -> Any:
    """The centre this key belongs to; refuses a missing, wrong or revoked key, or another centre's key."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise DomainError("hub_key_required", status=401)
    centre = await request.app[STORE].centre_for_key(header[7:].strip())
    if centre is None:
        raise DomainError("hub_key_invalid", status=401)
    if centre["code"] != code:
        raise DomainError("hub_key_other_centre", status=403, key_centre=centre["code"], centre=code)
    return centre


class StateQuery(BaseModel):
    centre: str = Field(min_length=1)


@op("getSyncState", "GET", "/api/sync/state", "What the hub holds of a centre (resume point)", "centre",
    query=StateQuery)
async def sync_state(request: web.Request) -> web.Response:
    centre = await centre_of(request, _query(request, StateQuery).centre)
    return ok({"held": centre["held_seq"], "catalog_hash": centre["catalog_hash"], "protocol": PROTOCOL_VERSION})


@op("pushBatch", "POST", "/api/sync/batch", "Store a batch of a centre's events in one transaction", "centre",
    body=Batch)
async def push_batch(request: web.Request) -> web.Response:
    batch = parse_batch(await request.read())
    centre = await centre_of(request, batch.centre)
    answer = await request.app[STORE].ingest(centre["id"], batch, now_of(request.app))
    return ok(answer)


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@op("login", "POST", "/api/login", "Province admin sign-in", "public", body=Login)
async def login(request: web.Request) -> web.Response:
    body: Login = await _json(request, Login)
    token = await sign_in(request, body.username, body.password)
    resp = ok({"token": token, "username": body.username})
    set_cookie(resp, token, request.app[SETTINGS].token_ttl_hours)
    return resp


async def sign_in(request: web.Request, username: str, password: str) -> str:
    stored = await request.app[STORE].admin_hash(username)
    if not await asyncio.to_thread(auth.check_hash, stored, password):  # centres' pushes go on meanwhile
        raise DomainError("bad_credentials", status=401)
    return request.app[ADMINS].open(username, now_of(request.app))


def set_cookie(resp: web.StreamResponse, token: str, ttl_hours: int) -> None:
    resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict", max_age=ttl_hours * 3600, path="/")


@op("logout", "POST", "/api/logout", "Sign out", "admin")
async def logout(request: web.Request) -> web.Response:
    require_admin(request)
    request.app[ADMINS].close(admin_token(request) or "")
    resp = ok({"signed_out": True})
    resp.del_cookie(COOKIE, path="/")
    return resp


@op("listCentres", "GET", "/api/centres", "Every centre with today's figures, last-seen time and sync lag", "admin")
async def list_centres(request: web.Request) -> web.Response:
    require_admin(request)
    return ok({"today": today_of(request.app), "centres": await dashboard_rows(request.app)})


async def dashboard_rows(app: web.Application) -> list[dict[str, Any]]:
    store = app[STORE]
    st = app[SETTINGS]
    return await queries.dashboard(store.pool, await store.centres(), today_of(app), now_of(app),
                                   st.silent_after_min * 60, st.wait_target_min)


def centre_dashboard_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The province totals above the table: centres, silent ones, waiting now, served today."""
    return {"centres": len(rows), "silent": sum(1 for r in rows if r["silent"] and not r["revoked"]),
            "waiting": sum(r["waiting"] for r in rows), "served_today": sum(r["served_today"] for r in rows)}


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    month: str | None = Field(None, description="YYYY-MM")
    from_: str | None = Field(None, alias="from", description="YYYY-MM-DD")
    to: str | None = Field(None, description="YYYY-MM-DD")
    group_by: Literal["centre", "field", "procedure", "day", "month", "all"] = "centre"
    centre: str | None = None


@op("getProvinceReport", "GET", "/api/report", "The province's figures for a period, by centre/field/procedure",
    "admin", query=ReportQuery)
async def province_report(request: web.Request) -> web.Response:
    require_admin(request)
    q: ReportQuery = _query(request, ReportQuery)
    day_from, day_to = period(q.month, q.from_, q.to)
    centre_id = None
    if q.centre:
        found = [c for c in await request.app[STORE].centres() if c["code"] == q.centre]
        if not found:
            raise DomainError("hub_centre_unknown", status=404, centre=q.centre)
        centre_id = found[0]["id"]
    rows = await queries.report(request.app[STORE].pool, day_from, day_to, q.group_by,
                                request.app[SETTINGS].wait_target_min, centre_id)
    return ok({"from": day_from, "to": day_to, "group_by": q.group_by, "rows": rows})


@op("getCentre", "GET", "/api/centres/{code}", "One centre: status, today, this month by day/field/procedure",
    "admin")
async def get_centre(request: web.Request) -> web.Response:
    require_admin(request)
    return ok(await centre_detail(request.app, request.match_info["code"], request.query.get("month")))


async def centre_detail(app: web.Application, code: str, month: str | None) -> dict[str, Any]:
    today = today_of(app)
    span = period(month or today[:7])
    st = app[SETTINGS]
    return await queries.centre_detail(app[STORE].pool, code, today, span, now_of(app), st.silent_after_min * 60,
                                       st.wait_target_min)


async def openapi(request: web.Request) -> web.Response:
    return ok(openapi_document())


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for o in OPS:
        entry: dict[str, Any] = {"operationId": o.op_id, "summary": o.summary, "tags": ["hub"], "x-auth": o.who,
                                 "responses": {"200": {"description": "OK"}, "401": {"description": "Sign-in/key"},
                                               "403": {"description": "Not allowed"},
                                               "409": {"description": "Sequence gap"},
                                               "422": {"description": "Invalid"}}}
        if o.who != "public":
            entry["security"] = [{"bearer": []}]
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in ("code",) if "{code}" in o.path]
        if o.query is not None:
            qs = o.query.model_json_schema(by_alias=True)
            params += [{"name": n, "in": "query", "required": n in qs.get("required", []), "schema": s}
                       for n, s in qs.get("properties", {}).items()]
        entry["parameters"] = params
        if o.body is not None:
            schema = o.body.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[o.body.__name__] = schema
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{o.body.__name__}"}}}}
        paths.setdefault(o.path, {})[o.method.lower()] = entry
    return {"openapi": "3.1.0", "info": {"title": "motcua hub", "version": __version__}, "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}


def add_routes(app: web.Application) -> None:
    for o in OPS:
        app.router.add_route(o.method, o.path, o.handler, name=o.op_id)
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/healthz", health)


async def health(request: web.Request) -> web.Response:
    return ok({"status": "ok"})
