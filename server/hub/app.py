"""`create_hub_app(config)`: the province hub, a separate aiohttp app with its own route table.

Centres authenticate with their key (Bearer); province admins sign in with a password (argon2)
and get a token kept in memory (Bearer for the API, an HttpOnly SameSite=Strict cookie for pages).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from server import auth
from server.config import Config, ConfigError, HubSection
from server.domain.clock import Clock, SystemClock, epoch
from server.domain.errors import DomainError
from server.hub.store import HubStore
from server.web.errors import error_body, lang_of
from server.web.middleware import security_headers

COOKIE = "motcua_hub"


# The `[hub]` section (keys, defaults and checks in server/config.py) is the hub's settings.
HubSettings = HubSection


def hub_settings(config: Config) -> HubSettings:
    """The hub's settings; a config without `[hub]` cannot start a hub."""
    if config.hub is None:
        raise ConfigError("[hub] dsn is required, e.g. dsn = \"postgresql://motcua@localhost/motcua_hub\"")
    return config.hub


class AdminSessions:
    """Signed-in province admins: token hash -> (username, expiry). A hub restart signs everyone out."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._by_hash: dict[str, tuple[str, float]] = {}

    def open(self, username: str, now: float) -> str:
        token = auth.new_token()
        self._by_hash[auth.token_hash(token)] = (username, now + self.ttl_s)
        return token

    def resolve(self, token: str, now: float) -> str | None:
        found = self._by_hash.get(auth.token_hash(token))
        if found is None or found[1] < now:
            return None
        return found[0]

    def close(self, token: str) -> None:
        self._by_hash.pop(auth.token_hash(token), None)


SETTINGS = web.AppKey("hub_settings", HubSettings)
STORE = web.AppKey("hub_store", HubStore)
CLOCK = web.AppKey("hub_clock", Clock)
ADMINS = web.AppKey("hub_admins", AdminSessions)
TZ = web.AppKey("hub_tz", ZoneInfo)


def now_of(app: web.Application) -> float:
    return epoch(app[CLOCK].now())


def today_of(app: web.Application) -> str:
    return app[CLOCK].now().astimezone(app[TZ]).date().isoformat()


def admin_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def require_admin(request: web.Request) -> str:
    token = admin_token(request)
    user = request.app[ADMINS].resolve(token, now_of(request.app)) if token else None
    if user is None:
        raise DomainError("auth_required", status=401)
    return user


@web.middleware
async def hub_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Errors as JSON `{"error": {code, message, message_en, ...params}}`: a centre needs `held` from a gap."""
    try:
        return await handler(request)
    except DomainError as exc:
        if exc.status == 401 and request.path.startswith("/hub") and request.method == "GET":
            raise web.HTTPSeeOther("/hub/login") from exc
        body = error_body(exc.code, lang_of(request), exc.params)
        body["error"].update({k: v for k, v in exc.params.items() if isinstance(v, int | float | str)})
        return web.json_response(body, status=exc.status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def create_hub_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    from server.hub import api, pages

    settings = hub_settings(config)
    app = web.Application(middlewares=[hub_errors, security_headers], client_max_size=64 * 1024 * 1024)
    app[SETTINGS] = settings
    app[CLOCK] = clock or SystemClock()
    app[TZ] = config.tz
    app[ADMINS] = AdminSessions(settings.token_ttl_hours * 3600)

    async def store_ctx(app: web.Application) -> AsyncIterator[None]:
        app[STORE] = await HubStore.open(settings.dsn)
        yield
        await app[STORE].close()

    app.cleanup_ctx.append(store_ctx)
    api.add_routes(app)
    pages.add_routes(app)
    return app
