"""Who is asking (token from header, cookie or device link), security headers, CSRF for cookies."""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from server import auth
from server.domain.clock import epoch
from server.domain.errors import DomainError
from server.keys import CLOCK, PRINCIPAL, READER, RECEIVED_AT, SESSIONS
from server.services import catalogue_file, mobile

COOKIE = "motcua_token"
# A paired screen's device token (server/api/pairing.py): HttpOnly, so no script on the screen can read it.
DEVICE_COOKIE = "motcua_device"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_EXEMPT = frozenset({"/api/login", "/admin/login"})

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# A JSON answer of the API is never a document a browser renders: nothing may load from it or frame it.
# Its own smaller set (OWASP's REST cheat sheet), sent with every answer of `api.common.ok`.
API_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
JSON_HEADERS = CIMultiDict({"Content-Type": "application/json; charset=utf-8", **API_SECURITY_HEADERS})


def _token(request: web.Request) -> tuple[str | None, bool]:
    """(token, from_cookie)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    for name in ("device", "token"):
        if name in request.query:
            return request.query[name], False
    cookie = request.cookies.get(COOKIE) or request.cookies.get(DEVICE_COOKIE)
    if cookie:
        return cookie, True
    return None, False


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _csrf_field(request: web.Request) -> str:
    """A server-rendered form sends the token as its `csrf` field (aiohttp caches the parsed form)."""
    if request.content_type not in FORM_TYPES:
        return ""
    value = (await request.post()).get("csrf", "")
    return value if isinstance(value, str) else ""


# Forms that upload a file larger than [server] max_body_kb allows other requests: the portal's procedure
# catalogue and a mobile session's file (their own limits are checked by the pages, with a clear message), plus
# room for the form around them.
UPLOAD_LIMITS: dict[str, int] = {"/admin/procedures/import": catalogue_file.MAX_BYTES + 1024 * 1024,
                                 "/admin/mobile/import": mobile.MAX_BYTES + 1024 * 1024}


@web.middleware
async def auth_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    limit = UPLOAD_LIMITS.get(request.path)
    if limit and request.method == "POST":
        request = request.clone(client_max_size=limit)
    app = request.app  # a property of two steps: read once
    token, from_cookie = _token(request)
    principal = auth.PUBLIC
    now = request[RECEIVED_AT] = epoch(app[CLOCK].now())
    if from_cookie and request.path in CSRF_EXEMPT:
        token = None  # signing in again replaces the cookie; an old one must not stand in the way
    if token:
        found = app[SESSIONS].resolve(app[READER], token, now)
        if found is None and not from_cookie and request.path.startswith("/api/") and request.path != "/api/login":
            raise DomainError("auth_required", status=401)
        if found is not None:
            principal = found
            if from_cookie and request.method in UNSAFE:
                sent = request.headers.get("X-CSRF-Token", "") or await _csrf_field(request)
                if not (sent.isascii() and hmac.compare_digest(sent, auth.csrf_token(token))):
                    raise DomainError("csrf_failed", status=403)
    request[PRINCIPAL] = principal
    return await handler(request)


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Outermost, so error answers and plain 404 pages carry the headers too. An answer that has its
    own Content-Security-Policy (the API's JSON, see API_SECURITY_HEADERS) chose its set already."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        for name, value in SECURITY_HEADERS.items():
            exc.headers.setdefault(name, value)
        raise
    if response.prepared or "Content-Security-Policy" in response.headers:  # sent, or chosen already
        return response
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
