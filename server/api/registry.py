"""The route table as data: each API operation is declared once, with its operationId,
method, path, roles (from `auth.PERMISSIONS`), body and query models. The aiohttp
routes and the OpenAPI document are both built from this table, so they cannot drift."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .. import auth
from ..domain.errors import DomainError
from ..keys import PRINCIPAL
from .errors import describe_validation

Handler = Callable[..., Awaitable[web.StreamResponse]]


SQLITE_INT = range(-(2**63), 2**63)


def _too_large(value: Any) -> bool:
    """An integer SQLite cannot hold, anywhere in a value (lists of ids, nested tables)."""
    if type(value) is int:
        return value not in SQLITE_INT
    if isinstance(value, list | tuple | set | frozenset):
        return any(_too_large(v) for v in value)
    if isinstance(value, dict):
        return any(_too_large(v) for v in value.values())
    if isinstance(value, BaseModel):
        return any(_too_large(v) for v in value.__dict__.values())
    return False


class _Input(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _fits_a_database_integer(cls, value: Any) -> Any:
        """An id of 25 digits is refused here with a 422, not by SQLite with an OverflowError (a 500)."""
        if _too_large(value):
            raise ValueError("number too large")
        return value


class Body(_Input):
    """Base of every request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Query(_Input):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


@dataclass(frozen=True)
class Operation:
    op_id: str
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: dict[str, Any]
    success: int
    media: tuple[str, ...] = ("application/json",)


OPERATIONS: list[Operation] = []


def operation(
    op_id: str, method: str, path: str, summary: str, *, tag: str, body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None, response: dict[str, Any] | None = None, success: int = 200,
    roles: frozenset[str] | None = None, media: tuple[str, ...] = ("application/json",),
) -> Callable[[Handler], Handler]:
    """Declare an operation. Parts outside the spine pass `roles`; they join `auth.PERMISSIONS`."""
    if roles is not None:
        unknown = set(roles) - set(auth.ROLES)
        if unknown:
            raise KeyError(f"{op_id}: unknown roles {unknown}")
        auth.PERMISSIONS.setdefault(op_id, frozenset(roles))
    if op_id not in auth.PERMISSIONS:
        raise KeyError(f"{op_id} needs roles= or an entry in auth.PERMISSIONS")

    def deco(fn: Handler) -> Handler:
        OPERATIONS.append(
            Operation(op_id, method, path, fn, summary, tag, body, query, response or {"type": "object"}, success,
                      media)
        )
        return fn

    return deco


def principal_of(request: web.Request) -> auth.Principal:
    return request.get(PRINCIPAL, auth.PUBLIC)


async def _parse_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    raw = await request.read()
    try:  # pydantic parses and checks in one pass (in Rust): a ticket's body costs a few microseconds
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        kinds = {(err["type"], tuple(err.get("loc", ()))) for err in exc.errors()}
        if any(kind == "json_invalid" for kind, _ in kinds):
            raise DomainError("bad_json", status=400) from exc
        if ("model_type", ()) in kinds:
            raise DomainError("invalid_input", status=422, detail="body must be a JSON object") from exc
        raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc


def _wrap(op: Operation) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = principal_of(request)
        auth.require(principal, op.op_id)
        kwargs: dict[str, Any] = {}
        if op.body is not None:
            kwargs["body"] = await _parse_body(request, op.body)
        if op.query is not None:
            try:
                kwargs["query"] = op.query.model_validate(dict(request.query))
            except ValidationError as exc:
                raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc
        for name, value in request.match_info.items():
            kwargs[name] = value
        return await op.handler(request, principal, **kwargs)

    handle.__name__ = op.op_id
    return handle


def add_routes(app: web.Application) -> None:
    for op in OPERATIONS:
        app.router.add_route(op.method, op.path, _wrap(op), name=op.op_id)


PATH_PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "message_en": {"type": "string"}},
        }
    },
}
ERROR_STATUSES = {"400": "Malformed request", "401": "Sign-in required", "403": "Not allowed",
                  "404": "Not found", "409": "Refused by the queue rules", "413": "Body too large",
                  "422": "Invalid input", "429": "Too many requests"}


def _int_param(op: Operation, name: str) -> bool:
    return name.endswith("_id") and name not in ("ticket_id",) and "token" not in name


def openapi_document(title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for op in OPERATIONS:
        path = PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", op.path)
        params: list[dict[str, Any]] = []
        for name in PATH_PARAM.findall(op.path):
            schema = {"type": "integer", "minimum": 1} if _int_param(op, name) else {"type": "string"}
            params.append({"name": name, "in": "path", "required": True, "schema": schema})
        if op.query is not None:
            qs = op.query.model_json_schema()
            required = set(qs.get("required", []))
            for name, schema in qs.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": name in required, "schema": schema})
        responses: dict[str, Any] = {
            str(op.success): {"description": "OK", "content": {
                m: {"schema": op.response if m == "application/json" else {}} for m in op.media}}
        }
        for code, desc in ERROR_STATUSES.items():
            responses[code] = {"description": desc,
                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        entry: dict[str, Any] = {
            "operationId": op.op_id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": responses,
            "x-roles": sorted(auth.PERMISSIONS[op.op_id]),
        }
        if "public" not in auth.PERMISSIONS[op.op_id]:
            entry["security"] = [{"bearer": []}]
        if op.body is not None:
            schema = op.body.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                schemas[name] = sub
            schemas[op.body.__name__] = schema
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}},
            }
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
