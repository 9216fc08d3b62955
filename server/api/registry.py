"""The route table as data: each API operation is declared once, with its operationId,
method, path, roles (from `auth.PERMISSIONS`), body and query models. The aiohttp
routes and the OpenAPI document are both built from this table, so they cannot drift."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from server import auth
from server.domain.errors import DomainError
from server.keys import PRINCIPAL
from server.web.errors import describe_validation

Handler = Callable[..., Awaitable[web.StreamResponse]]


SQLITE_INT = range(-(2**63), 2**63)
# A path id: what the route's `\d+` matches, within what SQLite holds. The document says the same (below).
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGITS = re.compile(r"[+-]?\d+")


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


def _checked(model: type[BaseModel], text: bool) -> dict[str, Any]:
    """The fields whose writing `miswritten` checks, by the name they arrive under: "date", "int" (in a query,
    whose values are `text`), or a nested model holding such fields (a list of rows). Worked out once a model."""
    found = _CHECKED.get((model, text))
    if found is None:
        found = _CHECKED[(model, text)] = {f.alias or name: k for name, f in model.model_fields.items()
                                           if (k := _kind(f.annotation, text)) is not None}
    return found


_CHECKED: dict[tuple[type[BaseModel], bool], dict[str, Any]] = {}


def _kind(annotation: Any, text: bool) -> Any:
    """"date", "int", a model, or None for a field's type (`int | None`, `list[date]`, `Annotated[...]`)."""
    if annotation is int:
        return "int" if text else None
    if annotation is date:  # (not datetime: a subclass, written with its time)
        return "date"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation if _checked(annotation, text) else None
    kinds = {_kind(arg, text) for arg in get_args(annotation)} - {None}
    return kinds.pop() if len(kinds) == 1 else None


def miswritten(model: type[BaseModel], data: Any, text: bool) -> str | None:
    """What pydantic would read but the document does not allow, said as a 422 detail, else None. A date is
    written YYYY-MM-DD (pydantic also reads "0" as 1970-01-01, a Unix time); a query's integer is digits
    (pydantic also reads "10.0"). A body's integers are kept to JSON integers by strict mode (`true`, `10.0`)."""
    if not isinstance(data, Mapping):
        return None  # not an object: pydantic says so
    for key, kind in _checked(model, text).items():
        value = data.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(kind, type):
                problem = miswritten(kind, item, text)
                if problem:
                    return f"{key}.{problem}"
            elif isinstance(item, str) and not (ISO_DATE if kind == "date" else DIGITS).fullmatch(item.strip()):
                what = "a date YYYY-MM-DD" if kind == "date" else "a whole number"
                return f"{key}: {what} expected, got {item[:40]!r}"
    return None


