"""One translator from errors to answers: JSON `{"error": {"code", "message"}}` for the API,
a plain page for browsers. Messages come from the catalogue, Vietnamese first."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from server.domain.errors import DomainError
from server.keys import WRITER
from server.messages import text
from server.ops import storage_problems as db_problems  # noqa: F401  (db_problems registers the storage sentences: disk_full)
from server.store.integrity import is_disk_full
from server.web import jsonio
from server.web.middleware import API_SECURITY_HEADERS

log = logging.getLogger(__name__)
DISK_FULL_RETRY_S = 60  # a full disk is not freed in seconds: kiosks need not hammer it


def lang_of(request: web.Request) -> str:
    return "en" if request.headers.get("Accept-Language", "").lower().startswith("en") else "vi"


def error_body(code: str, lang: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    params = params or {}
    return {
        "error": {
            "code": code,
            "message": text(code, lang, **params),
            "message_en": text(code, "en", **params),
        }
    }


def error_response(request: web.Request, status: int, code: str, headers: dict[str, str] | None = None,
                   params: dict[str, Any] | None = None) -> web.Response:
    """Message parameters travel as a dict, so a parameter may be called anything (even `status`)."""
    return web.json_response(
        error_body(code, lang_of(request), params), status=status,
        headers={**API_SECURITY_HEADERS, **(headers or {})}, dumps=jsonio.dumps,
    )


def describe_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


_HTTP_CODES = {400: "invalid_input", 401: "auth_required", 403: "forbidden_role", 404: "not_found",
               405: "method_not_allowed", 413: "body_too_large", 429: "rate_limited"}


@web.middleware
async def error_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except DomainError as exc:
        headers = {"Retry-After": str(exc.params["retry_after"])} if "retry_after" in exc.params else None
        return error_response(request, exc.status, exc.code, headers=headers, params=exc.params)
    except ValidationError as exc:
        return error_response(request, 422, "invalid_input", params={"detail": describe_validation(exc)})
    except sqlite3.IntegrityError as exc:
        # The database refused a write that validation let through: the request broke a rule (409), the
        # server did not fail. Logged, because the part should have refused it with its own message.
        # SQLite's words name tables and columns: they go to the log, never to a citizen's screen.
        log.warning("constraint refused %s %s: %s", request.method, request.path, exc)
        return error_response(request, 409, "constraint_failed")
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        code = _HTTP_CODES.get(exc.status, "invalid_input")
        kept = {name: exc.headers[name] for name in ("Allow", "Retry-After") if name in exc.headers}  # 405 needs Allow
        return error_response(request, exc.status, code, headers=kept, params={"detail": exc.reason, "retry_after": 1})
    except Exception as exc:
        if is_disk_full(exc):  # no traceback per request: the writer's health logs one line a minute
            request.app[WRITER].health.disk_full(exc)
            return error_response(request, 503, "disk_full", headers={"Retry-After": str(DISK_FULL_RETRY_S)})
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(request, 500, "internal_error")
