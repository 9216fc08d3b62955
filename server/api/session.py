"""Sign-in for people (password -> bearer token, also set as a cookie for pages) and who-am-I."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import Field

from server import auth
from server.api.common import ok
from server.api.registry import Api, Body
from server.auth import Principal
from server.domain.clock import epoch
from server.domain.errors import DomainError
from server.keys import CLOCK, CONFIG, READER, SESSIONS, THROTTLE, WRITER
from server.store import accounts
from server.web.client_address import client_address, reached_over_https

api = Api()

COOKIE = "motcua_token"


class LoginBody(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


def set_session_cookie(resp: web.StreamResponse, request: web.Request, token: str, ttl_s: int) -> None:
    """The pages' copy of the token: `Secure` when the browser reached us over HTTPS, so it never travels
    in clear text later (on the LAN over plain HTTP the browser would refuse a `Secure` cookie)."""
    resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict", max_age=ttl_s, path="/",
                    secure=reached_over_https(request))


def clear_session_cookie(resp: web.StreamResponse, request: web.Request) -> None:
    """With the same attributes as it was set (a browser keeps a `Secure` cookie that an insecure answer clears)."""
    resp.del_cookie(COOKIE, path="/", secure=reached_over_https(request), httponly=True, samesite="Strict")


@api.operation("login", "POST", "/api/login", "Sign in with username and password; answers a bearer token",
               tag="session", body=LoginBody,
               response={"type": "object", "required": ["token", "user"], "properties": {"token": {"type": "string"}}})
async def login(request: web.Request, principal: Principal, body: LoginBody) -> web.Response:
    app = request.app
    ip = client_address(request)
    app[THROTTLE].check(ip, body.username)
    now = epoch(app[CLOCK].now())
    ttl = app[CONFIG].server.token_ttl_hours * 3600
    account = accounts.user_by_name(app[READER], body.username)
    try:
        if not await asyncio.get_running_loop().run_in_executor(None, auth.check_password, account, body.password):
            raise DomainError("bad_credentials", status=401)
        assert account is not None
        token, user = await app[WRITER].run(auth.open_session, account, now, ttl)
    except DomainError:
        app[THROTTLE].failed(ip, body.username)
        raise
    app[THROTTLE].succeeded(ip, body.username)
    counter = app[SESSIONS].counter_of.get(user["id"])
    resp = ok({"token": token, "user": user, "counter_id": counter, "csrf": auth.csrf_token(token)})
    set_session_cookie(resp, request, token, ttl)
    return resp


@api.operation("logout", "POST", "/api/logout", "Sign out: the token stops working", tag="session",
               response={"type": "object"})
async def logout(request: web.Request, principal: Principal) -> web.Response:
    if principal.token_hash:
        h = principal.token_hash
        await request.app[WRITER].run(lambda tx: accounts.delete_token(tx, h))
        request.app[SESSIONS].forget(h)
    resp = ok({"signed_out": True})
    clear_session_cookie(resp, request)
    return resp


@api.operation("whoAmI", "GET", "/api/me", "The signed-in person or device", tag="session",
               response={"type": "object", "required": ["role"]})
async def who_am_i(request: web.Request, principal: Principal) -> web.Response:
    counter = request.app[SESSIONS].counter_of.get(principal.user_id) if principal.user_id else None
    return ok({"role": principal.role, "username": principal.username, "display_name": principal.display_name,
               "device_id": principal.device_id, "counter_id": counter or principal.device_counter_id})