class _Input(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _fits_a_database_integer(cls, value: Any) -> Any:
        """An id of 25 digits is refused here with a 422, not by SQLite with an OverflowError (a 500)."""
        if _too_large(value):
            raise ValueError("number too large")
        return value


class Body(_Input):
    """Base of every request body: unknown fields are refused, not ignored. Strict: JSON's types are the
    document's (`true` or `10.0` is no integer, `"1"` no number; dates are text in JSON, as documented)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class Query(_Input):
    """Base of every query: values arrive as text, so integers and dates are checked as written."""

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
    path_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()


OPERATIONS = web.AppKey("operations", list[Operation])
"""Every operation of the app, as `create_app` added them (the OpenAPI document and the admin forms read it)."""


def operation_of(app: web.Application, op_id: str) -> Operation:
    return next(op for op in app[OPERATIONS] if op.op_id == op_id)


class Api:
    """One module's API operations: declared with `@api.operation(...)`, added to the app by `create_app`."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def operation(
        self, op_id: str, method: str, path: str, summary: str, *, tag: str, body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None, response: dict[str, Any] | None = None, success: int = 200,
        roles: frozenset[str] | None = None, media: tuple[str, ...] = ("application/json",),
        path_schemas: dict[str, dict[str, Any]] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declare an operation. Who may call it: `roles`, else its row in `auth.PERMISSIONS` (the spine's
        table). `media`: every content type a success may have (a file export's). `path_schemas`: a path
        parameter's document when its route pattern says too little (the handler's check must agree;
        tests/server/api/test_input_checks.py compares)."""
        allowed = frozenset(roles) if roles is not None else auth.PERMISSIONS.get(op_id)
        if allowed is None:
            raise KeyError(f"{op_id} needs roles= or an entry in auth.PERMISSIONS")
        unknown = allowed - set(auth.ROLES)
        if unknown:
            raise KeyError(f"{op_id}: unknown roles {unknown}")

        def deco(fn: Handler) -> Handler:
            self.operations.append(
                Operation(op_id, method, path, fn, summary, tag, body, query, response or {"type": "object"},
                          success, media, path_schemas or {}, roles=allowed)
            )
            return fn

        return deco

    def find(self, op_id: str) -> Operation:
        return next(op for op in self.operations if op.op_id == op_id)


def principal_of(request: web.Request) -> auth.Principal:
    return request.get(PRINCIPAL, auth.PUBLIC)


async def _parse_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    raw = await request.read()
    try:  # pydantic parses and checks in one pass
        body = model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        kinds = {(err["type"], tuple(err.get("loc", ()))) for err in exc.errors()}
        if any(kind == "json_invalid" for kind, _ in kinds):
            raise DomainError("bad_json", status=400) from exc
        if ("model_type", ()) in kinds:
            raise DomainError("invalid_input", status=422, detail="body must be a JSON object") from exc
        raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc
    if _checked(model, False):  # a body with dates (not a ticket's): read again for how they were written
        try:
            data = orjson.loads(raw or b"{}")
        except orjson.JSONDecodeError as exc:  # what pydantic reads and orjson does not (NaN)
            raise DomainError("bad_json", status=400) from exc
        refuse_miswritten(model, data, text=False)
    return body


def refuse_miswritten(model: type[BaseModel], data: Any, text: bool) -> None:
    problem = miswritten(model, data, text)
    if problem:
        raise DomainError("invalid_input", status=422, detail=problem)


def _wrap(op: Operation) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = principal_of(request)
        auth.require(principal, op.roles)
        kwargs: dict[str, Any] = {}
        if op.body is not None:
            kwargs["body"] = await _parse_body(request, op.body)
        if op.query is not None:
            refuse_miswritten(op.query, request.query, text=True)
            try:
                kwargs["query"] = op.query.model_validate(dict(request.query))
            except ValidationError as exc:
                raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc
        for name, value in request.match_info.items():
            kwargs[name] = path_value(op, name, value)
        return await op.handler(request, principal, **kwargs)

    handle.__name__ = op.op_id
    return handle


def add_routes(app: web.Application, operations: Sequence[Operation]) -> None:
    app[OPERATIONS] = list(operations)
    for op in operations:
        app.router.add_route(op.method, op.path, _wrap(op), name=op.op_id)


PATH_PARAM = re.compile(r"\{(\w+)(?::([^}]*))?\}")
INT_ROUTE = r"\d+"


def _path_schema(op: Operation, name: str) -> dict[str, Any]:
    """A path parameter's document, from its route pattern: `\\d+` is an id (converted by `_path_value`)."""
    if name in op.path_schemas:
        return op.path_schemas[name]
    pattern = dict(PATH_PARAM.findall(op.path)).get(name, "")
    if pattern == INT_ROUTE:
        return ID_SCHEMA
    if name == "day":
        return {"type": "string", "format": "date", "pattern": f"^{ISO_DATE.pattern}$"}
    return {"type": "string", "pattern": f"^(?:{pattern})$"} if pattern else {"type": "string"}


def path_value(op: Operation, name: str, value: str) -> Any:
    """An id route hands its handler an int inside `ID_SCHEMA`'s range (2**63 would be a 500 at SQLite); a `day`
    is a date written YYYY-MM-DD. Other parameters are text, checked by the handler."""
    schema = _path_schema(op, name)
    if schema is ID_SCHEMA:
        number = int(value) if value.isascii() and value.isdigit() else 0  # (an admin page's link passes text)
        if not schema["minimum"] <= number <= schema["maximum"]:
            raise DomainError("invalid_input", status=422,
                              detail=f"{name}: a whole number from 1 to {schema['maximum']} expected")
        return number
    if name == "day" and not ISO_DATE.fullmatch(value):
        raise DomainError("invalid_input", status=422, detail=f"{name}: a date YYYY-MM-DD expected")
    return value
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


def openapi_document(title: str, version: str, operations: Sequence[Operation]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for op in operations:
        path = PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", op.path)
        params: list[dict[str, Any]] = []
        for name, _ in PATH_PARAM.findall(op.path):
            params.append({"name": name, "in": "path", "required": True, "schema": _path_schema(op, name)})
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
            "x-roles": sorted(op.roles),
        }
        if "public" not in op.roles:
            entry["security"] = [{"bearer": []}]
        if op.body is not None:
            schema = op.body.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                schemas[name] = sub
            schemas[op.body.__name__] = schema
            entry["requestBody"] = {  # a body whose every field has a default may be left out: {} is read
                "required": bool(schema.get("required")),
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}},
            }
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
